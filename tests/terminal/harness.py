"""Run the real ``tui`` in a real terminal (tmux) and drive it as a person would.

Every key goes through ``tmux send-keys``, so it reaches the app as the bytes a
terminal sends: ``M-r`` is ESC followed by ``r`` (Textual sees ``alt+r`` *with*
the character ``r``, which a focused text field would insert), ``Escape`` is a
lone ESC that Textual only reports after its escape delay. The tmux server is
private to the test (its own socket, ``-f /dev/null``: tmux's default
``escape-time`` and no user configuration) and the terminal is
``TERM=xterm-256color``.

Nothing here waits for a fixed time: every wait polls the screen
(``capture-pane``) or the database for what must appear, with a generous
deadline. Not appearing in time is a failure that shows the screen.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: How long a screen or database state may take to appear before the test fails.
DEADLINE_S = 30.0
#: The environment variables passed to the app (a running tmux server would not
#: pass the client's environment to a new pane).
PASSED = ("PYTHONPATH", "TUI_ANNOTATOR", "XDG_CONFIG_HOME", "PATH", "HOME", "LANG", "LC_ALL")

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

Check = Callable[[str], bool]


def covers(*binding_ids: str) -> Callable[[Any], Any]:
    """Mark a test as the real-terminal proof of these binding ids (README's key table).

    ``tests/terminal/test_key_table.py`` reads these marks (statically) and fails
    while a key of the README's table has no test here that presses it.
    """
    return pytest.mark.covers(*binding_ids)


class Terminal:
    """One tmux session running one ``tui`` command line."""

    def __init__(self, workdir: Path, *, width: int = 160, height: int = 50,
                 annotator: str = "alice", env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.width = width
        self.height = height
        self.socket = f"tui-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.session = "t"
        self.exit_file = workdir / f"exit-{uuid.uuid4().hex[:6]}"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "TUI_ANNOTATOR": annotator,
            "XDG_CONFIG_HOME": str(workdir / "config"),
            "LANG": os.environ.get("LANG", "C.UTF-8") or "C.UTF-8",
            **(env or {}),
        }
        # The test process may hold LINES/COLUMNS in its C environment (set by a
        # library's ncurses, not visible in os.environ); they would override the
        # pane's real size in the app (shutil.get_terminal_size reads them first).
        for name in ("LINES", "COLUMNS"):
            self.env.pop(name, None)
        self.started = False

    # -- the session -----------------------------------------------------------

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a tmux command on this test's private server."""
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args],
                              check=check, capture_output=True, text=True, env=self.env)

    def start(self, *args: str | os.PathLike[str]) -> Terminal:
        """Start ``tui ARGS...`` in a fresh session of ``width`` x ``height``."""
        assigns = " ".join(f"{k}={shlex.quote(self.env[k])}" for k in PASSED if k in self.env)
        argv = " ".join(shlex.quote(str(a)) for a in args)
        command = (f"env -u LINES -u COLUMNS {assigns} TERM=xterm-256color {shlex.quote(sys.executable)} -m tui {argv}"
                   f"; echo $? > {shlex.quote(str(self.exit_file))}; sleep 600")
        self.tmux("new-session", "-d", "-s", self.session, "-x", str(self.width),
                  "-y", str(self.height), "-c", str(self.workdir), command)
        # The pane's TERM is what tmux advertises; the app gets xterm-256color above.
        self.started = True
        return self

    def close(self) -> None:
        """Kill the session and its server."""
        if self.started:
            self.tmux("kill-server", check=False)
            self.started = False

    def resize(self, width: int, height: int) -> None:
        """Resize the terminal (the window), as a user dragging it would."""
        self.width, self.height = width, height
        self.tmux("resize-window", "-t", self.session, "-x", str(width), "-y", str(height))

    # -- keys ------------------------------------------------------------------

    def press(self, *keys: str) -> None:
        """Press keys by tmux name: ``w``, ``Enter``, ``Escape``, ``M-r``, ``C-l``, ``BTab``, ``F2``..."""
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        """Type ``text`` literally (each character as the terminal sends it)."""
        self.tmux("send-keys", "-t", self.session, "-l", text)

    # -- the screen ------------------------------------------------------------

    def screen(self) -> str:
        """The visible screen as text, one line per row."""
        result = self.tmux("capture-pane", "-p", "-t", self.session, check=False)
        return result.stdout if result.returncode == 0 else ""

    def lines(self) -> list[str]:
        return self.screen().split("\n")

    def wait(self, check: str | Check, what: str = "", *, timeout: float = DEADLINE_S) -> str:
        """Poll until the screen contains ``check`` (a string) or ``check(screen)`` holds."""
        predicate: Check = (lambda s: check in s) if isinstance(check, str) else check
        label = what or (repr(check) if isinstance(check, str) else "the expected screen")
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if screen and predicate(screen):
                return screen
            time.sleep(0.05)
        size = self.tmux("display", "-p", "-t", self.session, "#{window_width}x#{window_height} pane #{pane_width}x#{pane_height}", check=False).stdout.strip()
        pytest.fail(f"the terminal ({size}) never showed {label}; it showed:\n{screen}")

    def wait_gone(self, text: str, what: str = "", *, timeout: float = DEADLINE_S) -> str:
        """Poll until ``text`` is no longer on the screen."""
        return self.wait(lambda s: text not in s, what or f"{text!r} gone", timeout=timeout)

    def status(self) -> str:
        """The reader's status line (the row above the footer)."""
        rows = [r for r in self.lines() if r.strip()]
        for row in reversed(rows):
            if "NORMAL" in row or "VISUAL" in row or "│" in row:
                return row
        return rows[-2] if len(rows) >= 2 else ""

    def wait_ready(self, text: str) -> str:
        """Wait for the reader to show ``text`` and its status line."""
        self.wait(text)
        return self.wait(lambda s: "NORMAL" in s, "the status line (NORMAL)")

    def wait_settled(self, *, quiet_s: float = 0.3, timeout: float = DEADLINE_S) -> str:
        """Poll until the screen stops changing for ``quiet_s`` (for checks that something did NOT appear)."""
        deadline = time.monotonic() + timeout
        last, since = self.screen(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = self.screen()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet_s:
                return now
        pytest.fail(f"the terminal never settled; it showed:\n{last}")

    # -- the process -----------------------------------------------------------

    def quit(self, key: str = "q", *, timeout: float = DEADLINE_S) -> int:
        """Press ``key`` and wait for tui to exit; returns its exit status."""
        self.press(key)
        return self.wait_exit(timeout=timeout)

    def wait_exit(self, *, timeout: float = DEADLINE_S) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.exit_file.exists() and self.exit_file.read_text().strip():
                return int(self.exit_file.read_text().strip())
            time.sleep(0.05)
        pytest.fail(f"tui did not exit; the terminal showed:\n{self.screen()}")

    def exited(self) -> bool:
        return self.exit_file.exists()

    def assert_no_traceback(self) -> None:
        screen = self.screen()
        assert "Traceback" not in screen and "Error" not in screen.split("\n")[0], screen


def wait_db(db: Path, query: str, check: Callable[[list[Any]], bool], what: str,
            params: tuple[Any, ...] = (), *, timeout: float = DEADLINE_S) -> list[Any]:
    """Poll ``query`` on the database (read-only) until ``check(rows)`` holds."""
    deadline = time.monotonic() + timeout
    rows: list[Any] = []
    while time.monotonic() < deadline:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            rows = conn.execute(query, params).fetchall()
        except sqlite3.OperationalError:
            rows = []
        finally:
            conn.close()
        if check(rows):
            return rows
        time.sleep(0.05)
    pytest.fail(f"the database never showed {what}; last rows: {rows!r}")


@contextmanager
def terminal(workdir: Path, **kw: Any) -> Iterator[Terminal]:
    """A :class:`Terminal` that is always closed."""
    term = Terminal(workdir, **kw)
    try:
        yield term
    finally:
        term.close()
