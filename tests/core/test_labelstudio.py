"""Label Studio JSON: tasks out and in, predictions as pending suggestions, offsets, losses."""

from __future__ import annotations

import json

import pytest

from tests.core.formats_util import FakeStore, export_to, import_from
from tui.core.errors import InputErrors
from tui.core.formats import ExportOptions
from tui.core.model import Argument, Attribute, DocAnnotations, Document, Event, Relation, Span

TEXT = "Troops 👍 attacked Basra on Monday."


def _task(result, predictions=None, text=TEXT):
    return {"id": 7, "data": {"text": text},
            "annotations": [{"id": 1, "completed_by": 3, "result": result}],
            "predictions": predictions or []}


def _region(rid, start, end, label, text=TEXT):
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def test_import_annotations_predictions_relations_and_notes(tmp_path):
    """annotations are accepted imports; predictions pending suggestions; relations and per-region notes kept."""
    result = [
        _region("a", 0, 6, "PER"), _region("b", 18, 23, "GPE"),
        {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right", "labels": ["PHYS"]},
        {"id": "b", "from_name": "note", "to_name": "text", "type": "textarea", "value": {"text": ["city"]}},
        {"id": "c", "from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["x"]}},
    ]
    preds = [{"model_version": "ner-v2", "result": [_region("p", 27, 33, "TIME")]}]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([_task(result, preds)]), encoding="utf-8")
    items, options = import_from(path, "labelstudio")
    (doc, anns), = items
    assert doc.name == "ls" and doc.text == TEXT
    by_label = {s.label: s for s in anns.spans}
    assert by_label["PER"].text == "Troops" and by_label["PER"].source_id == "a"
    assert (by_label["PER"].status, by_label["PER"].origin, by_label["PER"].annotator) == (
        "accepted", "import", "labelstudio-user-3")
    assert (by_label["TIME"].status, by_label["TIME"].origin, by_label["TIME"].annotator) == (
        "pending", "suggestion:labelstudio", "ner-v2")
    (rel,) = anns.relations
    assert rel.type == "PHYS" and [a.target for a in rel.arguments] == [by_label["PER"].id, by_label["GPE"].id]
    assert [a.role for a in rel.arguments] == ["Arg-1", "Arg-2"]  # the ACE 2005 roles of PHYS
    assert [(n.target, n.text) for n in anns.notes] == [(by_label["GPE"].id, "city")]
    assert options.notes == [f"{path}: 1 result(s) of type 'choices' kept for re-export, not imported "
                             "(tui reads labels, relation and per-region textarea)"]


def test_utf16_offsets_option(tmp_path):
    """--offsets utf16: offsets after an astral character are converted; without it the text check fails with a hint."""
    result = [{"id": "b", "from_name": "l", "to_name": "text", "type": "labels",
               "value": {"start": 19, "end": 24, "text": "Basra", "labels": ["GPE"]}}]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(_task(result)), encoding="utf-8")
    items, _ = import_from(path, "labelstudio", offsets="utf16")
    assert [s.fragments for s in items[0][1].spans] == [[(18, 23)]]
    with pytest.raises(InputErrors) as exc:
        import_from(path, "labelstudio")
    assert "span text 'Basra' does not match the document ('asra ')" in str(exc.value.errors[0])
    assert "try --offsets utf16" in str(exc.value.errors[0])


@pytest.mark.parametrize(("result", "reason"), [
    ([_region("a", 0, 6, "PER"), _region("a", 7, 8, "PER")], "duplicate id 'a'"),
    ([{"id": "x", "type": "labels", "value": {"start": 0, "end": 99, "labels": ["PER"]}}],
     "offset 99 is past the end of the text (34)"),
    ([_region("a", 0, 6, "PER"), {"from_id": "a", "to_id": "zz", "type": "relation", "labels": []}],
     "relation points to missing id 'zz'"),
    ([{"id": "x", "type": "labels", "value": {"start": 0, "end": 6, "labels": []}}],
     "'value.labels' must be a non-empty list of strings"),
])
def test_malformed_results_name_line_task_and_reason(tmp_path, result, reason):
    """Each bad result is reported with the task's line, the task/annotation/result and the reason."""
    path = tmp_path / "ls.json"
    path.write_text("[\n" + json.dumps(_task([])) + ",\n" + json.dumps(_task(result)) + "\n]", encoding="utf-8")
    with pytest.raises(InputErrors) as exc:
        import_from(path, "labelstudio")
    msg = str(exc.value.errors[0])
    assert msg.startswith(f"{path}:3: task 2, annotation 0, result ")
    assert msg.endswith(reason)


def test_export_tasks_groups_and_losses(tmp_path):
    """One task per document; pending spans go to predictions; events become role relations (reported)."""
    store = FakeStore()
    trig = Span(id="t", label="Attack", fragments=[(9, 17)])
    place = Span(id="p", label="GPE", fragments=[(18, 23)])
    sugg = Span(id="s", label="PER", fragments=[(0, 6)], status="pending", annotator="model")
    disc = Span(id="d", label="ORG", fragments=[(0, 6), (28, 34)])
    anns = DocAnnotations(
        spans=[trig, place, sugg, disc],
        events=[Event(id="e", type="Attack", trigger="t", arguments=[Argument(role="Place", target="p")])],
        relations=[Relation(id="r", type="PHYS", arguments=[Argument(role="Arg-1", target="d"),
                                                              Argument(role="Arg-2", target="p")])],
        attributes=[Attribute(id="at", target="e", name="Polarity", value="Negative")],
    )
    store.add(Document(name="news/one", text=TEXT, schema="ace2005"), anns)
    path, report = export_to(tmp_path, "labelstudio", store, ExportOptions(statuses=["accepted", "pending"]))
    (task,) = json.loads(path.read_text(encoding="utf-8"))
    assert task["data"] == {"text": TEXT, "name": "news/one"}
    (ann,) = task["annotations"]
    assert ann["created_username"] == "alice"
    regions = [(r["id"], r["value"]["start"], r["value"]["end"], r["value"]["labels"]) for r in ann["result"]
               if r["type"] == "labels"]
    assert regions == [("d", 0, 6, ["ORG"]), ("d-2", 28, 34, ["ORG"]), ("t", 9, 17, ["Attack"]),
                       ("p", 18, 23, ["GPE"])]
    rels = [(r["from_id"], r["to_id"], r["labels"]) for r in ann["result"] if r["type"] == "relation"]
    assert rels == [("d", "p", ["PHYS"]), ("t", "p", ["Place"])]
    assert [p["model_version"] for p in task["predictions"]] == ["model"]
    assert report.counts == {"discontinuous spans (one region per fragment)": 1,
                             "events (exported as trigger-to-argument relations)": 1, "attributes": 1}
