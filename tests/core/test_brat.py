"""brat standoff: every line kind in and out, .conf files as schemas, faithful round trips."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.conftest import DATA
from tui.core.errors import InputErrors
from tui.core.formats import ExportOptions, ImportOptions, brat, read_paths
from tui.core.formats.brat.conf import extract_confs
from tui.core.formats.jsonl import export_jsonl
from tui.core.model import (
    Argument,
    Attribute,
    Document,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
)
from tui.core.store import Store

TUTORIALS = DATA / "brat"
CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "brat" / "corpora"
CORPUS_SETS = ["BioNLP-ST_2011_GE", "NCBI-disease", "TDT", "CoNLL-ST_2002/esp", "CoNLL-ST_2002/ned"]


def _import(store: Store, *paths: Path | str, **opts) -> ImportOptions:
    options = ImportOptions(**opts)
    items = read_paths([str(p) for p in paths], "brat", options=options)
    for schema in options.found_schemas:
        store.save_schema(schema)
    store.import_documents(items, action="import brat")
    return options


def _export(store: Store, out: Path, **opts):
    return brat.export(store, store.iter_documents(), out, ExportOptions(**opts))


def _write(folder: Path, name: str, text: str, ann: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
    (folder / f"{name}.ann").write_text(ann, encoding="utf-8", newline="")


def _assert_same_folder(src: Path, out: Path, conf_files=("annotation.conf", "visual.conf", "kb_shortcuts.conf")):
    """Every .txt byte-identical, every .ann the same lines in the same order, confs identical."""
    pairs = sorted(src.rglob("*.ann"))
    assert pairs, f"no .ann under {src}"
    for ann in pairs:
        rel = ann.relative_to(src)
        txt = ann.with_suffix(".txt")
        got_txt = out / rel.with_suffix(".txt")
        assert got_txt.read_bytes() == txt.read_bytes(), rel
        want = ann.read_text(encoding="utf-8").splitlines()
        got = (out / rel).read_text(encoding="utf-8").splitlines()
        assert sorted(got) == sorted(want), rel
        assert got == want, f"{rel}: line order differs"
    for name in conf_files:
        for conf in src.rglob(name):
            assert (out / conf.relative_to(src)).read_bytes() == conf.read_bytes(), conf


@pytest.mark.parametrize("folder", ["news", "bio"])
def test_tutorial_round_trip_same_lines_and_bytes(tmp_path, folder):
    """Every brat tutorial document: import -> export gives the same .ann lines, .txt bytes and .conf files."""
    store = Store(tmp_path / "t.db", annotator="alice")
    options = _import(store, TUTORIALS / folder)
    assert options.notes == [] and options.skipped == []
    report = _export(store, tmp_path / "out")
    assert report.lossless, report.lines()
    assert report.documents == 13
    _assert_same_folder(TUTORIALS / folder, tmp_path / "out", ("annotation.conf", "visual.conf", "kb_shortcuts.conf", "tools.conf"))


def test_tutorials_cover_every_line_kind():
    """The round-trip data really has T, E, R, *, A, N and # lines (and the test above reads them)."""
    kinds = set()
    for ann in TUTORIALS.rglob("*.ann"):
        kinds |= {line[0] for line in ann.read_text(encoding="utf-8").splitlines() if line}
    assert {"T", "E", "R", "*", "A", "N", "#"} <= kinds


@pytest.mark.parametrize("name", CORPUS_SETS)
def test_real_corpora_import_and_round_trip(tmp_path, name):
    """The real brat corpora (read in place) import without error and export the same lines."""
    src = CORPORA / name
    if not src.is_dir():
        pytest.skip(f"{src} not present (shared corpora are optional)")
    store = Store(tmp_path / "c.db", annotator="alice")
    _import(store, src)
    report = _export(store, tmp_path / "out")
    assert report.lossless, report.lines()
    _assert_same_folder(src, tmp_path / "out", ())


