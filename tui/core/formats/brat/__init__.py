"""brat standoff: a folder of ``.txt``/``.ann`` pairs plus brat's ``.conf`` files.

Every line kind is read and written: ``T`` (discontinuous ``0 5;9 14``),
``E`` (``Type:T1 Role:T2``, numbered roles like ``Org-Arg2`` kept as
written, events as arguments), ``R``, ``*`` equivalences, ``A`` and the old
``M`` (binary or valued), ``N`` normalisations and ``#`` notes (text kept
exactly). Offsets are code points into the text as stored.

Import then export gives the same ``.ann`` lines in the same order and a
byte-identical ``.txt``. Two facts make that possible without new columns:
the brat id of each annotation is its ``source_id`` (``*`` lines get
``*1``, ``*2``... in file order, written back as ``*``), and the document's
``meta["brat"]`` remembers the original line order (``order``, only when it
differs from the default) and, for the few lines our writer would spell
differently (an ``R`` line ending in a TAB, an ``N`` type other than
``Reference``, a ``T`` line without its text), the original line together
with the line we would write (``raw``: ``{id: [ours, original]}``); the
original is written back only while the annotation is unchanged.

A ``.ann`` we write is always readable by brat, whose reader splits lines
with ``str.splitlines``: a span covering a line break (``\\n``, ``\\r``,
``\\v``, ``\\f``, ``\\x1c``-``\\x1e``, U+0085, U+2028, U+2029) is written
as fragments around it, and names and note texts never contain one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

# Import and export both use the .conf code (and through it the schema module):
# loaded with this module, not inside the first read or export that needs it.
from tui.core.errors import InputError, InputErrors, TuiError
from tui.core.formats._interchange import annotations_from_rows, export_annotations
from tui.core.formats.brat import conf as _brat_conf  # noqa: F401
from tui.core.model import (
    KINDS,
    Argument,
    Attribute,
    DocAnnotations,
    Document,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
)
from tui.core.text.offsets import decode_utf8, span_text

SUFFIXES = (".ann",)
#: brat is a folder of files: export needs ``--out DIR``.
FOLDER = True

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


# ---------------------------------------------------------------------------
# Reading one .ann


@dataclass
class _Item:
    """One parsed line: its annotation (references still brat ids) and where it came from."""

    kind: str
    ann: Any
    line: int
    raw: str


@dataclass
class ParsedAnn:
    """The annotations of one .ann file with their lines, ids resolved to ours."""

    path: str
    items: list[_Item] = field(default_factory=list)
    by_sid: dict[str, _Item] = field(default_factory=dict)


def parse_ann(ann_text: str, doc_text: str, path: str, errors: list[InputError]) -> ParsedAnn:
    """Parse a .ann file against its document text; problems go to ``errors``.

    Each annotation gets a fresh id (:func:`tui.core.store.new_id`) and its
    brat id as ``source_id``; references are mapped to the fresh ids.

    Args:
        ann_text: the .ann file's text.
        doc_text: the document text (offsets are code points into it).
        path: the .ann file name, for errors.
        errors: where each problem is appended (file, line, reason).

    Returns:
        The parsed lines (only meaningful when no error was added).
    """
    from tui.core.formats.jsonl import _oversized
    from tui.core.model import MAX_NAME
    from tui.core.store import new_ids

    parsed = ParsedAnn(path)
    n_equiv = 0

    def err(lineno: int, reason: str) -> None:
        errors.append(InputError(reason, path=path, line=lineno))

    lines = ann_text.splitlines()
    fresh = iter(new_ids(len(lines)))  # one id per line at most
    by_sid = parsed.by_sid
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if "\t" not in line:
            err(lineno, f"malformed line {_show(line)}: no TAB after the id")
            continue
        sid, rest = line.split("\t", 1)
        prefix = sid[:1]
        if prefix not in _KIND_OF_PREFIX:
            err(lineno, f"unknown line kind: id {_show(sid)} (brat ids start with T, E, R, A, M, N, # or *)")
            continue
        if prefix == "*":
            if sid != "*":
                err(lineno, f"bad id {_show(sid)} (an equivalence line starts with '*' alone)")
                continue
            n_equiv += 1
            sid = f"*{n_equiv}"
        elif not _ID_RE.fullmatch(sid) or (prefix == "#") != sid.startswith("#"):
            err(lineno, f"bad id {_show(sid)} (expected a letter and a number, e.g. T3)")
            continue
        if sid in by_sid:
            err(lineno, f"duplicate id {sid} (first on line {by_sid[sid].line})")
            continue
        if "\t" in rest:
            data, tail = rest.split("\t", 1)
        else:
            data, tail = rest, None
        kind = _KIND_OF_PREFIX[prefix]
        n_errors = len(errors)
        ann = _parse_line(prefix, sid, data, tail, doc_text, lambda r, ln=lineno: err(ln, r))
        if ann is None or len(errors) > n_errors:
            continue
        big = _oversized(kind, ann)
        if big is not None:
            err(lineno, f"{sid}: {big} longer than {MAX_NAME} characters")
            continue
        ann.id = next(fresh)
        ann.source_id = sid
        ann.origin = "import"
        ann.status = "accepted"
        item = _Item(kind, ann, lineno, line)
        parsed.items.append(item)
        by_sid[sid] = item
    _resolve(parsed, errors)
    return parsed


def _parse_line(prefix: str, sid: str, data: str, tail: str | None, text: str, err: Any) -> Any:
    """Build the annotation of one line (references are brat ids for now)."""
    if prefix == "T":
        m = _T_SIMPLE.fullmatch(data)
        if m is not None:  # TYPE START END, its text as written: what the general case below accepts
            start, end = int(m.group(2)), int(m.group(3))
            if start <= end <= len(text):
                expected = text[start:end]
                if not tail or tail == expected:
                    return Span(label=m.group(1), fragments=[(start, end)], text=expected)
        parts = data.split(" ", 1)
        if len(parts) != 2 or not parts[0]:
            err(f"{sid}: malformed span line (expected 'TYPE START END')")
            return None
        label, offsets = parts
        frags: list[tuple[int, int]] = []
        for piece in offsets.split(";"):
            m = _FRAG_RE.fullmatch(piece)
            if m is None:
                err(f"{sid}: bad offsets {_show(offsets)} (expected 'START END' pairs separated by ';')")
                return None
            start, end = int(m.group(1)), int(m.group(2))
            if start > end:
                err(f"{sid}: bad offsets {start} {end} (start after end)")
                return None
            if end > len(text):
                err(f"{sid}: offset {end} is past the end of the text ({len(text)} characters)")
                return None
            frags.append((start, end))
        if len(frags) == 1:  # the usual span: nothing to order, its text is one slice
            ordered = frags
            expected = text[frags[0][0]:frags[0][1]]
        else:
            ordered = sorted(frags)
            for (_, e1), (s2, _) in zip(ordered, ordered[1:], strict=False):
                if s2 < e1:
                    err(f"{sid}: bad offsets {_show(offsets)} (fragments overlap)")
                    return None
            expected = span_text(text, frags)  # brat joins fragments in written order
        if tail is not None and tail != "" and tail != expected:
            if not (tail.startswith(expected) and tail[len(expected)].isspace()):
                err(f"{sid}: span text {_show(tail)} does not match the document text {_show(expected)}")
                return None
        return Span(label=label, fragments=ordered, text=expected if ordered is frags else span_text(text, ordered))
    tokens = data.split()
    if prefix == "E":
        if not tokens or tokens[0].count(":") != 1 or "" in tokens[0].split(":"):
            err(f"{sid}: malformed event line (expected 'TYPE:TRIGGER ROLE:ID ...')")
            return None
        etype, trigger = tokens[0].split(":")
        args = []
        for tok in tokens[1:]:
            role, _, target = tok.partition(":")
            if tok.count(":") != 1 or not role or not target:
                err(f"{sid}: bad argument {_show(tok)} (expected ROLE:ID)")
                return None
            args.append(Argument(role=role, target=target))
        return Event(type=etype, trigger=trigger, arguments=args)
    if prefix == "R":
        if len(tokens) != 3:
            err(f"{sid}: malformed relation line (expected 'TYPE ARG1:ID ARG2:ID')")
            return None
        args = []
        for tok in tokens[1:]:
            role, _, target = tok.partition(":")
            if tok.count(":") != 1 or not role or not target:
                err(f"{sid}: bad argument {_show(tok)} (expected ROLE:ID)")
                return None
            args.append(Argument(role=role, target=target))
        if args[0].role == args[1].role:
            err(f"{sid}: both relation arguments have the role {_show(args[0].role)}")
            return None
        return Relation(type=tokens[0], arguments=args)
    if prefix == "*":
        if len(tokens) < 2:
            err("malformed equivalence line (expected 'TYPE ID ID ...')")
            return None
        return Equivalence(type=tokens[0], members=tokens[1:])
    if prefix == "A":
        parts = data.split(" ", 2)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            err(f"{sid}: malformed attribute line (expected 'NAME ID [VALUE]')")
            return None
        return Attribute(name=parts[0], target=parts[1], value=parts[2] if len(parts) == 3 else None)
    if prefix == "M":
        if len(tokens) != 2:
            err(f"{sid}: malformed modifier line (expected 'NAME ID')")
            return None
        return Attribute(name=tokens[0], target=tokens[1])
    if prefix == "N":
        m = _NORM_RE.fullmatch(data)
        if m is None:
            err(f"{sid}: malformed normalisation line (expected 'Reference ID RESOURCE:KEY')")
            return None
        return Normalization(target=m.group(2), resource=m.group(3), key=m.group(4), label=tail or "")
    # '#' notes: the text is everything after the TAB, kept exactly
    if len(tokens) != 2:
        err(f"{sid}: malformed note line (expected 'TYPE ID<TAB>TEXT')")
        return None
    return Note(type=tokens[0], target=tokens[1], text=tail if tail is not None else "")


def _resolve(parsed: ParsedAnn, errors: list[InputError]) -> None:
    """Check every reference and replace brat ids by our ids."""
    by_sid = parsed.by_sid

    def err(item: _Item, reason: str) -> None:
        errors.append(InputError(f"{item.ann.source_id if item.kind != 'equivalences' else '*'}: {reason}",
                                 path=parsed.path, line=item.line))

    def ref(item: _Item, sid: str, what: str, kinds: tuple[str, ...]) -> str | None:
        target = by_sid.get(sid)
        if target is item:
            err(item, f"{what} {sid} is the annotation itself")
            return None
        if target is None or target.kind == "equivalences":
            err(item, f"{what} {sid} points to a missing id")
            return None
        if target.kind not in kinds:
            names = {"spans": "a text span", "events": "an event", "relations": "a relation"}
            err(item, f"{what} {sid} must be {' or '.join(names.get(k, k) for k in kinds)}")
            return None
        return target.ann.id

    idable = ("spans", "events", "relations", "attributes", "normalizations", "notes")
    for item in parsed.items:
        ann = item.ann
        if item.kind == "events":
            trig = by_sid.get(ann.trigger)
            new = ref(item, ann.trigger, "trigger", ("spans",))
            if new is not None and trig.ann.label != ann.type:
                err(item, f"trigger {ann.trigger} has type {_show(trig.ann.label)}, not the event type {_show(ann.type)}")
            ann.trigger = new or ann.trigger
            for arg in ann.arguments:
                arg.target = ref(item, arg.target, f"argument {arg.role}:", ("spans", "events")) or arg.target
        elif item.kind == "relations":
            for arg in ann.arguments:
                arg.target = ref(item, arg.target, f"argument {arg.role}:", ("spans", "events")) or arg.target
        elif item.kind == "equivalences":
            ann.members = [ref(item, m, "member", ("spans",)) or m for m in ann.members]
        elif item.kind in ("attributes", "normalizations", "notes"):
            ann.target = ref(item, ann.target, "target", idable) or ann.target


# ---------------------------------------------------------------------------
# Writing lines


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


def _prune(anns: DocAnnotations, writer: _Writer | None) -> DocAnnotations:
    """Drop what brat cannot reference, so nothing written dangles.

    Filtering by status or layer can remove a trigger, an argument or a
    target; equivalences have no id brat could point to. Repeats until
    stable, since dropping an event orphans its attributes.
    """
    def lose(kind: str, example: str) -> None:
        if writer is not None:
            writer._lose(kind, example)

    kinds_of: dict[str, str] = {}
    for kind in KINDS:
        for ann in getattr(anns, kind):
            kinds_of[ann.id] = kind
    alive = dict(kinds_of)
    changed = True
    while changed:
        changed = False
        for ev in list(anns.events):
            if ev.id not in alive:
                continue
            if alive.get(ev.trigger) != "spans":
                lose("events", f"{ev.source_id or ev.id} ({ev.type}): its trigger is not exported")
                del alive[ev.id]
                changed = True
                continue
            keep = [a for a in ev.arguments if alive.get(a.target) in ("spans", "events")]
            if len(keep) != len(ev.arguments):
                for a in ev.arguments:
                    if a not in keep:
                        lose("event arguments", f"{ev.source_id or ev.id} {a.role}: filler not exported or not a span/event")
                ev.arguments = keep
                changed = True
        for rel in anns.relations:
            if rel.id in alive and not all(alive.get(a.target) in ("spans", "events") for a in rel.arguments):
                lose("relations", f"{rel.source_id or rel.id} ({rel.type}): an argument is not exported")
                del alive[rel.id]
                changed = True
        for eq in anns.equivalences:
            if eq.id not in alive:
                continue
            keep_m = [m for m in eq.members if alive.get(m) == "spans"]
            if len(keep_m) != len(eq.members):
                lose("equivalence members", f"{eq.type}: {len(eq.members) - len(keep_m)} member(s) not exported")
                eq.members = keep_m
                changed = True
            if not keep_m:
                del alive[eq.id]
                changed = True
        for kind in ("attributes", "normalizations", "notes"):
            for ann in getattr(anns, kind):
                if ann.id in alive and alive.get(ann.target) not in ("spans", "events", "relations"):
                    what = alive.get(ann.target)
                    reason = "target not exported" if what is None else f"brat cannot attach one to {what}"
                    lose(kind, f"{ann.source_id or ann.id}: {reason}")
                    del alive[ann.id]
                    changed = True
    out = DocAnnotations()
    for kind in KINDS:
        getattr(out, kind).extend(a for a in getattr(anns, kind) if a.id in alive)
    return out


def render_ann(doc: Document, anns: DocAnnotations, report: Any | None = None) -> tuple[str, int]:
    """The .ann text of a document.

    Args:
        doc: the document (its ``meta["brat"]`` gives line order and kept lines).
        anns: the annotations to write.
        report: a :class:`~tui.core.formats.LossReport` to fill, or None.

    Returns:
        The file text and the number of spans cut into fragments at line breaks.
    """
    text, split, _ = _render(doc, anns, report)
    return text, split


def _render(doc: Document, anns: DocAnnotations, report: Any | None) -> tuple[str, int, DocAnnotations]:
    """:func:`render_ann`, also returning the annotations actually written."""
    writer = _Writer(report)
    anns = _prune(anns, writer)
    meta = doc.meta.get("brat") if isinstance(doc.meta, dict) else None
    meta = meta if isinstance(meta, dict) else {}
    order = meta.get("order") or []
    raw = meta.get("raw") or {}
    sid_of = assign_ids(anns, known=[s for s in order if isinstance(s, str)])
    spans = {s.id: s for s in anns.spans}
    writer.triggers = {e.trigger for e in anns.events}
    lines: list[tuple[tuple, str]] = []
    pos = {sid: i for i, sid in enumerate(order)}
    for kind in KINDS:
        for ann in getattr(anns, kind):
            sid = sid_of[ann.id]
            if kind == "events":
                trig = spans[ann.trigger]
                if trig.label != ann.type:
                    writer._lose("events", f"{sid}: type {_show(ann.type)} differs from its trigger's "
                                 f"{_show(trig.label)}; written as {_show(trig.label)}")
                    ann.type = trig.label
            line = writer.render(kind, ann, sid, sid_of, doc.text)
            if line is None:
                continue
            kept = raw.get(sid)
            if isinstance(kept, list) and len(kept) == 2 and kept[0] == line:
                line = kept[1]
            key = (0, pos[sid], 0, "") if sid in pos else (1, *_default_key(kind, sid))
            lines.append((key, line))
    lines.sort(key=lambda kl: kl[0])
    return "".join(line + "\n" for _, line in lines), writer.split_spans, anns


# ---------------------------------------------------------------------------
# Import


def _collect(path: Path) -> tuple[Path, list[tuple[str, Path | None, Path | None]]]:
    """``(root, [(name, txt, ann)])`` for a folder, a .ann or a .txt."""
    pairs: dict[str, dict[str, Path]] = {}
    if path.is_dir():
        root = path
        for rel, f in _walk_files(str(path)):
            if rel.endswith((".txt", ".ann")):
                pairs.setdefault(rel[:-4], {})[rel[-4:]] = Path(f)
    else:
        root = path.parent
        entry = pairs.setdefault(path.stem, {})
        for suffix in (".txt", ".ann"):
            f = path.parent / (path.stem + suffix)
            if f.is_file():
                entry[suffix] = f
        entry.setdefault(path.suffix, path)
    return root, [(name, p.get(".txt"), p.get(".ann")) for name, p in sorted(pairs.items())]


def _walk_files(top: str) -> Iterator[tuple[str, str]]:
    """``(relative posix path, path)`` of every file under ``top``, hidden ones left out.

    What ``Path(top).rglob("*")`` filtered by ``is_file()`` and "no part
    starts with '.'" gives, with one ``scandir`` per folder instead of
    several ``stat`` calls and Path objects per file (a brat corpus is two
    files per document). Like rglob, symlinked folders are not entered and
    unreadable folders are skipped.
    """
    stack = [(top, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except PermissionError:
            continue
        for e in entries:
            if e.name.startswith("."):
                continue
            if e.is_dir(follow_symlinks=False):
                stack.append((e.path, prefix + e.name + "/"))
            elif e.is_file():
                yield prefix + e.name, e.path


def _read_text_file(f: Path) -> str:
    from tui.core.formats.text import read_bytes

    data = read_bytes(f, allow_empty=True)  # an empty .txt or .ann is allowed
    return decode_utf8(data, str(f)) if data else ""


@dataclass
class _Doc:
    """A document being imported: its pieces and where they came from."""

    doc: Document
    anns: DocAnnotations
    parsed: ParsedAnn | None
    folder: Path
    broken: bool = False
    """Some lines of its .ann were bad: only unknown types are still worth reporting."""


def read(paths: list[Path], options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Registry entry: brat folders, or single ``.ann``/``.txt`` pairs.

    Args:
        paths: folders or files.
        options: an :class:`~tui.core.formats.ImportOptions`; ``extra["schemas"]``
            receives the schemas built from ``.conf`` files (or inferred),
            ``notes`` and ``skipped`` what was inferred, repaired or left out.

    Returns:
        ``(Document, DocAnnotations)`` pairs, annotations ``accepted`` with
        origin ``import``.

    Raises:
        InputErrors: every problem, each with file, line and reason.
    """
    from tui.core.store import gc_paused

    with gc_paused():  # every parsed file is kept until the import: see gc_paused
        return _read(paths, options)


