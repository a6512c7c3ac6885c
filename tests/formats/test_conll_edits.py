"""Issue 15, item 6: an export of an imported file writes the CURRENT spans on the file's own
tokens: tagging one more span changes only that span's tags; an edge inside a token is a loss."""

from __future__ import annotations

import pytest

from tests.formats.conll_util import CONLL, export_of, import_into
from tui.core.errors import TuiError
from tui.core.model import Span
from tui.core.store import Store


def _add(store: Store, text: str, label: str, start: int, end: int) -> None:
    doc = next(store.iter_documents(None))
    store.add(Span(doc_id=doc.id, label=label, fragments=[(start, end)], text=doc.text[start:end]))


def _changed(before: bytes, after: bytes) -> list[tuple[str, str]]:
    a, b = before.decode().split("\n"), after.decode().split("\n")
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


def _spans_read_back(tmp_path, data: bytes, name: str) -> set[tuple[int, int, str]]:
    """The spans a fresh database holds after importing the exported ``data`` (saved as ``name``)."""
    again = tmp_path / name
    again.write_bytes(data)
    store = import_into(tmp_path, again, "db2")
    doc = next(store.iter_documents(None))
    return {(s.start, s.end, s.label) for s in store.annotations(doc.id).spans}


def _at(store: Store, needle: str) -> tuple[int, int]:
    text = next(store.iter_documents(None)).text
    start = text.index(needle)
    return start, start + len(needle)


def test_bio_one_more_span_changes_only_its_tags(tmp_path):
    path = CONLL / "enp_DE.onb.head520.bio"
    store = import_into(tmp_path, path)
    doc = next(store.iter_documents(None))
    a, b = _at(store, "Academischen")
    _add(store, doc.text, "LOC", a, b)
    data, _ = export_of(store, tmp_path, "conll")
    assert _changed(path.read_bytes(), data) == [("Academischen O", "Academischen B-LOC")]


def test_bio_iob1_file_keeps_its_tags_beside_a_new_span(tmp_path):
    """The IOB1 file's I- tags stay; the new span is written IOB2 and reads back as its own entity."""
    path = CONLL / "enp_FR.bnf.head300.bio"
    store = import_into(tmp_path, path)
    doc = next(store.iter_documents(None))
    before = {(s.start, s.end, s.label) for s in store.annotations(doc.id).spans}
    a, b = _at(store, "ADMINISTRATION")
    _add(store, doc.text, "LOC", a, b)
    data, _ = export_of(store, tmp_path, "conll")
    changed = _changed(path.read_bytes(), data)
    assert len(changed) == 1 and changed[0][1].endswith("B-LOC")
    assert _spans_read_back(tmp_path, data, "again.bio") == before | {(a, b, "LOC")}


def test_conllu_bio_misc_one_more_span_changes_only_its_misc(tmp_path):
    path = CONLL / "no_bokmaal-ud-dev.first100.conllu"
    store = import_into(tmp_path, path)
    doc = next(store.iter_documents(None))
    a, b = _at(store, "Dommer")
    _add(store, doc.text, "PER", a, b)
    data, _ = export_of(store, tmp_path, "conllu")
    changed = _changed(path.read_bytes(), data)
    assert [(x.split("\t")[9], y.split("\t")[9]) for x, y in changed] == [("name=O", "name=B-PER")]
    assert [x.split("\t")[:9] for x, _ in changed] == [y.split("\t")[:9] for _, y in changed]


def test_conllu_entity_one_more_mention_keeps_every_other_bracket(tmp_path):
    """GUM: a new mention gets a new entity id in Entity=; the other brackets, Bridge= and the rest stay."""
    path = CONLL / "GUM_news_worship.conllu"
    store = import_into(tmp_path, path)
    doc = next(store.iter_documents(None))
    before = {(s.start, s.end, s.label) for s in store.annotations(doc.id).spans}
    a, b = _at(store, "court rules")
    _add(store, doc.text, "event", a, b)
    data, _ = export_of(store, tmp_path, "conllu")
    changed = _changed(path.read_bytes(), data)
    assert len(changed) == 2
    assert changed[0][0].split("\t")[9] == "Entity=2)"
    assert changed[0][1].split("\t")[9].startswith("Entity=2)(")  # closes 2, opens the new mention
    assert changed[1][1].split("\t")[9].startswith("Entity=")
    assert _spans_read_back(tmp_path, data, "again.conllu") == before | {(a, b, "event")}


def test_deleted_span_becomes_o(tmp_path):
    path = CONLL / "enp_DE.onb.head520.bio"
    store = import_into(tmp_path, path)
    doc = next(store.iter_documents(None))
    first = store.annotations(doc.id).spans[0]
    store.delete(first.id)
    data, _ = export_of(store, tmp_path, "conll")
    changed = _changed(path.read_bytes(), data)
    assert changed and all(y.endswith(" O") for _, y in changed)
    assert len(changed) == len(first.text.split())


def test_span_edge_inside_a_token_is_a_loss_and_strict_refuses(tmp_path):
    path = CONLL / "enp_DE.onb.head520.bio"
    store = import_into(tmp_path, path)
    doc = next(store.iter_documents(None))
    a, _ = _at(store, "Academischen")
    _add(store, doc.text, "LOC", a, a + 5)  # "Acade" of "Academischen"
    data, lines = export_of(store, tmp_path, "conll")
    assert data == path.read_bytes()  # the file's tokens are kept; the span is left out
    assert any(x.startswith("lost 1 spans with an edge inside an imported token") and "Acade" in x for x in lines)
    with pytest.raises(TuiError):
        export_of(store, tmp_path, "conll", "strict", strict=True)


def test_coreference_and_link_edits_on_gum_mentions_are_losses(tmp_path):
    """Entity= keeps the file's entity ids and identities: a chain removed or a new link is a loss line."""
    from tui.core.model import Normalization

    path = CONLL / "GUM_news_worship.conllu"
    store = import_into(tmp_path, path)
    doc = next(store.iter_documents(None))
    anns = store.annotations(doc.id)
    chain = anns.equivalences[0]
    store.delete(chain.id)
    target = anns.spans[0]
    store.add(Normalization(doc_id=doc.id, target=target.id, resource="Wikipedia", key="Greece", label="Greece"))
    data, lines = export_of(store, tmp_path, "conllu")
    assert data == path.read_bytes()
    assert any(x.startswith("lost 1 coreference splits of the file's entities") for x in lines)
    assert any(x.startswith("lost 1 normalisations not in the file") and "Wikipedia:Greece" in x for x in lines)
    with pytest.raises(TuiError):
        export_of(store, tmp_path, "conllu", "strict", strict=True)


def test_iob1_new_span_right_before_an_entity_of_its_type_stays_apart(tmp_path):
    """IOB1 `Rue I-LOC` keeps its tag only while the token before is not a LOC: a new LOC on `,`
    right before it makes the exporter write `Rue B-LOC`, so the two entities do not merge."""
    path = CONLL / "enp_FR.bnf.head300.bio"
    store = import_into(tmp_path, path)
    doc = next(store.iter_documents(None))
    a, b = _at(store, "9& , Rue")
    _add(store, doc.text, "LOC", a, b - len(" Rue"))  # "9& ,"
    data, _ = export_of(store, tmp_path, "conll")
    assert _changed(path.read_bytes(), data) == [("9& O", "9& B-LOC"), (", O", ", I-LOC"), ("Rue I-LOC", "Rue B-LOC")]
