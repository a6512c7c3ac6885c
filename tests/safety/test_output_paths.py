"""Exports write only inside --out, never through a symlink, and atomically (issue 11, items 1 and 8).

Every hostile name or conf block goes through the real CLI; after each, the
whole temporary tree is compared with what it was: nothing may appear
outside ``--out``, and a refused export leaves ``--out`` as it was.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli.main import cli
from tui.core.model import DocAnnotations, Document, Span
from tui.core.schema import parse_schema
from tui.core.store import Store

ROOT = Path(__file__).resolve().parents[2]

#: Names a document may have in a database (a colleague's, via merge) that are no file name under --out.
HOSTILE_NAMES = [
    ".", "..", "", "../x", "../../x", "a/../../x", "a/./b", "a//b", "a/", "/ABS/x",
    "a\x00b", "x\x00/../../y", "a/" * 4999 + "a", "é" * 150, "a" * 300, "/".join(["d"] * 65),
    "..\\x", "C:\\x",
]

EVIL_SCHEMA = """name = "evil"

[[entities]]
name = "PER"

#brat-conf {name}
#brat| "pwned\\n"
"""


def run(*args: object) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def tree(root: Path) -> dict[str, bytes | str]:
    """Every file (content) and symlink (target) under root, by relative path."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + dirnames:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if p.is_symlink():
                out[rel] = "-> " + os.readlink(p)
            elif p.is_file():
                out[rel] = p.read_bytes()
    return out


def outside(before: dict, after: dict, out: Path, root: Path) -> list[str]:
    """Files new or changed outside ``out`` (the database's own files excepted)."""
    prefix = out.relative_to(root).as_posix() + "/"
    return sorted(k for k, v in after.items()
                  if before.get(k) != v and not k.startswith(prefix) and ".db" not in k)


def assert_one_line_error(r: object, *needles: str) -> None:
    assert r.exit_code == 1, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    lines = [line for line in r.output.splitlines() if line.startswith("tui: error:")]
    assert len(lines) == 1, r.output
    for needle in needles:
        assert needle in lines[0], r.output


def _db_with(tmp_path: Path, names: list[str]) -> Path:
    db = tmp_path / "a.db"
    store = Store(db, annotator="alice")
    store.import_documents([(Document(name=n, text=f"Alice {i}\n"), DocAnnotations(
        spans=[Span(label="PER", fragments=[(0, 5)])])) for i, n in enumerate(names)])
    store.close()
    return db


COUNT = {"names": 0, "outside": 0, "tracebacks": 0}


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_a_hostile_document_name_is_refused_and_nothing_is_written(tmp_path, name):
    """Absolute, '..', '.', empty parts, NUL, 5,000 parts, 300 bytes: one-line error, nothing written."""
    name = name.replace("/ABS", str(tmp_path / "abs"))
    db = _db_with(tmp_path, ["fine", name])
    work = tmp_path / "w" / "x"
    work.mkdir(parents=True)
    out = work / "out"
    before = tree(tmp_path)
    r = run("--db", db, "export", "--format", "brat", "--out", out)
    after = tree(tmp_path)
    COUNT["names"] += 1
    COUNT["outside"] += len(outside(before, after, out, tmp_path))
    COUNT["tracebacks"] += r.exception is not None and not isinstance(r.exception, SystemExit)
    assert_one_line_error(r, "document ")
    assert outside(before, after, out, tmp_path) == []
    assert not out.exists()
    assert not [p for p in work.iterdir()], "a temporary folder was left behind"


@pytest.mark.parametrize("names", [
    ["Doc", "doc"], ["a/x", "A/x"], ["caf\u00e9", "cafe\u0301"], ["a", "a.txt/b"], ["annotation"],
])
def test_two_names_for_one_file_are_an_error_naming_both(tmp_path, names):
    """Collisions, also by case, Unicode form, or a file where a folder must go: an error, nothing written."""
    db = _db_with(tmp_path, [*names, "other"])
    if names == ["annotation"]:  # a document's file and a schema's conf block: one path
        store = Store(db, annotator="alice")
        store.save_schema(parse_schema(EVIL_SCHEMA.format(name="annotation.txt")))
        store.conn.execute("UPDATE documents SET schema = 'evil'")
        store.close()
    out = tmp_path / "out"
    before = tree(tmp_path)
    r = run("--db", db, "export", "--format", "brat", "--out", out)
    COUNT["names"] += 1
    COUNT["outside"] += len(outside(before, tree(tmp_path), out, tmp_path))
    assert_one_line_error(r, "would both be written to", repr(names[0]))
    if len(names) > 1:
        assert repr(names[1]) in r.output
    assert not out.exists()