def _read(paths: list[Path], options: Any) -> list[tuple[Document, DocAnnotations]]:
    errors: list[InputError] = []
    out: list[tuple[Document, DocAnnotations]] = []
    for path in paths:
        root, pairs = _collect(Path(path))
        docs: list[_Doc] = []
        for name, txt, ann in pairs:
            if txt is None:
                errors.append(InputError(f"no text file beside it ({Path(ann).with_suffix('.txt').name} is missing)", path=str(ann)))
                continue
            try:
                text = _read_text_file(txt)
                ann_text = _read_text_file(ann) if ann is not None else ""
            except InputError as exc:
                errors.append(exc)
                continue
            n = len(errors)
            parsed = parse_ann(ann_text, text, str(ann), errors) if ann is not None else None
            anns = DocAnnotations()
            for item in parsed.items if parsed else []:
                getattr(anns, item.kind).append(item.ann)
            doc = Document(name=name, text=text, schema=getattr(options, "schema", "ace2005"))
            broken = len(errors) > n
            if not broken:
                _remember_lines(doc, anns, parsed)
            docs.append(_Doc(doc, anns, parsed, txt.parent, broken))
        # Types are checked even when some lines (or files) are bad, so one run
        # reports every problem; a file with bad lines only adds unknown types.
        try:
            _bind_schemas(docs, root, options, errors)
        except InputErrors as exc:
            errors.extend(exc.errors)
        if not errors:
            out.extend((d.doc, d.anns) for d in docs)
    if errors:
        raise InputErrors(errors)
    return out


