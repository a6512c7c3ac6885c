"""Issue 15, item 3: Label Studio files come back as they went in.

The ``completions`` layout (Label Studio before 1.0) imports its regions;
``from_name``/``to_name``, unlabelled relations, ground truth, cancelled
annotations, drafts, scores, region comments, task ids and ``meta`` are kept
in ``doc.meta["labelstudio"]`` and written back by the exporter; what is not
imported is named in a note. Every round trip here goes through a real
SQLite store (import workflow -> store -> export workflow).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.safety.test_importer_strict import cli_refused, refused
from tui.core.model import Span
from tui.core.store import Store
from tui.core.workflows.exporting import ExportRequest, export_documents
from tui.core.workflows.importing import ImportRequest, import_files

DATA = Path(__file__).resolve().parents[1] / "data" / "labelstudio"
TEXT = "Troops attacked Basra on Monday."


def round_trip(tmp_path: Path, src: Path, *, status: str = "all", edit: Any = None) -> tuple[str, Any, Any]:
    """Import ``src`` into a new store, optionally ``edit(store)``, export; the text written, the
    import outcome and the export outcome."""
    with Store(tmp_path / "rt.db", annotator="alice") as store:
        imported = import_files(store, ImportRequest(paths=(src,), fmt="labelstudio"))
        if edit is not None:
            edit(store)
        out = tmp_path / "out.json"
        exported = export_documents(store, ExportRequest(fmt="labelstudio", status=status), out)  # type: ignore[arg-type]
        return out.read_text(encoding="utf-8"), imported, exported


def region(rid: str, start: int, end: int, label: str, **extra: Any) -> dict[str, Any]:
    return {"value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]}, "id": rid,
            "from_name": "ner", "to_name": "my_text", "type": "labels", "origin": "manual", **extra}


def full_task() -> dict[str, Any]:
    """A task with every field item 4 names, in Label Studio's own key order (its JSON export)."""
    return {
        "id": 41,
        "annotations": [
            {"id": 7, "completed_by": {"id": 1, "email": "ann@example.org", "first_name": "", "last_name": ""},
             "result": [
                 region("a1", 0, 6, "PER", meta={"text": ["soldiers, not police"]}),
                 region("a2", 16, 21, "GPE", score=0.75),
                 {"from_id": "a1", "to_id": "a2", "type": "relation", "direction": "right"},
                 {"from_id": "a2", "to_id": "a1", "type": "relation", "direction": "left", "labels": []},
                 {"from_id": "a1", "to_id": "a2", "type": "relation", "direction": "right", "labels": ["PHYS"]},
                 {"value": {"choices": ["war"]}, "id": "c1", "from_name": "topic", "to_name": "my_text",
                  "type": "choices", "origin": "manual"},
             ],
             "was_cancelled": False, "ground_truth": True, "created_at": "2024-03-01T10:00:00.000000Z",
             "updated_at": "2024-03-01T10:02:00.000000Z", "lead_time": 12.5, "prediction": {},
             "result_count": 0, "task": 41, "parent_prediction": None, "parent_annotation": None},
            {"id": 8, "completed_by": 2, "result": [region("z9", 25, 31, "TIME")], "was_cancelled": True,
             "ground_truth": False, "lead_time": 3.0},
        ],
        "drafts": [{"id": 3, "user": "bob@example.org", "created_username": "bob", "created_ago": "0 minutes",
                    "result": [region("d1", 7, 15, "Attack")], "lead_time": 1.0, "was_postponed": False}],
        "predictions": [{"id": 5, "model_version": "ner-v3", "created_ago": "1 day", "score": 0.91,
                         "result": [region("p1", 25, 31, "TIME", score=0.91)], "cluster": None,
                         "neighbors": None, "mislabeling": 0.0, "task": 41}],
        "data": {"text": TEXT, "source": "wire", "url": "https://example.org/a/1"},
        "meta": {"batch": 3, "reviewed": True},
        "created_at": "2024-02-29T09:00:00.000000Z", "inner_id": 1, "total_annotations": 1,
        "cancelled_annotations": 1, "total_predictions": 1, "project": 2, "updated_by": 1,
    }


