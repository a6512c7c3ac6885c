"""Database files: tui never writes a file it should not, and says why in one line.

Read-only commands never create, migrate or switch the journal mode of a file;
read-only files, folders and media are read (``mode=ro``, ``immutable=1``) and
refused for writing with a clear message; another application's SQLite file is
left alone; an impossible ``user_version`` is refused; concurrent first opens
of an old database migrate it once; a migration killed while writing its
backup never leaves a file with the backup's name that is not a whole copy.

Everything runs through the real command line (click's CliRunner, or a
subprocess where another user, a race or a kill is needed).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import DATA, ROOT, SEED
from tui.cli.main import cli
from tui.core.store import migrations

#: Commands that only read, with the arguments each needs.
READ_COMMANDS = {
    "list": ["list"],
    "search": ["search", "Basra"],
    "export": ["export"],
    "check": ["check"],
    "stats": ["stats"],
    "agree": ["agree", "--annotators", "alice,bob"],
    "schema show": ["schema", "show", "ace2005"],
}


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("tui: error:")]


def assert_one_line_refusal(result, message: str) -> None:
    """Exit 1, no traceback, exactly one error line, which holds ``message``."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = error_lines(result.output)
    assert len(lines) == 1 and message in lines[0], result.output


def journal_mode(path: Path) -> str:
    """The journal mode written in the file's header (bytes 18-19: 1 rollback, 2 WAL)."""
    head = path.read_bytes()[:20]
    return {1: "rollback", 2: "wal"}.get(head[18], f"?{head[18]}")


