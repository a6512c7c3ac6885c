"""The reader's `a`: the schema's default suggestion sources, run through `suggest`, counted per source."""

from __future__ import annotations

from tests.core.test_schema import BASE
from tui.core.model import Document, Equivalence, Span
from tui.core.review.defaults import run_defaults
from tui.core.schema import parse_schema

TEXT = "Muqtada al-Sadr met people in Basra. Sadr left Basra for Baghdad."


def test_ace_defaults_run_places_propagate_and_coref_in_order(store):
    """ACE 2005: places, lexicon, propagate, coref; each source's count in the summary."""
    doc, _ = store.add_document(Document(name="d", text=TEXT))
    full = store.add(Span(label="PER", fragments=[(0, 15)], doc_id=doc.id))
    store.add(Span(label="PER", fragments=[(37, 41)], doc_id=doc.id))  # "Sadr", unlinked
    first = store.add(Span(label="PER", fragments=[(0, 7)], doc_id=doc.id))  # "Muqtada": a 2-member chain
    store.add(Equivalence(type="Coref", members=[full.id, first.id], doc_id=doc.id))
    run = run_defaults(store, "d")
    assert [r.source for r in run.results] == ["places", "lexicon", "propagate", "coref"]
    counts = {r.source: r.added for r in run.results}
    assert counts == {"places": 3, "lexicon": 2, "propagate": 0, "coref": 1}
    assert run.summary() == "suggested 6: places 3, lexicon 2, propagate 0, coref 1"
    pending = store.annotations(doc.id, statuses=["pending"])
    assert sorted(s.text for s in pending.spans) == ["Baghdad", "Basra", "Basra", "met", "people"]
    assert [(e.type, pending.by_id()[e.trigger].text) for e in pending.events] == [("Meet", "met")]
    assert len(pending.equivalences) == 1


def test_spacy_without_its_model_is_skipped_and_the_others_run(store):
    """A [suggest] spacy source whose model is missing is skipped with the reason."""
    schema = parse_schema(BASE.replace('name = "mini"', 'name = "mini-s"', 1)
                          + '\n[suggest]\nsources = ["spacy", "propagate"]\nmodel = "no_such_pipeline_xyz"\n')
    store.save_schema(schema)
    doc, _ = store.add_document(Document(name="d", text="Basra and Basra", schema="mini-s"))
    store.add(Span(label="GPE", fragments=[(0, 5)], doc_id=doc.id))
    run = run_defaults(store, "d")
    assert [r.source for r in run.results] == ["propagate"] and run.added == 1
    assert [s for s, _ in run.skipped] == ["spacy"]
    assert "no_such_pipeline_xyz" in run.skipped[0][1] or "not installed" in run.skipped[0][1]
    assert run.summary().startswith("suggested 1: propagate 1, spacy skipped (")