def test_every_line_kind_parsed_into_the_model(tmp_path):
    """T (discontinuous), E (numbered role, event argument), R, *, A, M, N and # become the right objects."""
    text = "Alice met Bob in Paris. She left.\r\nThe end."
    ann = (
        "T1\tPerson 0 5\tAlice\n"
        "T2\tPerson 10 13\tBob\n"
        "T3\tMeet 6 9\tmet\n"
        "T4\tGPE 17 22\tParis\n"
        "T5\tPerson 0 5;10 13\tAlice Bob\n"
        "E1\tMeet:T3 Person-Arg:T1 Person-Arg2:T2 Place-Arg:T4\n"
        "T6\tReport 28 32\tleft\n"
        "E2\tReport:T6 Event-Arg:E1\n"
        "R1\tLocated Arg1:T1 Arg2:T4\t\n"
        "*\tAlias T1 T5\n"
        "A1\tNegation E1\n"
        "A2\tConfidence E2 Low\n"
        "M1\tSpeculation E2\n"
        "N1\tReference T4 Wikipedia:22989\tParis, France\n"
        "#1\tAnnotatorNotes T1\t \tleading space and TAB kept  \n"
    )
    _write(tmp_path / "c", "doc", text, ann)
    options = ImportOptions()
    items = read_paths([tmp_path / "c"], "brat", options=options)
    (doc, anns), = items
    assert doc.name == "doc" and doc.text == text
    by_sid = {a.source_id: a for a in anns.all()}
    assert by_sid["T5"].fragments == [(0, 5), (10, 13)] and by_sid["T5"].text == "Alice Bob"
    e1 = by_sid["E1"]
    assert e1.trigger == by_sid["T3"].id
    assert [(a.role, a.target) for a in e1.arguments] == [
        ("Person-Arg", by_sid["T1"].id), ("Person-Arg2", by_sid["T2"].id), ("Place-Arg", by_sid["T4"].id)]
    assert by_sid["E2"].arguments[0].target == e1.id
    assert [a.target for a in by_sid["R1"].arguments] == [by_sid["T1"].id, by_sid["T4"].id]
    assert by_sid["*1"].members == [by_sid["T1"].id, by_sid["T5"].id] and by_sid["*1"].type == "Alias"
    assert (by_sid["A1"].name, by_sid["A1"].value) == ("Negation", None)
    assert (by_sid["A2"].name, by_sid["A2"].value) == ("Confidence", "Low")
    assert (by_sid["M1"].name, by_sid["M1"].value, by_sid["M1"].target) == ("Speculation", None, by_sid["E2"].id)
    n1 = by_sid["N1"]
    assert (n1.resource, n1.key, n1.label) == ("Wikipedia", "22989", "Paris, France")
    assert by_sid["#1"].text == " \tleading space and TAB kept  "
    ids = [a.id for a in anns.all()]
    assert len(set(ids)) == len(ids) and all(len(i) == 36 for i in ids)
    assert {a.origin for a in anns.all()} == {"import"} and {a.status for a in anns.all()} == {"accepted"}

    store = Store(tmp_path / "x.db", annotator="alice")
    for schema in options.found_schemas:  # the document is bound to it: it must be stored
        store.save_schema(schema)
    store.import_documents(items)
    _export(store, tmp_path / "out")
    assert (tmp_path / "out" / "doc.ann").read_text(encoding="utf-8") == ann
    assert (tmp_path / "out" / "doc.txt").read_bytes() == text.encode("utf-8")


