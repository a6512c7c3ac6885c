"""CoNLL / BIO: exact export, the longest-first choice with every loss reported, repairs on import."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.core.formats_util import FakeStore, export_to, import_from
from tui.core.errors import InputErrors
from tui.core.formats import ExportOptions, LossReport
from tui.core.formats.conll import write_document
from tui.core.model import Argument, DocAnnotations, Document, Event, Span
from tui.core.text.tokenize import sentences, tokenize

CONLL = DATA / "conll"
CORPORA = Path("/work/shared/corpora")


def _doc(text: str, *spans: tuple[str, list[tuple[int, int]]]) -> tuple[Document, DocAnnotations]:
    store = FakeStore()
    anns = DocAnnotations(spans=[Span(label=lab, fragments=frags) for lab, frags in spans])
    doc = store.add(Document(name="d", text=text), anns)
    return doc, anns


def _write(doc: Document, anns: DocAnnotations, **kw) -> tuple[str, LossReport]:
    out = io.StringIO()
    report = LossReport()
    write_document(doc, anns, out, report, **kw)
    return out.getvalue(), report


def test_export_is_iob2_with_docstart_and_exact_tokens():
    """Each document starts with the exact -DOCSTART- line; B-/I- tags; tokens are substrings of the text."""
    doc, anns = _doc("New York fell.\nThe army left.", ("GPE", [(0, 8)]), ("ORG", [(19, 23)]))
    out, report = _write(doc, anns)
    assert out == (
        "-DOCSTART- -X- O O\n\n"
        "New B-GPE\nYork I-GPE\nfell O\n. O\n\n"
        "The O\narmy B-ORG\nleft O\n. O\n\n"
    )
    assert report.lossless


def test_overlap_keeps_longest_then_earliest_and_reports_the_rest():
    """Nested and overlapping spans: the longest wins, ties go to the earliest; every other span is reported."""
    text = "the British army and the navy"
    doc, anns = _doc(
        text,
        ("ORG", [(4, 16)]),  # British army (longest)
        ("GPE", [(4, 11)]),  # British (nested)
        ("PER", [(12, 20)]),  # army and (overlaps, shorter)
        ("ORG", [(21, 29)]),  # the navy
        ("VEH", [(0, 3), (25, 29)]),  # discontinuous
        ("LOC", [(21, 24)]),  # "the" (nested in the navy)
    )
    out, report = _write(doc, anns)
    tags = [line.split()[1] for line in out.splitlines()[2:] if line]
    assert tags == ["O", "B-ORG", "I-ORG", "O", "B-ORG", "I-ORG"]
    assert report.counts == {
        "overlapping or nested spans (longest first, then earliest, kept)": 3,
        "discontinuous spans": 1,
    }
    examples = " ".join(report.examples["overlapping or nested spans (longest first, then earliest, kept)"])
    assert "GPE 'British'" in examples and "PER 'army and'" in examples and "LOC 'the'" in examples


def test_equal_length_tie_goes_to_the_earliest():
    """Two overlapping spans of the same length: the one that starts first is kept."""
    doc, anns = _doc("a bcde f", ("Y", [(3, 6)]), ("X", [(2, 5)]))
    out, report = _write(doc, anns)
    assert out.splitlines()[2:] == ["a O", "bcd B-X", "e O", "f O", ""]
    assert report.counts == {"overlapping or nested spans (longest first, then earliest, kept)": 1}


def test_span_boundary_inside_a_word_splits_the_token():
    """A span ending inside a word forces a token boundary, so the span is exact."""
    doc, anns = _doc("Basra-based units", ("GPE", [(0, 5)]), ("ORG", [(12, 17)]))
    out, report = _write(doc, anns)
    assert out.splitlines()[2:6] == ["Basra B-GPE", "- O", "based O", "units B-ORG"]
    assert report.lossless


def test_whitespace_edges_and_other_kinds_are_reported():
    """A span with whitespace at its edge is trimmed (reported); events are reported as lost."""
    doc, anns = _doc("go  north now", ("LOC", [(3, 9)]))
    anns.events.append(Event(id="e1", type="Move", trigger=anns.spans[0].id, arguments=[]))
    _, report = _write(doc, anns)
    assert report.counts == {"spans trimmed to their tokens (whitespace at an edge)": 1, "events": 1}


def test_label_case_upper():
    """--label-case upper upper-cases the labels, nothing else."""
    doc, anns = _doc("Abu Dhabi", ("Gpe", [(0, 9)]))
    out, _ = _write(doc, anns, label_case="upper")
    assert "Abu B-GPE\nDhabi I-GPE\n" in out


def test_sentences_never_break_inside_a_span():
    """A line break inside an exported span does not end the sentence there."""
    text = "Mr.\nSmith left."
    tokens = tokenize(text)
    assert [text[a:b] for a, b in tokens] == ["Mr", ".", "Smith", "left", "."]
    assert len(sentences(text, tokens)) == 2
    assert len(sentences(text, tokens, [(0, 9)])) == 1


def test_tokenizer_keeps_grapheme_clusters_and_offsets():
    """Combining marks, emoji modifiers and ZWJ sequences stay in their token; offsets index the text."""
    text = "Cafe\u0301 👍🏽 👨‍👩‍👧 東京\r\nx"
    toks = tokenize(text)
    assert [text[a:b] for a, b in toks] == ["Cafe\u0301", "👍🏽", "👨‍👩‍👧", "東京", "x"]


def test_round_trip_reimports_the_kept_spans(tmp_path):
    """Export then import: the kept spans come back with their labels and token texts."""
    store = FakeStore()
    text = "Basra fell to the British army.\n\nIraq's army left Basra."
    anns = DocAnnotations(spans=[Span(label="GPE", fragments=[(0, 5)]), Span(label="ORG", fragments=[(18, 30)]),
                                 Span(label="GPE", fragments=[(33, 37)]), Span(label="GPE", fragments=[(50, 55)])])
    store.add(Document(name="a", text=text), anns)
    store.add(Document(name="b", text="Nothing here."), DocAnnotations())
    path, report = export_to(tmp_path, "conll", store)
    assert report.counts == {}
    items, options = import_from(path, "conll")
    assert [d.name for d, _ in items] == ["out-1", "out-2"]
    doc, got = items[0]
    assert doc.text == "Basra fell to the British army .\nIraq ' s army left Basra ."
    assert [(s.label, s.text) for s in got.spans] == [("GPE", "Basra"), ("ORG", "British army"),
                                                      ("GPE", "Iraq"), ("GPE", "Basra")]
    assert all(s.origin == "import" and s.status == "accepted" for s in got.spans)
    assert options.notes == []


def test_reimport_gives_the_same_ids(tmp_path):
    """A file without ids imported twice gives the same annotation ids (so the store skips them)."""
    path = tmp_path / "x.conll"
    path.write_text("Basra B-GPE\nfell O\n", encoding="utf-8")
    first, _ = import_from(path, "conll")
    second, _ = import_from(path, "conll")
    assert [s.id for s in first[0][1].spans] == [s.id for s in second[0][1].spans]


# -- real-world defects (Europeana Newspapers NER, CC0 excerpts) -------------


def test_europeana_sbb_messy_file_is_repaired_and_every_repair_reported():
    """Metadata lines, missing tags, extra fields, junk tags and I- without B- are repaired, with line numbers."""
    items, options = import_from(CONLL / "enp_DE.sbb.head2600.bio", "conll")
    (doc, anns), = items
    notes = "\n".join(options.notes)
    assert re.search(r"3 comment or metadata line\(s\) skipped \(line 1, 2, 3\)", notes)
    assert "line(s) without a tag, read as O (line 129" in notes
    assert "line(s) with extra fields, read as one token with spaces (line 1509" in notes
    assert "whose last field is not a tag, read as one token tagged O (line 2561)" in notes
    assert "I- tag(s) without a B- of the same type before them, read as B- (line 1084, 2171, 2332)" in notes
    assert doc.text.startswith("Donnerstag , 1 . Januar .")
    assert "# file" not in doc.text and "Bür v" in doc.text
    assert anns.spans and all(doc.text[s.start:s.end] == s.text for s in anns.spans)


def test_europeana_onb_i_without_b_is_read_as_b():
    """onb: an I- tag after O starts an entity (IOB2 repair), at the reported line."""
    items, options = import_from(CONLL / "enp_DE.onb.head520.bio", "conll")
    lines = (CONLL / "enp_DE.onb.head520.bio").read_text(encoding="utf-8").split("\n")
    assert lines[501 - 1].split()[1] == "O" and lines[502 - 1].split()[1].startswith("I-")
    assert any("read as B- (line 502)" in n for n in options.notes)
    doc, anns = items[0]
    token = lines[502 - 1].split()[0]
    assert any(s.text.startswith(token) and s.label == lines[502 - 1].split()[1][2:] for s in anns.spans)


def test_europeana_fr_iob1_is_converted():
    """bnf uses IOB1 (no B- at all): said once, and entities start at every I- after O."""
    items, options = import_from(CONLL / "enp_FR.bnf.head300.bio", "conll")
    assert options.notes == [f"{CONLL / 'enp_FR.bnf.head300.bio'}: IOB1 tagging (I- tags, no B-): converted to IOB2"]
    anns = items[0][1]
    assert [(s.label, s.text) for s in anns.spans[:2]] == [("PER", "Emmanuel DESOLES"), ("LOC", "Rue du Pré-Botté")]


@pytest.mark.skipif(not (CORPORA / "europeana-ner").is_dir(), reason="shared corpora not present")
def test_full_europeana_files_import_without_error():
    """The three whole Europeana files import; every span matches its text."""
    for name in ("enp_DE.onb.bio", "enp_DE.sbb.bio", "enp_FR.bnf.head5000.bio"):
        items, options = import_from(CORPORA / "europeana-ner" / name, "conll")
        doc, anns = items[0]
        assert len(anns.spans) > 100
        assert all(doc.text[s.start:s.end] == s.text for s in anns.spans)
        assert options.notes


# -- CoNLL-U -------------------------------------------------------------------


def test_gum_conllu_entities_text_and_coreference():
    """GUM CoNLL-U: sentences rebuilt exactly as `# text`, nested CorefUD entities, Coref chains, links."""
    path = CONLL / "GUM_news_worship.conllu"
    (doc, anns), = import_from(path, "conll")[0]
    texts = [line.split("=", 1)[1].strip() for line in path.read_text(encoding="utf-8").splitlines()
             if line.startswith("# text =")]
    assert [t for t in doc.text.split("\n") if t] == texts
    labels = {(s.label, s.text) for s in anns.spans}
    assert ("organization", "Greek court") in labels
    assert ("event", "worship of ancient Greek deities") in labels
    assert ("person", "ancient Greek deities") in labels  # nested inside the event mention
    chains = [sorted({s.text for s in anns.spans if s.id in e.members}) for e in anns.equivalences]
    assert ["Greek court"] in chains
    assert all(e.type == "Coref" for e in anns.equivalences)
    links = {n.key for n in anns.normalizations}
    assert "Greek_Orthodox_Church" in links and "Ministry_of_Culture_and_Sports_(Greece)" in links


@pytest.mark.skipif(not (CORPORA / "norne-excerpt").is_dir(), reason="shared corpora not present")
def test_norne_bio_in_misc():
    """NorNE: BIO names in MISC (name=B-PER) give all 62 entities."""
    path = CORPORA / "norne-excerpt" / "no_bokmaal-ud-dev.first100.conllu"
    (doc, anns), = import_from(path, "conll")[0]
    assert len(anns.spans) == 62
    assert anns.spans[0].label == "PER" and anns.spans[0].text == "Finn Eilertsen"


def test_conllu_malformed_line_names_the_line(tmp_path):
    """A CoNLL-U token line with 9 columns is an error naming file and line."""
    path = tmp_path / "bad.conllu"
    good = "1\tA\ta\tX\tX\t_\t0\troot\t_\t_"
    path.write_text(f"# text = A B\n{good}\n2\tB\tb\tX\tX\t_\t1\tdep\t_\n\n", encoding="utf-8")
    with pytest.raises(InputErrors) as exc:
        import_from(path, "conll")
    assert str(exc.value.errors[0]) == f"{path}:3: expected 10 tab-separated columns (CoNLL-U), found 9"


def test_unknown_type_with_a_schema_in_force(tmp_path):
    """With a schema in force, a label outside it is an error at the line of its B- tag."""
    from tui.core.schema import preset

    path = tmp_path / "x.bio"
    path.write_text("Basra B-GPE\nfell O\nNowhere B-Planet\n", encoding="utf-8")
    with pytest.raises(InputErrors) as exc:
        import_from(path, "conll", schema_in_force=preset("ace2005"))
    assert [str(e) for e in exc.value.errors] == [f"{path}:3: unknown type 'Planet' (not in schema ace2005)"]


def test_export_options_layers_and_statuses(tmp_path):
    """Only the requested annotators and statuses are exported."""
    store = FakeStore()
    anns = DocAnnotations(spans=[Span(label="A", fragments=[(0, 1)], annotator="bob"),
                                 Span(label="B", fragments=[(2, 3)], status="pending")])
    store.add(Document(name="d", text="x y"), anns)
    path, _ = export_to(tmp_path, "conll", store, ExportOptions(layers=["alice"], statuses=["accepted"]))
    assert path.read_text(encoding="utf-8") == "-DOCSTART- -X- O O\n\nx O\ny O\n\n"


def test_event_argument_roles_are_reported_with_the_event():
    """An event is one loss item (its trigger span is still exported as a span)."""
    doc, anns = _doc("troops attacked Basra", ("Attack", [(7, 15)]), ("GPE", [(16, 21)]))
    anns.events.append(Event(id="e", type="Attack", trigger=anns.spans[0].id,
                             arguments=[Argument(role="Place", target=anns.spans[1].id)]))
    out, report = _write(doc, anns)
    assert "attacked B-Attack" in out and report.counts == {"events": 1}


def test_documents_without_tokens_are_reported():
    """A whitespace-only document writes only its -DOCSTART- line and is reported (a re-import skips it)."""
    doc, anns = _doc(" \r\n ")
    out, report = _write(doc, anns)
    assert out == "-DOCSTART- -X- O O\n\n"
    assert report.counts == {"documents without tokens (a re-import skips them)": 1}
