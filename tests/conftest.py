"""Shared fixtures: a temporary database, a store on it, the seed article."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core.store import Store

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "seeds" / "basra-offensive.txt"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No user config, a fixed annotator, and no TUI_DB leaking in from the shell."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("TUI_ANNOTATOR", "alice")
    monkeypatch.delenv("TUI_DB", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "annotations.db"


@pytest.fixture
def store(db_path):
    s = Store(db_path, annotator="alice")
    yield s
    s.close()


@pytest.fixture
def seed_doc(store):
    from tui.core.formats.text import read_document

    doc, _ = store.add_document(read_document(SEED, "basra-offensive"))
    return doc


def db_snapshot(path: Path) -> dict:
    """Every row of every table, to prove a failed command changed nothing."""
    import sqlite3

    if not path.exists():
        return {}
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}
    finally:
        conn.close()
