"""Label Studio JSON out and in: a list of tasks with ``data.text``.

Export writes one task per document: ``data.text`` (the text exactly) and
``data.name``; accepted annotations go to ``annotations`` (one per
annotator, ``created_username`` naming them), pending ones to
``predictions`` (``model_version`` naming the annotator). Spans are
``labels`` results (``value.start``/``end``/``text``/``labels``), relations
are ``relation`` results (``from_id``/``to_id``/``labels``). Label Studio has
no events: each event becomes trigger-to-argument relations named by role,
and is reported as such; a discontinuous span becomes one region per
fragment (reported); equivalences, attributes, normalisations, notes,
relation role names and rejected annotations are reported as lost.

Offsets are code points by default (Python string indices, what Label
Studio's backend stores for text); ``--offsets utf16`` converts.

Import validates everything first: each problem names the file, the line
where the task starts, the task, annotation and result, and the reason.
``annotations`` come in ``accepted`` with origin ``import``, ``predictions``
as ``pending`` suggestions with origin ``suggestion:labelstudio``. Result
types other than ``labels`` and ``relation`` are skipped and counted in the
notes, except per-region ``textarea`` results, which become notes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from tui.core.errors import InputError, InputErrors
from tui.core.formats._interchange import (
    JsonLimit,
    Problems,
    check_offsets,
    default_roles,
    describe_span,
    event_relations,
    is_id,
    is_int,
    json_elements,
    numbered,
    read_input,
    report_kinds,
    schema_in_force,
    short_repr,
    stable_id,
    text_problem,
    unknown_span_label,
    where,
)
from tui.core.model import Argument, DocAnnotations, Document, Note, Relation, Span
from tui.core.text.offsets import Utf16Map, decode_utf8, sha256_text, span_text

SUFFIXES = (".json",)
ORIGIN_SUGGESTION = "suggestion:labelstudio"


def sniff(path: Path) -> bool:
    """A ``.json`` file is Label Studio when it starts like a list of tasks or one task."""
    try:
        head = path.read_bytes()[:4096].decode("utf-8", "ignore").lstrip()
    except OSError:
        return False
    return head.startswith("[") or ('"data"' in head and head.startswith("{"))


# ---------------------------------------------------------------------------
# the flat graph shared with doccano


class Region:
    """One exported span fragment: a Label Studio region, a doccano entity."""

    __slots__ = ("rid", "start", "end", "label", "span")

    def __init__(self, rid: str, start: int, end: int, label: str, span: Span) -> None:
        self.rid, self.start, self.end, self.label, self.span = rid, start, end, label, span


def flat_graph(doc: Document, anns: DocAnnotations, report: Any) -> tuple[list[Region], list[tuple[str, str, str, Any]]]:
    """Spans as regions and relations (events as trigger-to-argument relations).

    Losses go to ``report``: discontinuous spans (split), events (as
    relations), relation role names not the schema's defaults, relations
    whose arguments are not spans or events, and every equivalence,
    attribute, normalisation and note.

    Returns:
        ``(regions, relations)``; a relation is ``(from rid, to rid, label, source)``.
    """
    regions: list[Region] = []
    first: dict[str, str] = {}  # span id -> rid of its first fragment
    used: set[str] = set()
    for span in anns.spans:
        rid = span.source_id if span.source_id and span.source_id not in used else span.id
        if len(span.fragments) > 1:
            report.add("discontinuous spans (one region per fragment)", where(doc, describe_span(span)))
        for k, (a, b) in enumerate(span.fragments):
            r = rid if k == 0 else f"{rid}-{k + 1}"
            used.add(r)
            regions.append(Region(r, a, b, span.label, span))
        first[span.id] = rid
    triggers = {e.id: e.trigger for e in anns.events}
    relations: list[tuple[str, str, str, Any]] = []
    for rel in anns.relations:
        ends = [first.get(triggers.get(a.target, a.target)) for a in rel.arguments]
        if len(ends) != 2 or ends[0] is None or ends[1] is None:
            report.add("relations whose arguments are not spans", where(doc, f"{rel.type} {rel.source_id or rel.id}"))
            continue
        roles = default_roles(None, doc.schema, rel.type)
        if tuple(a.role for a in rel.arguments) != roles:
            report.add("relation role names (from/to kept)", where(
                doc, f"{rel.type} {rel.arguments[0].role}/{rel.arguments[1].role}"))
        relations.append((ends[0], ends[1], rel.type, rel))
    seen_events = set()
    for event, trig, target, role in event_relations(anns):
        if event.id not in seen_events:
            seen_events.add(event.id)
            report.add("events (exported as trigger-to-argument relations)",
                       where(doc, f"{event.type} {event.source_id or event.id}"))
        from_id, to_id = first.get(trig), first.get(target)
        if from_id is None or to_id is None:
            continue
        relations.append((from_id, to_id, role, event))
    for event in anns.events:
        if event.id not in seen_events and not event.arguments:
            report.add("events without arguments (only the trigger is kept)",
                       where(doc, f"{event.type} {event.source_id or event.id}"))
    report_kinds(report, doc, anns, ("equivalences", "attributes", "normalizations", "notes"))
    return regions, relations


# ---------------------------------------------------------------------------
# export


def _results(text: str, regions: list[Region], relations: list[tuple[str, str, str, Any]], u16: Utf16Map | None) -> list[dict[str, Any]]:
    def off(x: int) -> int:
        return u16.to_utf16(x) if u16 is not None else x

    out: list[dict[str, Any]] = []
    for r in regions:
        out.append({
            "id": r.rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": off(r.start), "end": off(r.end), "text": text[r.start:r.end], "labels": [r.label]},
        })
    rids = {r.rid for r in regions}
    for a, b, label, _src in relations:
        if a in rids and b in rids:
            out.append({"from_id": a, "to_id": b, "type": "relation", "direction": "right", "labels": [label]})
    return out


def task_dict(doc: Document, anns: DocAnnotations, report: Any, n: int, unit: str | None) -> dict[str, Any]:
    """The Label Studio task of one document (losses go to ``report``)."""
    u16 = Utf16Map(doc.text) if unit == "utf16" else None
    groups: dict[tuple[str, str], DocAnnotations] = {}
    for kind in ("spans", "events", "relations", "equivalences", "attributes", "normalizations", "notes"):
        for ann in getattr(anns, kind):
            if ann.status == "rejected":
                report.add("rejected annotations", where(doc, f"{kind} {ann.source_id or ann.id}"))
                continue
            key = ("predictions" if ann.status == "pending" else "annotations", ann.annotator)
            getattr(groups.setdefault(key, DocAnnotations()), kind).append(ann)
    task: dict[str, Any] = {"id": n, "data": {"text": doc.text, "name": doc.name}, "annotations": [], "predictions": []}
    for (where_to, annotator), group in sorted(groups.items()):
        ids = {s.id for s in group.spans}
        # A relation or event between two annotators' spans cannot live in either result.
        for rel in list(group.relations):
            if any(a.target not in ids and a.target not in {e.id for e in group.events} for a in rel.arguments):
                report.add("relations between different annotators or statuses", where(doc, f"{rel.type} {rel.id}"))
                group.relations.remove(rel)
        regions, relations = flat_graph(doc, group, report)
        result = _results(doc.text, regions, relations, u16)
        if where_to == "annotations":
            task["annotations"].append({"id": len(task["annotations"]) + 1, "created_username": annotator,
                                        "result": result, "was_cancelled": False})
        else:
            task["predictions"].append({"model_version": annotator or "tui", "result": result})
    return task


def export(store: Any, docs: Iterable[Document], out: IO[str], options: Any) -> Any:
    """Write a JSON list of tasks, one document at a time.

    Args:
        store: the store to read annotations from.
        docs: the documents to write.
        out: a text file object.
        options: ``ExportOptions`` (layers, statuses, offsets).

    Returns:
        The ``LossReport``.
    """
    from tui.core.formats import LossReport

    report = LossReport()
    out.write("[")
    for doc in docs:
        anns = store.annotations(doc.id, annotators=options.layers, statuses=options.statuses)
        task = task_dict(doc, anns, report, report.documents + 1, options.offsets)
        out.write(("\n" if not report.documents else ",\n") + json.dumps(task, ensure_ascii=False))
        report.documents += 1
    out.write("\n]\n")
    if options.offsets == "utf16":
        report.notes.append("offsets are UTF-16 code units (import with --offsets utf16)")
    return report


# ---------------------------------------------------------------------------
# import


def _annotator(item: dict[str, Any]) -> str:
    for key in ("created_username", "completed_by"):
        value = item.get(key)
        if isinstance(value, dict):
            value = value.get("email") or value.get("username") or value.get("id")
        if isinstance(value, str) and value.strip():
            return value.split(",")[0].strip()
        if isinstance(value, int) and not isinstance(value, bool):
            return f"labelstudio-user-{value}"
    return ""


def _text_of(task: dict[str, Any]) -> tuple[str | None, str]:
    data = task.get("data")
    if not isinstance(data, dict):
        return None, "task has no 'data' object"
    text = data.get("text")
    if not isinstance(text, str):
        return None, "task has no string 'data.text'"
    return text, ""


def read_file(path: Path, stem: str, options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Read one Label Studio JSON export.

    Raises:
        InputErrors: every problem, each with file, line and reason.
    """
    content = decode_utf8(read_input(path), str(path))
    try:
        tasks = json_elements(content)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg} (column {exc.colno})", path=str(path), line=exc.lineno) from None
    except JsonLimit as exc:
        raise InputError(exc.reason, path=str(path), line=exc.lineno) from None
    problems = Problems(str(path))
    schema = schema_in_force(options)
    unit = options.offsets or "codepoint"
    skipped: dict[str, int] = {}
    items = []
    names: dict[str, int] = {}
    for n, (task, line) in enumerate(tasks, start=1):
        if not isinstance(task, dict):
            problems.add(f"task {n}: expected an object", line)
            continue
        text, why = _text_of(task)
        if text is None:
            problems.add(f"task {n}: {why}", line)
            continue
        too_big = text_problem(text)
        if too_big:
            problems.add(f"task {n}: {too_big}", line)
            continue
        data = task["data"]
        name = data.get("name") if isinstance(data.get("name"), str) and data.get("name") else (
            numbered(stem, n, len(tasks)))
        if name in names:
            problems.add(f"task {n}: document name {name!r} already used by the task on line {names[name]}", line)
            continue
        names[name] = line
        sha = sha256_text(text)
        u16 = Utf16Map(text) if unit == "utf16" else None
        anns = DocAnnotations()
        for key, status, origin in (("annotations", "accepted", "import"),
                                    ("predictions", "pending", ORIGIN_SUGGESTION)):
            groups = task.get(key, [])
            if not isinstance(groups, list):
                problems.add(f"task {n}: '{key}' must be a list", line)
                continue
            for g, group in enumerate(groups):
                here = f"task {n}, {key[:-1]} {g}"
                if not isinstance(group, dict) or not isinstance(group.get("result", []), list):
                    problems.add(f"{here}: expected an object with a 'result' list", line)
                    continue
                cancelled = group.get("was_cancelled")
                if cancelled is not None and not isinstance(cancelled, bool):
                    problems.add(f"{here}: 'was_cancelled' must be true or false (got {short_repr(cancelled)})", line)
                    continue
                if cancelled:
                    continue
                version = group.get("model_version")
                if key == "predictions" and version is not None and not isinstance(version, str | int):
                    problems.add(f"{here}: 'model_version' must be a string (got {short_repr(version)})", line)
                    continue
                annotator = _annotator(group) if key == "annotations" else str(version or "labelstudio")
                _read_result(group.get("result", []), text, u16, sha, name, f"{key}{g}", here, line, problems,
                             schema, options, skipped, anns,
                             {"annotator": annotator, "status": status, "origin": origin})
        items.append((Document(name=name, text=text, schema=options.schema), anns))
    for typ, count in sorted(skipped.items()):
        options.notes.append(f"{path}: skipped {count} result(s) of type {typ!r} (only labels, relation and "
                             "per-region textarea are read)")
    if problems:
        raise InputErrors(problems.errors)
    return items


