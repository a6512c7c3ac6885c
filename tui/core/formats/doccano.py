"""doccano JSONL out and in: one document per line.

Two shapes, both read: sequence labelling (``{"text", "label": [[start,
end, label], ...]}``) and relation extraction (``{"text", "entities":
[{"id", "label", "start_offset", "end_offset"}], "relations": [{"id",
"from_id", "to_id", "type"}]}``). Export writes one shape for the whole
file (doccano reads one per upload): ``entities`` + ``relations`` when any
document has relations or events, else ``label``, or ``--shape``; plus a ``name`` field (doccano keeps unknown fields as
metadata). doccano has no events: they become trigger-to-argument
relations named by role and are reported; a discontinuous span becomes one
entity per fragment (reported); statuses, equivalences, attributes,
normalisations, notes and relation role names are reported as lost.

Offsets are UTF-16 code units by default, as doccano's browser front end
counts them; ``--offsets codepoint`` overrides. Import validates every line
first (file, line, reason) and imports all or nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from tui.core.errors import InputError, InputErrors
from tui.core.formats._interchange import (
    Problems,
    check_offsets,
    default_roles,
    field,
    is_id,
    is_int,
    json_value,
    numbered,
    read_input,
    schema_in_force,
    stable_id,
    text_problem,
    unknown_span_label,
    where,
)
from tui.core.formats.labelstudio import flat_graph
from tui.core.model import Argument, DocAnnotations, Document, Relation, Span
from tui.core.text.offsets import Utf16Map, decode_utf8, sha256_text, span_text

SUFFIXES = (".jsonl",)


def sniff(path: Path) -> bool:
    """A ``.jsonl`` file is doccano when its first line has ``text`` and ``label`` or ``entities``.

    A first line that does not parse (too deep, ``NaN``...) is judged by its
    keys, so the doccano reader, not the JSONL one, names the problem.
    """
    try:
        with path.open("rb") as fh:
            first = fh.readline(1 << 20)
    except OSError:
        return False
    try:
        obj = json.loads(first.decode("utf-8"))
    except (ValueError, RecursionError):  # RecursionError: a deeply nested first line
        return (b'"text"' in first or b'"data"' in first) and (
            b'"label"' in first or b'"entities"' in first) and b'"spans"' not in first
    return isinstance(obj, dict) and ("text" in obj or "data" in obj) and (
        "label" in obj or "entities" in obj) and "spans" not in obj


# ---------------------------------------------------------------------------
# export


def line_dict(doc: Document, anns: DocAnnotations, report: Any, unit: str,
              shape: str | None = None) -> dict[str, Any]:
    """The doccano object of one document (losses go to ``report``).

    ``shape`` is ``label`` or ``entities`` for the whole file; None picks
    what this document needs (a file should not mix them: see :func:`export`).
    """
    for kind in ("spans", "relations", "events"):
        for ann in getattr(anns, kind):
            if ann.status != "accepted":
                report.add("statuses (pending/rejected exported as plain labels)",
                           where(doc, f"{kind} {ann.source_id or ann.id} {ann.status}"))
    regions, relations = flat_graph(doc, anns, report)
    u16 = Utf16Map(doc.text) if unit == "utf16" else None

    def off(x: int) -> int:
        return u16.to_utf16(x) if u16 is not None else x

    obj: dict[str, Any] = {"text": doc.text, "name": doc.name}
    if shape is None:
        shape = "label" if not _needs_entities(anns) else "entities"
    if shape == "label":
        for a, b, label, _src in relations:
            report.add("relations (the 'label' shape has none)", where(doc, f"{label} {a}->{b}"))
        obj["label"] = [[off(r.start), off(r.end), r.label] for r in regions]
        return obj
    numbers = {r.rid: k for k, r in enumerate(regions, start=1)}
    obj["entities"] = [
        {"id": numbers[r.rid], "label": r.label, "start_offset": off(r.start), "end_offset": off(r.end)}
        for r in regions
    ]
    obj["relations"] = [
        {"id": k, "from_id": numbers[a], "to_id": numbers[b], "type": label}
        for k, (a, b, label, _src) in enumerate(relations, start=1)
    ]
    return obj


def _needs_entities(anns: DocAnnotations) -> bool:
    """Whether a document needs the ``entities`` + ``relations`` shape (it has relations or events)."""
    return bool(anns.relations or anns.events)


def _overlaps(anns: DocAnnotations) -> int:
    """How many spans overlap an earlier one (doccano drops them unless the project allows overlap)."""
    edges = sorted((a, b) for s in anns.spans for a, b in s.fragments)
    count, reach = 0, -1
    for a, b in edges:
        if a < reach:
            count += 1
        reach = max(reach, b)
    return count


def export(store: Any, docs: Iterable[Document], out: IO[str], options: Any) -> Any:
    """Write doccano JSONL, one line per document, every line in one record shape.

    doccano reads one shape per upload and drops lines of the other shape in
    silence, so a file never mixes them: ``options.shape``, or ``entities``
    when any document has relations or events (then the documents are read
    twice: once to decide, once to write), else ``label``. The shape is
    reported, with what it means for the doccano project to import into.

    Args:
        store: the store to read annotations from.
        docs: the documents to write.
        out: a text file object.
        options: ``ExportOptions`` (layers, statuses, offsets: utf16 by default).

    Returns:
        The ``LossReport``.
    """
    from tui.core.formats import LossReport

    report = LossReport()
    unit = options.offsets or "utf16"
    shape = getattr(options, "shape", None)

    def annotations(doc: Document) -> DocAnnotations:
        anns: DocAnnotations = store.annotations(doc.id, annotators=options.layers, statuses=options.statuses)
        return anns

    if shape is None:
        docs = list(docs)
        shape = "entities" if any(_needs_entities(annotations(d)) for d in docs) else "label"
    overlapping = 0
    for doc in docs:
        anns = annotations(doc)
        overlapping += _overlaps(anns)
        out.write(json.dumps(line_dict(doc, anns, report, unit, shape), ensure_ascii=False) + "\n")
        report.documents += 1
    if report.documents:
        report.info.append(
            "doccano shape: every line is 'label' (a sequence labeling project, import format JSONL)"
            if shape == "label"
            else "doccano shape: every line is 'entities' + 'relations' (a sequence labeling project with "
                 "'Use relation labeling' on, import format JSONL(Relation))")
    if overlapping:
        report.notes.append(f"{overlapping} span(s) overlap another: doccano keeps them only in a project "
                            "with 'Allow overlapping spans' on")
    if unit == "codepoint":
        report.notes.append("offsets are code points (import with --offsets codepoint)")
    return report


# ---------------------------------------------------------------------------
# import


def parse_line(obj: Any, path: str, lineno: int, n: int, stem: str, total: int, options: Any,
               problems: Problems) -> tuple[Document, DocAnnotations] | None:
    """Validate one doccano object; problems go to ``problems`` with the line number."""
    if not isinstance(obj, dict):
        problems.add("expected a JSON object (one document per line)", lineno)
        return None
    text = obj.get("text", obj.get("data"))
    if not isinstance(text, str):
        problems.add("missing string field 'text'", lineno)
        return None
    too_big = text_problem(text)
    if too_big:
        problems.add(too_big, lineno)
        return None
    given = field(obj, "name", str, problems, lineno, "document", required=False)
    if "name" in obj and obj["name"] is not None and given is None:
        return None
    name = given or numbered(stem, n, total)
    sha = sha256_text(text)
    unit = options.offsets or "utf16"
    u16 = Utf16Map(text) if unit == "utf16" else None
    schema = schema_in_force(options)
    before = len(problems.errors)
    anns = DocAnnotations()
    common = {"origin": "import", "status": "accepted"}

    def span_at(start: Any, end: Any, label: Any, where_: str, key: Any) -> Span | None:
        if not isinstance(label, str) or not label:
            problems.add(f"{where_}: label must be a non-empty string", lineno)
            return None
        if u16 is not None and is_int(start) and is_int(end):
            try:
                start, end = u16.from_utf16(start), u16.from_utf16(end)
            except ValueError as exc:
                problems.add(f"{where_}: {exc}", lineno)
                return None
        reason = check_offsets(text, start, end)
        if reason:
            problems.add(f"{where_}: {reason}", lineno)
            return None
        if schema is not None and unknown_span_label(schema, label):
            problems.add(f"{where_}: unknown type {label!r} (not in schema {schema.name})", lineno)
            return None
        span = Span(id=stable_id(name, sha, "span", key, start, end, label), label=label, fragments=[(start, end)],
                    text=span_text(text, [(start, end)]), **common)
        anns.spans.append(span)
        return span

    if "entities" in obj:
        entities, relations = obj.get("entities"), obj.get("relations", [])
        if not isinstance(entities, list) or not isinstance(relations, list):
            problems.add("'entities' and 'relations' must be lists", lineno)
            return None
        # Ids are keyed by their text: 3 and "3" are the same entity (doccano writes
        # integers, other tools strings), and a list or object is no id at all.
        by_id: dict[str, Span] = {}
        for k, ent in enumerate(entities):
            where_ = f"entities[{k}]"
            if not isinstance(ent, dict):
                problems.add(f"{where_}: expected an object", lineno)
                continue
            eid = ent.get("id", k)
            if not is_id(eid):
                problems.add(f"{where_}: id must be a string or an integer (got {json.dumps(eid)[:40]})", lineno)
                continue
            if str(eid) in by_id:
                problems.add(f"{where_}: duplicate id {eid!r}", lineno)
                continue
            span = span_at(ent.get("start_offset"), ent.get("end_offset"), ent.get("label"), where_, eid)
            if span is not None:
                span.source_id = str(eid)
                by_id[str(eid)] = span
        seen = set()
        for k, rel in enumerate(relations):
            where_ = f"relations[{k}]"
            if not isinstance(rel, dict):
                problems.add(f"{where_}: expected an object", lineno)
                continue
            rid = rel.get("id", k)
            if not is_id(rid):
                problems.add(f"{where_}: id must be a string or an integer (got {json.dumps(rid)[:40]})", lineno)
                continue
            if str(rid) in seen:
                problems.add(f"{where_}: duplicate id {rid!r}", lineno)
                continue
            seen.add(str(rid))
            typ = rel.get("type")
            if not isinstance(typ, str) or not typ:
                problems.add(f"{where_}: type must be a non-empty string", lineno)
                continue
            src, dst = rel.get("from_id"), rel.get("to_id")
            if not is_id(src) or not is_id(dst):
                bad = dst if is_id(src) else src
                problems.add(f"{where_}: from_id and to_id must be strings or integers "
                             f"(got {json.dumps(bad)[:40]})", lineno)
                continue
            head, tail = by_id.get(str(src)), by_id.get(str(dst))
            if head is None or tail is None:
                missing = src if head is None else dst
                problems.add(f"{where_}: relation points to missing id {missing!r}", lineno)
                continue
            ends = [head, tail]
            if ends[0] is ends[1]:
                problems.add(f"{where_}: relation from entity {src!r} to itself", lineno)
                continue
            if schema is not None and schema.relation_type(typ) is None:
                problems.add(f"{where_}: unknown relation type {typ!r} (not in schema {schema.name})", lineno)
                continue
            r1, r2 = default_roles(schema, options.schema, typ)
            anns.relations.append(Relation(
                id=stable_id(name, sha, "rel", rid, ends[0].id, ends[1].id, typ), source_id=str(rid), type=typ,
                arguments=[Argument(role=r1, target=ends[0].id), Argument(role=r2, target=ends[1].id)], **common,
            ))
    else:
        labels = obj.get("label", [])
        if not isinstance(labels, list):
            problems.add("'label' must be a list of [start, end, label]", lineno)
            return None
        for k, item in enumerate(labels):
            where_ = f"label[{k}]"
            if not isinstance(item, list) or len(item) != 3:
                problems.add(f"{where_}: expected [start, end, label], got {json.dumps(item)[:60]}", lineno)
                continue
            span_at(item[0], item[1], item[2], where_, k)
    if len(problems.errors) > before:
        return None
    return Document(name=name, text=text, schema=options.schema), anns


def read_file(path: Path, stem: str, options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Read one doccano JSONL file.

    Raises:
        InputErrors: every problem, each with file, line and reason.
    """
    content = decode_utf8(read_input(path), str(path))
    problems = Problems(str(path))
    lines = [(k, line) for k, line in enumerate(content.split("\n"), start=1) if line.strip()]
    items = []
    names: dict[str, int] = {}
    for n, (lineno, line) in enumerate(lines, start=1):
        try:
            obj = json_value(line, str(path), lineno)
        except InputError as exc:
            problems.errors.append(exc)
            continue
        parsed = parse_line(obj, str(path), lineno, n, stem, len(lines), options, problems)
        if parsed is None:
            continue
        name = parsed[0].name
        if name in names:
            problems.add(f"document name {name!r} already used on line {names[name]}", lineno)
            continue
        names[name] = lineno
        items.append(parsed)
    if problems:
        raise InputErrors(problems.errors)
    return items


def read(paths: list[Path], options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Registry entry: doccano JSONL files, or folders of them.

    Raises:
        InputErrors: every problem, each with file and line.
    """
    from tui.core.formats.text import read_each

    return read_each(paths, SUFFIXES, lambda f, name: read_file(f, name, options))
