"""The .ann line vocabulary both directions share: ids, line breaks, rendering one line, the conf check."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tui.core.model import (
    KINDS,
    Argument,
    DocAnnotations,
    Event,
)
from tui.core.text.offsets import span_text

#: Every character ``str.splitlines`` breaks a line on (brat's reader uses it).
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")

#: Id prefix of each kind's lines.
PREFIX = {
    "spans": "T",
    "events": "E",
    "relations": "R",
    "equivalences": "*",
    "attributes": "A",
    "normalizations": "N",
    "notes": "#",
}
_KIND_OF_PREFIX = {"T": "spans", "E": "events", "R": "relations", "A": "attributes",
                   "M": "attributes", "N": "normalizations", "#": "notes", "*": "equivalences"}
# At most 18 digits: an offset or id number always fits a 64-bit integer, and int()
# never meets a 5,000-digit string (which Python refuses with a ValueError).
_ID_RE = re.compile(r"(?:[TERAMN]|#[A-Za-z]*)(\d{1,18})")
_FRAG_RE = re.compile(r"\s*(\d{1,18})\s+(\d{1,18})\s*")
_T_SIMPLE = re.compile(r"([^ ]+) (\d{1,18}) (\d{1,18})")
_NORM_RE = re.compile(r"(\S+) (\S+) ([^\s:]+):(\S+)\s*")
#: Problems from :func:`tui.core.schema.validate` that make a line break the conf.
_BREAKING = {
    "unknown-type", "bad-trigger", "unknown-role", "wrong-filler-type",
    "unknown-attribute", "bad-attribute-value", "bad-attribute-target",
}
MAX_NOTES = 20


def _show(text: str, limit: int = 60) -> str:
    """Quote text for a one-line message: control characters escaped, long text cut."""
    out = []
    for ch in text[:limit]:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    more = "..." if len(text) > limit else ""
    return "'" + "".join(out) + more + "'"


_TRAILING_NUM = re.compile(r"(\d+)$")
_WS = re.compile(r"\s+")
_VALID_SID = {kind: re.compile(re.escape(pre) + r"\d+") for kind, pre in PREFIX.items()}
_VALID_SID["attributes"] = re.compile(r"A\d+")
_VALID_SID["notes"] = re.compile(r"#[A-Za-z]*\d+")
_M_SID = re.compile(r"M\d+")
_BREAK_RE = re.compile("[" + "".join(sorted(LINE_BREAKS)) + "]")


def _num(sid: str) -> int:
    m = _TRAILING_NUM.search(sid)
    return int(m.group(1)) if m else 0



def brat_fragments(text: str, fragments: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fragments cut around every line break, so each piece stays on one .ann line.

    Args:
        text: the document text.
        fragments: the span's fragments.

    Returns:
        The pieces, in order; empty pieces are dropped (an empty fragment
        given as such is kept).
    """
    out: list[tuple[int, int]] = []
    for start, end in fragments:
        if start == end or _BREAK_RE.search(text, start, end) is None:
            out.append((start, end))  # empty, or no line break inside: kept whole
            continue
        piece = start
        for i in range(start, end):
            if text[i] in LINE_BREAKS:
                if i > piece:
                    out.append((piece, i))
                piece = i + 1
        if end > piece:
            out.append((piece, end))
    return out


class _Writer:
    """Renders annotations as brat lines, making names safe and counting what changes."""

    def __init__(self, report: Any | None) -> None:
        self.report = report
        self.split_spans = 0
        self.triggers: set[str] = set()
        """Ids of event triggers: their type is written as the event's is (no ':')."""

    def _lose(self, kind: str, example: str) -> None:
        if self.report is not None:
            self.report.add(kind, example)

    def token(self, value: str, what: str, colon_ok: bool = True) -> str:
        """A name brat can parse: no whitespace (and no ':' where it separates)."""
        if value and (colon_ok or ":" not in value) and _WS.search(value) is None:
            return value  # the usual case, nothing to change
        safe = _WS.sub("_", value)
        if not colon_ok:
            safe = safe.replace(":", "_")
        safe = safe or "_"
        if safe != value:
            self._lose("renamed", f"{what} {_show(value)} written as {_show(safe)}")
        return safe

    def one_line(self, value: str, what: str, tab_ok: bool = True) -> str:
        """Text that stays on one line: each line break becomes a space."""
        if _BREAK_RE.search(value) is None and (tab_ok or "\t" not in value):
            return value  # the usual case, nothing to change
        safe = "".join(" " if ch in LINE_BREAKS or (ch == "\t" and not tab_ok) else ch for ch in value)
        if safe != value:
            self._lose("changed text", f"{what} {_show(value)}: line breaks written as spaces")
        return safe

    def render(self, kind: str, ann: Any, sid: str, sid_of: dict[str, str], text: str) -> str | None:
        if kind == "spans":
            f = ann.fragments
            if len(f) == 1 and f[0].__class__ is tuple:
                s, e = f[0]
                if s == e or _BREAK_RE.search(text, s, e) is None:
                    # one fragment on one line (the usual span): what the general case below writes
                    label = self.token(ann.label, "span type", colon_ok=ann.id not in self.triggers)
                    return f"{sid}\t{label} {s} {e}\t{text[s:e]}"
            frags = brat_fragments(text, ann.fragments)
            if not frags:
                self._lose("spans", f"{sid} {_show(ann.text)}: covers only line breaks")
                return None
            if frags != list(ann.fragments):
                self.split_spans += 1
            offsets = ";".join(f"{s} {e}" for s, e in frags)
            label = self.token(ann.label, "span type", colon_ok=ann.id not in self.triggers)
            return f"{sid}\t{label} {offsets}\t{span_text(text, frags)}"
        if kind == "events":
            args = "".join(
                f" {self.token(a.role, 'role', colon_ok=False)}:{sid_of[a.target]}" for a in ann.arguments
            )
            return f"{sid}\t{self.token(ann.type, 'event type', colon_ok=False)}:{sid_of[ann.trigger]}{args}"
        if kind == "relations":
            a1, a2 = ann.arguments
            r1 = self.token(a1.role, "role", colon_ok=False)
            r2 = self.token(a2.role, "role", colon_ok=False)
            if r1 == r2:
                self._lose("renamed", f"{sid}: both roles {_show(r1)}: second written as {_show(r2 + '2')}")
                r2 += "2"
            return f"{sid}\t{self.token(ann.type, 'relation type')} {r1}:{sid_of[a1.target]} {r2}:{sid_of[a2.target]}"
        if kind == "equivalences":
            members = " ".join(sid_of[m] for m in ann.members)
            return f"*\t{self.token(ann.type, 'equivalence type')} {members}"
        if kind == "attributes":
            name = self.token(ann.name, "attribute")
            if ann.value is None:
                return f"{sid}\t{name} {sid_of[ann.target]}"
            value = self.one_line(ann.value, f"{sid} value", tab_ok=False)
            return f"{sid}\t{name} {sid_of[ann.target]} {value or '_'}"
        if kind == "normalizations":
            resource = self.token(ann.resource, "resource", colon_ok=False)
            key = self.token(ann.key, "key")
            label = self.one_line(ann.label, f"{sid} label")
            return f"{sid}\tReference {sid_of[ann.target]} {resource}:{key}\t{label}"
        note_type = self.token(ann.type, "note type")
        return f"{sid}\t{note_type} {sid_of[ann.target]}\t{self.one_line(ann.text, f'{sid} text')}"


