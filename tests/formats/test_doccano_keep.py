"""Issue 15, item 2 (rest): doccano's intent-detection (``cats``) and text-classification exports
import, and every doccano line (its ``id``, metadata and other keys, its categories) comes back
as it went in. Every round trip goes through a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.safety.test_importer_strict import cli_refused, refused
from tui.core.model import Document, Span
from tui.core.store import Store
from tui.core.workflows.exporting import ExportRequest, export_documents
from tui.core.workflows.importing import ImportRequest, import_files

DATA = Path(__file__).resolve().parents[1] / "data" / "doccano"


def lines(text: str) -> list[Any]:
    return [json.loads(x) for x in text.splitlines() if x.strip()]


def round_trip(tmp_path: Path, src: Path, edit: Any = None, **request: Any) -> tuple[str, Any, Any]:
    """Import ``src`` into a new store, optionally ``edit(store)``, export; the text, both outcomes."""
    with Store(tmp_path / "rt.db", annotator="alice") as store:
        imported = import_files(store, ImportRequest(paths=(src,), fmt="doccano"))
        if edit is not None:
            edit(store)
        out = tmp_path / "out.jsonl"
        exported = export_documents(store, ExportRequest(fmt="doccano", **request), out)
        return out.read_text(encoding="utf-8"), imported, exported


@pytest.mark.parametrize("name", ["intent_detection.jsonl", "text_classification.jsonl",
                                  "sequence_labeling.jsonl", "relation_extraction.jsonl"])
def test_doccano_examples_come_back_the_same(tmp_path, name):
    """doccano's own examples of its export formats: the same lines, in the same key order, nothing lost."""
    src = DATA / name
    text, _, exported = round_trip(tmp_path, src)
    want = lines(src.read_text(encoding="utf-8"))
    assert lines(text) == want
    assert [json.dumps(x) for x in lines(text)] == [json.dumps(x) for x in want]
    assert exported.lossless, exported.losses


def test_intent_detection_imports_slots_and_keeps_cats(tmp_path):
    """``entities`` as [start, end, label] triples become spans; ``cats`` are kept and named in a note
    (main: 'entities[0]: expected an object')."""
    src = DATA / "intent_detection.jsonl"
    with Store(tmp_path / "i.db", annotator="alice") as store:
        outcome = import_files(store, ImportRequest(paths=(src,), fmt="doccano"))
        doc = store.document("intent_detection-1")
        spans = store.annotations(doc.id).spans
    assert [(s.label, s.text) for s in spans] == [("City", "Find a flight from Memphis"), ("City", "Tacoma")]
    assert doc.meta["doccano"]["record"]["cats"] == ["flight"]
    assert any(n.endswith("1 document category ('flight') kept for re-export: tui has no document-level "
                          "labels") for n in outcome.notes)


def test_text_classification_labels_are_kept(tmp_path):
    """``label`` as a list of names is the line's categories, not spans (main: refused)."""
    src = tmp_path / "cls.jsonl"
    src.write_text('{"text": "Terrible service.", "label": ["negative", "urgent"]}\n', encoding="utf-8")
    text, imported, _ = round_trip(tmp_path, src)
    assert lines(text) == [{"text": "Terrible service.", "label": ["negative", "urgent"]}]
    assert any("2 document categories ('negative', 'urgent')" in n for n in imported.notes)


def test_ids_and_metadata_come_back(tmp_path):
    """A line as doccano exports it (``id``, the example's metadata keys, ``Comments``) comes back with
    them, and without a ``name`` it never had (main: id and metadata dropped, ``name`` added)."""
    rows = [
        {"id": 17, "text": "Google was founded by Larry Page.", "wikiPageID": 1, "source": {"site": "w"},
         "entities": [{"id": 40, "label": "ORG", "start_offset": 0, "end_offset": 6},
                      {"id": 41, "label": "PERSON", "start_offset": 22, "end_offset": 32}],
         "relations": [{"id": 9, "from_id": 40, "to_id": 41, "type": "foundedBy"}], "Comments": ["check"]},
        {"id": 18, "text": "Nothing here.", "wikiPageID": 2, "entities": [], "relations": [], "Comments": []},
    ]
    src = tmp_path / "admin.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    text, _, exported = round_trip(tmp_path, src)
    assert [json.dumps(x) for x in lines(text)] == [json.dumps(r) for r in rows]
    assert exported.lossless


