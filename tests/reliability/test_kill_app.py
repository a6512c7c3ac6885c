"""kill -9 the real app right after the screen shows a tag: the tag is in the database.

The app runs in a real terminal (tmux). Each round tags the next word,
waits until the entities panel shows the new mention count (the moment the
action is acknowledged to the analyst), and SIGKILLs the process at once.
The database must then pass ``PRAGMA integrity_check`` and hold every tag
the screen showed. The store-level kills (50 in CI) are in test_kill.py.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import SEED
from tui.core.formats.text import read_document
from tui.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = int(os.environ.get("TUI_APP_KILLS", "4"))
DEADLINE_S = 60.0
PASS_ENV = ("PYTHONPATH", "TUI_ANNOTATOR", "XDG_CONFIG_HOME", "TERM", "PATH", "HOME")

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def wait_for(session: str, pattern: str) -> str:
    deadline = time.monotonic() + DEADLINE_S
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if re.search(pattern, screen):
            return screen
        time.sleep(0.02)
    pytest.fail(f"the terminal never showed {pattern!r}; it showed:\n{screen}")


def test_kill_after_the_screen_shows_a_tag(tmp_path):
    """Each tag the screen confirmed survives SIGKILL of the app; the database stays intact."""
    db = tmp_path / "kill.db"
    s = Store(db, annotator="kim")
    s.add_document(read_document(SEED, "basra-offensive"))
    s.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TUI_ANNOTATOR": "kim",
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "TERM": "xterm-256color"}
    shown = 0
    for round_no in range(ROUNDS):
        session = f"tui-kill-{uuid.uuid4().hex[:8]}"
        pid_file = tmp_path / f"pid{round_no}"
        # `exec` so the pane's process is tui itself, the one we kill.
        # The environment goes in the command: a running tmux server ignores the client's.
        assigns = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items() if k in PASS_ENV)
        command = f"echo $$ > {pid_file}; exec env {assigns} {sys.executable} -m tui --db {db}"
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "50", command],
                       check=True, env=env, cwd=tmp_path)
        try:
            wait_for(session, r"Heavy fighting")
            # Move past the words already tagged, then tag the next one (1 = PER).
            tmux("send-keys", "-t", session, *(["w"] * (shown * 2 + 1)), "1")
            shown += 1
            wait_for(session, rf"Entities {shown} mentions?\b")
            os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        store = Store(db, annotator="kim")
        spans = store.annotations(store.document("basra-offensive").id).spans
        store.close()
        assert len(spans) == shown, f"round {round_no}: the screen showed {shown} tags, the database has {len(spans)}"
