"""`tui FILE.ann`: a brat document imported through the open path is bound to a stored schema and opens.

The open path once ran its own shorter import that never stored the brat
schema, so the document it imported could not be opened ("unknown schema
preset"). It now calls the import workflow; these tests go from the command
line (CliRunner: no terminal, so it prints the listing) to the reader (Pilot).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.app.conftest import reader_of
from tui.app.app import make_app
from tui.cli.main import cli
from tui.core.store import Store

TEXT = "Alice met Bob in Paris.\n"
ANN = "T1\tPerson 0 5\tAlice\nT2\tPerson 10 13\tBob\nT3\tCity 17 22\tParis\nR1\tMet Arg1:T1 Arg2:T2\n"
CONF = "[entities]\nPerson\nCity\n[relations]\nMet Arg1:Person, Arg2:Person\n[events]\n[attributes]\n"
SIZE = (120, 40)


def _brat(tmp_path, *, conf: bool):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "meeting.txt").write_text(TEXT, encoding="utf-8")
    (folder / "meeting.ann").write_text(ANN, encoding="utf-8")
    if conf:
        (folder / "annotation.conf").write_text(CONF, encoding="utf-8")
    return folder / "meeting.ann"


@pytest.mark.parametrize("conf", [True, False], ids=["annotation.conf", "inferred"])
async def test_tui_file_ann_imports_and_opens_in_the_reader(tmp_path, conf):
    """tui --db X FILE.ann (no tty: prints the listing), then the app opens the document with its spans."""
    ann = _brat(tmp_path, conf=conf)
    db = tmp_path / "x.db"
    r = CliRunner().invoke(cli, ["--db", str(db), "--annotator", "alice", str(ann)])
    assert r.exit_code == 0, r.output
    assert "meeting" in r.output and "1 document(s), 3 span(s)" in r.output
    if not conf:
        assert "note:" in r.output and "inferred from the data" in r.output  # told, like tui import
    with Store(db, annotator="alice") as store:
        doc = store.document("meeting")
        assert doc.schema == "brat:news"
        schema = store.schema(doc.schema)  # stored, not looked up among the presets
        assert schema.span_type("City") is not None and schema.relation_type("Met") is not None
    async with make_app(db, annotator="alice", document="meeting").run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = reader_of(pilot.app)
        assert reader.doc.name == "meeting" and reader.doc.text == TEXT
        assert sorted(s.label for s in reader.anns.spans) == ["City", "Person", "Person"]
        assert [r.type for r in reader.anns.relations] == ["Met"]
        assert not [n for n in pilot.app._notifications if "schema" in str(n.message)]


def test_tui_file_ann_twice_changes_nothing(tmp_path):
    """Opening the same .ann again finds the document unchanged (no second copy, schema kept)."""
    ann = _brat(tmp_path, conf=True)
    db = tmp_path / "x.db"
    for _ in range(2):
        r = CliRunner().invoke(cli, ["--db", str(db), "--annotator", "alice", "open", str(ann)])
        assert r.exit_code == 0, r.output
    with Store(db, annotator="alice") as store:
        assert store.document_names() == ["meeting"]
        assert len(store.annotations(store.document("meeting").id).spans) == 3


def test_tui_file_ann_bad_line_is_one_line_and_writes_nothing(tmp_path):
    """A bad .ann through the open path: 'file:line: reason', exit 1, no database change."""
    from tests.conftest import SEED, db_snapshot

    ann = _brat(tmp_path, conf=True)
    ann.write_text("T1\tPerson 0 5\tAlice\nT2\tNoSuchType 10 13\tBob\n", encoding="utf-8")
    db = tmp_path / "x.db"
    assert CliRunner().invoke(cli, ["--db", str(db), "import", str(SEED)]).exit_code == 0
    before = db_snapshot(db)
    r = CliRunner().invoke(cli, ["--db", str(db), str(ann)])
    assert r.exit_code == 1
    assert f"tui: error: {ann}:2: T2: " in r.output and "NoSuchType" in r.output
    assert "Traceback" not in r.output
    assert db_snapshot(db) == before
