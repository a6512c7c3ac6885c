"""Migrations: an old database opens in the current version with all its data, after a backup."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tests.conftest import DATA, db_snapshot
from tui.core.model import Span
from tui.core.store import Store, migrations


def test_v1_database_migrates_with_all_data_and_backup(tmp_path):
    """A version-1 file gains the version-2 tables, keeps every row, and a backup is written."""
    path = tmp_path / "old.db"
    shutil.copy(DATA / "db" / "v1.db", path)
    before = db_snapshot(path)
    store = Store(path, annotator="alice")
    assert migrations.user_version(store.conn) == migrations.VERSION
    assert store.backup is not None and store.backup.exists()
    # the backup is the untouched version-1 database
    assert db_snapshot(store.backup) == before
    doc = store.document("v1-article")
    anns = store.annotations(doc.id)
    assert [s.text for s in anns.spans] == ["Iraqi", "attacked", "Basra"]
    assert anns.events[0].arguments[0].target == "span-2"
    # the migrated database works: settings table exists, undo reads the old log
    store.set_setting("last_document", doc.name)
    op = store.undo(doc.id)
    assert op is not None and store.find("span-2") is None
    store.close()


def test_failed_migration_leaves_original_untouched(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(DATA / "db" / "v1.db", path)
    before = db_snapshot(path)

    def broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(RuntimeError):
        migrations.migrate(conn, path, steps=[migrations._v1, broken])
    conn.close()
    assert db_snapshot(path) == before


def test_new_database_has_current_version_and_no_backup(tmp_path):
    store = Store(tmp_path / "fresh.db")
    assert migrations.user_version(store.conn) == migrations.VERSION
    assert store.backup is None
    store.close()


def test_v3_log_loses_autoincrement_and_keeps_every_entry(tmp_path):
    """Migration 4 rebuilds the operation log: same entries and numbers, undo/redo work, new
    entries continue the numbering, and an action no longer writes ``sqlite_sequence``."""
    path = tmp_path / "old.db"
    shutil.copy(DATA / "db" / "v3.db", path)
    old = sqlite3.connect(path)
    log_before = old.execute("SELECT * FROM oplog ORDER BY seq").fetchall()
    old.close()
    store = Store(path, annotator="alice")
    assert migrations.user_version(store.conn) == migrations.VERSION
    assert store.conn.execute("SELECT * FROM oplog ORDER BY seq").fetchall() == log_before
    sql = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'oplog'").fetchone()[0]
    assert "AUTOINCREMENT" not in sql.upper()
    doc = store.document("v3-first")
    op = store.undo(doc.id)
    assert op is not None and op.seq == 3 and store.find("span-3") is None
    assert store.redo(doc.id) is not None and store.find("span-3") is not None
    store.add(Span(doc_id=doc.id, label="PER", fragments=[(6, 12)]))
    seqs = [r[0] for r in store.conn.execute("SELECT seq FROM oplog ORDER BY seq")]
    assert seqs == [1, 2, 3, 4]
    assert store.conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'"
    ).fetchone()[0] == 0 or store.conn.execute(
        "SELECT count(*) FROM sqlite_sequence WHERE name = 'oplog'"
    ).fetchone()[0] == 0
    assert store.check() == []
    store.close()