def _remember_lines(doc: Document, anns: DocAnnotations, parsed: ParsedAnn | None) -> None:
    """Store in ``doc.meta["brat"]`` what a faithful re-export needs (see module doc)."""
    if parsed is None or not parsed.items:
        return
    sid_of = {item.ann.id: item.ann.source_id for item in parsed.items}
    writer = _Writer(None)
    writer.triggers = {e.trigger for e in anns.events}
    raw: dict[str, list[str]] = {}
    for item in parsed.items:
        ours = writer.render(item.kind, item.ann, item.ann.source_id, sid_of, doc.text)
        if ours != item.raw:
            raw[item.ann.source_id] = [ours, item.raw]
    order = [item.ann.source_id for item in parsed.items]
    default = sorted(order, key=lambda s: _default_key(_KIND_OF_PREFIX[s[0]], s))
    meta: dict[str, Any] = {}
    if order != default:
        meta["order"] = order
    if raw:
        meta["raw"] = raw
    if meta:
        doc.meta["brat"] = meta


def _schema_name(base: str, source: str, options: Any) -> str:
    """A schema name not yet used in this import for a different schema."""
    schemas = options.extra.setdefault("schemas", [])
    name, n = base, 1
    while True:
        same = [s for s in schemas if s.name == name]
        if not same or same[0].source == source:
            return name
        n += 1
        name = f"{base}-{n}"


