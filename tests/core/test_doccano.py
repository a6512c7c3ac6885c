"""doccano JSONL: both shapes in, UTF-16 offsets by default, events as relations out."""

from __future__ import annotations

import json

import pytest

from tests.core.formats_util import FakeStore, export_to, import_from
from tui.core.errors import InputErrors
from tui.core.formats import ExportOptions
from tui.core.model import Argument, DocAnnotations, Document, Event, Span

TEXT = "😀 Troops attacked Basra."  # the emoji is 2 UTF-16 units: every later offset shifts by one


def test_label_shape_with_utf16_offsets(tmp_path):
    """`label: [[start, end, label]]` in UTF-16 units (the default) lands on the right code points."""
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": TEXT, "label": [[3, 9, "PER"], [19, 24, "GPE"]]}) + "\n", encoding="utf-8")
    (doc, anns), = import_from(path, "doccano")[0]
    assert doc.name == "d"
    assert [(s.label, s.text, s.fragments) for s in anns.spans] == [
        ("PER", "Troops", [(2, 8)]), ("GPE", "Basra", [(18, 23)])]
    (_, cp), = import_from(path, "doccano", offsets="codepoint")[0]
    assert [s.text for s in cp.spans] == ["roops ", "asra."]


def test_entities_and_relations_shape(tmp_path):
    """`entities` + `relations`: ids resolve; roles come from the schema (ACE PHYS: Arg-1/Arg-2)."""
    obj = {"text": TEXT, "entities": [{"id": 10, "label": "PER", "start_offset": 3, "end_offset": 9},
                                      {"id": 11, "label": "GPE", "start_offset": 19, "end_offset": 24}],
           "relations": [{"id": 1, "from_id": 10, "to_id": 11, "type": "PHYS"}]}
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(obj) + "\n" + json.dumps({**obj, "name": "second"}) + "\n", encoding="utf-8")
    items, _ = import_from(path, "doccano")
    assert [d.name for d, _ in items] == ["d-1", "second"]
    anns = items[0][1]
    (rel,) = anns.relations
    assert [(a.role, a.target) for a in rel.arguments] == [("Arg-1", anns.spans[0].id), ("Arg-2", anns.spans[1].id)]
    assert [s.source_id for s in anns.spans] == ["10", "11"]


@pytest.mark.parametrize(("line", "reason"), [
    ('{"text": "abc", "label": [[0, 9, "X"]]}', "label[0]: offset 9 is past the end of the text (3)"),
    ('{"text": "abc", "label": [[0, 1]]}', "label[0]: expected [start, end, label], got [0, 1]"),
    ('{"text": "abc", "label": [[0, 1, "X"]]', "malformed JSON: Expecting ',' delimiter at column 39"),
    ('{"text": "abc", "entities": [{"id": 1, "label": "X", "start_offset": 0, "end_offset": 1},'
     ' {"id": 1, "label": "Y", "start_offset": 1, "end_offset": 2}]}', "entities[1]: duplicate id 1"),
    ('{"text": "abc", "entities": [], "relations": [{"id": 1, "from_id": 5, "to_id": 6, "type": "R"}]}',
     "relations[0]: relation points to missing id 5"),
    ('{"text": "😀", "label": [[1, 2, "X"]]}', "label[0]: UTF-16 offset 1 splits a surrogate pair"),
    ('{"label": []}', "missing string field 'text'"),
])
def test_malformed_lines(tmp_path, line, reason):
    """Each bad line is reported as file:line: reason, and nothing is returned."""
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "fine", "label": []}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputErrors) as exc:
        import_from(path, "doccano")
    assert [str(e) for e in exc.value.errors] == [f"{path}:2: {reason}"]


def test_export_events_as_role_relations(tmp_path):
    """A document with an event puts the whole file in the relation shape (doccano reads one shape per
    upload and drops the other's lines in silence); each argument is a relation named by role."""
    store = FakeStore()
    anns = DocAnnotations(
        spans=[Span(id="t", label="Attack", fragments=[(9, 17)]), Span(id="p", label="GPE", fragments=[(18, 23)])],
        events=[Event(id="e", type="Attack", trigger="t", arguments=[Argument(role="Place", target="p")])],
    )
    store.add(Document(name="n", text=TEXT), anns)
    store.add(Document(name="plain", text="Basra"), DocAnnotations(spans=[Span(label="GPE", fragments=[(0, 5)])]))
    path, report = export_to(tmp_path, "doccano", store)
    first, second = (json.loads(x) for x in path.read_text(encoding="utf-8").splitlines())
    assert first["entities"] == [{"id": 1, "label": "Attack", "start_offset": 10, "end_offset": 18},
                                 {"id": 2, "label": "GPE", "start_offset": 19, "end_offset": 24}]
    assert first["relations"] == [{"id": 1, "from_id": 1, "to_id": 2, "type": "Place"}]
    assert second == {"text": "Basra", "name": "plain", "relations": [],
                      "entities": [{"id": 1, "label": "GPE", "start_offset": 0, "end_offset": 5}]}
    assert report.counts == {"events (exported as trigger-to-argument relations)": 1}
    assert report.info == ["doccano shape: every line is 'entities' + 'relations' (a sequence labeling project "
                           "with 'Use relation labeling' on, import format JSONL(Relation))"]
    items, _ = import_from(path, "doccano")
    assert [r.type for r in items[0][1].relations] == ["Place"]


def test_pending_status_is_reported(tmp_path):
    """doccano has no suggestions: exporting pending spans reports the status as lost."""
    store = FakeStore()
    store.add(Document(name="n", text="abc"), DocAnnotations(spans=[Span(label="X", fragments=[(0, 1)],
                                                                          status="pending")]))
    _, report = export_to(tmp_path, "doccano", store, ExportOptions(statuses=None))
    assert report.counts == {"statuses (pending/rejected exported as plain labels)": 1}


def test_shape_label_for_the_whole_file_reports_the_relations_it_drops(tmp_path):
    """--shape label: every line in the sequence-labelling shape; relations (and events) it cannot hold are losses."""
    from tui.core.formats import ExportOptions

    store = FakeStore()
    anns = DocAnnotations(
        spans=[Span(id="t", label="Attack", fragments=[(9, 17)]), Span(id="p", label="GPE", fragments=[(18, 23)])],
        events=[Event(id="e", type="Attack", trigger="t", arguments=[Argument(role="Place", target="p")])],
    )
    store.add(Document(name="n", text=TEXT), anns)
    store.add(Document(name="plain", text="Basra"), DocAnnotations(spans=[Span(label="GPE", fragments=[(0, 5)])]))
    path, report = export_to(tmp_path, "doccano", store, options=ExportOptions(shape="label"))
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [sorted(x) for x in lines] == [["label", "name", "text"]] * 2
    assert report.counts["relations (the 'label' shape has none)"] == 1


def test_overlapping_spans_are_reported(tmp_path):
    """doccano drops overlapping spans unless the project allows them: the export says so."""
    store = FakeStore()
    store.add(Document(name="n", text="New York City"), DocAnnotations(spans=[
        Span(label="GPE", fragments=[(0, 13)]), Span(label="GPE", fragments=[(0, 8)])]))
    _, report = export_to(tmp_path, "doccano", store)
    assert report.notes == ["1 span(s) overlap another: doccano keeps them only in a project with "
                            "'Allow overlapping spans' on"]
