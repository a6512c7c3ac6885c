"""Property test: any text, any overlapping or discontinuous spans survive brat export and import."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.formats import ExportOptions, ImportOptions, read_paths
from tui.core.formats.brat import LINE_BREAKS, brat_fragments, export
from tui.core.model import Document, Span
from tui.core.store import Store

PIECES = [
    "a", "Z", " ", "\t", "😀", "👩‍👩‍👧", "漢", "字", "e\u0301", "\r\n", "\n", "\r", "\x0b", "\x0c",
    "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\x1b", "\x07", "\x7f", "\ufeff", "\u202e", ";", ":",
]


@st.composite
def documents(draw):
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40)))
    n = len(text)
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        cuts = sorted(set(draw(st.lists(st.integers(0, n), min_size=2, max_size=6))))
        if len(cuts) < 2:
            continue
        # consecutive cut points give non-overlapping fragments; keep a random subset
        frags = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if a < b]
        chosen = [f for f in frags if draw(st.booleans())] or frags[:1]
        if chosen:
            spans.append((draw(st.sampled_from(["PER", "ORG", "Loc-x"])), chosen))
    return text, spans


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents())
def test_brat_round_trip_keeps_offsets_and_text(doc):
    """Export then import gives byte-identical text and the same spans, cut only around line breaks."""
    text, spans = doc
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        store = Store(tmp_path / "a.db", annotator="alice")
        d, _ = store.add_document(Document(name="doc", text=text))
        for label, frags in spans:
            store.add(Span(doc_id=d.id, label=label, fragments=frags))
        export(store, store.iter_documents(), tmp_path / "out", ExportOptions())
        store.close()

        assert (tmp_path / "out" / "doc.txt").read_bytes() == text.encode("utf-8")
        ann = (tmp_path / "out" / "doc.ann").read_text(encoding="utf-8")
        # a splitlines-based reader (brat's) sees exactly the lines we wrote
        assert ann.splitlines() == ann.split("\n")[:-1]
        for line in ann.splitlines():
            sid, rest = line.split("\t", 1)
            label, offsets = rest.split("\t", 1)[0].split(" ", 1)
            frags = [tuple(map(int, p.split())) for p in offsets.split(";")]
            assert rest.split("\t", 1)[1] == " ".join(text[a:b] for a, b in frags)
            assert not any(ch in LINE_BREAKS for a, b in frags for ch in text[a:b])

        (got_doc, anns), = read_paths([tmp_path / "out"], "brat", options=ImportOptions())
        assert got_doc.text == text
        expected = sorted(
            (label, tuple(brat_fragments(text, frags)))
            for label, frags in spans
            if brat_fragments(text, frags)
        )
        assert sorted((s.label, tuple(s.fragments)) for s in anns.spans) == expected
        for s in anns.spans:
            assert s.text == " ".join(text[a:b] for a, b in s.fragments)


def test_brat_fragments_cut_exactly_at_every_splitlines_break():
    """brat_fragments removes exactly the characters str.splitlines breaks on, nothing else."""
    every = "".join(chr(c) for c in range(0x3000) if len(("a" + chr(c) + "b").splitlines()) > 1)
    assert set(every) == LINE_BREAKS
    text = "x" + "x".join(sorted(LINE_BREAKS)) + "x\t\x1b"
    pieces = brat_fragments(text, [(0, len(text))])
    assert "".join(text[a:b] for a, b in pieces) == "x" * (len(LINE_BREAKS) + 1) + "\t\x1b"
