"""Writing brat: a document's .ann text, and a whole export folder with its .conf files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from tui.core.errors import TuiError
from tui.core.formats._interchange import annotations_from_rows, export_annotations
from tui.core.formats.brat.lines import (
    _BREAK_RE,
    _WS,
    LINE_BREAKS,
    PREFIX,
    _breaking_problems,
    _default_key,
    _show,
    _Writer,
    assign_ids,
)
from tui.core.model import (
    KINDS,
    DocAnnotations,
    Document,
    Note,
)

#: The note that carries a status other than accepted (brat has no status):
#: ``#3\tAnnotatorNotes T7\ttui:status=pending``; the reader turns it back
#: into the status (:data:`tui.core.formats.brat.reader.STATUS_NOTE`).
STATUS_NOTE = "tui:status={}"


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


def _status_notes(anns: DocAnnotations, writer: _Writer) -> None:
    """Add a ``tui:status=...`` note to each pending or rejected span, event and relation.

    Without it a pending suggestion would read as gold in brat. Other kinds
    with such a status cannot carry a note in brat and are reported.
    """
    for kind in KINDS:
        for ann in list(getattr(anns, kind)):
            if ann.status == "accepted":
                continue
            if kind in ("spans", "events", "relations"):
                anns.notes.append(Note(id=f"{ann.id}:status", target=ann.id, text=STATUS_NOTE.format(ann.status),
                                       annotator=ann.annotator, status=ann.status))
            else:
                writer._lose("statuses", f"{ann.source_id or ann.id} ({kind}): {ann.status}, written as accepted")


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
    _status_notes(anns, writer)
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
    eol: str = meta["eol"] if meta.get("eol") in ("\r\n", "\r") else "\n"  # the imported file's line ends
    out = [line for _, line in lines]
    blank = meta.get("blank")
    for entry in blank if isinstance(blank, list) else ():  # blank lines where the imported file had them
        if (isinstance(entry, list) and len(entry) == 2 and entry[0].__class__ is int and isinstance(entry[1], str)
                and 0 <= entry[0] <= len(out) and not entry[1].strip() and not LINE_BREAKS.intersection(entry[1])):
            out.insert(entry[0], entry[1])
    text = "".join(line + eol for line in out)
    if meta.get("last_eol") is False and text:
        text = text[:-len(eol)]
    return text, writer.split_spans, anns

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
    report.notes.append("brat has no place for annotators, origins or timestamps: not written; "
                        "statuses other than accepted are notes 'tui:status=...' on spans, events and relations")
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
    remembered line order or lines), every annotation accepted (no status note), every reference exported, every name
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
            # (a source id to keep, a repeated id, or a status that needs its note)
            if r[-6] is not None or r[0] in sid_of or r[-3] != "accepted":
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
    if fast is not None and rows is not None:  # (fast is only made from rows)
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
    if prev is not None and key is not None and kept is not None and kept.get(key) is prev:
        return  # merge_schemas(prev, infer_schema(...)) == prev: known from an earlier document
    seen = infer_schema(doc.schema, [materialise()])
    if prev is None:
        used[doc.schema] = seen
        return
    merged = merge_schemas(prev, seen)
    if merged == prev:  # nothing new: keep the very object, so the memo above recognises it
        if key is not None and kept is not None:
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
    from tui.core.formats.brat.conf import extract_confs, merge_schemas
    from tui.core.formats.brat.conf_write import confs_for_export, generate_confs
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
