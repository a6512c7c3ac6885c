"""Suggestion sources: propagate, gazetteer, spaCy; no duplicates, no re-suggesting rejections."""

from __future__ import annotations

import builtins
import json
import re

import pytest

from tests.conftest import SEED, db_snapshot
from tui.core.errors import InputErrors, TuiError
from tui.core.model import Document, Span
from tui.core.review.suggest import PhraseMatcher, load_gazetteer, propagate_span, suggest


def add_doc(store, name, text):
    doc, _ = store.add_document(Document(name=name, text=text))
    return doc


def pending(store, doc):
    return [(s.fragments[0], s.label, s.origin) for s in store.annotations(doc.id, statuses=["pending"]).spans]


def test_gazetteer_matches_whole_words_in_one_run_as_one_action(store, tmp_path):
    """A TSV gazetteer suggests whole-word matches only, longest first, as one logged action."""
    doc = add_doc(store, "d", "Basra and Basran forces met in New York City, not in New Yorkers' Basra.")
    gaz = tmp_path / "g.tsv"
    gaz.write_text("# comment\nBasra\tGPE\nNew York\tGPE\nNew York City\tGPE\n", encoding="utf-8")
    ops_before = len(store.operations())
    result = suggest(store, "gazetteer", gazetteer=gaz)
    got = pending(store, doc)
    text = doc.text
    assert [text[s:e] for (s, e), _, _ in got] == ["Basra", "New York City", "Basra"]
    assert {o for _, _, o in got} == {"suggestion:gazetteer"}
    assert result.added == 3 and result.per_label["GPE"] == 3
    assert len(store.operations()) == ops_before + 1
    store.undo(None)  # a corpus-wide run is a global action
    assert pending(store, doc) == []


def test_rerun_adds_no_duplicates_and_skips_rejected(store, tmp_path):
    """Re-running a source adds nothing; a rejected suggestion is not proposed again."""
    doc = add_doc(store, "d", "Basra, Basra and Basra.")
    gaz = {"Basra": "GPE"}
    first = suggest(store, "gazetteer", gazetteer=gaz, docs=["d"])
    assert first.added == 3
    span = store.annotations(doc.id).spans[1]
    span.status = "rejected"
    store.update(span)
    before = db_snapshot(store.path)
    again = suggest(store, "gazetteer", gazetteer=gaz, docs=["d"])
    assert (again.added, again.existing, again.rejected) == (0, 2, 1)
    assert db_snapshot(store.path) == before


def test_gazetteer_jsonl_and_ignore_case(store, tmp_path):
    """A JSONL gazetteer works; --ignore-case matches other cases with exact offsets."""
    doc = add_doc(store, "d", "BASRA is in Iraq; basra too.")
    gaz = tmp_path / "g.jsonl"
    gaz.write_text('{"phrase": "Basra", "label": "GPE"}\n{"phrase": "Iraq", "label": "GPE"}\n', encoding="utf-8")
    assert load_gazetteer(gaz) == {"Basra": "GPE", "Iraq": "GPE"}
    suggest(store, "gazetteer", gazetteer=gaz, ignore_case=True)
    assert [doc.text[s:e] for (s, e), _, _ in pending(store, doc)] == ["BASRA", "Iraq", "basra"]


def test_bad_gazetteer_names_file_and_line(tmp_path):
    """Every bad gazetteer line is reported with its number; nothing is loaded."""
    gaz = tmp_path / "g.tsv"
    gaz.write_text("Basra\tGPE\nno tab here\n\tORG\n", encoding="utf-8")
    with pytest.raises(InputErrors) as exc:
        load_gazetteer(gaz)
    assert [str(e) for e in exc.value.errors] == [
        f"{gaz}:2: expected phrase<TAB>type, found 1 field(s)",
        f"{gaz}:3: missing or empty phrase",
    ]
    bad = tmp_path / "g.jsonl"
    bad.write_text('{"phrase": "x", "label": "Y"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputErrors) as exc:
        load_gazetteer(bad)
    assert str(exc.value.errors[0]).startswith(f"{bad}:2: invalid JSON")


def test_regex_fallback_finds_the_same_as_aho_corasick(monkeypatch):
    """Without pyahocorasick the pure-Python fallback gives identical matches."""
    text = SEED.read_text(encoding="utf-8")
    phrases = {"Basra": "GPE", "Iraq": "GPE", "Iraqi": "GPE", "Mahdi Army": "ORG", "al-Sadr": "PER", "U.S.": "GPE"}
    fast = PhraseMatcher(phrases).find(text)
    real_import = builtins.__import__

    def no_aho(name, *args, **kwargs):
        if name == "ahocorasick":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_aho)
    slow = PhraseMatcher(phrases)
    assert slow._automaton is None
    assert slow.find(text) == fast
    expected = sorted(
        (m.start(), m.end()) for p in phrases for m in re.finditer(r"(?<!\w)" + re.escape(p) + r"(?!\w)", text)
    )
    assert [(s, e) for s, e, _ in fast] == expected


