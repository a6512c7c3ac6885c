"""Fixtures for the real-terminal suite: databases to open and a tmux terminal to open them in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.conftest import seed_db, tricky_db  # noqa: F401  (fixtures)
from tests.terminal.harness import Terminal, needs_tmux

pytestmark = needs_tmux


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Terminal]:
    """A 160x50 terminal (not started: call ``term.start(...)``); always closed."""
    t = Terminal(tmp_path)
    try:
        yield t
    finally:
        t.close()


@pytest.fixture
def small_term(tmp_path: Path) -> Iterator[Terminal]:
    """An 80x24 terminal, the smallest the app promises to work in."""
    t = Terminal(tmp_path, width=80, height=24)
    try:
        yield t
    finally:
        t.close()