def _bind_schemas(docs: list[_Doc], root: Path, options: Any, errors: list[InputError]) -> None:
    """Find each document's .conf files, build schemas, check annotations against them."""
    from tui.core.formats.brat.conf import (
        find_confs,
        infer_schema,
        read_conf_texts,
        schema_from_confs,
    )

    groups: dict[tuple, list[_Doc]] = {}
    found_by_key: dict[tuple, dict[str, Path]] = {}
    by_folder: dict[Path, dict[str, Path]] = {}  # documents of one folder share their .conf files
    for d in docs:
        found = by_folder.get(d.folder)
        if found is None:
            found = by_folder[d.folder] = find_confs(d.folder, root)
        key = tuple(sorted((k, str(v)) for k, v in found.items()))
        groups.setdefault(key, []).append(d)
        found_by_key[key] = found
    root_name = root.resolve().name or "root"
    for key, members in groups.items():
        found = found_by_key[key]
        texts = read_conf_texts(found)
        inferred = None
        if "annotation.conf" in found:
            base = "brat:" + (found["annotation.conf"].parent.name or root_name)
        else:
            base = "brat:" + root_name
            inferred = infer_schema(base, [d.anns for d in members])
        schema = schema_from_confs(base, texts, found, inferred)
        name = _schema_name(base, schema.source, options)
        if name != base:
            schema = schema_from_confs(name, texts, found, infer_schema(name, [d.anns for d in members]) if inferred else None)
        if inferred is not None:
            options.notes.append(
                f"{root}: no annotation.conf found; schema {name!r} inferred from the data "
                f"({len(schema.span_types)} entity types, {len(schema.event_types)} event types, "
                f"{len(schema.relation_types)} relation types, {len(schema.equivalence_types)} equivalence "
                f"types, {len(schema.attributes)} attributes)"
            )
        else:
            for d in members:
                _check_against(schema, d, options, errors)
        schemas = options.extra.setdefault("schemas", [])
        if not any(s.name == name for s in schemas):
            schemas.append(schema)
        for d in members:
            d.doc.schema = name


