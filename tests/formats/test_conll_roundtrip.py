"""Issue 15, item 6: a CoNLL, BIO or CoNLL-U file imported and exported in the same format comes
back byte for byte (its tokens, sentences, columns, comments and blank lines kept), and a second
pass changes nothing."""

from __future__ import annotations

import pytest

from tests.formats.conll_util import CONLL, CORPORA, export_of, fmt_of, import_into

FILES = sorted(p for p in CONLL.iterdir() if p.suffix in (".bio", ".conllu"))
# The whole real files (the test data holds excerpts of the Europeana ones), where this machine has them.
REAL = sorted(p for p in CORPORA.glob("*/*")
              if p.suffix in (".bio", ".conllu") and not (CONLL / p.name).exists()) if CORPORA.is_dir() else []


@pytest.mark.parametrize("path", FILES + REAL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_import_export_is_byte_identical(tmp_path, path):
    store = import_into(tmp_path, path)
    data, lines = export_of(store, tmp_path, fmt_of(path))
    assert data == path.read_bytes()
    assert not any(x.startswith("lost") for x in lines)


@pytest.mark.parametrize("path", [CONLL / "enp_DE.sbb.head2600.bio", CONLL / "GUM_news_korea.conllu",
                                  CONLL / "no_bokmaal-ud-dev.first100.conllu"], ids=lambda p: p.name)
def test_second_pass_is_stable(tmp_path, path):
    first, _ = export_of(import_into(tmp_path, path), tmp_path, fmt_of(path), "first")
    again = tmp_path / f"again{path.suffix}"
    again.write_bytes(first)
    second, _ = export_of(import_into(tmp_path, again, "db2"), tmp_path, fmt_of(path), "second")
    assert second == first


WNUT = (
    "@paulwalk O\nIt O\n's O\nthe O\nview O\nfrom O\nwhere O\nI O\n'm O\nliving O\nfor O\ntwo O\nweeks O\n. O\n"
    "Empire B-location\nState I-location\nBuilding I-location\n= O\nESB B-location\n. O\n"
    "Pretty O\nbad O\nstorm O\nhere O\nlast O\nevening O\n. O\n\n"
    "Watching O\nspider-man B-creative-work\nat O\nhttp://t.co/x9Yz.Q-1?a=b&c=d O\n#lol O\n\n"
)


def test_url_and_hyphenated_tokens_stay_one_token_and_sentences_stay(tmp_path):
    """WNUT17's failure: tokens re-split and sentences re-cut on a round trip."""
    src = tmp_path / "wnut17.conll"
    src.write_text(WNUT, encoding="utf-8")
    store = import_into(tmp_path, src)
    data, _ = export_of(store, tmp_path, "conll")
    text = data.decode("utf-8")
    assert "spider-man B-creative-work\n" in text
    assert "http://t.co/x9Yz.Q-1?a=b&c=d O\n" in text
    assert text.count("\n\n") == WNUT.count("\n\n")  # two sentences, as in the file
    assert text == WNUT


def test_crlf_bom_and_no_final_newline_come_back(tmp_path):
    src = tmp_path / "x.bio"
    raw = "\ufeffJohn B-PER\r\nlives O\r\n\r\nin O\r\nParis B-LOC".encode()
    src.write_bytes(raw)
    data, _ = export_of(import_into(tmp_path, src), tmp_path, "conll")
    assert data == raw


def test_conll_2003_columns_and_docstarts_come_back(tmp_path):
    """POS and chunk columns, two -DOCSTART- documents, and a tab separator are written back."""
    raw = ("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n\n"
           "-DOCSTART- -X- -X- O\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n\n")
    src = tmp_path / "c.conll"
    src.write_text(raw, encoding="utf-8")
    store = import_into(tmp_path, src)
    assert [d.name for d in store.iter_documents(None)] == ["c-1", "c-2"]
    data, _ = export_of(store, tmp_path, "conll")
    assert data.decode() == raw


@pytest.mark.parametrize("order", [("worship", "korea"), ("korea", "worship")])
def test_many_documents_in_one_conllu_file_come_back_in_order(tmp_path, order):
    """`# newdoc id` names the documents when the ids sort in file order; else they are numbered,
    so that the name-ordered export gives the file back either way."""
    src = tmp_path / "gum.conllu"
    src.write_bytes(b"".join((CONLL / f"GUM_news_{name}.conllu").read_bytes() for name in order))
    store = import_into(tmp_path, src)
    names = [d.name for d in store.iter_documents(None)]
    assert names == (["GUM_news_korea", "GUM_news_worship"] if order[0] == "korea" else ["gum-1", "gum-2"])
    data, _ = export_of(store, tmp_path, "conllu")
    assert data == src.read_bytes()
