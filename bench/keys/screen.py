"""What the analyst reads on the screen: the patterns of the status line, the review and the prompts."""

from __future__ import annotations

import re

_CURSOR = re.compile(r" @(\d+) │")
_SEL = re.compile(r"│ sel (\d+) “")
_REVIEW = re.compile(r"REVIEW (\d+)/(\d+)")
_ROLE = re.compile(r"event · role (\d+)/(\d+) ▸ (\S+)")
_CAND = re.compile(r"candidate: “(.*?)”(?: (\S+))?(?:\s+(\d+)/(\d+))?")
_SELECTED = re.compile(r"│ (\S+) “(.*?)” │")
#: The status line's selected event (the review's current item when it is an event).
_SELECTED_EVENT = re.compile(r"│ (\S+) event “(.*?)” │")
#: The role prompt's line of open roles: ``roles: [a] Attacker · [c] Target · Place``.
_LETTERS = re.compile(r"\[([a-z])\] ([^\s·]+)")