def _check_against(schema: Any, d: _Doc, options: Any, errors: list[InputError]) -> None:
    """Annotations that break the conf in force: errors, or skipped with --lenient."""
    if d.parsed is None or not d.parsed.items:
        return
    line_of = {item.ann.id: item for item in d.parsed.items}
    equivalences = {e.id for e in d.anns.equivalences}
    bad: dict[str, str] = {}
    for problem in _problems(schema, d.anns):
        item = line_of.get(problem.annotation_id)
        if item is None:
            continue
        sid = item.ann.source_id if item.kind != "equivalences" else "*"
        if d.broken and problem.kind != "unknown-type":
            continue  # its references may point at the bad lines: only the type is known to be wrong
        if _breaks(problem, equivalences):
            if options.lenient:
                bad.setdefault(problem.annotation_id, problem.message)
            else:
                errors.append(InputError(f"{sid}: {problem.message} (schema {schema.name})",
                                         path=d.parsed.path, line=item.line))
        else:
            note = f"{d.parsed.path}:{item.line}: {sid}: {problem.message}"
            if len(options.notes) < MAX_NOTES:
                options.notes.append(note)
    if bad:
        _skip(d, bad, options)


def _skip(d: _Doc, bad: dict[str, str], options: Any) -> None:
    """Leave out ``bad`` annotations and what depends on them, listing each."""
    line_of = {item.ann.id: item for item in d.parsed.items}
    dropped = dict(bad)
    changed = True
    while changed:
        changed = False
        for ev in d.anns.events:
            if ev.id in dropped:
                continue
            if ev.trigger in dropped:
                dropped[ev.id] = f"its trigger {line_of[ev.trigger].ann.source_id} was skipped"
                changed = True
                continue
            kept = [a for a in ev.arguments if a.target not in dropped]
            if len(kept) != len(ev.arguments):
                ev.arguments = kept
        for rel in d.anns.relations:
            if rel.id not in dropped and any(a.target in dropped for a in rel.arguments):
                dropped[rel.id] = "an argument was skipped"
                changed = True
        for eq in d.anns.equivalences:
            if eq.id not in dropped:
                eq.members = [m for m in eq.members if m not in dropped]
                if len(eq.members) < 1:
                    dropped[eq.id] = "its members were skipped"
                    changed = True
        for kind in ("attributes", "normalizations", "notes"):
            for ann in getattr(d.anns, kind):
                if ann.id not in dropped and ann.target in dropped:
                    dropped[ann.id] = "its target was skipped"
                    changed = True
    for kind in KINDS:
        setattr(d.anns, kind, [a for a in getattr(d.anns, kind) if a.id not in dropped])
    for item in d.parsed.items:
        if item.ann.id in dropped:
            sid = item.ann.source_id if item.kind != "equivalences" else "*"
            options.skipped.append(f"{d.parsed.path}:{item.line}: {sid}: {dropped[item.ann.id]}")


# ---------------------------------------------------------------------------
# Export