def _read_result(results: list[Any], text: str, u16: Utf16Map | None, sha: str, name: str, group_key: str,
                 here: str, line: int, problems: Problems, schema: Any, options: Any,
                 skipped: dict[str, int], anns: DocAnnotations, common: dict[str, str]) -> None:
    """Validate one annotation's (or prediction's) results into ``anns``."""
    regions: dict[str, Span] = {}
    later = []
    for k, item in enumerate(results):
        where_ = f"{here}, result {k}"
        if not isinstance(item, dict):
            problems.add(f"{where_}: expected an object", line)
            continue
        typ = item.get("type")
        rid = item.get("id")
        if rid is not None and not is_id(rid):
            problems.add(f"{where_}: id must be a string or an integer (got {short_repr(rid)})", line)
            continue
        where_ = f"{where_} (id {rid!r})" if rid is not None else where_
        if typ in ("relation", "textarea"):
            later.append((where_, item))
            continue
        if typ != "labels":
            typ = typ[:40] if isinstance(typ, str) else short_repr(typ)  # a note names it: keep it short
            skipped[typ] = skipped.get(typ, 0) + 1
            continue
        value = item.get("value")
        if not isinstance(value, dict):
            problems.add(f"{where_}: missing 'value' object", line)
            continue
        start, end, labels = value.get("start"), value.get("end"), value.get("labels")
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) and x for x in labels):
            problems.add(f"{where_}: 'value.labels' must be a non-empty list of strings", line)
            continue
        reason = _convert(text, u16, start, end)
        if isinstance(reason, str):
            problems.add(f"{where_}: {reason}", line)
            continue
        a, b = reason
        given = value.get("text")
        if given is not None and given != text[a:b]:
            hint = "" if u16 is not None else " (UTF-16 offsets? try --offsets utf16)"
            problems.add(f"{where_}: span text {given!r} does not match the document ({text[a:b]!r}){hint}", line)
            continue
        rid = f"r{k}" if rid is None else str(rid)
        if rid in regions:
            problems.add(f"{where_}: duplicate id {rid!r}", line)
            continue
        for label in labels:
            if schema is not None and unknown_span_label(schema, label):
                problems.add(f"{where_}: unknown type {label!r} (not in schema {schema.name})", line)
                continue
            span = Span(id=stable_id(name, sha, group_key, "span", rid, label), source_id=rid, label=label,
                        fragments=[(a, b)], text=span_text(text, [(a, b)]), **common)
            anns.spans.append(span)
            regions.setdefault(rid, span)
    for where_, item in later:
        if item.get("type") == "textarea":
            target = regions.get(str(item.get("id")))
            texts = (item.get("value") or {}).get("text") if isinstance(item.get("value"), dict) else None
            if target is None or not isinstance(texts, list):
                skipped["textarea"] = skipped.get("textarea", 0) + 1
                continue
            if not all(isinstance(t, str) for t in texts):
                problems.add(f"{where_}: textarea 'value.text' must be a list of strings", line)
                continue
            anns.notes.append(Note(id=stable_id(name, sha, group_key, "note", target.id), target=target.id,
                                   text="\n".join(map(str, texts)), **common))
            continue
        src, dst = item.get("from_id"), item.get("to_id")
        if not is_id(src) or not is_id(dst):
            bad = dst if is_id(src) else src
            problems.add(f"{where_}: from_id and to_id must be strings or integers (got {short_repr(bad)})", line)
            continue
        head, tail = regions.get(str(src)), regions.get(str(dst))
        if head is None or tail is None:
            missing = src if head is None else dst
            problems.add(f"{where_}: relation points to missing id {missing!r}", line)
            continue
        ends = [head, tail]
        if ends[0] is ends[1]:
            problems.add(f"{where_}: relation from region {src!r} to itself", line)
            continue
        if item.get("direction") == "left":
            ends.reverse()
        labels = item.get("labels") or ["Relation"]
        if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
            problems.add(f"{where_}: relation 'labels' must be a list of strings", line)
            continue
        for label in labels:
            if schema is not None and schema.relation_type(label) is None:
                problems.add(f"{where_}: unknown relation type {label!r} (not in schema {schema.name})", line)
                continue
            r1, r2 = default_roles(schema, options.schema, label)
            anns.relations.append(Relation(
                id=stable_id(name, sha, group_key, "rel", ends[0].id, ends[1].id, label), type=label,
                arguments=[Argument(role=r1, target=ends[0].id), Argument(role=r2, target=ends[1].id)], **common,
            ))


def _convert(text: str, u16: Utf16Map | None, start: Any, end: Any) -> str | tuple[int, int]:
    """Offsets from the file -> code points, or the reason they are bad."""
    if u16 is not None and is_int(start) and is_int(end):
        try:
            start, end = u16.from_utf16(start), u16.from_utf16(end)
        except ValueError as exc:
            return str(exc)
    return check_offsets(text, start, end) or (start, end)


def read(paths: list[Path], options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Registry entry: Label Studio JSON files, or folders of them.

    Raises:
        InputErrors: every problem, each with file and line.
    """
    from tui.core.formats.text import read_each

    return read_each(paths, SUFFIXES, lambda f, name: read_file(f, name, options))
