"""Output into a pipe whose reader has gone (``tui search X | head -1``): quiet, exit 0."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tui.core.formats.text import read_document
from tui.core.store import Store

#: Enough output to fill a pipe's buffer (64 KiB on Linux) several times over,
#: so the writer is still writing when ``head`` exits and closes the pipe.
LINES = 4000


@pytest.fixture
def big_db(tmp_path):
    """A database with one document holding thousands of hits for ``Basra``."""
    text = "".join(f"Line {n}: heavy fighting in Basra went on through the night.\n"
                   for n in range(LINES))
    path = tmp_path / "big.db"
    doc_file = tmp_path / "big.txt"
    doc_file.write_text(text, encoding="utf-8")
    with Store(path, annotator="alice") as store:
        store.add_document(read_document(doc_file, "big"))
    return path


def shell(command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in bash as a user would; its status is every member's (PIPESTATUS)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    script = f"{command}; echo \"status ${{PIPESTATUS[*]}}\" >&2"
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.mark.parametrize("args", [
    ["search", "Basra"],
    ["search", "Basra", "--format", "json"],
    ["export", "--format", "jsonl"],
    ["list"],
])
def test_a_closed_pipe_ends_quietly(big_db, args):
    """``tui ... | head -1`` prints one line, nothing on stderr, and tui exits 0."""
    tui = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "tui", "--db", str(big_db), *args])
    result = shell(f"{tui} | head -1")
    assert len(result.stdout.splitlines()) == 1, result.stdout[:500]
    *noise, status = result.stderr.splitlines()
    assert noise == [], result.stderr
    assert status == "status 0 0"


def test_output_into_a_pipe_closed_before_the_first_write(big_db):
    """A reader that never reads (``| true``): still no message and exit 0."""
    tui = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "tui", "--db", str(big_db),
                                             "search", "Basra"])
    result = shell(f"{tui} | true")
    *noise, status = result.stderr.splitlines()
    assert noise == [], result.stderr
    assert status == "status 0 0"