def _valid_sid(kind: str, sid: str | None, ann: Any) -> bool:
    if not sid:
        return False
    if kind == "attributes":
        return bool(_VALID_SID[kind].fullmatch(sid) or (ann.value is None and _M_SID.fullmatch(sid)))
    return _VALID_SID[kind].fullmatch(sid) is not None


def _default_key(kind: str, sid: str) -> tuple[int, int, str]:
    digits = sid[1:]
    if digits.isdecimal() and not sid[0].isdecimal():  # T12, #3: the usual ids, no regex needed
        return (_KIND_INDEX[kind], int(digits), sid)
    return (_KIND_INDEX[kind], _num(sid), sid)


_KIND_INDEX = {k: i for i, k in enumerate(KINDS)}


def assign_ids(anns: DocAnnotations, known: Iterable[str] = ()) -> dict[str, str]:
    """Give each annotation its brat id: its source id when valid and unique, else the next free.

    Args:
        anns: the document's annotations.
        known: brat ids remembered for the document (never handed out again).

    Returns:
        ``{our id: brat id}`` (equivalences get ``*N`` keys, written as ``*``).
    """
    sid_of: dict[str, str] = {}
    used: set[str] = set(known)
    top: dict[str, int] = {}
    for sid in used:
        pre = sid.rstrip("0123456789")
        top[pre] = max(top.get(pre, 0), _num(sid))
    pending: list[tuple[str, Any]] = []
    taken: set[str] = set()
    for kind in KINDS:
        for ann in getattr(anns, kind):
            sid = ann.source_id
            if _valid_sid(kind, sid, ann) and sid not in taken:
                taken.add(sid)
                sid_of[ann.id] = sid
                pre = sid.rstrip("0123456789")
                top[pre] = max(top.get(pre, 0), _num(sid))
            else:
                pending.append((kind, ann))
    for kind, ann in pending:
        pre = PREFIX[kind]
        top[pre] = top.get(pre, 0) + 1
        sid_of[ann.id] = f"{pre}{top[pre]}"
    return sid_of



def _breaking_problems(schema: Any, anns: DocAnnotations) -> list[Any]:
    """Problems that break a brat conf (see :func:`_problems`)."""
    equivalences = {e.id for e in anns.equivalences}
    return [p for p in _problems(schema, anns) if _breaks(p, equivalences)]


def _breaks(problem: Any, equivalences: set[str]) -> bool:
    """Whether a problem breaks a brat conf; brat lets coreference mix entity types."""
    if problem.annotation_id in equivalences:
        return problem.kind == "unknown-type"
    return problem.kind in _BREAKING


def _problems(schema: Any, anns: DocAnnotations) -> list[Any]:
    """:func:`tui.core.schema.validate`, counting brat's numbered roles (``Org-Arg2``) as their base."""
    from tui.core.formats.brat.conf import base_role
    from tui.core.schema import validate

    events = []
    for ev in anns.events:
        et = schema.event_type(ev.type)
        known = [r.name for r in et.roles] if et else []
        events.append(Event(
            id=ev.id, type=ev.type, trigger=ev.trigger, status=ev.status,
            arguments=[Argument(role=base_role(a.role, known), target=a.target) for a in ev.arguments],
        ))
    view = DocAnnotations(**{k: list(getattr(anns, k)) for k in KINDS})
    view.events = events
    return validate(schema, view)