@pytest.mark.parametrize("name", ["completions_348.json", "export_csv_test.json"])
def test_real_exports_come_back_the_same(tmp_path, name):
    """Label Studio's own fixtures (the pre-1.0 completions layout, and a 1.x export with reviews,
    predictions, scores and image results) round-trip through the store: the same JSON, the same key order."""
    src = DATA / name
    text, _, exported = round_trip(tmp_path, src)
    want = json.loads(src.read_text(encoding="utf-8"))
    assert json.loads(text) == want
    assert json.dumps(json.loads(text)) == json.dumps(want)  # key order too
    assert exported.lossless


def test_completions_layout_imports_its_regions(tmp_path):
    """The 38 regions of the completions-layout fixture become 38 accepted spans (main: 0, no word)."""
    with Store(tmp_path / "c.db", annotator="alice") as store:
        outcome = import_files(store, ImportRequest(paths=(DATA / "completions_348.json",), fmt="labelstudio"))
        doc = store.document("completions_348")
        spans = store.annotations(doc.id).spans
    assert outcome.annotations_added == 38
    assert len(spans) == 38 and {s.label for s in spans} == {"INGREDIENT"}
    assert {s.status for s in spans} == {"accepted"}
    assert next(s for s in spans if s.source_id == "-JfBQoozxW").text == "Sodium Lauroyl Methyl Isethionate,"


def test_every_kept_field_comes_back(tmp_path):
    """Ground truth, the cancelled annotation, drafts, scores, region comments, the task id, meta and the
    other data fields, annotation ids and times: the file comes back JSON-equal, in its key order."""
    src = tmp_path / "full.json"
    src.write_text(json.dumps([full_task()]), encoding="utf-8")
    text, imported, exported = round_trip(tmp_path, src)
    assert json.loads(text) == [full_task()]
    assert json.dumps(json.loads(text)) == json.dumps([full_task()])
    assert exported.lossless
    notes = "\n".join(imported.notes)
    assert "annotation 1 was cancelled (skipped) in Label Studio: its 1 result(s) are kept for re-export" in notes
    assert "task 1 has 1 draft(s): kept for re-export, not imported" in notes
    assert "1 result(s) of type 'choices' kept for re-export, not imported" in notes


def test_cancelled_annotation_and_draft_are_not_annotations(tmp_path):
    """A cancelled annotation's region and a draft's region are not in tui (kept only in meta)."""
    src = tmp_path / "full.json"
    src.write_text(json.dumps([full_task()]), encoding="utf-8")
    with Store(tmp_path / "c.db", annotator="alice") as store:
        import_files(store, ImportRequest(paths=(src,), fmt="labelstudio"))
        anns = store.annotations(store.document("full").id)
    assert sorted((s.label, s.status) for s in anns.spans) == [("GPE", "accepted"), ("PER", "accepted"),
                                                               ("TIME", "pending")]
    assert sorted(r.type for r in anns.relations) == ["PHYS", "Relation", "Relation"]


