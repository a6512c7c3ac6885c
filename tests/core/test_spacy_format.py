"""spaCy DocBin: ents for the non-overlapping layer, every span in doc.spans, the rest in user_data."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")  # an optional dependency; the dev extra installs it

from spacy.tokens import DocBin  # noqa: E402

from tests.core.formats_util import FakeStore, export_to, import_from, span_set  # noqa: E402
from tui.core.errors import InputErrors  # noqa: E402
from tui.core.model import Argument, DocAnnotations, Document, Event, Note, Relation, Span  # noqa: E402

TEXT = "The British army attacked Basra-based units.\r\nNobody 👍🏽 left."


def _store():
    store = FakeStore()
    anns = DocAnnotations(
        spans=[
            Span(id="army", label="ORG", fragments=[(4, 16)]),
            Span(id="brit", label="GPE", fragments=[(4, 11)]),
            Span(id="trig", label="Attack", fragments=[(17, 25)]),
            Span(id="bas", label="GPE", fragments=[(26, 31)]),
            Span(id="disc", label="PER", fragments=[(0, 3), (12, 16)]),
            Span(id="odd", label="LOC", fragments=[(27, 31)]),  # inside a spaCy token: misaligned
        ],
        events=[Event(id="ev", type="Attack", trigger="trig", arguments=[Argument(role="Attacker", target="army")])],
        relations=[Relation(id="rel", type="PART-WHOLE", arguments=[Argument(role="Arg-1", target="brit"),
                                                                      Argument(role="Arg-2", target="odd")])],
        notes=[Note(id="n1", target="ev", text="  kept\texactly")],
    )
    store.add(Document(name="news/basra", text=TEXT), anns)
    return store


def test_docbin_layout(tmp_path):
    """ents: longest-first layer; spans["tui"]: one Span per fragment with the annotation id; user_data: the rest."""
    path, report = export_to(tmp_path, "spacy", _store())
    nlp = spacy.blank("xx")
    (doc,) = DocBin().from_disk(path).get_docs(nlp.vocab)
    assert doc.text == TEXT
    assert [(e.text, e.label_) for e in doc.ents] == [("British army", "ORG"), ("attacked", "Attack"), ("Basra", "GPE")]
    group = [(s.text, s.label_, s.id_) for s in doc.spans["tui"]]
    assert ("The", "PER", "disc") in group and ("army", "PER", "disc") in group
    assert ("British", "GPE", "brit") in group and not any(i == "odd" for *_, i in group)
    data = doc.user_data["tui"]
    assert data["name"] == "news/basra"
    assert [e["id"] for e in data["events"]] == ["ev"] and data["notes"][0]["text"] == "  kept\texactly"
    assert [s["id"] for s in data["unaligned_spans"]] == ["odd"]
    assert report.counts == {
        "spans not on spaCy token boundaries (kept in user_data only)": 1,
        "overlapping or nested spans (longest first, then earliest, kept): not in doc.ents (in doc.spans)": 1,
        "discontinuous spans: not in doc.ents (in doc.spans)": 1,
    }


def test_round_trip_keeps_everything(tmp_path):
    """Export then import: same name, text, spans (fragments rejoined), events, relations and notes."""
    store = _store()
    path, _ = export_to(tmp_path, "spacy", store)
    (doc, anns), = import_from(path, "spacy")[0]
    orig = store.anns[store.docs[0].id]
    assert doc.name == "news/basra" and doc.text == TEXT
    assert span_set(anns) == span_set(orig)
    assert [(e.id, e.trigger, [a.target for a in e.arguments]) for e in anns.events] == [("ev", "trig", ["army"])]
    assert [r.id for r in anns.relations] == ["rel"] and anns.notes[0].text == "  kept\texactly"
    assert {s.annotator for s in anns.spans} == {"alice"}


def test_foreign_docbin_ents_import(tmp_path):
    """A DocBin made by spaCy itself (ents only, no tui data): ents become accepted imported spans."""
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Apple opened in Paris")
    doc.ents = [doc.char_span(0, 5, label="ORG"), doc.char_span(16, 21, label="GPE")]
    path = tmp_path / "train.spacy"
    DocBin(docs=[doc, nlp.make_doc("nothing")]).to_disk(path)
    items, _ = import_from(path, "spacy")
    assert [d.name for d, _ in items] == ["train-1", "train-2"]
    assert [(s.label, s.text, s.origin, s.status) for s in items[0][1].spans] == [
        ("ORG", "Apple", "import", "accepted"), ("GPE", "Paris", "import", "accepted")]


def test_not_a_docbin_is_one_clear_error(tmp_path):
    """Garbage bytes give one error naming the file, not a traceback."""
    path = tmp_path / "bad.spacy"
    path.write_bytes(b"not zlib at all")
    with pytest.raises(InputErrors) as exc:
        import_from(path, "spacy")
    assert str(exc.value.errors[0]).startswith(f"{path}: not a spaCy DocBin (")


def test_user_data_reference_to_missing_id_is_reported(tmp_path):
    """An event in user_data pointing to a missing span id is an error naming the document."""
    nlp = spacy.blank("xx")
    doc = nlp.make_doc("a b")
    doc.user_data["tui"] = {"name": "x", "events": [{"id": "e", "type": "T", "trigger": "nope", "arguments": []}]}
    path = tmp_path / "x.spacy"
    DocBin(docs=[doc], store_user_data=True).to_disk(path)
    with pytest.raises(InputErrors) as exc:
        import_from(path, "spacy")
    assert str(exc.value.errors[0]) == f"{path}: document 1: events e: refers to missing annotation nope"


def test_kb_normalisation_is_the_kb_id_and_reads_back_once(tmp_path):
    """A ``kb`` link is its span's kb_id (in doc.spans and doc.ents); a second one is reported; none doubles."""
    from tui.core.model import Normalization

    store = FakeStore()
    anns = DocAnnotations(
        spans=[Span(id="army", label="ORG", fragments=[(4, 16)])],
        normalizations=[Normalization(id="n1", target="army", resource="kb", key="Q1"),
                        Normalization(id="n2", target="army", resource="kb", key="Q2"),
                        Normalization(id="n3", target="army", resource="GeoNames", key="7")],
    )
    store.add(Document(name="kb", text=TEXT), anns)
    path, report = export_to(tmp_path, "spacy", store)
    (doc,) = DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab)
    assert [(s.text, s.kb_id_) for s in doc.spans["tui"]] == [("British army", "Q1")]
    assert [(e.text, e.kb_id_) for e in doc.ents] == [("British army", "Q1")]
    assert report.counts == {"kb links beyond a span's first (spaCy has one kb_id; kept in user_data)": 1}
    (_, back), = import_from(path, "spacy")[0]
    assert sorted((n.resource, n.key) for n in back.normalizations) == [("GeoNames", "7"), ("kb", "Q1"), ("kb", "Q2")]