def state(path: Path) -> tuple[bytes, str, list[str]]:
    """Bytes, journal mode and sibling files: everything a refused command must not change.

    A file already in WAL mode is the exception: any reader of it, tui or the
    sqlite3 shell, needs its -shm index and SQLite leaves an empty -wal beside
    it, so those two are left out (the -wal must hold nothing).
    """
    mode = journal_mode(path)
    names = sorted(p.name for p in path.parent.iterdir())
    if mode == "wal":
        wal = path.with_name(path.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0, "a read left data in the -wal file"
        names = [n for n in names if n not in (path.name + "-wal", path.name + "-shm")]
    return path.read_bytes(), mode, names


def other_application_db(path: Path) -> Path:
    """An SQLite file of some other program: its own table, rollback journal, version 7."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE birds (name TEXT, seen INTEGER)")
    conn.execute("INSERT INTO birds VALUES ('owl', 3)")
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def seed_db(tmp_path) -> Path:
    """A current tui database holding the seed article (WAL, checkpointed on close)."""
    path = tmp_path / "seed.db"
    assert run("--db", str(path), "import", str(SEED)).exit_code == 0
    return path


# -- another application's file; a mistyped path ------------------------------------------


@pytest.mark.parametrize("command", [*READ_COMMANDS, "import", "open"])
def test_another_applications_sqlite_file_is_refused_and_left_alone(tmp_path, command):
    """Read and write commands alike refuse it in one line; bytes and journal mode unchanged."""
    db = other_application_db(tmp_path / "birds.sqlite")
    args = READ_COMMANDS.get(command) or {"import": ["import", str(SEED)], "open": ["open"]}[command]
    before = state(db)
    r = run("--db", str(db), *args)
    assert_one_line_refusal(r, f"{db}: an SQLite database of another application")
    assert state(db) == before


def test_read_commands_never_create_a_database_on_a_mistyped_path(tmp_path):
    """No read-only command makes a file on a path that does not exist: each says so."""
    missing = tmp_path / "anotations.db"
    for command, args in READ_COMMANDS.items():
        r = run("--db", str(missing), *args)
        if command == "schema show":  # a preset needs no database: shown, but no file made
            assert r.exit_code == 0, r.output
        else:
            assert_one_line_refusal(r, f"{missing}: no such database")
        assert list(tmp_path.iterdir()) == [], (command, [p.name for p in tmp_path.iterdir()])


@pytest.mark.parametrize("command", ["list", "export", "check", "stats"])
def test_read_commands_do_not_turn_an_empty_sqlite_file_into_a_database(tmp_path, command):
    """An empty file (or SQLite file without tables) is not written by a read-only command."""
    for name, make in (("zero.db", lambda p: p.write_bytes(b"")),
                       ("blank.db", lambda p: sqlite3.connect(p).execute("VACUUM").connection.close())):
        db = tmp_path / name
        make(db)
        before = db.read_bytes()
        r = run("--db", str(db), *READ_COMMANDS[command])
        assert_one_line_refusal(r, f"{db}: an empty SQLite file, not a tui database yet")
        assert db.read_bytes() == before
    # ...while a writing command makes an empty SQLite file a database, as it would a new path
    r = run("--db", str(tmp_path / "blank.db"), "import", str(SEED))
    assert r.exit_code == 0, r.output


def test_a_refused_newer_database_keeps_its_journal_mode(seed_db):
    """Refusing a newer database (every command) leaves its bytes and rollback journal alone."""
    conn = sqlite3.connect(seed_db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = state(seed_db)
    for args in (["import", str(SEED)], ["open"], ["list"], ["export"]):
        r = run("--db", str(seed_db), *args)
        assert_one_line_refusal(r, "is newer than this tui supports")
        assert state(seed_db) == before, args


# -- impossible versions ----------------------------------------------------------------------


@pytest.mark.parametrize("version", [-1, -2**31, 2**31 - 1, 1001])
def test_impossible_user_version_is_a_one_line_error(seed_db, version):
    """A negative or absurd version is refused by every command, the file unchanged, no backup."""
    conn = sqlite3.connect(seed_db)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    before = state(seed_db)
    for args in (["import", str(SEED)], ["list"], ["export"], ["check"]):
        r = run("--db", str(seed_db), *args)
        assert_one_line_refusal(r, f"{seed_db}: not a tui database (schema version {version} is not one tui ever wrote)")
        assert state(seed_db) == before, args


# -- older databases and read-only commands ------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2])
def test_read_commands_do_not_migrate_an_old_database_and_say_how_to(tmp_path, version):
    """A database too old to read as it is: one line naming the version and the way to upgrade."""
    db = tmp_path / "old.db"
    shutil.copy(DATA / "db" / f"v{version}.db", db)
    before = state(db)
    for command, args in READ_COMMANDS.items():
        if command == "schema show":
            continue
        r = run("--db", str(db), *args)
        assert_one_line_refusal(
            r, f"{db}: database is version {version}, run `tui` or any writing command once to "
               "upgrade it (a backup is written)")
        assert state(db) == before, command
    # a writing command upgrades it, with a backup, and then the read commands work
    assert run("--db", str(db), "open").exit_code == 0
    assert len(list(tmp_path.glob(f"old.db.v{version}-*.bak"))) == 1
    assert run("--db", str(db), "list").exit_code == 0


def test_read_commands_read_a_version_3_database_as_it_is(tmp_path):
    """Version 3 has every table the read paths use: they work and change nothing."""
    db = tmp_path / "old.db"
    shutil.copy(DATA / "db" / "v3.db", db)
    before = state(db)
    outputs = {}
    for command, args in READ_COMMANDS.items():
        r = run("--db", str(db), *args)
        assert r.exit_code in (0, 1) and "tui: error" not in r.output, (command, r.output)
        outputs[command] = r.output
        assert state(db) == before, command
    assert "v3-first" in outputs["list"]
    assert "ok: every document" in outputs["check"]


# -- read-only files, folders and media ----------------------------------------------------------


@pytest.fixture
def shared_dir(tmp_path):
    """A folder for read-only files; every mode is restored afterwards so it can be removed."""
    yield tmp_path
    for p in [tmp_path, *tmp_path.rglob("*")]:
        if p.is_dir() and not p.is_mount():
            p.chmod(0o755)


#: prctl(2) option and the capabilities that let root ignore file modes (capability.h).
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _bound_by_file_modes() -> None:
    """In the child before exec: as root, give up the capabilities that ignore file modes.

    Root writes a 0444 file anyway. Switching to ``nobody`` would do, but
    nobody may not reach the interpreter (under a 0700 home); dropping
    CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set makes the
    executed process an ordinary owner of root's files, bound by their modes.
    """
    if os.getuid() != 0:
        return  # an ordinary user is bound by file modes already
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_bound(db: Path, *args: str) -> subprocess.CompletedProcess:
    """The real CLI in a subprocess that file modes apply to (see :func:`_bound_by_file_modes`)."""
    env = {**os.environ, "TUI_ANNOTATOR": "alice", "PYTHONPATH": str(ROOT)}
    env.pop("TUI_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "tui", "--db", str(db), *args], capture_output=True, text=True,
        preexec_fn=_bound_by_file_modes, env=env, cwd=ROOT, timeout=120,
    )


def _check_read_only(db: Path, reason: str) -> None:
    """Read commands work; writing ones give the one-line read-only message; nothing changes."""
    before = state(db)
    for command in ("list", "export", "check", "search", "stats"):
        p = run_bound(db, *READ_COMMANDS[command])
        assert p.returncode == 0, (command, p.stderr)
        assert "Traceback" not in p.stderr
    listing = run_bound(db, "list")
    assert "basra-offensive" in listing.stdout
    for args in (["import", str(SEED)], ["open"]):
        p = run_bound(db, *args)
        assert p.returncode == 1, p.stdout + p.stderr
        assert p.stderr.strip() == f"tui: error: {db}: read-only ({reason}); tui can read it but not write"
    assert state(db) == before


def test_read_only_file_in_a_read_only_folder_is_read_and_refused_for_writing(seed_db, shared_dir):
    """a 0444 file in a 0555 folder (no -shm can be made: immutable=1)."""
    folder = shared_dir / "ro"
    folder.mkdir()
    db = folder / "a.db"
    shutil.copy(seed_db, db)
    assert journal_mode(db) == "wal"
    db.chmod(0o444)
    folder.chmod(0o555)
    _check_read_only(db, "the file is not writable")


def test_read_only_file_in_a_writable_folder_is_read_and_refused_for_writing(seed_db, shared_dir):
    """a 0444 file in a folder the user can write (mode=ro, -shm allowed)."""
    folder = shared_dir / "rw"
    folder.mkdir()
    folder.chmod(0o777)
    db = folder / "a.db"
    shutil.copy(seed_db, db)
    db.chmod(0o444)
    _check_read_only(db, "the file is not writable")


def test_writable_file_in_a_read_only_folder_is_refused_for_writing(seed_db, shared_dir):
    """the file may be written but SQLite could not create its -wal beside it."""
    folder = shared_dir / "ro"
    folder.mkdir()
    db = folder / "a.db"
    shutil.copy(seed_db, db)
    db.chmod(0o666)
    folder.chmod(0o555)
    _check_read_only(db, "its folder is not writable")


def _mount_read_only(seed_db: Path, where: Path) -> Path | None:
    """A tmpfs holding a copy of the database, remounted read-only; None when mount is not allowed."""
    where.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tui-test", str(where)],
                      capture_output=True).returncode != 0:
        where.rmdir()
        return None
    shutil.copy(seed_db, where / "a.db")
    if subprocess.run(["mount", "-o", "remount,ro", str(where)], capture_output=True).returncode != 0:
        subprocess.run(["umount", str(where)], capture_output=True)
        where.rmdir()
        return None
    return where / "a.db"


def test_database_on_a_read_only_mount_is_read_and_refused_for_writing(seed_db, shared_dir):
    """A real read-only file system: even root cannot write, so the current user is enough."""
    if os.getuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a file system needs root and mount(8)")
    db = _mount_read_only(seed_db, shared_dir / "media")
    if db is None:
        pytest.skip("this container does not allow mount(8)")
    try:
        _check_read_only(db, "read-only file system")
    finally:
        subprocess.run(["umount", str(db.parent)], capture_output=True)


# -- concurrent first opens of an old database --------------------------------------------------

RACER = """
import os, sys, time
from pathlib import Path
from tui.cli.main import cli
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.0005)
sys.argv = ["tui", *sys.argv[2:]]
cli()
"""


def test_two_processes_opening_an_old_database_migrate_it_once(tmp_path):
    """Two real processes race to open a copy of a version-1 database, many rounds: both succeed,
    one backup is written, and the result is a valid current database."""
    rounds = 12
    for i in range(rounds):
        folder = tmp_path / f"r{i}"
        folder.mkdir()
        db = folder / "old.db"
        shutil.copy(DATA / "db" / "v1.db", db)
        go = folder / "go"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        procs = [
            subprocess.Popen([sys.executable, "-c", RACER, str(go), "--db", str(db), "open"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
            for _ in range(2)
        ]
        go.touch()
        results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
        for rc, out, err in results:
            assert rc == 0, (i, err)
            assert "v1-article" in out, (i, out, err)
        backups = list(folder.glob("old.db.v1-*.bak"))
        assert len(backups) == 1, (i, [p.name for p in folder.iterdir()])
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert migrations.user_version(conn) == migrations.VERSION
        conn.close()
        assert run("--db", str(db), "check").exit_code == 0


# -- a migration killed while it writes the backup -----------------------------------------------


@pytest.fixture(scope="module")
def big_v1(tmp_path_factory) -> tuple[Path, int]:
    """A version-1 database of ~48 MB (a long operation log), so the backup takes a while."""
    path = tmp_path_factory.mktemp("big") / "big-v1.db"
    shutil.copy(DATA / "db" / "v1.db", path)
    conn = sqlite3.connect(path)
    rng = random.Random(11)
    rows = [(None, "alice", "2024-01-01T00:00:00Z", f"bulk {n}", "done",
             "[" + ",".join(str(rng.random()) for _ in range(40_000)) + "]") for n in range(60)]
    conn.executemany("INSERT INTO oplog (doc_id, annotator, time, action, state, changes) "
                     "VALUES (?, ?, ?, ?, ?, ?)", rows)
    conn.commit()
    count = conn.execute("SELECT count(*) FROM oplog").fetchone()[0]
    conn.close()
    return path, count


def _is_whole_copy(path: Path, rows: int) -> bool:
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            return ok and conn.execute("SELECT count(*) FROM oplog").fetchone()[0] == rows \
                and migrations.user_version(conn) == 1
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def test_kill_while_writing_the_backup_leaves_no_file_with_the_backup_name(tmp_path, big_v1):
    """SIGKILL a migrating `tui` as soon as its backup starts, or a little later, many rounds:
    any file with the backup's name is a whole copy, the database still opens and migrates,
    and the next migration removes the temporary file the killed one left."""
    template, rows = big_v1
    rng = random.Random(20261205)
    rounds = 10
    killed_mid_backup = 0
    for i in range(rounds):
        folder = tmp_path / f"k{i}"
        folder.mkdir()
        db = folder / "big.db"
        shutil.copy(template, db)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "tui", "--db", str(db), "open"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        try:
            while proc.poll() is None and not any(".bak" in p.name for p in folder.iterdir()):
                pass  # kill as soon as a backup file (temporary or final) appears
            if rng.random() < 0.3:
                for _ in range(rng.randrange(1, 5000)):  # sometimes a little later
                    if proc.poll() is not None:
                        break
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed_mid_backup += 1
        finally:
            proc.wait(timeout=120)
        for backup in folder.glob("big.db.v1-*.bak"):
            assert _is_whole_copy(backup, rows), (i, backup.name, backup.stat().st_size)
        # the database itself is intact: a writing command opens (and migrates) it
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        r = run("--db", str(db), "open")
        assert r.exit_code == 0, r.output
        names = sorted(p.name for p in folder.iterdir())
        assert not [n for n in names if n.endswith(".tmp")], names
        for backup in folder.glob("big.db.v1-*.bak"):
            assert _is_whole_copy(backup, rows), (i, backup.name)
    assert killed_mid_backup >= rounds // 2