def test_edits_in_tui_go_into_the_kept_line(tmp_path):
    """A span added in tui becomes an entity with the next free id; a deleted entity takes its relation
    with it; the line's other fields stay."""
    row = {"id": 3, "text": "Google hired Larry Page in Zurich.",
           "entities": [{"id": 0, "label": "ORG", "start_offset": 0, "end_offset": 6},
                        {"id": 1, "label": "PERSON", "start_offset": 13, "end_offset": 23}],
           "relations": [{"id": 0, "from_id": 0, "to_id": 1, "type": "hired"}], "meta": {"k": 1}}
    src = tmp_path / "e.jsonl"
    src.write_text(json.dumps(row) + "\n", encoding="utf-8")

    def edit(store: Store) -> None:
        doc = store.document("e")
        anns = store.annotations(doc.id)
        store.delete(next(s for s in anns.spans if s.label == "PERSON").id)
        store.add(Span(doc_id=doc.id, label="GPE", fragments=[(27, 33)], text="Zurich"))

    text, _, _ = round_trip(tmp_path, src, edit)
    (line,) = lines(text)
    assert line["id"] == 3 and line["meta"] == {"k": 1}
    assert line["entities"] == [{"id": 0, "label": "ORG", "start_offset": 0, "end_offset": 6},
                                {"id": 1, "label": "GPE", "start_offset": 27, "end_offset": 33}]
    assert line["relations"] == []


def test_span_on_a_classification_line_is_reported(tmp_path):
    """A span made in tui on a text-classification line has no place there: it is reported lost."""
    src = tmp_path / "c.jsonl"
    src.write_text('{"text": "Great price.", "label": ["positive"]}\n', encoding="utf-8")

    def edit(store: Store) -> None:
        doc = store.document("c")
        store.add(Span(doc_id=doc.id, label="MONEY", fragments=[(6, 11)], text="price"))

    text, _, exported = round_trip(tmp_path, src, edit)
    assert lines(text) == [{"text": "Great price.", "label": ["positive"]}]
    assert exported.report.counts == {"spans (a text classification line has none)": 1}


def test_forced_shape_keeps_fields_and_reports_categories(tmp_path):
    """With ``--shape``, a kept line is rewritten in that shape: its own fields stay, its categories
    (which that shape cannot hold) are reported lost."""
    src = DATA / "intent_detection.jsonl"
    text, _, exported = round_trip(tmp_path, src, shape="entities")
    first = lines(text)[0]
    assert "cats" not in first and first["entities"][1] == {
        "id": 2, "label": "City", "start_offset": 30, "end_offset": 36}
    assert exported.report.counts == {
        "document categories (kept only when each line is written in its own shape)": 2}


def test_mixed_documents_use_one_shape(tmp_path):
    """A document that did not come from doccano makes the file one shape again (doccano reads one per
    upload); the doccano line keeps its own fields in it."""
    src = DATA / "sequence_labeling.jsonl"
    with Store(tmp_path / "m.db", annotator="alice") as store:
        import_files(store, ImportRequest(paths=(src,), fmt="doccano"))
        doc, _ = store.add_document(Document(name="zz-plain", text="Basra"))
        store.add(Span(doc_id=doc.id, label="GPE", fragments=[(0, 5)], text="Basra"))
        out = tmp_path / "m.jsonl"
        exported = export_documents(store, ExportRequest(fmt="doccano"), out)
    got = lines(out.read_text(encoding="utf-8"))
    assert got[0] == {"text": "EU rejects German call to boycott British lamb.", "name": "sequence_labeling-1",
                      "label": [[0, 2, "ORG"], [11, 17, "MISC"]]}
    assert got[-1] == {"text": "Basra", "name": "zz-plain", "label": [[0, 5, "GPE"]]}
    assert exported.info == ["doccano shape: every line is 'label' (a sequence labeling project, "
                             "import format JSONL)"]


@pytest.mark.parametrize(("content", "expected"), [
    ('{"text": "abc", "cats": [1]}', "cats[0]: a category must be a non-empty string (got 1)"),
    ('{"text": "abc", "cats": "x"}', "'cats' must be a list of strings"),
    ('{"text": "abc", "label": ["pos", [0, 1, "X"]]}', "label[0]: expected [start, end, label], got 'pos'"),
    ('{"text": "abc", "entities": [[0, 1, 5]], "cats": []}', "entities[0]: label must be a non-empty string"),
    ('{"text": "abc", "entities": [[0, 9, "X"]]}', "entities[0]: offset 9 is past the end of the text (3)"),
    ('{"text": "a\x00b", "label": []}', "malformed JSON"),
    ('{"text": "abc", "label": ' + "[" * 100 + "]" * 100 + "}", "nested deeper than 64"),
])
def test_hostile_input_is_one_line_error(tmp_path, content, expected):
    """Non-string categories and labels, bad offsets, a raw NUL, deep nesting: one line naming file and
    line, exit 1 through the CLI, nothing written."""
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine", "cats": ["ok"]}\n' + content + "\n", encoding="utf-8")
    message = refused(path, expected)
    assert message.startswith(f"{path}:2: ")
    cli_refused(tmp_path, path, expected)


def test_huge_file_refused_from_its_size(tmp_path):
    """A file over the size limit is refused before it is read."""
    from tui.core.formats._interchange import MAX_FILE_BYTES

    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    from tui.core.errors import InputError, InputErrors
    from tui.core.formats import read_paths

    with pytest.raises((InputError, InputErrors)) as info:
        read_paths([path], "doccano")
    assert str(info.value).startswith(f"{path}: ") and "MiB limit" in str(info.value)