def export(store: Any, docs: Iterable[Document], out: Path, options: Any) -> Any:
    """Registry entry: write ``out/<name>.txt``, ``out/<name>.ann`` and the .conf files.

    The folder is written through :class:`~tui.core.outpath.OutputFolder`:
    into a hidden sibling first, put in place only when complete. ``out``
    must be new, empty, or an earlier export (which is replaced whole).

    Args:
        store: the store to read annotations from.
        docs: the documents to write (streamed: one at a time).
        out: the folder to write (created, or an earlier export replaced).
        options: an :class:`~tui.core.formats.ExportOptions` (layers, statuses, strict).

    Returns:
        A :class:`~tui.core.formats.LossReport`.

    Raises:
        TuiError: with ``options.strict``, when anything would be lost
            (checked before any file is written); ``out`` holds files tui
            did not write; a write failed (``out`` is then unchanged).
        UnsafePath: a document or conf block name that cannot be a path
            under ``out`` (absolute, ``..``, NUL, too long...).
        PathCollision: two documents (or a document and a conf file) that
            would be written to one path, also when only case differs.
    """
    from tui.core.formats import LossReport
    from tui.core.outpath import OutputFolder

    out = Path(out)
    if getattr(options, "strict", False):
        dry = LossReport()
        docs = list(docs)
        for doc in docs:
            _export_one(store, doc, None, options, dry)
        _write_confs(store, out, {d.schema: [d.name] for d in docs}, dry, write=False)
        if not dry.lossless:
            raise TuiError("--strict: " + "; ".join(dry.lines()))
    report = LossReport()
    placements: dict[str, list[str]] = {}
    used: dict[str, Any] = {}
    kept: dict[str, Any] = {}
    split = 0
    with OutputFolder(out) as folder:
        for doc in docs:
            done = _export_one(store, doc, folder, options, report)
            split += done[0]
            placements.setdefault(doc.schema, []).append(doc.name)
            _note_schema_use(store, doc, done[1], used, report, kept, done[2])
            report.documents += 1
        _write_confs(store, folder, placements, report, write=True, used=used)
    if split:
        report.notes.append(f"{split} span(s) crossing line breaks written as fragments around them")
    report.notes.append("brat has no place for annotators, statuses, origins or timestamps: not written")
    return report


def _name_ok(value: Any, colon_ok: bool = True) -> bool:
    """Whether :meth:`_Writer.token` writes ``value`` unchanged (and reports nothing)."""
    return (value.__class__ is str and value != "" and (colon_ok or ":" not in value)
            and _WS.search(value) is None)


def _line_ok(value: Any, tab_ok: bool = True) -> bool:
    """Whether :meth:`_Writer.one_line` writes ``value`` unchanged (and reports nothing)."""
    return value.__class__ is str and _BREAK_RE.search(value) is None and (tab_ok or "\t" not in value)


_WHAT = {"events": "event", "relations": "relation", "spans": "span"}  # an attribute's target, for _usage_key


def _render_rows(doc: Document, by_kind: dict[str, list[tuple]]) -> tuple[str, tuple] | None:
    """:func:`_render` of a document straight from its stored rows, when nothing needs its care.

    That is a document made in tui: no brat ids to keep (no source ids, no
    remembered line order or lines), every reference exported, every name
    and text writable as it is, no span across a line break. Then nothing
    is pruned, renamed or reported, ids are numbered in order, and the
    lines come out already in :func:`_render`'s order. Returns the .ann
    text and the document's :func:`_usage_key`, or None for anything else
    (the caller then takes :func:`_render`'s path).
    """
    from tui.core.formats._interchange import _loads

    meta = doc.meta
    if not isinstance(meta, dict) or "brat" in meta:
        return None
    text = doc.text
    sid_of: dict[str, str] = {}
    kind_of: dict[str, str] = {}
    for kind in KINDS:
        pre = PREFIX[kind]
        for n, r in enumerate(by_kind.get(kind, ()), 1):
            if r[-6] is not None or r[0] in sid_of:
                return None
            sid_of[r[0]] = f"{pre}{n}"
            kind_of[r[0]] = kind
    # what _usage_key reads of a target: its label or type, and what it is
    # what _usage_key reads of an argument's target, which here is a span or an event: its label or type
    spans = by_kind.get("spans", ())
    type_of: dict[str, str | None] = {r[0]: r[2] or None for r in spans}
    label_of = {r[0]: r[2] for r in spans}
    lines: list[str] = []
    events = []
    for r in by_kind.get("events", ()):
        type_of[r[0]] = r[2] or None
        args = _loads(r[4])
        if not isinstance(args, list):
            return None
        for a in args:
            if not isinstance(a, dict) or len(a) != 2 or "role" not in a or "target" not in a:
                return None
        events.append((r, args))
    triggers = {r[3] for r, _ in events}
    ev_usage, rel_usage = [], []
    for r in spans:
        frags = _loads(r[5])
        if not isinstance(frags, list) or not frags:
            return None
        pieces = []
        for f in frags:
            if not isinstance(f, list) or len(f) != 2 or f[0].__class__ is not int or f[1].__class__ is not int:
                return None
            a, b = f
            if not 0 <= a <= b <= len(text) or (a < b and _BREAK_RE.search(text, a, b) is not None):
                return None
            pieces.append((a, b))
        if not _name_ok(r[2], colon_ok=r[0] not in triggers):
            return None
        offsets = ";".join(f"{a} {b}" for a, b in pieces)
        covered = text[pieces[0][0]:pieces[0][1]] if len(pieces) == 1 else " ".join(text[a:b] for a, b in pieces)
        lines.append(f"{sid_of[r[0]]}\t{r[2]} {offsets}\t{covered}")
    for r, args in events:
        if kind_of.get(r[3]) != "spans" or label_of[r[3]] != r[2] or not _name_ok(r[2], colon_ok=False):
            return None
        parts = [f"{sid_of[r[0]]}\t{r[2]}:{sid_of[r[3]]}"]
        for a in args:
            if kind_of.get(a["target"]) not in ("spans", "events") or not _name_ok(a["role"], colon_ok=False):
                return None
            parts.append(f" {a['role']}:{sid_of[a['target']]}")
        lines.append("".join(parts))
        ev_usage.append((r[2], tuple((a["role"], type_of.get(a["target"])) for a in args)))
    for r in by_kind.get("relations", ()):
        if (kind_of.get(r[4]) not in ("spans", "events") or kind_of.get(r[6]) not in ("spans", "events")
                or not _name_ok(r[2]) or not _name_ok(r[3], False) or not _name_ok(r[5], False) or r[3] == r[5]):
            return None
        lines.append(f"{sid_of[r[0]]}\t{r[2]} {r[3]}:{sid_of[r[4]]} {r[5]}:{sid_of[r[6]]}")
        rel_usage.append((r[2], ((r[3], type_of.get(r[4])), (r[5], type_of.get(r[6])))))
    for r in by_kind.get("equivalences", ()):
        members = _loads(r[3])
        if (not isinstance(members, list) or not members or not _name_ok(r[2])
                or any(m.__class__ is not str or kind_of.get(m) != "spans" for m in members)):
            return None
        lines.append(f"*\t{r[2]} {' '.join(sid_of[m] for m in members)}")
    attr_usage = []
    for r in by_kind.get("attributes", ()):
        if kind_of.get(r[2]) not in ("spans", "events", "relations") or not _name_ok(r[3]):
            return None
        if r[4] is None:
            lines.append(f"{sid_of[r[0]]}\t{r[3]} {sid_of[r[2]]}")
        elif _line_ok(r[4], tab_ok=False):
            lines.append(f"{sid_of[r[0]]}\t{r[3]} {sid_of[r[2]]} {r[4] or '_'}")
        else:
            return None
        attr_usage.append((r[3], _WHAT[kind_of[r[2]]], r[4]))
    for r in by_kind.get("normalizations", ()):
        if (kind_of.get(r[2]) not in ("spans", "events", "relations") or not _name_ok(r[3], False)
                or not _name_ok(r[4]) or not _line_ok(r[5])):
            return None
        lines.append(f"{sid_of[r[0]]}\tReference {sid_of[r[2]]} {r[3]}:{r[4]}\t{r[5]}")
    for r in by_kind.get("notes", ()):
        if kind_of.get(r[2]) not in ("spans", "events", "relations") or not _name_ok(r[3]) or not _line_ok(r[4]):
            return None
        lines.append(f"{sid_of[r[0]]}\t{r[3]} {sid_of[r[2]]}\t{r[4]}")
    usage = (
        tuple(r[2] for r in by_kind.get("spans", ()) if r[0] not in triggers),
        tuple(ev_usage),
        tuple(rel_usage),
        tuple(r[2] for r in by_kind.get("equivalences", ())),
        tuple(attr_usage),
    )
    return "".join(line + "\n" for line in lines), usage


