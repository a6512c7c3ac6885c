"""Bad input: a one-line error naming file and line (or byte offset) and the reason,
a non-zero exit status, and a database left exactly as it was."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, SEED, db_snapshot
from tui.cli.main import cli
from tui.core.errors import StoreError
from tui.core.model import DocAnnotations, Document, Span
from tui.core.store import Store


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def db(tmp_path) -> Path:
    """A database holding the seed article with one annotation."""
    path = tmp_path / "a.db"
    assert run("--db", str(path), "import", str(SEED)).exit_code == 0
    with Store(path, annotator="alice") as store:
        doc = store.document("basra-offensive")
        store.add(Span(doc_id=doc.id, label="GPE", fragments=[(0, 5)]))
    return path


def error_lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("tui: error:")]


def assert_refused(result, *messages: str) -> None:
    """Exit 1, no traceback, and each expected message on its own error line."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = error_lines(result)
    for message in messages:
        assert any(message in line for line in lines), (message, result.output)


# -- files ------------------------------------------------------------------


def test_invalid_utf8_names_the_byte_offset(db, tmp_path):
    """Invalid UTF-8 is refused with the file and the offset of the first bad byte."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Basra – ok\n".encode() + b"then \xe2\x28\xa1 broken")
    offset = len("Basra – ok\n".encode()) + len(b"then ")
    before = db_snapshot(db)
    r = run("--db", str(db), "import", str(bad))
    assert_refused(r, f"{bad}: invalid UTF-8 at byte {offset} (e2 28 a1")
    assert db_snapshot(db) == before


def test_binary_file_is_refused(db, tmp_path):
    """A PNG renamed .txt is refused as binary, naming the NUL byte's offset."""
    bad = tmp_path / "image.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    before = db_snapshot(db)
    r = run("--db", str(db), "import", str(bad))
    assert_refused(r, f"{bad}: binary file (NUL byte at byte 8)")
    assert db_snapshot(db) == before


@pytest.mark.parametrize("suffix", [".txt", ".md", ".jsonl"])
def test_empty_file_is_refused(db, tmp_path, suffix):
    """An empty file of any importable kind is an error, not an empty document."""
    bad = tmp_path / f"empty{suffix}"
    bad.write_bytes(b"")
    before = db_snapshot(db)
    r = run("--db", str(db), "import", str(bad))
    assert_refused(r, f"{bad}: empty file")
    assert db_snapshot(db) == before


def test_100_mb_file_is_refused_by_its_size_without_reading_it(db, tmp_path, monkeypatch):
    """A 100 MB file is refused from its size alone: never read, never a hang."""
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: instant to make, all NUL bytes
    real_read = Path.read_bytes

    def guarded(self: Path) -> bytes:
        assert self != big, "the 100 MB file was read"
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    before = db_snapshot(db)
    r = run("--db", str(db), "import", str(big))
    # The size check comes first: the message is about size, not about NUL bytes.
    assert_refused(r, f"{big}: file is 100.0 MiB, larger than the 64 MiB limit")
    assert "binary" not in r.output
    assert db_snapshot(db) == before


def test_folder_with_good_and_bad_files_lists_every_bad_one_and_imports_nothing(db, tmp_path):
    """A folder import is all or nothing; each bad file is named with its reason."""
    src = tmp_path / "src"
    (src / "nested").mkdir(parents=True)
    (src / "good.txt").write_text("A good article about Basra.", encoding="utf-8")
    (src / "nested" / "also-good.md").write_text("# Title\n\nFine *text*.", encoding="utf-8")
    (src / "latin1.txt").write_bytes("café".encode("latin-1"))
    (src / "empty.md").write_bytes(b"")
    (src / "nested" / "blob.txt").write_bytes(b"GIF89a\x00\x01")
    before = db_snapshot(db)
    r = run("--db", str(db), "import", str(src))
    assert_refused(
        r,
        f"{src / 'latin1.txt'}: invalid UTF-8 at byte 3",
        f"{src / 'empty.md'}: empty file",
        f"{src / 'nested' / 'blob.txt'}: binary file (NUL byte at byte 6)",
    )
    assert len(error_lines(r)) == 3
    assert "nothing was written" in r.output
    assert db_snapshot(db) == before


