"""doccano JSONL out and in: one document per line.

Every shape doccano exports is read: sequence labelling (``{"text",
"label": [[start, end, label], ...]}``), relation extraction (``{"text",
"entities": [{"id", "label", "start_offset", "end_offset"}], "relations":
[{"id", "from_id", "to_id", "type"}]}``), intent detection (``{"text",
"entities": [[start, end, label], ...], "cats": [name, ...]}``) and text
classification (``{"text", "label": [name, ...]}``). tui has no
document-level labels: categories (``cats``, or ``label`` as names) are
kept in ``meta["doccano"]`` and named in a note.

``meta["doccano"]["record"]`` keeps the whole line (``id``, ``meta``,
``Comments``, any other field), each entity, label and relation beside the
id of the annotation it became. When every exported document came from
doccano (and no ``--shape`` is given), each line is written back in its own
shape from that record, its values taken from the store, so import ->
export gives the same lines; annotations made in tui are added in the
line's shape or reported lost. Otherwise export writes one shape for the
whole file (doccano reads one per upload): ``entities`` + ``relations``
when any document has relations or events, else ``label``, or ``--shape``;
plus a ``name`` field (doccano keeps unknown fields as metadata) and each
kept line's own fields. doccano has no events: they become
trigger-to-argument relations named by role and are reported; a
discontinuous span becomes one entity per fragment (reported); statuses,
equivalences, attributes, normalisations, notes and relation role names
are reported as lost.

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
    describe_span,
    field,
    is_id,
    is_int,
    json_value,
    key_orders,
    numbered,
    read_input,
    reorder,
    schema_in_force,
    short_repr,
    stable_id,
    text_problem,
    unknown_span_label,
    where,
)
from tui.core.formats.labelstudio import flat_graph
from tui.core.model import Argument, DocAnnotations, Document, Relation, Span
from tui.core.text.offsets import Utf16Map, decode_utf8, sha256_text, span_text

SUFFIXES = (".jsonl",)
#: The key of ``Document.meta`` holding what a doccano line had beside the annotations tui models.
META_KEY = "doccano"


def sniff(path: Path) -> bool:
    """A ``.jsonl`` file is doccano when its first line has ``text`` and ``label``, ``entities`` or ``cats``.

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
            b'"label"' in first or b'"entities"' in first or b'"cats"' in first) and b'"spans"' not in first
    return isinstance(obj, dict) and ("text" in obj or "data" in obj) and (
        "label" in obj or "entities" in obj or "cats" in obj) and "spans" not in obj


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
    record = _kept(doc)
    if record is not None:  # the line's own fields (id, meta, ...), in a shape other than its own
        obj = {k: (doc.text if k == "text" else v) for k, v in record.items() if k not in _ANNOTATION_KEYS}
        obj.setdefault("text", doc.text)
        obj.setdefault("name", doc.name)
        for name in _categories(record):
            report.add("document categories (kept only when each line is written in its own shape)",
                       where(doc, name))
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


#: The fields of a doccano line that hold annotations or categories (the rest is the line's metadata).
_ANNOTATION_KEYS = ("text", "data", "label", "entities", "relations", "cats")


def _kept(doc: Document) -> dict[str, Any] | None:
    """The line a document was imported from, as ``parse_line`` kept it in ``meta["doccano"]``, or None."""
    meta = doc.meta.get(META_KEY) if isinstance(doc.meta, dict) else None
    record = meta.get("record") if isinstance(meta, dict) else None
    return record if isinstance(record, dict) else None


def _categories(record: dict[str, Any]) -> list[str]:
    """The document categories of a kept line: ``cats``, or ``label`` as a list of names."""
    out = [c for c in record.get("cats") or () if isinstance(c, str)] if isinstance(record.get("cats"), list) else []
    label = record.get("label")
    if isinstance(label, list):
        out += [c for c in label if isinstance(c, str)]
    return out


def _wrapped(value: Any) -> bool:
    """Whether a kept list holds ``{"ids", "item"}`` entries (annotations), not values kept as they came."""
    return isinstance(value, list) and all(isinstance(e, dict) and set(e) == {"ids", "item"} for e in value)