@pytest.mark.parametrize("block", ["../../x", "/ABS/x", "sub/../../x", ".", ""])
def test_a_schema_conf_block_name_from_import_schema_writes_nowhere(tmp_path, block):
    """`tui import --schema evil.toml` (which `schema check` passes), then export: refused, no file outside."""
    block = block.replace("/ABS", str(tmp_path / "abs"))
    schema = tmp_path / "evil.toml"
    schema.write_text(EVIL_SCHEMA.format(name=block), encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text("Alice\n", encoding="utf-8")
    db = tmp_path / "a.db"
    r = run("--db", db, "import", "--schema", schema, doc)
    assert r.exit_code == 0, r.output
    out = tmp_path / "w" / "x" / "out"
    out.parent.mkdir(parents=True)
    before = tree(tmp_path)
    r = run("--db", db, "export", "--format", "brat", "--out", out)
    after = tree(tmp_path)
    COUNT["names"] += 1
    COUNT["outside"] += len(outside(before, after, out, tmp_path))
    assert_one_line_error(r, "schema 'evil': brat conf block")
    assert outside(before, after, out, tmp_path) == []
    assert not out.exists()


def test_a_schema_conf_block_from_a_merged_database_writes_nowhere(tmp_path):
    """A colleague's database whose schema names its conf block `../../x` arrives by `tui merge`."""
    bob = tmp_path / "bob.db"
    store = Store(bob, annotator="bob")
    store.save_schema(parse_schema(EVIL_SCHEMA.format(name="../../x")))
    store.import_documents([(Document(name="d", text="Alice\n", schema="evil"), DocAnnotations())])
    store.close()
    db = tmp_path / "a.db"
    r = run("--db", db, "merge", bob)
    assert r.exit_code == 0, r.output
    out = tmp_path / "w" / "x" / "out"
    out.parent.mkdir(parents=True)
    before = tree(tmp_path)
    r = run("--db", db, "export", "--format", "brat", "--out", out)
    after = tree(tmp_path)
    COUNT["names"] += 1
    assert_one_line_error(r, "'../../x'", "climb out")
    assert outside(before, after, out, tmp_path) == []
    assert not (tmp_path / "w" / "x").joinpath("..", "..", "x").exists()


def test_symlinks_planted_in_the_output_folder_are_never_followed(tmp_path):
    """An earlier export with symlinks planted in it (a file and a folder pointing outside) is replaced whole."""
    db = _db_with(tmp_path, ["d", "sub/e"])
    out = tmp_path / "out"
    assert run("--db", db, "export", "--format", "brat", "--out", out).exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "d.txt").unlink()
    os.symlink(victim, out / "d.txt")
    import shutil

    shutil.rmtree(out / "sub")
    os.symlink(elsewhere, out / "sub")
    before = tree(tmp_path)
    r = run("--db", db, "export", "--format", "brat", "--out", out)
    assert r.exit_code == 0, r.output
    after = tree(tmp_path)
    COUNT["names"] += 2
    assert outside(before, after, out, tmp_path) == []
    assert victim.read_text(encoding="utf-8") == "precious\n" and list(elsewhere.iterdir()) == []
    assert not (out / "d.txt").is_symlink() and (out / "d.txt").read_text(encoding="utf-8") == "Alice 0\n"
    assert not (out / "sub").is_symlink() and (out / "sub" / "e.ann").is_file()


def test_a_folder_tui_did_not_write_is_refused_not_written_into(tmp_path):
    """--out naming someone's folder (here with a planted symlink) is refused; the folder stays as it was."""
    db = _db_with(tmp_path, ["d"])
    out = tmp_path / "theirs"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    os.symlink(victim, out / "d.txt")
    (out / "notes.md").write_text("mine\n", encoding="utf-8")
    before = tree(tmp_path)
    r = run("--db", db, "export", "--format", "brat", "--out", out)
    COUNT["names"] += 2
    assert_one_line_error(r, "tui export did not write")
    assert {k: v for k, v in tree(tmp_path).items() if ".db" not in k} == {
        k: v for k, v in before.items() if ".db" not in k}
    link = tmp_path / "link"
    os.symlink(tmp_path / "elsewhere", link)
    assert_one_line_error(run("--db", db, "export", "--format", "brat", "--out", link), "symbolic link")
    assert not (tmp_path / "elsewhere").exists()


