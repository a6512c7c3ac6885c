"""Issue 15, item 6: the exports are read by the peers' own readers, the `conllu` package and
`seqeval`, and give what tui holds; CoNLL-U spacing and document ids are honoured on import."""

from __future__ import annotations

import conllu
from seqeval.metrics.sequence_labeling import get_entities

from tests.formats.conll_util import CONLL, export_of, import_into
from tui.core.model import Document, Span
from tui.core.store import Store

TEXT = "Ada Lovelace met  Charles Babbage in London.\n\nThe Analytical Engine was\tnever built."


def _store_with_spans(tmp_path) -> tuple[Store, Document]:
    store = Store(tmp_path / "s.db", annotator="alice")
    doc, _ = store.add_document(Document(name="ada", text=TEXT))
    for label, needle in (("PER", "Ada Lovelace"), ("PER", "Charles Babbage"), ("GPE", "London"),
                          ("PRODUCT", "Analytical Engine")):
        a = TEXT.index(needle)
        store.add(Span(doc_id=doc.id, label=label, fragments=[(a, a + len(needle))], text=needle))
    return store, doc


def _spans(store: Store) -> set[tuple[str, int, int]]:
    out = set()
    for doc in store.iter_documents(None):
        out |= {(s.label, s.start, s.end) for s in store.annotations(doc.id).spans}
    return out


def _entities_by_offsets(text: str, forms: list[str], tags: list[str]) -> set[tuple[str, int, int]]:
    """seqeval's entities over the tokens, turned into offsets by finding each form in the text."""
    offsets, at = [], 0
    for form in forms:
        at = text.index(form, at)
        offsets.append((at, at + len(form)))
        at += len(form)
    return {(label, offsets[a][0], offsets[b][1]) for label, a, b in get_entities(tags)}


def test_conllu_export_is_read_by_conllu_and_its_text_is_exact(tmp_path):
    """A document without a CoNLL-U layout: the `conllu` package reads it; FORM + spacing is the text."""
    store, doc = _store_with_spans(tmp_path)
    data, lines = export_of(store, tmp_path, "conllu")
    sents = conllu.parse(data.decode())
    assert sents[0].metadata["newdoc id"] == "ada"
    rebuilt = ""
    for k, sent in enumerate(sents):
        for tok in sent:
            misc = tok["misc"] or {}
            rebuilt += tok["form"]
            if "SpacesAfter" in misc:
                rebuilt += misc["SpacesAfter"].replace("\\s", " ").replace("\\t", "\t").replace("\\n", "\n")
            elif misc.get("SpaceAfter") != "No" and tok is not sent[-1]:
                rebuilt += " "
        if k + 1 < len(sents) and not (sent[-1]["misc"] or {}).get("SpacesAfter"):
            rebuilt += "\n"
    assert rebuilt == TEXT
    # seqeval over the MISC name= tags gives tui's spans.
    forms = [t["form"] for s in sents for t in s]
    tags = [t["misc"]["name"] for s in sents for t in s]
    assert _entities_by_offsets(TEXT, forms, tags) == _spans(store)
    # and tui reads its own export back to the same text and spans
    path = tmp_path / "back.conllu"
    path.write_bytes(data)
    back = import_into(tmp_path, path, "back")
    assert next(back.iter_documents(None)).text == TEXT
    assert _spans(back) == _spans(store)
    # The CoNLL export of the same document: seqeval's entities are tui's spans too.
    bio, _ = export_of(store, tmp_path, "conll")
    rows = [line.split(" ") for line in bio.decode().split("\n") if line and not line.startswith("-DOCSTART-")]
    assert _entities_by_offsets(TEXT, [r[0] for r in rows], [r[-1] for r in rows]) == _spans(store)


def test_seqeval_reads_an_edited_real_file_as_tui_does(tmp_path):
    """IOB1 Europeana file plus one new span: seqeval's entities on the export equal tui's spans."""
    path = CONLL / "enp_FR.bnf.head300.bio"
    store = import_into(tmp_path, path)
    doc = next(store.iter_documents(None))
    a = doc.text.index("ADMINISTRATION")
    store.add(Span(doc_id=doc.id, label="ORG", fragments=[(a, a + 14)], text="ADMINISTRATION"))
    data, _ = export_of(store, tmp_path, "conll")
    lines = data.decode().split("\n")
    forms, tags = [], []
    for line in lines:
        fields = line.split()
        if not fields:
            tags.append("O")  # seqeval's sentence break
            forms.append(None)
            continue
        forms.append(" ".join(fields[:-1]))
        tags.append(fields[-1])
    # seqeval reads I- without B- as a start, as tui does; map token indices to offsets.
    starts, ends, at = {}, {}, 0
    for k, form in enumerate(forms):
        if form is None:
            continue
        at = doc.text.index(form, at)
        starts[k], ends[k] = at, at + len(form)
        at += len(form)
    got = {(label, starts[x], ends[y]) for label, x, y in get_entities(tags)}
    assert got == _spans(store)