def test_propagate_suggests_other_occurrences_of_tagged_strings(store):
    """Propagate suggests every other whole-word occurrence of an accepted tag, in the corpus."""
    text = SEED.read_text(encoding="utf-8")
    doc = add_doc(store, "seed", text)
    other = add_doc(store, "other", "Later, Basra was calm. Basrawi traders returned.")
    first = text.index("Basra")
    store.add(Span(label="GPE", fragments=[(first, first + 5)], doc_id=doc.id))
    result = suggest(store, "propagate")
    occurrences = [m.start() for m in re.finditer(r"(?<!\w)Basra(?!\w)", text)]
    got = [s for (s, _), label, _ in pending(store, doc)]
    assert got == [o for o in occurrences if o != first]
    assert pending(store, other) == [((7, 12), "GPE", "suggestion:propagate")]
    assert result.added == len(occurrences) - 1 + 1 and result.existing == 1


def test_propagate_scope_document_and_selected_span(store):
    """Document scope stays in the tag's document; propagate_span works on one selected span."""
    a = add_doc(store, "a", "Sadr met Sadr.")
    b = add_doc(store, "b", "Sadr left.")
    span = store.add(Span(label="PER", fragments=[(0, 4)], doc_id=a.id))
    suggest(store, "propagate", scope="document")
    assert pending(store, a) == [((9, 13), "PER", "suggestion:propagate")]
    assert pending(store, b) == []
    result = propagate_span(store, span.id, scope="corpus")
    assert result.added == 1 and pending(store, b) == [((0, 4), "PER", "suggestion:propagate")]
    # one action on one document: undo from that document takes it back
    store.undo(b.id)
    assert pending(store, b) == []


def test_propagate_does_not_override_a_decision_under_another_label(store):
    """An occurrence the analyst tagged with another label is not suggested again."""
    doc = add_doc(store, "d", "Jordan crossed into Jordan.")
    store.add(Span(label="PER", fragments=[(0, 6)], doc_id=doc.id))
    store.add(Span(label="GPE", fragments=[(20, 26)], doc_id=doc.id))
    store.add(Span(label="PER", fragments=[(20, 26)], doc_id=doc.id, status="rejected"))
    result = suggest(store, "propagate")
    assert result.added == 0 and pending(store, doc) == []


@pytest.fixture
def ruler_model(tmp_path):
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": "GPE", "pattern": "Basra"},
        {"label": "PER", "pattern": [{"LOWER": "moqtada"}, {"LOWER": "al"}, {"TEXT": "-"}, {"LOWER": "sadr"}]},
    ])
    path = tmp_path / "model"
    nlp.to_disk(path)
    return path


def test_spacy_pipeline_saved_to_disk(store, ruler_model):
    """The entities of a spaCy pipeline loaded from a path become suggestions, offsets exact."""
    text = SEED.read_text(encoding="utf-8")
    doc = add_doc(store, "seed", text)
    result = suggest(store, "spacy", model=str(ruler_model))
    got = pending(store, doc)
    basra = [m.start() for m in re.finditer(r"(?<!\w)Basra(?!\w)", text)]
    assert [s for (s, _), label, _ in got if label == "GPE"] == basra
    sadr = [(s, e) for (s, e), label, _ in got if label == "PER"]
    expected = [m.span() for m in re.finditer(r"moqtada al-sadr", text, re.IGNORECASE)]
    assert sadr == expected and len(expected) >= 2
    assert {o for _, _, o in got} == {"suggestion:spacy"}
    assert result.added == len(got)
    assert suggest(store, "spacy", model=str(ruler_model)).added == 0


def test_spacy_missing_model_or_library_is_a_clear_error(store, monkeypatch):
    """A model that is not installed, or no spaCy at all, gives a one-line reason."""
    add_doc(store, "d", "text")
    with pytest.raises(TuiError, match="no spaCy pipeline 'xx_not_a_model'"):
        suggest(store, "spacy", model="xx_not_a_model")
    with pytest.raises(TuiError, match="--model"):
        suggest(store, "spacy")
    monkeypatch.setitem(__import__("sys").modules, "spacy", None)
    with pytest.raises(TuiError, match="spaCy is not installed"):
        suggest(store, "spacy", model="en_core_web_sm")


def test_unknown_source_and_missing_gazetteer(store):
    with pytest.raises(TuiError, match="unknown suggestion source"):
        suggest(store, "magic")
    with pytest.raises(TuiError, match="--gazetteer"):
        suggest(store, "gazetteer")


def test_suggestions_in_jsonl_export_keep_origin(store):
    """Suggestions are ordinary annotations: pending, origin suggestion:<source>, current annotator."""
    doc = add_doc(store, "d", "Basra")
    suggest(store, "gazetteer", gazetteer={"Basra": "GPE"})
    (span,) = store.annotations(doc.id).spans
    assert (span.status, span.origin, span.annotator) == ("pending", "suggestion:gazetteer", "alice")
    assert json.loads(json.dumps(span.fragments)) == [[0, 5]]
