"""Issue 15, item 6, hostile input: NUL and escape sequences in tokens come back exactly; a huge
line or a bad `SpacesAfter=` is a one-line `file:line: reason` error; a tampered kept layout is
not trusted."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from tests.formats.conll_util import export_of, import_into


def test_nul_and_escape_sequences_in_tokens_come_back_exactly(tmp_path):
    src = tmp_path / "evil.bio"
    raw = "a\x00b B-PER\n\x1b[2J\x1b]0;pwned\x07 O\n\u202eevil O\n\n"
    src.write_text(raw, encoding="utf-8")
    data, _ = export_of(import_into(tmp_path, src), tmp_path, "conll")
    assert data.decode("utf-8") == raw


def _tui(tmp_path, *args):
    return subprocess.run([sys.executable, "-m", "tui", "--db", str(tmp_path / "cli.db"), *args],
                          capture_output=True, text=True, timeout=120)


def test_huge_line_with_bad_spacesafter_is_a_one_line_error(tmp_path):
    src = tmp_path / "huge.conllu"
    form = "x" * (10 * 2**20)
    src.write_text(f"1\t{form}\t_\t_\t_\t_\t_\t_\t_\tSpacesAfter={form}\n\n", encoding="utf-8")
    r = _tui(tmp_path, "import", str(src))
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    errors = [x for x in r.stderr.splitlines() if x.startswith("tui: error:")]
    assert len(errors) == 1 and f"{src}:1: SpacesAfter=" in errors[0] and len(errors[0]) < 400
    listing = _tui(tmp_path, "list")
    assert "huge" not in listing.stdout


def test_bad_spacesafter_escape_is_refused(tmp_path):
    src = tmp_path / "esc.conllu"
    src.write_text("1\ta\t_\t_\t_\t_\t_\t_\t_\tSpacesAfter=\\x1b\n2\tb\t_\t_\t_\t_\t_\t_\t_\t_\n\n", encoding="utf-8")
    r = _tui(tmp_path, "import", str(src))
    assert r.returncode != 0 and f"{src}:1: SpacesAfter=" in r.stderr and "Traceback" not in r.stderr


def test_tampered_layout_is_not_trusted(tmp_path):
    """Kept lines that no longer give the document's text are ignored: tokens made anew, said in a note."""
    src = tmp_path / "t.bio"
    src.write_text("John B-PER\nlives O\n\n", encoding="utf-8")
    store = import_into(tmp_path, src)
    store.close()
    with sqlite3.connect(tmp_path / "db.db") as con:
        meta = json.loads(con.execute("SELECT meta FROM documents").fetchone()[0])
        meta["conll"]["lines"] = ["\x1b[2Jpwned B-EVIL", "lives O"]
        con.execute("UPDATE documents SET meta = ?", (json.dumps(meta),))
    from tui.core.store import Store

    store = Store(tmp_path / "db.db", annotator="alice")
    data, lines = export_of(store, tmp_path, "conll")
    assert data.decode() == "-DOCSTART- -X- O O\n\nJohn B-PER\nlives O\n\n"
    assert any("kept CoNLL lines do not give its text" in x for x in lines)
