"""Our lossless JSONL: export, import into an empty database, export again gives the same bytes."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.errors import InputErrors
from tui.core.formats.jsonl import export_jsonl, read_jsonl
from tui.core.model import (
    Argument,
    Attribute,
    Document,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
)
from tui.core.store import Store


def _export(store: Store) -> str:
    buf = io.StringIO()
    export_jsonl(store, buf, docs=list(store.iter_documents()))
    return buf.getvalue()


def _populate(store: Store, text: str, name: str = "doc") -> None:
    doc, _ = store.add_document(Document(name=name, text=text, meta={"source": "test"}))
    n = len(text)
    a = store.add(Span(doc_id=doc.id, label="PER", fragments=[(0, min(3, n))]))
    b = store.add(Span(doc_id=doc.id, label="GPE", fragments=[(0, min(1, n)), (min(2, n), n)], status="pending",
                       origin="suggestion:test"))
    t = store.add(Span(doc_id=doc.id, label="Attack", fragments=[(min(1, n), min(4, n))]))
    ev = store.add(Event(doc_id=doc.id, type="Attack", trigger=t.id, arguments=[Argument(role="Attacker", target=a.id)]))
    store.add(Relation(doc_id=doc.id, type="PHYS", arguments=[Argument(role="Arg-1", target=a.id), Argument(role="Arg-2", target=b.id)]))
    store.add(Equivalence(doc_id=doc.id, type="Coref", members=[a.id, b.id]))
    store.add(Attribute(doc_id=doc.id, target=ev.id, name="Polarity", value="Negative"))
    store.add(Attribute(doc_id=doc.id, target=a.id, name="Negated"))
    store.add(Normalization(doc_id=doc.id, target=b.id, resource="Wikidata", key="Q1", label="x"))
    store.add(Note(doc_id=doc.id, target=a.id, text="  \tkept exactly"))
    store.set_doc_status(doc.id, "in-progress")


TRICKY = "\ufeffAl-Sadr 👩‍👩‍👧 e\u0301 中文 مرحبا\r\n\x1b[2J [@click=app.quit] end\n"


def test_round_trip_identity(tmp_path):
    """export -> import into an empty database -> export gives identical bytes."""
    s1 = Store(tmp_path / "a.db", annotator="alice")
    _populate(s1, TRICKY)
    first = _export(s1)
    path = tmp_path / "out.jsonl"
    path.write_text(first, encoding="utf-8", newline="")
    s2 = Store(tmp_path / "b.db", annotator="bob")
    s2.import_documents(read_jsonl(path))
    second = _export(s2)
    assert first == second
    line = json.loads(first)
    assert line["text"] == TRICKY
    assert line["status"] == {"alice": "in-progress"}
    span = line["spans"][0]
    assert list(span) == ["id", "source_id", "label", "fragments", "start", "end", "text",
                          "annotator", "origin", "status", "created", "modified"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=4, max_size=40))
def test_round_trip_identity_any_text(tmp_path_factory, text):
    """Any text (emoji, CJK, controls, CRLF) round-trips byte for byte."""
    d = tmp_path_factory.mktemp("rt")
    s1 = Store(d / "a.db", annotator="alice")
    _populate(s1, text)
    first = _export(s1)
    p = d / "x.jsonl"
    p.write_text(first, encoding="utf-8", newline="")
    s2 = Store(d / "b.db", annotator="alice")
    s2.import_documents(read_jsonl(p))
    assert _export(s2) == first
    s1.close()
    s2.close()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "malformed JSON"),
        ('["a list"]', "expected a JSON object"),
        ('{"name": "x"}', "missing field 'text'"),
        ('{"name": "x", "text": "abc", "spans": [{"label": "PER", "fragments": [[0, 9]]}]}', "past the end"),
        ('{"name": "x", "text": "abc", "spans": [{"label": "PER", "fragments": [[0, 2]], "text": "zz"}]}', "does not match"),
        ('{"name": "x", "text": "abc", "notes": [{"target": "nope", "text": "t"}]}', "missing annotation nope"),
        ('{"name": "x", "text": "abc", "sha256": "00"}', "sha256"),
        ('{"name": "x", "text": "abc", "spans": [{"id": "a", "label": "P", "fragments": [[0,1]]}, {"id": "a", "label": "P", "fragments": [[0,1]]}]}', "duplicate id"),
    ],
)
def test_malformed_lines_report_file_line_reason(tmp_path, line, reason):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"name": "good", "text": "fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputErrors) as exc:
        list(read_jsonl(p))
    msg = str(exc.value.errors[0])
    assert msg.startswith(f"{p}:2: ")
    assert reason in msg


def test_export_matches_documented_json_schema(tmp_path):
    """Every exported line validates against docs/tui-jsonl.schema.json."""
    import jsonschema

    from tests.conftest import ROOT

    schema = json.loads((ROOT / "docs" / "tui-jsonl.schema.json").read_text(encoding="utf-8"))
    s = Store(tmp_path / "a.db", annotator="alice")
    _populate(s, TRICKY)
    for line in _export(s).splitlines():
        jsonschema.validate(json.loads(line), schema)
    bad = json.loads(_export(s))
    bad["spans"][0]["status"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_export_line_is_inert_in_a_terminal(tmp_path):
    """No raw control, C1 or bidi character reaches the output; the JSON still parses to the exact text."""
    s = Store(tmp_path / "a.db", annotator="alice")
    text = "a\x1b]0;title\x07b\x9bc\u202ed\x7fe\x00f\u2028g\n"
    s.add_document(Document(name="evil", text=text))
    out = _export(s)
    assert not any(ch in out for ch in "\x1b\x07\x9b\u202e\x7f\x00\u2028")
    assert json.loads(out)["text"] == text