def test_unlabelled_relations_stay_unlabelled(tmp_path):
    """A relation without labels (absent, or []) is written back without them, not as ['Relation']."""
    task = {"id": 1, "data": {"text": TEXT}, "annotations": [{"id": 1, "result": [
        region("a", 0, 6, "PER"), region("b", 16, 21, "GPE"),
        {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right"},
        {"from_id": "b", "to_id": "a", "type": "relation", "direction": "right", "labels": []}]}]}
    src = tmp_path / "rel.json"
    src.write_text(json.dumps([task]), encoding="utf-8")
    text, _, _ = round_trip(tmp_path, src)
    rels = [r for r in json.loads(text)[0]["annotations"][0]["result"] if r["type"] == "relation"]
    assert rels == task["annotations"][0]["result"][2:]


def test_from_name_kept_and_used_for_new_regions(tmp_path):
    """Regions keep their from_name/to_name; a span made in tui takes the from_name the document's regions
    of its label used, else that of the task's first region (its ``Labels`` control), so the file still
    matches its project's labelling config."""
    task = {"id": 1, "data": {"text": TEXT}, "annotations": [
        {"id": 1, "completed_by": 4, "result": [region("a", 0, 6, "PER")]}]}
    src = tmp_path / "names.json"
    src.write_text(json.dumps([task]), encoding="utf-8")

    def add_spans(store: Store) -> None:
        doc = store.document("names")
        for label, (a, b) in (("PER", (16, 21)), ("TIME", (25, 31))):
            store.add(Span(doc_id=doc.id, label=label, fragments=[(a, b)], text=TEXT[a:b],
                           annotator="labelstudio-user-4"))

    text, _, _ = round_trip(tmp_path, src, edit=add_spans)
    (ann,) = json.loads(text)[0]["annotations"]
    assert ann["id"] == 1  # the new spans joined their annotator's kept annotation
    names = {r["value"]["labels"][0] + r["value"]["text"]: (r["from_name"], r["to_name"]) for r in ann["result"]}
    assert names == {"PERTroops": ("ner", "my_text"), "PERBasra": ("ner", "my_text"),
                     "TIMEMonday": ("ner", "my_text")}


def test_edits_in_tui_are_written_into_the_kept_results(tmp_path):
    """A relabelled span changes its region's labels; a deleted span takes its region and relations
    with it; the other fields of the annotation stay."""
    src = tmp_path / "full.json"
    src.write_text(json.dumps([full_task()]), encoding="utf-8")

    def edit(store: Store) -> None:
        anns = store.annotations(store.document("full").id)
        per = next(s for s in anns.spans if s.label == "PER")
        per.label = "ORG"
        store.update(per)
        store.delete(next(s for s in anns.spans if s.label == "GPE").id)

    text, _, _ = round_trip(tmp_path, src, edit=edit)
    (task,) = json.loads(text)
    result = task["annotations"][0]["result"]
    assert [r.get("id") for r in result] == ["a1", "c1"]
    assert result[0]["value"]["labels"] == ["ORG"] and result[0]["meta"] == {"text": ["soldiers, not police"]}
    assert task["annotations"][0]["ground_truth"] is True and task["annotations"][0]["lead_time"] == 12.5


def test_unknown_layout_is_a_note(tmp_path):
    """A task whose annotations sit under a key tui does not read is named in a note, never a silent 0."""
    task = {"id": 1, "data": {"text": TEXT}, "annotation_sets": [{"result": [region("a", 0, 6, "PER")]}]}
    src = tmp_path / "odd.json"
    src.write_text(json.dumps([task]), encoding="utf-8")
    text, imported, _ = round_trip(tmp_path, src)
    assert any("'annotation_sets' looks like annotations but is not a layout tui reads" in n
               for n in imported.notes)
    assert json.loads(text) == [task]


def test_default_export_leaves_out_predictions_it_does_not_export(tmp_path):
    """Exporting accepted annotations only (the default) drops the kept prediction whose regions are
    not exported, instead of writing an empty one."""
    src = tmp_path / "full.json"
    src.write_text(json.dumps([full_task()]), encoding="utf-8")
    with Store(tmp_path / "d.db", annotator="alice") as store:
        import_files(store, ImportRequest(paths=(src,), fmt="labelstudio"))
        out = tmp_path / "acc.json"
        export_documents(store, ExportRequest(fmt="labelstudio"), out)
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    assert task["predictions"] == []
    assert [a["id"] for a in task["annotations"]] == [7, 8]


@pytest.mark.parametrize(("content", "expected"), [
    ('[{"data": {"text": "abc"}, "annotations": [{"result": [{"id": "a", "type": "labels", "value": '
     '{"start": 0, "end": 1, "labels": [7]}}]}]}]', "'value.labels' must be a non-empty list of strings"),
    ('[{"data": {"text": "abc"}, "completions": [{"result": [{"id": "a", "type": "labels", "value": '
     '{"start": 0, "end": 1, "labels": ["X"]}}, {"id": "b", "type": "labels", "value": {"start": 1, "end": 2, '
     '"labels": ["X"]}}, {"from_id": "a", "to_id": "b", "type": "relation", '
     '"labels": [null]}]}]}]', "relation 'labels' must be a list of strings"),
    ('[{"data": {"text": "a\\u0000b"}, "annotations": "x"}]', "'annotations' must be a list"),
    ('[{"data": {"text": "abc"}, "completions": {}}]', "'completions' must be a list"),
    ("[" * 200 + "]" * 200, "nested deeper than 64"),
    ('[{"data": {"text": "a\x00b"}}]', "malformed JSON"),
])
def test_hostile_input_is_one_line_error(tmp_path, content, expected):
    """Non-string labels, a non-list layout, deep nesting, a raw NUL: one line naming file and line,
    exit 1 through the CLI, nothing written."""
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    refused(path, expected)
    cli_refused(tmp_path, path, expected)


def test_huge_file_refused_from_its_size(tmp_path):
    """A file over the size limit is refused before it is read."""
    from tui.core.formats._interchange import MAX_FILE_BYTES

    path = tmp_path / "huge.json"
    with open(path, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    refused(path, "MiB limit")


def test_layer_filter_leaves_out_other_annotators_kept_annotations(tmp_path):
    """``--layer``: another annotator's kept annotation (here the cancelled one) and the model's
    prediction are not written, any more than their annotations would be."""
    src = tmp_path / "full.json"
    src.write_text(json.dumps([full_task()]), encoding="utf-8")
    with Store(tmp_path / "l.db", annotator="alice") as store:
        import_files(store, ImportRequest(paths=(src,), fmt="labelstudio"))
        out = tmp_path / "layer.json"
        export_documents(store, ExportRequest(fmt="labelstudio", status="all", layers=("ann@example.org",)), out)
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    assert [a["id"] for a in task["annotations"]] == [7]
    assert task["predictions"] == []
    assert task["annotations"][0] == full_task()["annotations"][0]


def test_region_comment_is_a_note_and_goes_back(tmp_path):
    """A region's comment (``meta.text``) is a note on its span in tui; a note edited in tui is the
    comment written back, and the export loses nothing."""
    src = tmp_path / "full.json"
    src.write_text(json.dumps([full_task()]), encoding="utf-8")

    def edit(store: Store) -> None:
        anns = store.annotations(store.document("full").id)
        (note,) = anns.notes
        per = next(s for s in anns.spans if s.label == "PER")
        assert (note.target, note.text, note.status) == (per.id, "soldiers, not police", "accepted")
        note.text = "soldiers"
        store.update(note)

    text, _, exported = round_trip(tmp_path, src, edit=edit)
    region_a1 = json.loads(text)[0]["annotations"][0]["result"][0]
    assert region_a1["meta"] == {"text": ["soldiers"]}
    assert exported.lossless


def test_span_joins_a_completion_that_names_no_annotator(tmp_path):
    """A completion without ``completed_by`` belongs to the user who imported it: a span that user makes
    in tui goes into that completion, not into a second one (Label Studio would show two annotations)."""
    def add_water(store: Store) -> None:
        doc = store.document("completions_348")
        a = doc.text.index("Water")
        store.add(Span(doc_id=doc.id, label="INGREDIENT", fragments=[(a, a + 5)], text="Water"))

    text, _, _ = round_trip(tmp_path, DATA / "completions_348.json", edit=add_water)
    (completion,) = json.loads(text)["completions"]
    assert completion["id"] == 348001 and len(completion["result"]) == 39
    assert completion["result"][-1]["from_name"] == "ner" and completion["result"][-1]["value"]["text"] == "Water"