def test_files_and_folders_follow_the_umask(tmp_path):
    """A single-file export and a folder export get 0666/0777 minus the umask, not mkstemp's 0600."""
    db = _db_with(tmp_path, ["d", "sub/e"])
    old = os.umask(0o027)
    try:
        r1 = run("--db", db, "export", "--format", "jsonl", "--out", tmp_path / "c.jsonl")
        r2 = run("--db", db, "export", "--format", "brat", "--out", tmp_path / "out")
    finally:
        os.umask(old)
    assert r1.exit_code == 0 and r2.exit_code == 0, r1.output + r2.output
    assert stat.S_IMODE((tmp_path / "c.jsonl").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "out" / "sub").stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "out" / "sub" / "e.ann").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "out" / "d.txt").stat().st_mode) == 0o640


# ---------------------------------------------------------------------------
# Killed and full-disk exports (a real CLI in a subprocess)


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Path:
    """A database of 4,000 generated news documents (an export of it takes a while)."""
    from bench.inputs import corpus

    db = tmp_path_factory.mktemp("big") / "big.db"
    store = Store(db, annotator="alice")
    store.import_documents(corpus(4000))
    store.close()
    return db


def _cli(*args: object, limit: int | None = None) -> subprocess.Popen:
    code = "import sys; from tui.cli.main import cli; cli(sys.argv[1:])"
    pre = None
    if limit is not None:
        def pre() -> None:
            import resource

            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, preexec_fn=pre,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TUI_ANNOTATOR": "alice"})


def _writing_into(pid: int, folder: Path) -> bool:
    """Whether process pid has a file open under folder (a named or an unnamed O_TMPFILE file)."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder) + "/") and not target.endswith((".db", ".db-wal", ".db-shm")):
            return True
    return False


def _kill_while_writing(proc: subprocess.Popen, folder: Path, files_seen: int = 0) -> None:
    """SIGKILL proc once it writes under folder (and, for a folder export, files_seen files exist)."""
    while proc.poll() is None:
        if _writing_into(proc.pid, folder) and (
                not files_seen or sum(len(f) for _, _, f in os.walk(folder)) >= files_seen):
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.001)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the export ended before it could be killed"


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="watches the export through /proc (Linux)")
def test_a_brat_export_killed_half_way_leaves_nothing_that_looks_finished(big_db, tmp_path):
    """kill -9 during a folder export: --out does not appear; the next export cleans up and completes."""
    work = tmp_path / "w"
    work.mkdir()
    out = work / "out"
    _kill_while_writing(_cli("--db", big_db, "export", "--format", "brat", "--out", out), work, files_seen=200)
    assert not out.exists(), "a partial export sits at --out"
    left = [p.name for p in work.iterdir()]
    assert all(n.startswith(".out.tui-partial-") for n in left), left
    r = _cli("--db", big_db, "export", "--format", "brat", "--out", out)
    _, err = r.communicate()
    assert r.returncode == 0, err
    assert [p.name for p in work.iterdir()] == ["out"], "the killed export's folder was not removed"
    assert len(list(out.rglob("*.ann"))) == 4000


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="watches the export through /proc (Linux)")
def test_a_file_export_killed_half_way_leaves_nothing_behind(big_db, tmp_path):
    """kill -9 during a JSONL export: the earlier file is kept and no temporary file is left."""
    work = tmp_path / "w"
    work.mkdir()
    out = work / "corpus.jsonl"
    out.write_text("previous export\n", encoding="utf-8")
    _kill_while_writing(_cli("--db", big_db, "export", "--format", "jsonl", "--out", out), work)
    assert [p.name for p in work.iterdir()] == ["corpus.jsonl"], "a temporary file was left behind"
    assert out.read_text(encoding="utf-8") == "previous export\n"


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE and SIGXFSZ as on Linux")
def test_a_full_disk_brat_export_keeps_the_earlier_export(tmp_path):
    """A write failing with EFBIG (a real one, RLIMIT_FSIZE) half-way: earlier export intact, one-line error."""
    db = _db_with(tmp_path, [f"d{i:03}" for i in range(300)])
    out = tmp_path / "out"
    assert run("--db", db, "export", "--format", "brat", "--out", out).exit_code == 0
    before = tree(out)
    store = Store(db, annotator="alice")
    store.import_documents([(Document(name="zz-big", text="word " * 200_000), DocAnnotations())])
    store.close()
    proc = _cli("--db", db, "export", "--format", "brat", "--out", out, limit=512 * 1024)
    _, err = proc.communicate()
    assert proc.returncode == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tui: error:") and "File too large" in lines[0], err
    assert "Traceback" not in err
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if "tui-partial" in p.name] == []


def test_zz_report_counts():
    """Prints the totals of the hostile names and paths tried (for the issue's report)."""
    print(f"\nhostile names/paths tried: {COUNT['names']}, files outside --out: {COUNT['outside']}, "
          f"tracebacks: {COUNT['tracebacks']}")
    assert COUNT["outside"] == 0 and COUNT["tracebacks"] == 0
