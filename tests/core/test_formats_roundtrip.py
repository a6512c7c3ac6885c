"""Property tests: random texts (emoji, CJK, combining marks, CRLF, controls) and random spans
survive each dataset format's round trip, modulo exactly what the loss report lists."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.formats_util import FakeStore, export_to, import_from, span_set
from tui.core.formats import ExportOptions
from tui.core.model import DocAnnotations, Document, Span
from tui.core.text.tokenize import tokenize

PIECES = ["a", "b", "Z", " ", "  ", "\r\n", "\n", "\t", ".", ",", "!", "😀", "👍🏽", "👨‍👩‍👧", "東", "京",
          "e\u0301", "\u0301", "\x00", "\x1b", "\x7f", "\u2028", "\x85", "\ufeff", "\u200b", "#", "-"]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.characters(blacklist_categories=("Cs",))),
                 min_size=1, max_size=30).map("".join)
LABELS = ["PER", "ORG", "Gpe"]


@st.composite
def documents(draw):
    """A text with random (overlapping, nested, discontinuous) spans."""
    text = draw(texts)
    n = len(text)
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        cuts = sorted(draw(st.lists(st.integers(0, n), min_size=2, max_size=4, unique=True)))
        if len(cuts) < 2:
            continue
        frags = [(cuts[0], cuts[1])]
        if len(cuts) == 4 and draw(st.booleans()):
            frags.append((cuts[2], cuts[3]))
        spans.append(Span(label=draw(st.sampled_from(LABELS)), fragments=frags))
    return text, spans


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _store(text: str, spans: list[Span]) -> FakeStore:
    store = FakeStore()
    store.add(Document(name="doc", text=text), DocAnnotations(spans=spans))
    return store


def _fragment_set(spans: list[Span]) -> set:
    """What a one-region-per-fragment format gives back."""
    return {(s.label, (f,)) for s in spans for f in s.fragments}


@SETTINGS
@given(documents(), st.sampled_from(["codepoint", "utf16"]))
def test_labelstudio_round_trip(doc, unit):
    """Label Studio: same text, same spans; discontinuous spans come back one per fragment, as reported."""
    text, spans = doc
    with tempfile.TemporaryDirectory() as tmp:
        path, report = export_to(Path(tmp), "labelstudio", _store(text, spans), ExportOptions(offsets=unit))
        items, _ = import_from(path, "labelstudio", offsets=unit)
    (got_doc, got), = items
    assert got_doc.text == text and got_doc.name == "doc"
    assert span_set(got) == _fragment_set(spans)
    assert report.counts.get("discontinuous spans (one region per fragment)", 0) == sum(
        len(s.fragments) > 1 for s in spans)


@SETTINGS
@given(documents(), st.sampled_from([None, "codepoint"]))
def test_doccano_round_trip_and_utf16_offsets(doc, unit):
    """doccano: UTF-16 offsets by default (as JS counts them), code points on request; spans come back."""
    import json

    text, spans = doc
    with tempfile.TemporaryDirectory() as tmp:
        path, report = export_to(Path(tmp), "doccano", _store(text, spans), ExportOptions(offsets=unit))
        line = json.loads(path.read_text(encoding="utf-8"))
        items, _ = import_from(path, "doccano", offsets=unit)
    (got_doc, got), = items
    assert got_doc.text == text
    assert span_set(got) == _fragment_set(spans)
    # the file's offsets, checked independently against UTF-16 encoding
    expected = sorted(
        (len(text[:a].encode("utf-16-le")) // 2 if unit is None else a,
         len(text[:b].encode("utf-16-le")) // 2 if unit is None else b, s.label)
        for s in spans for a, b in s.fragments
    )
    assert sorted(map(tuple, line["label"])) == expected


@SETTINGS
@given(documents())
def test_spacy_round_trip_is_exact(doc):
    """spaCy: text exact, every span back with its fragments (misaligned ones from user_data, as reported)."""
    text, spans = doc
    with tempfile.TemporaryDirectory() as tmp:
        path, report = export_to(Path(tmp), "spacy", _store(text, spans))
        items, _ = import_from(path, "spacy")
    (got_doc, got), = items
    assert got_doc.text == text
    assert span_set(got) == span_set(DocAnnotations(spans=spans))
    assert {s.id for s in got.spans} == {s.id for s in spans}


@SETTINGS
@given(documents())
def test_conll_round_trip_modulo_reported_losses(doc):
    """CoNLL: every span not reported as lost comes back with its label and its tokens joined by spaces."""
    text, spans = doc
    with tempfile.TemporaryDirectory() as tmp:
        path, report = export_to(Path(tmp), "conll", _store(text, spans))
        if not tokenize(text):
            return  # nothing to write: no tokens at all
        items, _ = import_from(path, "conll")
    (_, got), = items
    dropped = sum(n for kind, n in report.counts.items() if kind != "spans trimmed to their tokens (whitespace at an edge)")
    assert len(got.spans) + dropped == len(spans)
    want = []
    for s in spans:
        a, b = s.fragments[0]
        toks = tokenize(text[a:b])
        want.append((s.label, " ".join(text[a:b][x:y] for x, y in toks)))
    for s in got.spans:
        assert (s.label, s.text) in want
