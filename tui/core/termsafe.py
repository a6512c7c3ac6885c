"""Text for a terminal: data's control characters shown as escapes, never written raw.

Used by every command that prints (``tui.cli.main.say``). Human output shows each
C0 control (but newline and tab, which are structure), DEL, each C1 control,
each bidi control and the line/paragraph separators as a visible escape
(``\\x1b``, ``\\u202e``); JSON output escapes the same characters as
``\\uXXXX`` (``json.dumps(ensure_ascii=False)`` leaves C1 and bidi raw), so it
still parses to the exact data.
"""

from __future__ import annotations

import json
import re
from typing import Any

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
#: Every character a terminal may act on; newline and tab are kept by :func:`escape` unless asked.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f" + _BIDI + "]")


def _visible(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str, *, keep: str = "\n\t") -> str:
    """Return ``text`` with every control character written as a visible escape.

    Args:
        text: anything that may hold data.
        keep: control characters left as they are (newline and tab: the output's structure).

    Returns:
        The text with nothing a terminal would act on (but ``keep``).
    """
    return CONTROLS.sub(lambda m: m.group() if m.group() in keep else _visible(m), text)


def escape_json(text: str) -> str:
    """Escape the controls json.dumps(ensure_ascii=False) leaves raw (C1, bidi) as ``\\uXXXX``.

    Args:
        text: JSON text (its C0 controls are already escaped by json.dumps).

    Returns:
        The same JSON value, with no raw control character.
    """
    return CONTROLS.sub(lambda m: m.group() if m.group() in "\n" else f"\\u{ord(m.group()):04x}", text)


def dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` whose output holds no raw control, C1 or bidi character.

    Args:
        obj: the value.
        **kwargs: passed to ``json.dumps`` (``ensure_ascii`` defaults to False).

    Returns:
        JSON text.
    """
    kwargs.setdefault("ensure_ascii", False)
    return escape_json(json.dumps(obj, **kwargs))