def test_malformed_jsonl_lines_are_each_named_by_line(db, tmp_path):
    """Every bad JSONL line is reported with its number; the good lines are not imported either."""
    good = json.loads(run("--db", str(db), "export", "--doc", "basra-offensive").output)
    one = dict(good, name="one", id="")
    past_end = dict(good, name="two", id="")
    past_end["spans"] = [dict(good["spans"][0], id="x1", fragments=[[0, 10**6]], start=0, end=10**6)]
    no_text = {k: v for k, v in good.items() if k != "text"} | {"name": "three", "id": ""}
    bad = tmp_path / "corpus.jsonl"
    bad.write_text(
        "\n".join([json.dumps(one), "{not json", json.dumps(past_end), json.dumps(no_text), "[1, 2]"]) + "\n",
        encoding="utf-8",
    )
    before = db_snapshot(db)
    r = run("--db", str(db), "import", str(bad))
    assert_refused(
        r,
        f"{bad}:2: malformed JSON",
        f"{bad}:3: spans[0]: fragment 0-1000000 ends past the end of the text",
        f"{bad}:4: document: missing field 'text'",
        f"{bad}:5: expected a JSON object",
    )
    assert not any(f"{bad}:1:" in line for line in error_lines(r))
    assert db_snapshot(db) == before


BAD_SCHEMA = """\
name = "bad"

[[entities]]
name = "PER"
color = "green"
hotkey = "p"

[[events]]
name = "Attack"
hotkey = "a"
roles = [{ role = "Attacker", types = ["ORG"], cardinality = "many" }]
"""


def test_schema_with_errors_is_refused_by_check_and_by_import(db, tmp_path):
    """`schema check` lists every problem by line; `import --schema` refuses and writes nothing."""
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_SCHEMA, encoding="utf-8")
    r = run("schema", "check", str(bad))
    assert_refused(r, f"{bad}:5: colour of entity type 'PER' must be #rrggbb, not 'green'", f"{bad}:11:")
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\n[[entities]\n', encoding="utf-8")
    assert_refused(run("schema", "check", str(broken)), f"{broken}:2: invalid TOML")

    other = tmp_path / "new.txt"
    other.write_text("Another article.", encoding="utf-8")
    before = db_snapshot(db)
    r = run("--db", str(db), "import", "--schema", str(bad), str(other))
    assert_refused(r, f"{bad}:5: colour of entity type 'PER'")
    assert db_snapshot(db) == before


# -- databases ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"hello world, not sqlite\n" * 100, "not a SQLite database ("),
        (b"SQLite format 3\x00" + bytes(range(256)) * 16, "not a SQLite database ("),
    ],
    ids=["text-file", "sqlite-header-then-garbage"],
)
def test_database_that_is_not_sqlite_is_refused_and_left_alone(tmp_path, content, reason):
    """Every command refuses a non-database file in one line and never writes to it."""
    junk = tmp_path / "junk.db"
    junk.write_bytes(content)
    doc = tmp_path / "a.txt"
    doc.write_text("text", encoding="utf-8")
    for args in (["list"], ["import", str(doc)], ["export"], ["check"]):
        r = run("--db", str(junk), *args)
        assert_refused(r, f"{junk}: {reason}")
        assert len(error_lines(r)) == 1
        assert junk.read_bytes() == content, args


def test_half_written_database_copy_is_refused(db, tmp_path):
    """A truncated copy of a real database is reported as malformed, not opened half-way."""
    half = tmp_path / "half.db"
    data = db.read_bytes()[:3000]
    half.write_bytes(data)
    for args in (["list"], ["export"]):
        assert_refused(run("--db", str(half), *args), f"{half}: not a SQLite database")
    assert half.read_bytes() == data


