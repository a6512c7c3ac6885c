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

A document imported from Label Studio is written back from
``meta["labelstudio"]["task"]``: the task as it came (``id``, ``data``
fields, ``meta``, ``drafts``, each annotation's ``id``, ``ground_truth``,
``lead_time``, ``completed_by``, ``was_cancelled``, scores, reviews, every
result's ``from_name``/``to_name``/``score``/``meta``, results of types tui
does not read), each result beside the ids of the annotations it became;
offsets, labels, relation ends and textarea notes are taken from the store.
Annotations made in tui join their annotator's kept annotation (one that
names no annotator belongs to the user who imported it), with the
``from_name``/``to_name`` the document's regions of that label used, else
those of its first region. ``order`` keeps the key orders (the store sorts
the keys of ``meta``).

Offsets are code points by default (Python string indices, what Label
Studio's backend stores for text); ``--offsets utf16`` converts.

Import validates everything first: each problem names the file, the line
where the task starts, the task, annotation and result, and the reason.
``annotations`` (or ``completions``, the layout before Label Studio 1.0)
come in ``accepted`` with origin ``import``, ``predictions`` as ``pending``
suggestions with origin ``suggestion:labelstudio``. Cancelled (skipped)
annotations and drafts are kept for re-export and named in a note, never
imported. Result types other than ``labels`` and ``relation`` are kept for
re-export and counted in the notes, except per-region ``textarea``
results, which become notes. A relation without labels comes in as type
``Relation`` and goes back without labels.
"""

from __future__ import annotations

import itertools
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
    key_orders,
    numbered,
    read_input,
    reorder,
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
#: The key of ``Document.meta`` holding what a Label Studio task had beside the annotations tui models.
META_KEY = "labelstudio"
#: Where a task keeps its annotations: ``completions`` is the layout of Label Studio before 1.0.
LAYOUTS = ("annotations", "completions", "predictions")
#: The type of a relation imported without labels (it is written back without them).
UNLABELLED = "Relation"


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


def _results(text: str, regions: list[Region], relations: list[tuple[str, str, str, Any]], u16: Utf16Map | None,
             names: dict[str, tuple[Any, Any]] | None = None, rids: Iterable[str] = (),
             default: tuple[Any, Any] = ("label", "text")) -> list[dict[str, Any]]:
    """Result objects for regions and relations made in tui (``names``: label -> the document's
    ``from_name``/``to_name`` for it, else ``default``; ``rids``: more regions relations may name)."""
    def off(x: int) -> int:
        return u16.to_utf16(x) if u16 is not None else x

    out: list[dict[str, Any]] = []
    for r in regions:
        from_name, to_name = (names or {}).get(r.label, default)
        out.append({
            "id": r.rid, "from_name": from_name, "to_name": to_name, "type": "labels",
            "value": {"start": off(r.start), "end": off(r.end), "text": text[r.start:r.end], "labels": [r.label]},
        })
    known = {r.rid for r in regions} | set(rids)
    for a, b, label, _src in relations:
        if a in known and b in known:
            out.append({"from_id": a, "to_id": b, "type": "relation", "direction": "right", "labels": [label]})
    return out


def _group_of(ann: Any) -> tuple[str, str]:
    return ("predictions" if ann.status == "pending" else "annotations", ann.annotator)


def _split_by_group(doc: Document, anns: DocAnnotations, report: Any) -> dict[tuple[str, str], DocAnnotations]:
    groups: dict[tuple[str, str], DocAnnotations] = {}
    for kind in ("spans", "events", "relations", "equivalences", "attributes", "normalizations", "notes"):
        for ann in getattr(anns, kind):
            if ann.status == "rejected":
                report.add("rejected annotations", where(doc, f"{kind} {ann.source_id or ann.id}"))
                continue
            getattr(groups.setdefault(_group_of(ann), DocAnnotations()), kind).append(ann)
    return groups


def _comment(item: dict[str, Any]) -> str | None:
    """A region's comment (``meta.text``, a list of strings) as one text, or None."""
    meta = item.get("meta")
    texts = meta.get("text") if isinstance(meta, dict) else None
    if isinstance(texts, list) and texts and all(isinstance(t, str) for t in texts) and "".join(texts):
        return "\n".join(texts)
    return None


def _fill(doc: Document, entry: Any, by_id: dict[str, Any], want: str, u16: Utf16Map | None,
          rid_of: dict[str, Any], report: Any) -> dict[str, Any] | None:
    """A kept result, its tui-owned values taken from the annotations it became; None if they are gone."""
    item = entry.get("item") if isinstance(entry, dict) else None
    ids = entry.get("ids") if isinstance(entry, dict) else None
    if not isinstance(ids, list) or not ids:
        return item if isinstance(item, dict) else None  # never a tui annotation: written back as it came
    anns = [by_id[i] for i in ids if isinstance(i, str) and i in by_id and by_id[i].status == want]
    if not anns or not isinstance(item, dict):
        return None
    out = dict(item)
    spans = [a for a in anns if isinstance(a, Span)]
    first = spans[0] if spans else anns[0]
    if isinstance(first, Span):
        comment = next((a for a in anns if isinstance(a, Note)), None)
        if _comment(item) is not None:  # the region had a comment: the note it became says what it is now
            meta = dict(item["meta"])
            if comment is None:
                del meta["text"]
            elif "\n".join(meta["text"]) != comment.text:
                meta["text"] = [comment.text]
            out["meta"] = meta
        if len(first.fragments) > 1:
            report.add("discontinuous spans (first fragment kept in the region)", where(doc, describe_span(first)))
        a, b = first.fragments[0]
        value = dict(item.get("value") or {})
        value["start"] = u16.to_utf16(a) if u16 is not None else a
        value["end"] = u16.to_utf16(b) if u16 is not None else b
        if "text" in value:
            value["text"] = doc.text[a:b]
        value["labels"] = [s.label for s in spans]
        out["value"] = value
    elif isinstance(first, Relation):
        ends = [rid_of.get(x.target) for x in first.arguments]
        if None in ends:
            return None
        if item.get("direction") == "left":
            ends.reverse()
        out["from_id"], out["to_id"] = ends
        labels = [r.type for r in anns]
        if item.get("labels") or labels != [UNLABELLED]:
            out["labels"] = labels
    elif isinstance(first, Note):
        value = dict(item.get("value") or {})
        kept = value.get("text")
        if not (isinstance(kept, list) and "\n".join(map(str, kept)) == first.text):
            value["text"] = [first.text]
        out["value"] = value
    return out


def _kept_task(doc: Document, anns: DocAnnotations, report: Any, u16: Utf16Map | None,
               kept: dict[str, Any], statuses: Any = None,
               layers: Any = None) -> tuple[dict[str, Any], set[str], dict[tuple[str, str], list[Any]]]:
    """The imported task rebuilt from ``doc.meta``: every key as it came, the results from the annotations.

    A kept annotation (or prediction) is left out when the export asks for other ``statuses``
    (annotations are ``accepted``, predictions ``pending``) or other annotators (``layers``).

    Returns:
        The task, the ids of the annotations written, and the result list of each kept
        group by ``(annotations|predictions, annotator)`` (where annotations made in tui go).
    """
    by_id = {a.id: a for a in anns.all()}
    rid_of = {s.id: s.source_id or s.id for s in anns.spans}
    used: set[str] = set()
    task = dict(kept)
    data = kept.get("data")
    if not isinstance(data, dict):
        data = {"text": None}
    task["data"] = {k: (doc.text if k == "text" else v) for k, v in data.items()}
    homes: dict[tuple[str, str], list[Any]] = {}
    for key in LAYOUTS:
        if not isinstance(kept.get(key), list):
            continue
        want = "pending" if key == "predictions" else "accepted"
        groups = []
        for group in kept[key]:
            if not isinstance(group, dict):
                continue
            entries = group.get("result")
            if not isinstance(entries, list):
                entries = []
            who = _owner(entries, by_id, want) or (
                str(group.get("model_version") or "labelstudio") if key == "predictions" else _annotator(group))
            if (statuses is not None and want not in statuses) or (layers is not None and who not in layers):
                continue  # the export asked for other statuses or annotators
            result = []
            for entry in entries:
                item = _fill(doc, entry, by_id, want, u16, rid_of, report)
                if item is not None:
                    result.append(item)
                    used.update(i for i in entry.get("ids") or () if isinstance(i, str) and i in by_id
                                and by_id[i].status == want)
            if entries and not result and all(isinstance(e, dict) and e.get("ids") for e in entries):
                continue  # every annotation of it is gone (deleted, rejected, or not exported)
            out = dict(group)
            out["result"] = result
            groups.append(out)
            if not group.get("was_cancelled"):
                homes.setdefault(("predictions" if key == "predictions" else "annotations", who), result)
        task[key] = groups
    return task, used, homes


def _owner(entries: list[Any], by_id: dict[str, Any], want: str) -> str | None:
    """The annotator of the store's annotations a kept group's results became, if they have one.

    An annotation that names no one (no ``completed_by``, as in the ``completions`` layout) was given
    to the importing user: spans that user makes in tui belong in it, not in a second annotation.
    """
    owners = {by_id[i].annotator for e in entries if isinstance(e, dict) for i in e.get("ids") or ()
              if isinstance(i, str) and i in by_id and by_id[i].status == want}
    return owners.pop() if len(owners) == 1 else None


def _names(kept: dict[str, Any]) -> tuple[dict[str, tuple[Any, Any]], tuple[Any, Any]]:
    """Label -> the ``from_name``/``to_name`` the document's imported regions of that label used, and
    the pair for a label they never used: that of the task's first ``labels`` region (the project's
    ``Labels`` control on the text; Label Studio refuses a ``from_name`` its config lacks), else
    ``label``/``text``."""
    names: dict[str, tuple[Any, Any]] = {}
    default: tuple[Any, Any] | None = None
    for key in LAYOUTS:
        for group in kept.get(key) or ():
            for entry in (group.get("result") or ()) if isinstance(group, dict) else ():
                item = entry.get("item") if isinstance(entry, dict) else None
                if isinstance(item, dict) and item.get("type") == "labels" and isinstance(item.get("value"), dict):
                    for label in item["value"].get("labels") or ():
                        if isinstance(label, str):
                            names.setdefault(label, (item.get("from_name", "label"), item.get("to_name", "text")))
                    if default is None:
                        default = (item.get("from_name", "label"), item.get("to_name", "text"))
    return names, default or ("label", "text")


def task_dict(doc: Document, anns: DocAnnotations, report: Any, n: int, unit: str | None,
              statuses: Any = None, layers: Any = None) -> dict[str, Any]:
    """The Label Studio task of one document (losses go to ``report``).

    A document imported from Label Studio is written back from what its
    ``meta["labelstudio"]`` kept (task id, data fields, meta, annotation ids,
    ground truth, cancelled annotations, drafts, scores, result types tui
    does not read, ``from_name``/``to_name``), with the values tui owns
    (offsets, labels, relation ends, textarea notes) taken from the store.
    """
    u16 = Utf16Map(doc.text) if unit == "utf16" else None
    meta = doc.meta.get(META_KEY) if isinstance(doc.meta, dict) else None
    kept = meta.get("task") if isinstance(meta, dict) else None
    if isinstance(kept, dict):
        task, used, homes = _kept_task(doc, anns, report, u16, kept, statuses, layers)
        order = meta.get("order") if isinstance(meta, dict) else None
        names, default = _names(kept)
        layout = "completions" if "completions" in kept and "annotations" not in kept else "annotations"
    else:
        task = {"id": n, "data": {"text": doc.text, "name": doc.name}, "annotations": [], "predictions": []}
        used, homes, names, layout, order = set(), {}, {}, "annotations", None
        default = ("label", "text")
    fresh = DocAnnotations()
    for kind in ("spans", "events", "relations", "equivalences", "attributes", "normalizations", "notes"):
        getattr(fresh, kind).extend(a for a in getattr(anns, kind) if a.id not in used)
    if not fresh.all():
        return reorder(task, order)  # type: ignore[no-any-return]
    kept_spans = [s for s in anns.spans if s.id in used]
    for (where_to, annotator), group in sorted(_split_by_group(doc, fresh, report).items()):
        ids = {s.id for s in group.spans} | {s.id for s in kept_spans}
        events = {e.id for e in group.events}
        # A relation or event between two annotators' spans cannot live in either result.
        for rel in list(group.relations):
            if any(a.target not in ids and a.target not in events for a in rel.arguments):
                report.add("relations between different annotators or statuses", where(doc, f"{rel.type} {rel.id}"))
                group.relations.remove(rel)
        new_spans = {s.id for s in group.spans}
        group.spans = group.spans + [s for s in kept_spans if s.id not in new_spans and _group_of(s) == (where_to, annotator)]
        regions, relations = flat_graph(doc, group, report)
        fresh_regions = [r for r in regions if r.span.id in new_spans]
        result = _results(doc.text, fresh_regions, relations, u16, names, (r.rid for r in regions), default)
        home = homes.get((where_to, annotator))
        if home is not None:
            home.extend(result)
        elif where_to == "annotations":
            task.setdefault(layout, []).append({"id": len(task.get(layout, [])) + 1, "created_username": annotator,
                                                "result": result, "was_cancelled": False})
        else:
            task.setdefault("predictions", []).append({"model_version": annotator or "tui", "result": result})
    return reorder(task, order)  # type: ignore[no-any-return]


def _was_object(doc: Document) -> bool:
    """Whether the document came from a file holding one task object (not a list)."""
    meta = doc.meta.get(META_KEY) if isinstance(doc.meta, dict) else None
    return isinstance(meta, dict) and meta.get("object") is True


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
    docs = iter(docs)
    head = [d for d in (next(docs, None), next(docs, None)) if d is not None]
    if len(head) == 1 and _was_object(head[0]):  # one task read from a file of one object: written the same
        anns = store.annotations(head[0].id, annotators=options.layers, statuses=options.statuses)
        out.write(json.dumps(task_dict(head[0], anns, report, 1, options.offsets, options.statuses,
                                         options.layers), ensure_ascii=False) + "\n")
        report.documents = 1
    else:
        out.write("[")
        for doc in itertools.chain(head, docs):
            anns = store.annotations(doc.id, annotators=options.layers, statuses=options.statuses)
            task = task_dict(doc, anns, report, report.documents + 1, options.offsets, options.statuses,
                             options.layers)
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
    single = content.lstrip(" \t\r\n").startswith("{")  # a file of one task, not a list: exported as one again
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
        keep: dict[str, Any] = {k: v for k, v in task.items() if k not in LAYOUTS}
        keep["data"] = {k: (None if k == "text" else v) for k, v in data.items()}  # None: the text goes here
        for key in LAYOUTS:
            if key not in task:
                continue
            status, origin = ("pending", ORIGIN_SUGGESTION) if key == "predictions" else ("accepted", "import")
            groups = task.get(key)
            if not isinstance(groups, list):
                problems.add(f"task {n}: '{key}' must be a list", line)
                continue
            kept_groups: list[Any] = []
            keep[key] = kept_groups
            for g, group in enumerate(groups):
                here = f"task {n}, {key[:-1]} {g}"
                if not isinstance(group, dict) or not isinstance(group.get("result", []), list):
                    problems.add(f"{here}: expected an object with a 'result' list", line)
                    continue
                cancelled = group.get("was_cancelled")
                if cancelled is not None and not isinstance(cancelled, bool):
                    problems.add(f"{here}: 'was_cancelled' must be true or false (got {short_repr(cancelled)})", line)
                    continue
                version = group.get("model_version")
                if key == "predictions" and version is not None and not isinstance(version, str | int):
                    problems.add(f"{here}: 'model_version' must be a string (got {short_repr(version)})", line)
                    continue
                results = group.get("result") or []
                kept = dict(group)
                kept_groups.append(kept)
                if cancelled:  # a skipped task: kept for re-export, never an annotation in tui
                    kept["result"] = [{"ids": [], "item": item} for item in results]
                    options.notes.append(f"{path}:{line}: {here} was cancelled (skipped) in Label Studio: its "
                                         f"{len(results)} result(s) are kept for re-export, not imported")
                    continue
                annotator = _annotator(group) if key != "predictions" else str(version or "labelstudio")
                # The group key of the ids is "annotations<g>" for completions too: the same file read
                # under either layout name gives the same annotations.
                gkey = f"{'predictions' if key == 'predictions' else 'annotations'}{g}"
                ids = _read_result(results, text, u16, sha, name, gkey, here, line, problems,
                                   schema, options, skipped, anns,
                                   {"annotator": annotator, "status": status, "origin": origin})
                kept["result"] = [{"ids": i, "item": item} for i, item in zip(ids, results, strict=False)]
        drafts = task.get("drafts")
        if isinstance(drafts, list) and drafts:
            options.notes.append(f"{path}:{line}: task {n} has {len(drafts)} draft(s): kept for re-export, "
                                 "not imported (a draft is unfinished work in Label Studio)")
        for key, value in task.items():
            if key not in LAYOUTS and key != "drafts" and isinstance(value, list) and value and all(
                    isinstance(v, dict) and "result" in v for v in value):
                options.notes.append(f"{path}:{line}: task {n}: {key!r} looks like annotations but is not a "
                                     "layout tui reads (annotations, completions, predictions): kept for "
                                     "re-export, not imported")
        doc_meta = {META_KEY: {"task": keep, **({"object": True} if single else {})}}
        orders = key_orders(task)
        if orders:
            doc_meta[META_KEY]["order"] = orders
        items.append((Document(name=name, text=text, schema=options.schema, meta=doc_meta), anns))
    for typ, count in sorted(skipped.items()):
        options.notes.append(f"{path}: {count} result(s) of type {typ!r} kept for re-export, not imported "
                             "(tui reads labels, relation and per-region textarea)")
    if problems:
        raise InputErrors(problems.errors)
    return items


def _read_result(results: list[Any], text: str, u16: Utf16Map | None, sha: str, name: str, group_key: str,
                 here: str, line: int, problems: Problems, schema: Any, options: Any,
                 skipped: dict[str, int], anns: DocAnnotations, common: dict[str, str]) -> list[list[str]]:
    """Validate one annotation's (or prediction's) results into ``anns``.

    Returns:
        Per result, the ids of the tui annotations made from it (empty: kept only for re-export).
    """
    regions: dict[str, Span] = {}
    later = []
    made: list[list[str]] = [[] for _ in results]
    rel_ids: set[str] = set()
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
            later.append((k, where_, item))
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
            made[k].append(span.id)
            regions.setdefault(rid, span)
        comment = _comment(item)
        if comment is not None and rid in regions:  # the region's comment (meta.text): a note on its span
            note = Note(id=stable_id(name, sha, group_key, "comment", rid), target=regions[rid].id, text=comment,
                        **common)
            anns.notes.append(note)
            made[k].append(note.id)
    for k, where_, item in later:
        if item.get("type") == "textarea":
            target = regions.get(str(item.get("id")))
            texts = (item.get("value") or {}).get("text") if isinstance(item.get("value"), dict) else None
            if target is None or not isinstance(texts, list):
                skipped["textarea"] = skipped.get("textarea", 0) + 1
                continue
            if not all(isinstance(t, str) for t in texts):
                problems.add(f"{where_}: textarea 'value.text' must be a list of strings", line)
                continue
            note = Note(id=stable_id(name, sha, group_key, "note", target.id), target=target.id,
                        text="\n".join(map(str, texts)), **common)
            anns.notes.append(note)
            made[k].append(note.id)
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
        labels = item.get("labels")
        if labels is not None and (not isinstance(labels, list) or not all(isinstance(x, str) and x
                                                                           for x in labels)):
            problems.add(f"{where_}: relation 'labels' must be a list of strings", line)
            continue
        labels = labels or [UNLABELLED]  # written back as it came (absent or [])
        for label in labels:
            if schema is not None and schema.relation_type(label) is None:
                problems.add(f"{where_}: unknown relation type {label!r} (not in schema {schema.name})", line)
                continue
            r1, r2 = default_roles(schema, options.schema, label)
            rel_id = stable_id(name, sha, group_key, "rel", ends[0].id, ends[1].id, label)
            if rel_id in rel_ids:  # a second relation between the same regions (one is 'left'): its own id
                rel_id = stable_id(name, sha, group_key, "rel", ends[0].id, ends[1].id, label, k)
            rel_ids.add(rel_id)
            rel = Relation(
                id=rel_id, type=label,
                arguments=[Argument(role=r1, target=ends[0].id), Argument(role=r2, target=ends[1].id)], **common,
            )
            anns.relations.append(rel)
            made[k].append(rel.id)
    return made


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