def test_conllu_package_reads_the_edited_gum_export(tmp_path):
    path = CONLL / "GUM_news_worship.conllu"
    store = import_into(tmp_path, path)
    doc = next(store.iter_documents(None))
    a = doc.text.index("court rules")
    store.add(Span(doc_id=doc.id, label="event", fragments=[(a, a + 11)], text="court rules"))
    data, _ = export_of(store, tmp_path, "conllu")
    ours = conllu.parse(data.decode())
    theirs = conllu.parse(path.read_text(encoding="utf-8"))
    assert len(ours) == len(theirs)
    for x, y in zip(ours, theirs, strict=True):
        assert x.metadata == y.metadata
        assert [(t["id"], t["form"], t["lemma"], t["upos"], t["xpos"], t["feats"], t["head"], t["deprel"], t["deps"])
                for t in x] == [(t["id"], t["form"], t["lemma"], t["upos"], t["xpos"], t["feats"], t["head"],
                                 t["deprel"], t["deps"]) for t in y]


def test_spacesafter_and_newdoc_id_on_import(tmp_path):
    """`SpacesAfter=` gives the exact text; `# newdoc id` names each document."""
    src = tmp_path / "two.conllu"
    src.write_text(
        "# newdoc id = first-doc\n# text = Hi  there\n"
        "1\tHi\t_\t_\t_\t_\t_\t_\t_\tSpacesAfter=\\s\\s\n2\tthere\t_\t_\t_\t_\t_\t_\t_\tSpacesAfter=\\n\\n\n\n"
        "# text = Bye\n1\tBye\t_\t_\t_\t_\t_\t_\t_\t_\n\n"
        "# newdoc id = second-doc\n# text = Yo\n1\tYo\t_\t_\t_\t_\t_\t_\t_\t_\n\n", encoding="utf-8")
    store = import_into(tmp_path, src)
    docs = {d.name: d.text for d in store.iter_documents(None)}
    assert docs == {"first-doc": "Hi  there\n\nBye", "second-doc": "Yo"}
    data, _ = export_of(store, tmp_path, "conllu")
    assert data == src.read_bytes()


def test_conll_export_of_a_conllu_document_keeps_its_tokens(tmp_path):
    """CoNLL-U's tokens (with SpaceAfter=No) are CoNLL's tokens, not a re-tokenization."""
    path = CONLL / "GUM_news_korea.conllu"
    store = import_into(tmp_path, path)
    data, _ = export_of(store, tmp_path, "conll")
    forms = [line.split(" ")[0] for line in data.decode().split("\n") if line and not line.startswith("-DOCSTART-")]
    theirs = []
    for sent in conllu.parse(path.read_text(encoding="utf-8")):
        inside = 0
        for t in sent:
            if isinstance(t["id"], tuple) and t["id"][1] == "-":  # a multiword token: its surface form
                theirs.append(t["form"])
                inside = t["id"][2]
            elif isinstance(t["id"], int) and t["id"] > inside:
                theirs.append(t["form"])
    assert forms == theirs
    assert data.decode().count("\n\n") == len(conllu.parse(path.read_text(encoding="utf-8"))) + 1


def test_conllu_export_of_a_bio_document_keeps_its_tokens(tmp_path):
    """A BIO file's tokens (a URL, `spider-man`) and sentences are the CoNLL-U export's words and sentences."""
    src = tmp_path / "w.conll"
    src.write_text("Watching O\nspider-man B-creative-work\nat O\nhttp://t.co/x9Yz.Q-1?a=b O\n\nok O\n\n",
                   encoding="utf-8")
    store = import_into(tmp_path, src)
    data, _ = export_of(store, tmp_path, "conllu")
    sents = conllu.parse(data.decode())
    assert [[t["form"] for t in s] for s in sents] == [["Watching", "spider-man", "at", "http://t.co/x9Yz.Q-1?a=b"],
                                                       ["ok"]]
    assert [t["misc"]["name"] for t in sents[0]] == ["O", "B-creative-work", "O", "O"]