def _export_one(store: Any, doc: Document, out: Any | None, options: Any,
                report: Any) -> tuple[int, Any, tuple | None]:
    """Render (and write) one document: ``(spans split, the annotations written, their usage key)``.

    The annotations written come as a DocAnnotations, or as a function
    making them when the document was rendered from its rows (they are
    needed only when the schema use must be inferred again); the usage key
    is None when it was not computed. ``out`` is the
    :class:`~tui.core.outpath.OutputFolder`, or None for a dry run.

    Raises:
        UnsafePath: the document's name cannot be a path under the folder.
    """
    from tui.core.outpath import split_relative

    parts = split_relative(doc.name, "document")
    rows_of = getattr(store, "annotation_rows", None)
    rows = rows_of(doc.id, annotators=options.layers, statuses=options.statuses) if rows_of else None
    fast = _render_rows(doc, rows) if rows is not None else None
    written: Any
    if fast is not None:
        ann_text, usage = fast
        split = 0
        written = lambda: annotations_from_rows(rows)  # noqa: E731
    else:
        anns = annotations_from_rows(rows) if rows is not None else export_annotations(store, doc.id, options)
        ann_text, split, written = _render(doc, anns, report)
        usage = None
    if out is not None:
        head, last = parts[:-1], parts[-1]
        out.write((*head, last + ".txt"), doc.text, what="document", name=doc.name)
        out.write((*head, last + ".ann"), ann_text, what="document", name=doc.name)
    return split, written, usage


def _schema_of(store: Any, name: str) -> Any | None:
    try:
        return store.schema(name)
    except Exception:  # noqa: BLE001 - an unknown schema is reported when the confs are written
        return None


