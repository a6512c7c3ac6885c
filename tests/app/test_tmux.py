"""The real `tui` in a real terminal (tmux): read, move to a word, tag it, quit, check the database.

Skipped only when tmux is not installed (.ci/run installs it). Waiting is by
polling capture-pane for what the screen must show, with a generous deadline
(a failure to appear is a failure, not a timing assertion).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.app.conftest import SEED_NAME, db_annotations

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 60.0

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def tmux(*args: str) -> str:
    """Run a tmux command and return its output."""
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def wait_for(session: str, predicate, what: str) -> str:
    """Poll the pane until ``predicate(text)`` holds; fail naming ``what`` and showing the pane."""
    deadline = time.monotonic() + DEADLINE_S
    screen = ""
    while time.monotonic() < deadline:
        # capture-pane can fail for a moment while the session starts: poll again.
        result = subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                                capture_output=True, text=True)
        screen = result.stdout if result.returncode == 0 else result.stderr
        if result.returncode == 0 and predicate(screen):
            return screen
        time.sleep(0.1)
    pytest.fail(f"the terminal never showed {what}; it showed:\n{screen}")


def test_tag_a_word_in_the_real_terminal(seed_db, tmp_path):
    """tui starts in tmux at 160x50, shows the article; w w w w w w then 3 tags "Basra" GPE; q quits."""
    session = f"tui-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "TUI_ANNOTATOR": "alice",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TERM": "xterm-256color",
    }
    done = tmp_path / "exited"
    # The environment goes in the command: a tmux server that is already running
    # (another test's, a developer's) ignores the environment of this client.
    assigns = " ".join(f"{k}={shlex.quote(env[k])}" for k in
                       ("PYTHONPATH", "TUI_ANNOTATOR", "XDG_CONFIG_HOME", "TERM", "PATH") if k in env)
    command = (
        f"env {assigns} {sys.executable} -m tui --db {seed_db}; echo $? > {done}; sleep 30"
    )
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "50", command],
        check=True, env=env, cwd=tmp_path,
    )
    try:
        wait_for(session, lambda s: "Heavy fighting has been raging in Basra" in s, "the article")
        wait_for(session, lambda s: "NORMAL" in s and "1:1" in s, "the status line at 1:1")
        # "Heavy fighting has been raging in Basra": six words forward is Basra.
        tmux("send-keys", "-t", session, "w", "w", "w", "w", "w", "w")
        wait_for(session, lambda s: "1:35" in s, "the cursor on Basra (line 1, column 35)")
        tmux("send-keys", "-t", session, "3")
        wait_for(session, lambda s: "GPE 1" in s, "Basra in the entities panel")
        tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + DEADLINE_S
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert done.exists(), "tui did not exit after q"
        assert done.read_text().strip() == "0"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    spans = db_annotations(seed_db, SEED_NAME).spans
    assert [(s.text, s.label, s.annotator) for s in spans] == [("Basra", "GPE", "alice")]
