"""Our Label Studio export follows Label Studio's documented JSON task format.

Label Studio's own code checks our files in ``test_labelstudio_sdk.py``
(``label-studio-sdk``: its ``LabelInterface`` validator, its region writer and
its converter). The rules below are written out from Label Studio's
documentation ("Label Studio JSON format of annotated tasks",
https://labelstud.io/guide/task_format, and the result format of the
``Labels`` and ``Relation`` tags) and hold without a labelling config; they
also check what the SDK does not: ``value.text`` is the text between the
offsets, the task ``id`` is an integer, relation labels are strings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tui.core.model import Argument, Document, Event, Relation, Span
from tui.core.store import Store
from tui.core.workflows.exporting import ExportRequest, export_documents
from tui.core.workflows.importing import ImportRequest, import_files

DATA = Path(__file__).resolve().parents[1] / "data" / "labelstudio"
TEXT = "Troops 👍 attacked Basra on Monday."


def problems(tasks: Any) -> list[str]:
    """Every way ``tasks`` breaks Label Studio's documented task format (empty: it follows it)."""
    out: list[str] = []
    if isinstance(tasks, dict):
        tasks = [tasks]  # Label Studio imports one task object or a list of them
    if not isinstance(tasks, list):
        return ["the file is neither a task nor a list of tasks"]
    for n, task in enumerate(tasks):
        at = f"task {n}"
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            out.append(f"{at}: a task is an object with a 'data' object")
            continue
        if "id" in task and not (isinstance(task["id"], int) and not isinstance(task["id"], bool)):
            out.append(f"{at}: 'id' is an integer")
        text = task["data"].get("text")
        for layout in ("annotations", "completions", "predictions"):
            groups = task.get(layout, [])
            if not isinstance(groups, list):
                out.append(f"{at}: '{layout}' is a list")
                continue
            for g, group in enumerate(groups):
                where = f"{at}, {layout}[{g}]"
                if not isinstance(group, dict) or not isinstance(group.get("result"), list):
                    out.append(f"{where}: an object with a 'result' list")
                    continue
                for key in ("was_cancelled", "ground_truth"):
                    if key in group and not isinstance(group[key], bool):
                        out.append(f"{where}: '{key}' is true or false")
                if layout == "predictions" and "model_version" in group and not isinstance(
                        group["model_version"], str):
                    out.append(f"{where}: 'model_version' is a string")
                if "score" in group and not isinstance(group["score"], int | float):
                    out.append(f"{where}: 'score' is a number")
                out += result_problems(where, group["result"], text)
    return out


def result_problems(where: str, result: list[Any], text: Any) -> list[str]:
    out: list[str] = []
    ids = {r.get("id") for r in result if isinstance(r, dict) and r.get("type") != "relation"}
    for k, item in enumerate(result):
        at = f"{where}, result[{k}]"
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            out.append(f"{at}: an object with a string 'type'")
            continue
        if item["type"] == "relation":
            if item.get("from_id") not in ids or item.get("to_id") not in ids:
                out.append(f"{at}: from_id and to_id name regions of the same result")
            if item.get("direction", "right") not in ("right", "left", "bi"):
                out.append(f"{at}: direction is right, left or bi")
            labels = item.get("labels", [])
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                out.append(f"{at}: relation labels are a list of strings")
            continue
        for key in ("id", "from_name", "to_name"):
            if not isinstance(item.get(key), str) or not item[key]:
                out.append(f"{at}: {key!r} is a non-empty string")
        value = item.get("value")
        if not isinstance(value, dict):
            out.append(f"{at}: 'value' is an object")
            continue
        if item["type"] == "labels":
            start, end = value.get("start"), value.get("end")
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
                out.append(f"{at}: value.start < value.end, integers")
            elif isinstance(text, str) and value.get("text") != text[start:end]:
                out.append(f"{at}: value.text is the text between start and end")
            labels = value.get("labels")
            if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
                out.append(f"{at}: value.labels is a non-empty list of strings")
    return out


def test_the_rules_catch_what_label_studio_refuses():
    """The checker itself: each rule fires on a task that breaks it."""
    bad = [{"data": {"text": "abc"}, "annotations": [{"result": [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 2, "text": "ab", "labels": ["X"]}},
        {"id": "b", "type": "labels", "value": {"start": 2, "end": 1, "labels": []}},
        {"from_id": "a", "to_id": "zz", "type": "relation", "direction": "up"}]}]}]
    assert problems(bad) == [
        "task 0, annotations[0], result[1]: 'from_name' is a non-empty string",
        "task 0, annotations[0], result[1]: 'to_name' is a non-empty string",
        "task 0, annotations[0], result[1]: value.start < value.end, integers",
        "task 0, annotations[0], result[1]: value.labels is a non-empty list of strings",
        "task 0, annotations[0], result[2]: from_id and to_id name regions of the same result",
        "task 0, annotations[0], result[2]: direction is right, left or bi",
    ]


def test_export_of_tui_annotations_follows_the_format(tmp_path):
    """Spans, a relation, an event (as relations), a discontinuous span and a pending suggestion, made in
    tui and exported from a real store, give tasks Label Studio's format accepts."""
    with Store(tmp_path / "c.db", annotator="alice") as store:
        doc, _ = store.add_document(Document(name="news", text=TEXT))

        def span(label: str, *frags: tuple[int, int], **kw: Any) -> Span:
            return store.add(Span(doc_id=doc.id, label=label, fragments=list(frags),
                                  text="".join(TEXT[a:b] for a, b in frags), **kw))

        per, gpe = span("PER", (0, 6)), span("GPE", (18, 23))
        trig = span("Attack", (9, 17))
        span("ORG", (0, 6), (27, 33))
        span("TIME", (27, 33), status="pending", annotator="model")
        store.add(Relation(doc_id=doc.id, type="PHYS", arguments=[Argument(role="Arg-1", target=per.id),
                                                                  Argument(role="Arg-2", target=gpe.id)]))
        store.add(Event(doc_id=doc.id, type="Attack", trigger=trig.id,
                        arguments=[Argument(role="Place", target=gpe.id)]))
        out = tmp_path / "o.json"
        export_documents(store, ExportRequest(fmt="labelstudio", status="all"), out)
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert problems(tasks) == []
    assert [len(tasks[0]["annotations"]), len(tasks[0]["predictions"])] == [1, 1]


@pytest.mark.parametrize("name", ["completions_348.json", "export_csv_test.json"])
def test_round_trip_with_edits_follows_the_format(tmp_path, name):
    """A kept task written back after edits (a span deleted, one added) still follows the format."""
    with Store(tmp_path / "r.db", annotator="alice") as store:
        import_files(store, ImportRequest(paths=(DATA / name,), fmt="labelstudio"))
        for doc in store.iter_documents():
            spans = store.annotations(doc.id).spans
            if spans:
                store.delete(spans[0].id)
            store.add(Span(doc_id=doc.id, label="NEW", fragments=[(1, 4)], text=doc.text[1:4]))
        out = tmp_path / "o.json"
        export_documents(store, ExportRequest(fmt="labelstudio", status="all"), out)
    assert problems(json.loads(out.read_text(encoding="utf-8"))) == []