def kept_line(doc: Document, anns: DocAnnotations, record: dict[str, Any], report: Any,
              unit: str) -> dict[str, Any]:
    """A document imported from doccano, written back in its own shape.

    Every field comes back as it came (``id``, ``meta``, ``Comments``,
    categories...); each kept entity, label and relation takes its offsets,
    label and ends from the annotation it became (or is left out if that was
    deleted); annotations made in tui are added in the line's shape, or
    reported lost when the shape has no place for them.
    """
    for kind in ("spans", "relations", "events"):
        for ann in getattr(anns, kind):
            if ann.status != "accepted":
                report.add("statuses (pending/rejected exported as plain labels)",
                           where(doc, f"{kind} {ann.source_id or ann.id} {ann.status}"))
    u16 = Utf16Map(doc.text) if unit == "utf16" else None

    def off(x: int) -> int:
        return u16.to_utf16(x) if u16 is not None else x

    by_id = {a.id: a for a in anns.all()}
    used: set[str] = set()
    entity_of: dict[str, Any] = {}  # span id -> its entity's id in the line
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key in ("text", "data") and value is None:
            out[key] = doc.text
        elif key in ("label", "entities", "relations") and _wrapped(value):
            out[key] = []
            for entry in value:
                ids = entry["ids"] if isinstance(entry["ids"], list) else []  # meta is data: check its shape
                ann = next((by_id[i] for i in ids if isinstance(i, str) and i in by_id), None)
                item = entry["item"]
                if ann is None:
                    continue
                used.add(ann.id)
                if isinstance(ann, Span):
                    if len(ann.fragments) > 1:
                        report.add("discontinuous spans (first fragment kept)", where(doc, describe_span(ann)))
                    a, b = ann.fragments[0]
                    if isinstance(item, dict):
                        item = {**item, "start_offset": off(a), "end_offset": off(b), "label": ann.label}
                        entity_of[ann.id] = item.get("id")
                    else:
                        item = [off(a), off(b), ann.label]
                elif isinstance(ann, Relation) and isinstance(item, dict):
                    ends = [entity_of.get(x.target) for x in ann.arguments]
                    if None in ends:
                        continue
                    item = {**item, "from_id": ends[0], "to_id": ends[1], "type": ann.type}
                out[key].append(item)
        else:
            out[key] = value
    fresh = DocAnnotations()
    for kind in ("events", "relations", "equivalences", "attributes", "normalizations", "notes"):
        getattr(fresh, kind).extend(a for a in getattr(anns, kind) if a.id not in used)
    new_spans = [s for s in anns.spans if s.id not in used]
    if not fresh.all() and not new_spans:
        return out
    fresh.spans = new_spans + [s for s in anns.spans if s.id in used and len(s.fragments) == 1]
    regions, relations = flat_graph(doc, fresh, report)
    regions = [r for r in regions if r.span.id not in used]
    entities = out.get("entities")
    if isinstance(entities, list) and ("relations" in out or any(isinstance(e, dict) for e in entities)):
        taken: list[Any] = [e.get("id") for e in entities if isinstance(e, dict)] + [
            r.get("id") for r in out.get("relations") or () if isinstance(r, dict)]
        next_id: int = max([int(i) for i in taken if is_int(i)], default=-1) + 1
        eid_of: dict[str, Any] = {s.source_id or s.id: entity_of[s.id] for s in fresh.spans if s.id in entity_of}
        for r in regions:
            eid_of[r.rid] = next_id
            next_id += 1
            entities.append({"id": eid_of[r.rid], "label": r.label,
                             "start_offset": off(r.start), "end_offset": off(r.end)})
        rels = out.setdefault("relations", [])
        for head, tail, label, _src in relations:
            if head in eid_of and tail in eid_of:
                rels.append({"id": next_id, "from_id": eid_of[head], "to_id": eid_of[tail], "type": label})
                next_id += 1
        return out
    target = "entities" if isinstance(entities, list) else "label" if _wrapped(record.get("label")) else None
    for r in regions:
        if target is None:
            report.add("spans (a text classification line has none)", where(doc, describe_span(r.span)))
        else:
            out[target].append([off(r.start), off(r.end), r.label])
    for head, tail, label, _src in relations:
        report.add("relations (the 'label' shape has none)", where(doc, f"{label} {head}->{tail}"))
    return out


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
        if docs and all(_kept(d) is not None for d in docs):
            shape = "kept"
        else:
            shape = "entities" if any(_needs_entities(annotations(d)) for d in docs) else "label"
    overlapping = 0
    for doc in docs:
        anns = annotations(doc)
        overlapping += _overlaps(anns)
        record = _kept(doc)
        if shape == "kept" and record is not None:
            order = doc.meta[META_KEY].get("order")
            line = reorder(kept_line(doc, anns, record, report, unit), order)
        else:
            line = line_dict(doc, anns, report, unit, shape)
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        report.documents += 1
    if report.documents and shape == "kept":
        report.info.append("doccano shape: every line is written in the shape it was imported in (its "
                           "'label', 'entities', 'relations', 'cats' and other fields as they came)")
    elif report.documents:
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

    # What the line had beside the annotations tui models, each entity, label and relation wrapped with
    # the ids of the annotations made from it: written back by the exporter (see _kept_line).
    text_key = "text" if "text" in obj else "data"
    record: dict[str, Any] = {k: (None if k == text_key else v) for k, v in obj.items()}

    def triples(items: list[Any], key: str) -> list[dict[str, Any]]:
        wrapped = []
        for k, item in enumerate(items):
            where_ = f"{key}[{k}]"
            if not isinstance(item, list) or len(item) != 3:
                problems.add(f"{where_}: expected [start, end, label], got {short_repr(item, 60)}", lineno)
                continue
            span = span_at(item[0], item[1], item[2], where_, k if key == "label" else f"{key}{k}")
            wrapped.append({"ids": [span.id] if span is not None else [], "item": item})
        return wrapped

    def categories(items: list[Any], key: str) -> None:
        for k, item in enumerate(items):
            if not isinstance(item, str) or not item:
                problems.add(f"{key}[{k}]: a category must be a non-empty string (got {short_repr(item)})", lineno)

    cats = obj.get("cats")
    if "cats" in obj:  # intent detection: document categories beside the entities
        if not isinstance(cats, list):
            problems.add("'cats' must be a list of strings", lineno)
            return None
        categories(cats, "cats")
    entities = obj.get("entities")
    if "entities" in obj and isinstance(entities, list) and entities and all(isinstance(e, list) for e in entities):
        record["entities"] = triples(entities, "entities")  # intent detection: [start, end, label] triples
    elif "entities" in obj:
        relations = obj.get("relations", [])
        if not isinstance(entities, list) or not isinstance(relations, list):
            problems.add("'entities' and 'relations' must be lists", lineno)
            return None
        kept_entities, kept_relations = [], []
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
                problems.add(f"{where_}: id must be a string or an integer (got {short_repr(eid)})", lineno)
                continue
            if str(eid) in by_id:
                problems.add(f"{where_}: duplicate id {short_repr(eid)}", lineno)
                continue
            span = span_at(ent.get("start_offset"), ent.get("end_offset"), ent.get("label"), where_, eid)
            if span is not None:
                span.source_id = str(eid)
                by_id[str(eid)] = span
                kept_entities.append({"ids": [span.id], "item": ent})
        seen = set()
        for k, rel in enumerate(relations):
            where_ = f"relations[{k}]"
            if not isinstance(rel, dict):
                problems.add(f"{where_}: expected an object", lineno)
                continue
            rid = rel.get("id", k)
            if not is_id(rid):
                problems.add(f"{where_}: id must be a string or an integer (got {short_repr(rid)})", lineno)
                continue
            if str(rid) in seen:
                problems.add(f"{where_}: duplicate id {short_repr(rid)}", lineno)
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
                             f"(got {short_repr(bad)})", lineno)
                continue
            head, tail = by_id.get(str(src)), by_id.get(str(dst))
            if head is None or tail is None:
                missing = src if head is None else dst
                problems.add(f"{where_}: relation points to missing id {short_repr(missing)}", lineno)
                continue
            ends = [head, tail]
            if ends[0] is ends[1]:
                problems.add(f"{where_}: relation from entity {short_repr(src)} to itself", lineno)
                continue
            if schema is not None and schema.relation_type(typ) is None:
                problems.add(f"{where_}: unknown relation type {typ!r} (not in schema {schema.name})", lineno)
                continue
            r1, r2 = default_roles(schema, options.schema, typ)
            relation = Relation(
                id=stable_id(name, sha, "rel", rid, ends[0].id, ends[1].id, typ), source_id=str(rid), type=typ,
                arguments=[Argument(role=r1, target=ends[0].id), Argument(role=r2, target=ends[1].id)], **common,
            )
            anns.relations.append(relation)
            kept_relations.append({"ids": [relation.id], "item": rel})
        record["entities"] = kept_entities
        if "relations" in obj:
            record["relations"] = kept_relations
    if "label" in obj:
        labels = obj.get("label")
        if not isinstance(labels, list):
            problems.add("'label' must be a list of [start, end, label] or of category names", lineno)
            return None
        if labels and all(isinstance(x, str) for x in labels) and "entities" not in obj:
            pass  # text classification: the line's categories (kept as they came)
        else:
            record["label"] = triples(labels, "label")
    if len(problems.errors) > before:
        return None
    names = [c for c in (cats if "cats" in obj else []) or []] + [
        x for x in obj.get("label") or [] if isinstance(x, str)]
    if names:
        options.notes.append(f"{path}:{lineno}: {len(names)} document categor{'y' if len(names) == 1 else 'ies'} "
                             f"({', '.join(map(repr, names[:3]))}{', ...' if len(names) > 3 else ''}) kept for "
                             "re-export: tui has no document-level labels")
    meta: dict[str, Any] = {"record": record}
    orders = key_orders(obj)
    if orders:
        meta["order"] = orders
    return Document(name=name, text=text, schema=options.schema, meta={META_KEY: meta}), anns


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