def test_no_conf_infers_schema_and_reports_it(tmp_path):
    """Without annotation.conf the schema is inferred from the data, bound to the documents and reported."""
    _write(tmp_path / "set", "a", "Alice met Bob.", "T1\tPerson 0 5\tAlice\nT2\tMeet 6 9\tmet\nE1\tMeet:T2 Who:T1 Who2:T1\nA1\tTense E1 Past\n")
    options = ImportOptions()
    (doc, _), = read_paths([tmp_path / "set"], "brat", options=options)
    (schema,) = options.found_schemas
    assert doc.schema == schema.name == "brat:set"
    assert [t.name for t in schema.span_types] == ["Person"]
    assert [(e.name, [r.name for r in e.roles]) for e in schema.event_types] == [("Meet", ["Who"])]
    assert schema.attribute("Tense").values == ("Past",)
    assert any("inferred" in n and "brat:set" in n for n in options.notes)


def test_conf_in_parent_folder_is_found_and_kept(tmp_path):
    """annotation.conf one level up applies (brat's rule) and export writes it back byte for byte."""
    conf = "[entities]\nPerson\n[relations]\n[events]\n[attributes]\n"
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "annotation.conf").write_text(conf, encoding="utf-8")
    _write(tmp_path / "proj" / "part", "d", "Alice", "T1\tPerson 0 5\tAlice\n")
    store = Store(tmp_path / "x.db", annotator="alice")
    options = _import(store, tmp_path / "proj" / "part")
    assert store.document("d").schema == "brat:proj"
    assert extract_confs(store.schema("brat:proj").source)["annotation.conf"] == conf
    assert not any("inferred" in n for n in options.notes)
    _export(store, tmp_path / "out")
    assert (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8") == conf


def test_unknown_type_with_conf_is_an_error_and_lenient_skips(tmp_path):
    """With a conf in force an unknown type is an error naming file:line; --lenient skips it and what hangs on it."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "annotation.conf").write_text(
        "[entities]\nPerson\n[relations]\n[events]\nMeet Who+:Person\n[attributes]\nNeg Arg:<EVENT>\n", encoding="utf-8")
    _write(folder, "d", "Alice met Bob.", (
        "T1\tPerson 0 5\tAlice\n"
        "T2\tRobot 10 13\tBob\n"
        "T3\tMeet 6 9\tmet\n"
        "E1\tMeet:T3 Who:T1 Who2:T1\n"
        "E2\tMeet:T3 Who:T2\n"
        "A1\tNeg T1\n"
        "#1\tAnnotatorNotes T2\tnote\n"
    ))
    with pytest.raises(InputErrors) as exc:
        read_paths([folder], "brat", options=ImportOptions())
    messages = [str(e) for e in exc.value.errors]
    ann = str(folder / "d.ann")
    assert f"{ann}:2: T2: unknown span type 'Robot' (schema brat:p)" in messages
    assert any(m.startswith(f"{ann}:5: E2: Who:") for m in messages)
    assert any(m.startswith(f"{ann}:6: A1: Neg applies to event") for m in messages)
    assert not any(":4:" in m for m in messages), "numbered role Who2 counts as Who"

    options = ImportOptions(lenient=True)
    (doc, anns), = read_paths([folder], "brat", options=options)
    assert sorted(a.source_id for a in anns.all()) == ["E1", "T1", "T3"]
    assert options.skipped == [
        f"{ann}:2: T2: unknown span type 'Robot'",
        f"{ann}:5: E2: Who: “" + options.skipped[1].split("“", 1)[1],
        f"{ann}:6: A1: " + options.skipped[2].split("A1: ", 1)[1],
        f"{ann}:7: #1: its target was skipped",
    ]


def test_missing_role_with_conf_is_a_note_not_an_error(tmp_path):
    """A mandatory role left empty is reported in notes (annotation in progress), not refused."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "annotation.conf").write_text("[entities]\nPerson\n[events]\nMeet Who:Person\n", encoding="utf-8")
    _write(folder, "d", "Alice met.", "T1\tMeet 6 9\tmet\nE1\tMeet:T1\n")
    options = ImportOptions()
    (_, anns), = read_paths([folder], "brat", options=options)
    assert len(anns.events) == 1
    assert options.notes == [f"{folder / 'd.ann'}:2: E1: Meet needs a Who argument"]


def test_new_annotations_get_next_free_ids_and_keep_order(tmp_path):
    """Edits after import: new annotations get the next free T/E/R/A/N/# numbers, old lines keep ids and order."""
    _write(tmp_path / "s", "d", "Alice met Bob.", "T2\tPerson 10 13\tBob\nT1\tPerson 0 5\tAlice\n#1\tAnnotatorNotes T1\thi\n")
    store = Store(tmp_path / "x.db", annotator="alice")
    _import(store, tmp_path / "s")
    doc = store.document("d")
    anns = store.annotations(doc.id)
    alice = next(s for s in anns.spans if s.source_id == "T1")
    bob = next(s for s in anns.spans if s.source_id == "T2")
    met = store.add(Span(doc_id=doc.id, label="Meet", fragments=[(6, 9)]))
    ev = store.add(Event(doc_id=doc.id, type="Meet", trigger=met.id, arguments=[Argument(role="Who", target=alice.id)]))
    store.add(Relation(doc_id=doc.id, type="Knows", arguments=[Argument(role="Arg1", target=alice.id), Argument(role="Arg2", target=bob.id)]))
    store.add(Equivalence(doc_id=doc.id, type="Coref", members=[alice.id, bob.id]))
    store.add(Attribute(doc_id=doc.id, target=ev.id, name="Neg"))
    store.add(Normalization(doc_id=doc.id, target=bob.id, resource="Wikidata", key="Q1", label="Bob"))
    store.add(Note(doc_id=doc.id, target=bob.id, text="second"))
    # a span from another format whose source id is not a brat T id
    store.add(Span(doc_id=doc.id, label="Person", fragments=[(0, 5)], source_id="e17"))
    _export(store, tmp_path / "out")
    lines = (tmp_path / "out" / "d.ann").read_text(encoding="utf-8").splitlines()
    assert lines == [
        "T2\tPerson 10 13\tBob",
        "T1\tPerson 0 5\tAlice",
        "#1\tAnnotatorNotes T1\thi",
        "T3\tPerson 0 5\tAlice",
        "T4\tMeet 6 9\tmet",
        "E1\tMeet:T4 Who:T1",
        "R1\tKnows Arg1:T1 Arg2:T2",
        "*\tCoref T1 T2",
        "A1\tNeg E1",
        "N1\tReference T2 Wikidata:Q1\tBob",
        "#2\tAnnotatorNotes T2\tsecond",
    ]


def test_duplicate_source_ids_are_renumbered(tmp_path):
    """Two annotations with the same source id (two imports into layers) never share a brat id."""
    store = Store(tmp_path / "x.db", annotator="alice")
    doc, _ = store.add_document(Document(name="d", text="Alice and Bob"))
    store.add(Span(doc_id=doc.id, label="P", fragments=[(0, 5)], source_id="T1"))
    store.add(Span(doc_id=doc.id, label="P", fragments=[(10, 13)], source_id="T1"))
    _export(store, tmp_path / "out")
    lines = (tmp_path / "out" / "d.ann").read_text(encoding="utf-8").splitlines()
    assert lines == ["T1\tP 0 5\tAlice", "T2\tP 10 13\tBob"]


def test_spans_crossing_line_breaks_written_as_fragments(tmp_path):
    """A span over \\n, \\r\\n, U+2028 or \\x1c is written as fragments around them; each .ann line stays one line."""
    text = "ab\ncd\r\nef\u2028gh\x1cij\x85kl"
    store = Store(tmp_path / "x.db", annotator="alice")
    doc, _ = store.add_document(Document(name="d", text=text))
    store.add(Span(doc_id=doc.id, label="X", fragments=[(0, len(text))]))
    store.add(Span(doc_id=doc.id, label="Y", fragments=[(2, 3)]))  # only a line break
    store.add(Note(doc_id=doc.id, target=store.annotations(doc.id).spans[0].id, text="two\nlines"))
    report = _export(store, tmp_path / "out")
    ann = (tmp_path / "out" / "d.ann").read_text(encoding="utf-8")
    assert ann.splitlines() == ann.split("\n")[:-1]
    assert ann.splitlines()[0] == "T1\tX 0 2;3 5;7 9;10 12;13 15;16 18\tab cd ef gh ij kl"
    assert report.counts == {"spans": 1, "changed text": 1}
    assert any("crossing line breaks" in n for n in report.notes)
    store2 = Store(tmp_path / "y.db", annotator="alice")
    _import(store2, tmp_path / "out")
    span, = store2.annotations(store2.document("d").id).spans
    assert span.fragments == [(0, 2), (3, 5), (7, 9), (10, 12), (13, 15), (16, 18)]


def test_filtered_export_drops_dangling_events_and_relations(tmp_path):
    """--status filtering that removes a trigger or argument drops/changes what referred to it, and reports it."""
    store = Store(tmp_path / "x.db", annotator="alice")
    doc, _ = store.add_document(Document(name="d", text="Alice met Bob."))
    a = store.add(Span(doc_id=doc.id, label="P", fragments=[(0, 5)]))
    b = store.add(Span(doc_id=doc.id, label="P", fragments=[(10, 13)], status="pending"))
    t = store.add(Span(doc_id=doc.id, label="Meet", fragments=[(6, 9)], status="rejected"))
    t2 = store.add(Span(doc_id=doc.id, label="Meet", fragments=[(6, 9)]))
    ev = store.add(Event(doc_id=doc.id, type="Meet", trigger=t.id, arguments=[Argument(role="Who", target=a.id)]))
    store.add(Event(doc_id=doc.id, type="Meet", trigger=t2.id, arguments=[
        Argument(role="Who", target=a.id), Argument(role="Who", target=b.id)]))
    store.add(Attribute(doc_id=doc.id, target=ev.id, name="Neg"))
    store.add(Relation(doc_id=doc.id, type="R", arguments=[Argument(role="Arg1", target=a.id), Argument(role="Arg2", target=b.id)]))
    report = _export(store, tmp_path / "out", statuses=["accepted"])
    lines = (tmp_path / "out" / "d.ann").read_text(encoding="utf-8").splitlines()
    assert lines == ["T1\tP 0 5\tAlice", "T2\tMeet 6 9\tmet", "E1\tMeet:T2 Who:T1"]
    assert report.counts == {"events": 1, "event arguments": 1, "relations": 1, "attributes": 1}
    assert any("statuses" in n for n in report.notes)


def test_names_brat_cannot_parse_are_made_safe_and_reported(tmp_path):
    """Whitespace or ':' in a type, role or attribute would break a line: replaced, reported, file still parses."""
    store = Store(tmp_path / "x.db", annotator="alice")
    doc, _ = store.add_document(Document(name="sub/dir/d", text="Alice met Bob."))
    a = store.add(Span(doc_id=doc.id, label="Person Name", fragments=[(0, 5)]))
    t = store.add(Span(doc_id=doc.id, label="Co:Meet", fragments=[(6, 9)]))
    store.add(Event(doc_id=doc.id, type="Co:Meet", trigger=t.id, arguments=[Argument(role="Who role", target=a.id)]))
    store.add(Attribute(doc_id=doc.id, target=a.id, name="Kind", value="a\tb\nc"))
    report = _export(store, tmp_path / "out")
    ann = tmp_path / "out" / "sub" / "dir" / "d.ann"
    assert (tmp_path / "out" / "sub" / "dir" / "d.txt").read_text(encoding="utf-8") == "Alice met Bob."
    assert ann.read_text(encoding="utf-8").splitlines() == [
        "T1\tPerson_Name 0 5\tAlice", "T2\tCo_Meet 6 9\tmet", "E1\tCo_Meet:T2 Who_role:T1", "A1\tKind T1 a b c"]
    assert report.counts["renamed"] == 4 and report.counts["changed text"] == 1
    items = read_paths([tmp_path / "out"], "brat", options=ImportOptions())
    assert items[0][0].name == "sub/dir/d"


def test_jsonl_to_brat_to_jsonl_keeps_every_annotation(tmp_path):
    """Every annotation kind survives JSONL -> brat -> JSONL (compared structurally, ids aside)."""
    text = "\ufeffAl-Sadr 😀 met e\u0301 中文 officials\r\nin Basra on Monday.\n"
    store = Store(tmp_path / "a.db", annotator="alice")
    doc, _ = store.add_document(Document(name="news/basra", text=text))
    per = store.add(Span(doc_id=doc.id, label="PER", fragments=[(1, 8)]))
    org = store.add(Span(doc_id=doc.id, label="ORG", fragments=[(13, 19), (20, 22)]))
    gpe = store.add(Span(doc_id=doc.id, label="GPE", fragments=[(37, 42)]))
    meet = store.add(Span(doc_id=doc.id, label="Meet", fragments=[(11, 14)]))
    ev = store.add(Event(doc_id=doc.id, type="Meet", trigger=meet.id, arguments=[
        Argument(role="Entity", target=per.id), Argument(role="Entity2", target=org.id),
        Argument(role="Place", target=gpe.id)]))
    rep = store.add(Span(doc_id=doc.id, label="Report", fragments=[(43, 45)]))
    store.add(Event(doc_id=doc.id, type="Report", trigger=rep.id, arguments=[Argument(role="Event", target=ev.id)]))
    store.add(Relation(doc_id=doc.id, type="PHYS", arguments=[Argument(role="Arg-1", target=per.id), Argument(role="Arg-2", target=gpe.id)]))
    store.add(Equivalence(doc_id=doc.id, type="Coref", members=[per.id, org.id]))
    store.add(Attribute(doc_id=doc.id, target=ev.id, name="Polarity", value="Negative"))
    store.add(Attribute(doc_id=doc.id, target=per.id, name="Generic"))
    store.add(Normalization(doc_id=doc.id, target=gpe.id, resource="Wikidata", key="Q48195", label="Basra"))
    store.add(Note(doc_id=doc.id, target=per.id, text="\t  kept exactly\t"))

    def dump(s: Store) -> list[dict]:
        buf = io.StringIO()
        export_jsonl(s, buf, docs=list(s.iter_documents()))
        # document lines only (store2 holds the brat schema: its JSONL starts with a schema line)
        return [d for d in map(json.loads, buf.getvalue().splitlines()) if "text" in d]

    report = _export(store, tmp_path / "out")
    assert report.lossless, report.lines()
    store2 = Store(tmp_path / "b.db", annotator="bob")
    _import(store2, tmp_path / "out")
    (before,), (after,) = dump(store), dump(store2)
    assert after["name"] == before["name"] and after["text"] == before["text"]
    assert _structure(after) == _structure(before)
    assert all(len(after[k]) == len(before[k]) for k in ("spans", "events", "relations", "equivalences",
                                                         "attributes", "normalizations", "notes"))


def _structure(doc: dict) -> list:
    """Every annotation with references replaced by what they point at (ids and bookkeeping ignored)."""
    by_id = {a["id"]: (kind, a) for kind in ("spans", "events", "relations", "equivalences", "attributes",
                                              "normalizations", "notes") for a in doc[kind]}

    def key(ann_id: str):
        kind, a = by_id[ann_id]
        if kind == "spans":
            return ("span", a["label"], tuple(map(tuple, a["fragments"])), a["text"])
        if kind == "events":
            return ("event", a["type"], key(a["trigger"]), tuple((x["role"], key(x["target"])) for x in a["arguments"]))
        if kind == "relations":
            return ("relation", a["type"], tuple((x["role"], key(x["target"])) for x in a["arguments"]))
        if kind == "equivalences":
            return ("equivalence", a["type"], tuple(sorted(map(key, a["members"]))))
        if kind == "attributes":
            return ("attribute", a["name"], a["value"], key(a["target"]))
        if kind == "normalizations":
            return ("normalization", a["resource"], a["key"], a["label"], key(a["target"]))
        return ("note", a["type"], a["text"], key(a["target"]))

    return sorted(map(repr, (key(i) for i in by_id)))


def test_two_schemas_get_conf_files_in_their_folders(tmp_path):
    """Importing tutorials/ (news and bio, each its own conf) exports each conf beside its documents."""
    import shutil

    both = tmp_path / "tutorials"  # (tests/data/brat holds other sets too)
    for name in ("news", "bio"):
        shutil.copytree(TUTORIALS / name, both / name)
    store = Store(tmp_path / "x.db", annotator="alice")
    _import(store, both)
    assert {store.document("news/000-introduction").schema, store.document("bio/000-introduction").schema} == {
        "brat:news", "brat:bio"}
    report = _export(store, tmp_path / "out")
    assert report.lossless, report.lines()
    assert not (tmp_path / "out" / "annotation.conf").exists()
    _assert_same_folder(both, tmp_path / "out")


def test_non_brat_schema_gets_generated_conf(tmp_path):
    """Documents bound to the ACE preset export a generated annotation.conf that imports back as a schema."""
    store = Store(tmp_path / "x.db", annotator="alice")
    doc, _ = store.add_document(Document(name="d", text="Alice attacked Basra."))
    a = store.add(Span(doc_id=doc.id, label="PER", fragments=[(0, 5)]))
    t = store.add(Span(doc_id=doc.id, label="Attack", fragments=[(6, 14)]))
    store.add(Event(doc_id=doc.id, type="Attack", trigger=t.id, arguments=[Argument(role="Attacker", target=a.id)]))
    _export(store, tmp_path / "out")
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert "[entities]" in conf and "\nPER\n" in conf and "Attack\tAttacker*:" in conf
    options = ImportOptions()
    (doc2, anns), = read_paths([tmp_path / "out"], "brat", options=options)
    schema, = options.found_schemas
    assert schema.event_type("Attack") is not None and schema.span_type("PER") is not None
    assert len(anns.events) == 1 and options.skipped == []


def test_strict_export_fails_before_writing(tmp_path):
    """--strict with something brat cannot carry raises and writes no file."""
    from tui.core.errors import TuiError

    store = Store(tmp_path / "x.db", annotator="alice")
    doc, _ = store.add_document(Document(name="d", text="Alice"))
    a = store.add(Span(doc_id=doc.id, label="P", fragments=[(0, 5)]))
    eq = store.add(Equivalence(doc_id=doc.id, type="Coref", members=[a.id]))
    store.add(Note(doc_id=doc.id, target=eq.id, text="on an equivalence"))
    with pytest.raises(TuiError, match="--strict: lost 1 notes"):
        _export(store, tmp_path / "out", strict=True)
    assert not (tmp_path / "out").exists()


def test_single_ann_file_and_dotted_names(tmp_path):
    """A single .ann (or .txt) imports with its pair; names keep inner dots."""
    _write(tmp_path, "report.v2", "Alice", "T1\tP 0 5\tAlice\n")
    for path in (tmp_path / "report.v2.ann", tmp_path / "report.v2.txt"):
        (doc, anns), = read_paths([path], "brat", options=ImportOptions())
        assert doc.name == "report.v2" and len(anns.spans) == 1


def test_txt_without_ann_is_a_document_without_annotations(tmp_path):
    """brat treats a .txt without .ann as unannotated; so do we."""
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "only.txt").write_text("text", encoding="utf-8")
    (doc, anns), = read_paths([tmp_path / "f"], "brat", options=ImportOptions())
    assert doc.text == "text" and anns.all() == []
