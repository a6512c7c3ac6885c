"""brat import -> export gives the same bytes: every document in tests/data/brat, CRLF files, their .conf files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA
from tui.core.formats import ExportOptions, ImportOptions, brat, read_paths
from tui.core.model import Span
from tui.core.store import Store

BRAT = DATA / "brat"
SETS = ["news", "bio", "BioNLP-ST_2011_EPI", "BioNLP-ST_2011_ID"]
CONFS = ("annotation.conf", "visual.conf", "kb_shortcuts.conf", "tools.conf")


def _round_trip(tmp_path: Path, folder: Path) -> tuple[Path, ImportOptions]:
    store = Store(tmp_path / "t.db", annotator="alice")
    options = ImportOptions()
    items = read_paths([str(folder)], "brat", options=options)
    for schema in options.found_schemas:
        store.save_schema(schema)
    store.import_documents(items, action="import brat")
    out = tmp_path / "out"
    report = brat.export(store, store.iter_documents(), out, ExportOptions())
    assert report.lossless, report.lines()
    return out, options


def _assert_same_bytes(src: Path, out: Path) -> int:
    anns = sorted(src.rglob("*.ann"))
    for ann in anns:
        for f in (ann, ann.with_suffix(".txt")):
            rel = f.relative_to(src)
            assert (out / rel).read_bytes() == f.read_bytes(), rel
    for name in CONFS:
        for conf in src.rglob(name):
            assert (out / conf.relative_to(src)).read_bytes() == conf.read_bytes(), conf
    return len(anns)


@pytest.mark.parametrize("name", SETS)
def test_every_brat_document_in_test_data_round_trips_byte_identical(tmp_path, name):
    out, _ = _round_trip(tmp_path, BRAT / name)
    assert _assert_same_bytes(BRAT / name, out) >= 3


def _crlf_copy(tmp_path: Path) -> Path:
    src = tmp_path / "crlf"
    shutil.copytree(BRAT / "news", src)
    for f in [*src.glob("*.ann"), src / "annotation.conf"]:
        f.write_bytes(f.read_bytes().replace(b"\n", b"\r\n"))
    return src


def test_crlf_ann_and_conf_come_back_crlf(tmp_path):
    src = _crlf_copy(tmp_path)
    assert b"\r\n" in (src / "000-introduction.ann").read_bytes()
    out, options = _round_trip(tmp_path, src)
    assert options.notes == []
    assert _assert_same_bytes(src, out) == 13


def test_cr_only_and_missing_last_line_end_are_kept(tmp_path):
    src = tmp_path / "cr"
    shutil.copytree(BRAT / "news", src)
    one = src / "060-relation_annotation.ann"
    one.write_bytes(one.read_bytes().replace(b"\n", b"\r"))
    two = src / "100-attribute_annotation.ann"
    two.write_bytes(two.read_bytes().rstrip(b"\n"))
    out, _ = _round_trip(tmp_path, src)
    assert _assert_same_bytes(src, out) == 13


def test_edited_crlf_document_keeps_crlf(tmp_path):
    """A line tui adds to a CRLF document is written with CRLF too."""
    src = _crlf_copy(tmp_path)
    store = Store(tmp_path / "t.db", annotator="alice")
    options = ImportOptions()
    items = read_paths([str(src)], "brat", options=options)
    for schema in options.found_schemas:
        store.save_schema(schema)
    store.import_documents(items, action="import brat")
    doc = store.document("090-event_structures")
    anns = store.annotations(doc.id)
    anns.spans.append(Span(id="new-span", label="Person", fragments=[(0, 4)], text=doc.text[:4]))
    text, _ = brat.render_ann(doc, anns)
    assert f"\tPerson 0 4\t{doc.text[:4]}\r\n" in text
    assert text.count("\r\n") == text.count("\n") == len(text.splitlines()) == 29


def test_mixed_line_ends_are_written_lf_with_a_note(tmp_path):
    src = tmp_path / "mixed"
    shutil.copytree(BRAT / "news", src)
    one = src / "060-relation_annotation.ann"
    one.write_bytes(one.read_bytes().replace(b"\n", b"\r\n", 1))
    out, options = _round_trip(tmp_path, src)
    assert options.notes == [f"{one}: mixes CR LF and LF line ends; it will be exported with LF"]
    assert (out / one.name).read_bytes() == one.read_bytes().replace(b"\r\n", b"\n")


def test_blank_lines_come_back_where_they_were(tmp_path):
    src = tmp_path / "blank"
    shutil.copytree(BRAT / "news", src)
    one = src / "060-relation_annotation.ann"
    lines = one.read_bytes().split(b"\n")
    lines.insert(3, b"")
    lines.insert(0, b"  \t")
    one.write_bytes(b"\r\n".join(lines) + b"\r\n")  # (the file ended in a line end: now one blank line more)
    out, options = _round_trip(tmp_path, src)
    assert options.notes == []
    assert _assert_same_bytes(src, out) == 13


def test_kept_blank_lines_never_carry_text(tmp_path):
    """doc.meta comes from the database (or a JSONL file): a 'blank' entry holding text is not written."""
    items = read_paths([str(BRAT / "news")], "brat", options=ImportOptions())
    doc, anns = next((d, a) for d, a in items if d.name == "060-relation_annotation")
    doc.meta["brat"] = {"blank": [[0, "T99\tPerson 0 1\tx"], [1, " \n T98"], [2, " "], ["3", ""], [99, ""]]}
    text, _ = brat.render_ann(doc, anns)
    assert "T99" not in text and "T98" not in text
    assert text.splitlines()[2] == " " and text.count("\n") == 13