def _note_schema_use(store: Any, doc: Document, anns: Any, used: dict[str, Any], report: Any,
                     kept: dict[Any, Any] | None = None, usage: tuple | None = None) -> None:
    """Track the types a schema's documents use; flag lines that break a kept annotation.conf.

    A generated annotation.conf is widened with what the documents use, so
    the export always imports back; a kept original is written unchanged,
    so what breaks it is reported instead. ``kept`` is the export's memo:
    per schema, whether it keeps an original annotation.conf (the embedded
    files are parsed once per export, not once per document); per schema
    and :func:`_usage_key`, the ``used`` schema already known to absorb
    what such a document uses (most documents of a corpus use the same
    types, so inferring and merging again would change nothing).
    ``anns`` may be a function making the annotations (called only when
    they are needed); ``usage`` their :func:`_usage_key` when known.
    """
    from tui.core.formats.brat.conf import extract_confs, infer_schema, merge_schemas

    if callable(anns):
        make = anns

        def materialise() -> DocAnnotations:
            nonlocal anns
            if callable(anns):
                anns = make()
            return anns
    else:
        def materialise() -> DocAnnotations:
            return anns

    schema = _schema_of(store, doc.schema)
    if schema is None:
        return
    has_conf = kept.get(doc.schema) if kept is not None else None
    if has_conf is None:
        has_conf = "annotation.conf" in extract_confs(schema.source or "")
        if kept is not None:
            kept[doc.schema] = has_conf
    if has_conf:
        breaking = _breaking_problems(schema, materialise())
        if breaking:
            report.notes.append(
                f"{doc.name}: {len(breaking)} annotation(s) break the annotation.conf of schema "
                f"{schema.name!r} (brat will flag them; re-import needs --lenient), e.g. {breaking[0].message}")
        return
    prev = used.get(doc.schema)
    key = (doc.schema, usage if usage is not None else _usage_key(materialise())) if kept is not None else None
    if prev is not None and key is not None and kept.get(key) is prev:
        return  # merge_schemas(prev, infer_schema(...)) == prev: known from an earlier document
    seen = infer_schema(doc.schema, [materialise()])
    if prev is None:
        used[doc.schema] = seen
        return
    merged = merge_schemas(prev, seen)
    if merged == prev:  # nothing new: keep the very object, so the memo above recognises it
        if key is not None:
            kept[key] = prev
        return
    used[doc.schema] = merged


def _usage_key(anns: DocAnnotations) -> tuple:
    """Everything :func:`~tui.core.formats.brat.conf.infer_schema` reads from one document.

    Two documents with equal keys infer equal schemas (same types, roles,
    fillers, values, in the same order of first use).
    """
    by_id = anns.by_id()
    triggers = {e.trigger for e in anns.events}

    def type_name(target_id: str) -> str | None:
        t = by_id.get(target_id)
        return (t.type_name or None) if t is not None else None

    def target_kind(target_id: str) -> str | None:
        t = by_id.get(target_id)
        if t is None:
            return None
        return t.NOUN if t.KIND in ("spans", "events", "relations") else None

    return (
        tuple(s.label for s in anns.spans if s.id not in triggers),
        tuple((e.type, tuple((a.role, type_name(a.target)) for a in e.arguments)) for e in anns.events),
        tuple((r.type, tuple((a.role, type_name(a.target)) for a in r.arguments)) for r in anns.relations),
        tuple(q.type for q in anns.equivalences),
        tuple((at.name, target_kind(at.target), at.value) for at in anns.attributes),
    )


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


def _write_confs(store: Any, out: Any, placements: dict[str, list[str]], report: Any, *, write: bool,
                 used: dict[str, Any] | None = None) -> None:
    """Write each schema's .conf files where brat finds them for its documents.

    A schema's files go to the deepest folder holding all its documents. When
    two schemas need the same folder, the one with more documents gets it and
    the others' documents are reported. ``out`` is the
    :class:`~tui.core.outpath.OutputFolder` (unused when ``write`` is False).
    The file names of a schema's kept conf blocks come from data (the
    schema's source): they go through the same path policy as documents.

    Raises:
        UnsafePath: a conf block name that cannot be a path under the folder.
        PathCollision: a conf file where a document's file goes.
    """
    from tui.core.formats.brat.conf import (
        confs_for_export,
        extract_confs,
        generate_confs,
        merge_schemas,
    )
    from tui.core.outpath import show, split_relative

    parents: dict[str, PurePosixPath] = {}

    def parent(name: str) -> PurePosixPath:
        """``PurePosixPath(name).parent``, made once per folder (a corpus has thousands of names)."""
        head, _, tail = name.rpartition("/")
        if tail in ("", "."):
            return PurePosixPath(name).parent
        found = parents.get(head)
        if found is None:
            found = parents[head] = PurePosixPath(head)
        return found

    wanted: dict[str, PurePosixPath] = {}
    for schema_name, names in placements.items():
        dirs = list(dict.fromkeys(parent(n) for n in names))
        common = dirs[0]
        for d in dirs[1:]:
            while common != PurePosixPath(".") and not (d == common or common in d.parents):
                common = common.parent
        wanted[schema_name] = common
    owner: dict[PurePosixPath, str] = {}
    for schema_name in sorted(wanted, key=lambda s: -len(placements[s])):
        owner.setdefault(wanted[schema_name], schema_name)
    resolved_in: dict[PurePosixPath, str | None] = {}
    for schema_name, names in placements.items():
        for name in names:
            folder = parent(name)
            if folder not in resolved_in:
                resolved_in[folder] = next((owner[f] for f in (folder, *folder.parents) if f in owner), None)
            resolved = resolved_in[folder]
            if resolved != schema_name:
                report.add("schema", f"{name}: bound to {schema_name!r} but brat would use "
                           f"{resolved!r}'s .conf files in its folder")
    for folder, schema_name in owner.items():
        try:
            schema = store.schema(schema_name)
        except Exception as exc:  # noqa: BLE001 - an unknown schema is reported, not fatal
            report.add("schema", f"{schema_name!r}: {exc}; no .conf written")
            continue
        if not write:
            continue
        files = confs_for_export(schema)
        kept = extract_confs(schema.source or "")
        if used and schema_name in used and "annotation.conf" not in kept:
            files = {**generate_confs(merge_schemas(schema, used[schema_name])), **kept}
        what = f"schema {show(schema_name)}: brat conf block"
        for fname, text in files.items():
            parts = split_relative(fname, what)
            out.write((*folder.parts, *parts), text, what=what, name=fname)
