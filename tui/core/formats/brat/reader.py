"""Reading brat: one .ann parsed against its text, then folders of .txt/.ann pairs bound to their .conf."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.errors import InputError, InputErrors
from tui.core.formats.brat.lines import (
    _FRAG_RE,
    _ID_RE,
    _KIND_OF_PREFIX,
    _NORM_RE,
    _T_SIMPLE,
    MAX_NOTES,
    _breaks,
    _default_key,
    _problems,
    _show,
    _Writer,
)
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
    _take_status_notes(parsed)
    return parsed


#: A note tui writes for a status brat has no place for (see the writer's ``STATUS_NOTE``).
STATUS_NOTE = re.compile(r"tui:status=(pending|rejected)")


def _take_status_notes(parsed: ParsedAnn) -> None:
    """Turn each ``tui:status=...`` note on a span, event or relation back into its status."""
    by_id = {item.ann.id: item for item in parsed.items}
    keep = []
    for item in parsed.items:
        ann = item.ann
        if item.kind == "notes" and ann.type == "AnnotatorNotes":
            match = STATUS_NOTE.fullmatch(ann.text)
            target = by_id.get(ann.target)
            if match and target is not None and target.kind in ("spans", "events", "relations"):
                target.ann.status = match.group(1)
                parsed.by_sid.pop(ann.source_id, None)
                continue
        keep.append(item)
    parsed.items = keep


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
            if new is not None and trig is not None and trig.ann.label != ann.type:
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
            beside = path.parent / (path.stem + suffix)
            if beside.is_file():
                entry[suffix] = beside
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
        options: an :class:`~tui.core.formats.ImportOptions`; ``found_schemas``
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
                missing = ann.with_suffix(".txt").name if ann is not None else f"{name}.txt"
                errors.append(InputError(f"no text file beside it ({missing} is missing)", path=str(ann)))
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
                _remember_lines(doc, anns, parsed, ann_text)
                if len(set(_EOL.findall(ann_text))) > 1 and len(options.notes) < MAX_NOTES:
                    options.notes.append(f"{ann}: mixes CR LF and LF line ends; it will be exported with LF")
                blanks = sum(1 for line in ann_text.splitlines() if not line.strip())
                if blanks > MAX_BLANK and len(options.notes) < MAX_NOTES:
                    options.notes.append(f"{ann}: {blanks} blank lines; the first {MAX_BLANK} are kept for export")
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


def line_ends(ann_text: str) -> dict[str, Any]:
    """The line-end style of a .ann, as kept in ``doc.meta["brat"]`` (empty: LF, the default).

    ``eol`` is CR LF or CR alone when every line ends so; ``last_eol`` is
    False when the last line has no line end; ``blank`` lists the blank
    lines as ``[index, text]`` (brat skips them). A file mixing styles is
    written back with LF (the import says so in a note).
    """
    if not ann_text:
        return {}
    ends = set(_EOL.findall(ann_text))
    out: dict[str, Any] = {}
    if len(ends) == 1 and ends != {"\n"}:
        out["eol"] = ends.pop()
    if not ann_text.endswith(("\n", "\r")):
        out["last_eol"] = False
    blank = [[i, line] for i, line in enumerate(ann_text.splitlines()) if not line.strip()][:MAX_BLANK]
    if blank:
        out["blank"] = blank
    return out


#: Blank lines of one .ann kept for the re-export (brat skips them; past this many they are dropped, with a note).
MAX_BLANK = 1000


_EOL = re.compile(r"\r\n|\r|\n")


def _remember_lines(doc: Document, anns: DocAnnotations, parsed: ParsedAnn | None, ann_text: str = "") -> None:
    """Store in ``doc.meta["brat"]`` what a faithful re-export needs (see module doc)."""
    if parsed is None or not parsed.items:
        return
    sid_of = {item.ann.id: item.ann.source_id for item in parsed.items}
    writer = _Writer(None)
    writer.triggers = {e.trigger for e in anns.events}
    raw: dict[str, list[str | None]] = {}  # None: our writer would leave the line out
    for item in parsed.items:
        ours = writer.render(item.kind, item.ann, item.ann.source_id, sid_of, doc.text)
        if ours != item.raw:
            raw[item.ann.source_id] = [ours, item.raw]
    order = [item.ann.source_id for item in parsed.items]
    default = sorted(order, key=lambda s: _default_key(_KIND_OF_PREFIX[s[0]], s))
    meta: dict[str, Any] = line_ends(ann_text)
    if order != default:
        meta["order"] = order
    if raw:
        meta["raw"] = raw
    if meta:
        doc.meta["brat"] = meta


def _schema_name(base: str, source: str, options: Any) -> str:
    """A schema name not yet used in this import for a different schema."""
    schemas = options.found_schemas
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
        conf_notes: list[str] = []
        schema = schema_from_confs(base, texts, found, inferred, conf_notes)
        options.notes.extend(n for n in conf_notes if n not in options.notes)
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
            _check_overlaps(texts["annotation.conf"], str(found["annotation.conf"]), members, options)
        schemas = options.found_schemas
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


def _check_overlaps(conf_text: str, conf_path: str, members: list[_Doc], options: Any) -> None:
    """A note for each pair of entity spans brat's overlap rules forbid (see :mod:`.overlap`).

    brat loads such a document and marks the pair as an error; tui imports it
    as it is (nothing is lost) and says what brat will complain about. At most
    :data:`MAX_NOTES` notes, then one line with the count of the rest.
    """
    from tui.core.formats.brat.annconf import parse_annotation_conf
    from tui.core.formats.brat.overlap import Box, OverlapRules, violations

    conf, _ = parse_annotation_conf(conf_text, conf_path)
    rules = OverlapRules(conf)
    shown = hidden = 0
    for d in members:
        if d.parsed is None or d.broken:
            continue
        line_of = {item.ann.id: item.line for item in d.parsed.items}
        boxes = [Box(s.source_id or s.id, s.label, tuple(s.fragments), line_of.get(s.id, 0)) for s in d.anns.spans]
        found, stopped = violations(rules, boxes)
        for box, message in found:
            if shown < MAX_NOTES:
                options.notes.append(f"{d.parsed.path}:{box.line}: {message}")
                shown += 1
            else:
                hidden += 1
        if stopped:
            options.notes.append(f"{d.parsed.path}: too many overlapping spans: brat's overlap rules not checked to the end")
    if hidden:
        options.notes.append(f"... and {hidden} more pair(s) of spans brat's overlap rules forbid ({conf_path})")


def _skip(d: _Doc, bad: dict[str, str], options: Any) -> None:
    """Leave out ``bad`` annotations and what depends on them, listing each."""
    parsed = d.parsed
    if parsed is None:
        return
    line_of = {item.ann.id: item for item in parsed.items}
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
    for item in parsed.items:
        if item.ann.id in dropped:
            sid = item.ann.source_id if item.kind != "equivalences" else "*"
            options.skipped.append(f"{parsed.path}:{item.line}: {sid}: {dropped[item.ann.id]}")