def test_database_from_a_newer_tui_is_refused_untouched(db, tmp_path):
    """A database whose user_version is ahead of this tui is refused by every command."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = db_snapshot(db)
    doc = tmp_path / "a.txt"
    doc.write_text("text", encoding="utf-8")
    for args in (["list"], ["import", str(doc)], ["export"], ["check"]):
        r = run("--db", str(db), *args)
        assert_refused(r, f"{db}: database")
        assert "99" in r.output
        assert len(error_lines(r)) == 1
    assert db_snapshot(db) == before
    assert not list(tmp_path.glob("*.bak")), "no migration (and no backup) for a newer database"


def test_read_only_store_refuses_every_write_cleanly(db):
    """A store opened with a mode=ro URI reads, and every write raises 'read-only'."""
    before = db_snapshot(db)
    with Store(db, annotator="alice", readonly=True) as ro:
        doc = ro.document("basra-offensive")
        span = ro.annotations(doc.id).spans[0]
        assert span.text == doc.text[:5]
        writes = {
            "add": lambda: ro.add(Span(doc_id=doc.id, label="PER", fragments=[(6, 10)])),
            "update": lambda: ro.update(span),
            "delete": lambda: ro.delete(span.id),
            "undo": lambda: ro.undo(doc.id),
            "redo": lambda: ro.redo(doc.id),
            "status": lambda: ro.set_doc_status(doc.id, "done"),
            "import": lambda: ro.import_documents([(Document(name="n", text="new"), DocAnnotations())]),
            "schema": lambda: ro.save_schema(ro.schema("ace2005")),
            "replace": lambda: ro.replace_document_text(doc.id, Document(name=doc.name, text="changed")),
        }
        for name, write in writes.items():
            with pytest.raises(StoreError, match="read-only") as exc:
                write()
            assert str(exc.value) == f"{db}: database is read-only", name
        # Not just our own check: SQLite itself refuses, because the URI says mode=ro.
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            ro.conn.execute("INSERT INTO settings(key, value) VALUES ('k', 'v')")
    assert db_snapshot(db) == before


def test_read_commands_open_read_only_and_work_beside_a_writer(db):
    """list, export and check work while another connection holds the write lock, and change nothing."""
    before = db_snapshot(db)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE documents SET name = 'renamed-uncommitted'")
    try:
        listing = run("--db", str(db), "list")
        assert listing.exit_code == 0 and "basra-offensive" in listing.output
        export = run("--db", str(db), "export")
        assert export.exit_code == 0
        assert json.loads(export.output)["name"] == "basra-offensive"
        assert run("--db", str(db), "check").exit_code == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert db_snapshot(db) == before


def test_read_only_store_refuses_an_old_version_instead_of_migrating(db):
    """Read-only never migrates: a database too old to read as it is is refused, unchanged."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    before = db_snapshot(db)
    with pytest.raises(StoreError, match="database is version 1, run `tui` or any writing command"):
        Store(db, readonly=True)
    assert db_snapshot(db) == before


# -- full disk ------------------------------------------------------------------


class _FullDisk:
    """A file object that fails with ENOSPC once a few bytes have been written."""

    def __init__(self, fh, room: int) -> None:
        self._fh = fh
        self._room = room

    def write(self, s: str) -> int:
        if len(s) > self._room:
            self._fh.write(s[: self._room])
            self._room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(s)
        return self._fh.write(s)

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._fh.close()


def test_full_disk_during_export_leaves_no_partial_file(db, tmp_path, monkeypatch):
    """ENOSPC half-way through an export: one-line error, exit 1, no partial file, old file kept."""
    out = tmp_path / "out" / "corpus.jsonl"
    out.parent.mkdir()
    out.write_text("previous export\n", encoding="utf-8")
    before = db_snapshot(db)
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: _FullDisk(real_fdopen(*a, **k), 100))
    r = run("--db", str(db), "export", "--out", str(out))
    monkeypatch.undo()
    assert_refused(r, "No space left on device")
    assert len(error_lines(r)) == 1
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["corpus.jsonl"], "temporary file left behind"
    assert db_snapshot(db) == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_export_to_a_full_device_fails_in_one_line(db):
    """`tui export > /dev/full` (a real ENOSPC) exits 1 with one error line and no traceback."""
    before = db_snapshot(db)
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "tui", "--db", str(db), "export"],
            stdout=full, stderr=subprocess.PIPE, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
            timeout=120,
        )
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert err == "tui: error: No space left on device\n"
    assert db_snapshot(db) == before
