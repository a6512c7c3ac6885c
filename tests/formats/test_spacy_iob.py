"""spaCy's sentence-per-line ``.iob`` (``spacy convert -c iob`` input) imports its entities (issue 15, item 4).

The files are spaCy's own examples (tests/data/spacy/SOURCE.md). Each import
is compared with what spaCy's converter (``spacy.training.converters.iob_to_docs``)
makes of the same file, and runs the real command line on a real database.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tui.cli.main import cli

DATA = ROOT / "tests" / "data" / "spacy"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _import(tmp_path: Path, src: Path):
    db = tmp_path / "a.db"
    result = run("--db", str(db), "import", str(src))
    assert result.exit_code == 0, result.output
    out = tmp_path / "all.jsonl"
    assert run("--db", str(db), "export", "--format", "jsonl", "--out", str(out)).exit_code == 0
    lines = [d for d in map(json.loads, out.read_text(encoding="utf-8").splitlines()) if "text" in d]
    return db, lines, result.output


def _spacy_ents(src: Path):
    """``(text, label)`` of every entity spaCy's own converter finds in ``src``."""
    from spacy.training.converters import iob_to_docs

    docs = list(iob_to_docs(src.read_text(encoding="utf-8"), n_sents=10, no_print=True))
    return [(e.text, e.label_) for d in docs for e in d.ents], docs


@pytest.mark.parametrize("name", ["ner-sent-per-line.iob", "test_cli-iob.iob"])
def test_sentence_per_line_iob_imports_what_spacy_convert_finds(tmp_path, name):
    """Every entity spaCy's converter finds, same text and type, one line of text per sentence."""
    pytest.importorskip("spacy")
    src = DATA / name
    _, (line,), output = _import(tmp_path, src)
    expected, _ = _spacy_ents(src)
    spans = sorted(line["spans"], key=lambda s: s["start"])
    assert [(s["text"], s["label"]) for s in spans] == expected
    assert len(line["text"].split("\n")) == len([x for x in src.read_text(encoding="utf-8").split("\n") if x])
    assert f"{len(expected)} entities" in output


def test_spacy_example_has_its_seven_entities(tmp_path):
    """ner-sent-per-line.iob: the 7 entities, the words joined by spaces, the POS kept as spaCy tags."""
    _, (line,), _ = _import(tmp_path, DATA / "ner-sent-per-line.iob")
    assert sorted((s["text"], s["label"]) for s in line["spans"]) == sorted([
        ("Sebastian Thrun", "PERSON"), ("Google", "ORG"), ("2007", "DATE"), ("American", "NORP"),
        ("Thrun", "PERSON"), ("Recode", "ORG"), ("earlier this week", "DATE")])
    assert line["text"].startswith("When Sebastian Thrun started working on self - driving cars")
    assert line["meta"]["spacy"]["attrs"]["TAG"][:3] == ["WRB", "NNP", "NNP"]


def test_iob_to_spacy_export_gives_the_docs_spacy_convert_makes(tmp_path):
    """Exported to .spacy: the words, tags, sentences and entities of ``spacy convert``'s Docs."""
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    src = DATA / "ner-sent-per-line.iob"
    db, _, _ = _import(tmp_path, src)
    out = tmp_path / "out.spacy"
    result = run("--db", str(db), "export", "--format", "spacy", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "lost" not in result.output
    (ours,) = DocBin().from_disk(out).get_docs(spacy.blank("xx").vocab)
    _, (theirs,) = _spacy_ents(src)
    words = [t for t in ours if t.text != "\n"]  # the newline between sentences is a whitespace token
    assert [(t.text, t.tag_) for t in words] == [(t.text, t.tag_) for t in theirs]
    assert [t.is_sent_start for t in words] == [t.is_sent_start for t in theirs]
    assert [(e.text, e.label_) for e in ours.ents] == [(e.text, e.label_) for e in theirs.ents]


def test_token_per_line_iob_still_goes_to_the_bio_reader(tmp_path):
    """spaCy's token-per-line .iob (word TAB tag) is read as BIO: the same 7 entities."""
    _, (line,), output = _import(tmp_path, DATA / "ner-token-per-line.iob")
    assert len(line["spans"]) == 7
    assert "sentence-per-line" not in output


def test_bad_token_is_one_error_with_its_line_and_nothing_is_imported(tmp_path):
    """A token that is not word|TAG: file:line: reason, non-zero exit, an empty database."""
    src = tmp_path / "bad.iob"
    src.write_text("I|O like|O London|B-GPE\nNew|B-GPE York|Q-GPE\n", encoding="utf-8")
    db = tmp_path / "a.db"
    result = run("--db", str(db), "import", str(src))
    assert result.exit_code != 0
    assert f"{src}:2: token 2 'York|Q-GPE' is not word|TAG or word|POS|TAG" in result.output
    assert "Traceback" not in result.output
    listed = run("--db", str(db), "list")
    assert "bad" not in listed.output


SAMPLE = (DATA / "ner-sent-per-line.iob").read_text(encoding="utf-8")
PIECES = ["|", "||", "-", "B-", "I-", "O", " ", "\n", "\t", "\x00", "\x1b[31m", "-DOCSTART-|O", "\u2028", "é", "👍🏽"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, len(SAMPLE)), st.integers(0, 12), st.sampled_from(PIECES)),
                      min_size=1, max_size=6))
def test_mutated_iob_is_a_clean_error_or_a_valid_import(tmp_path, edits):
    """spaCy's example with pieces cut and inserted: a file:line error or documents whose spans fit their text."""
    from tui.core.errors import TuiError
    from tui.core.formats import ImportOptions, module

    text = SAMPLE
    for at, cut, piece in edits:
        text = text[:at] + piece + text[at + cut:]
    src = tmp_path / "m.iob"
    src.write_text(text, encoding="utf-8", newline="")
    try:
        items = module("conll").read([src], ImportOptions())
    except TuiError as exc:
        assert str(exc).startswith(str(src)), str(exc)
        return
    for doc, anns in items:
        for span in anns.spans:
            assert doc.text[span.start:span.end] == span.text and span.label


def test_hash_token_is_a_word_and_a_comment_line_is_skipped_with_a_note(tmp_path):
    """``#|O`` starts a sentence like any token; ``# sent_id = 1`` is a comment, skipped and noted."""
    src = tmp_path / "tags.iob"
    src.write_text("# sent_id = 1\n#|NN|O Basra|NNP|B-GPE\n", encoding="utf-8")
    _, (line,), output = _import(tmp_path, src)
    assert line["text"] == "# Basra"
    assert [(s["text"], s["label"]) for s in line["spans"]] == [("Basra", "GPE")]
    assert "1 comment line(s) skipped (line 1)" in output
