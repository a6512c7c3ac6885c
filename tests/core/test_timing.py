"""Time on task from the operation log (``tui stats --time``), on a real SQLite store.

Actions are written through the Store; their times are then set with the one
test-only SQL update this file makes: ``UPDATE oplog SET time = ? WHERE seq = ?``
(the log has no API to back-date an action, and must not have one).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tui.cli.main import cli
from tui.core.model import Document, Span
from tui.core.review.timing import time_on_task
from tui.core.store import Store

T0 = "2026-03-01T09:00:00.000Z"


def _at(seconds: float) -> str:
    from datetime import UTC, datetime, timedelta

    t = datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC) + timedelta(seconds=seconds)
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _tag(store: Store, doc: Document, start: int, end: int, when: float, status: str = "accepted") -> int:
    """Tag one span as one logged action and back-date that action to ``when`` seconds after T0."""
    with store.action("tag", doc.id) as tx:
        tx.add(Span(label="GPE", fragments=[(start, end)], doc_id=doc.id, status=status))
    seq = store.conn.execute("SELECT max(seq) FROM oplog").fetchone()[0]
    store.conn.execute("UPDATE oplog SET time = ? WHERE seq = ?", (_at(when), seq))  # test-only
    return seq


@pytest.fixture
def two_annotators(db_path):
    alice = Store(db_path, annotator="alice")
    a, _ = alice.add_document(Document(name="a", text="one two three four five six seven eight"))
    b, _ = alice.add_document(Document(name="b", text="nine ten eleven twelve"))
    bob = Store(db_path, annotator="bob")
    # alice: 0, 10, 40 on a (gaps 10 and 30), then idle 1000 s, 1040 and 1100 on b (gap 60).
    _tag(alice, a, 0, 3, 0)
    _tag(alice, a, 4, 7, 10)
    _tag(alice, a, 8, 13, 40)
    _tag(alice, b, 0, 4, 1040)
    _tag(alice, b, 5, 8, 1100)
    # bob: two actions on b, 20 s apart; one of them a pending suggestion (not counted as his work).
    _tag(bob, b, 9, 15, 5)
    _tag(bob, b, 16, 22, 25, status="pending")
    yield alice, a, b
    bob.close()
    alice.close()


def test_gaps_over_the_idle_threshold_are_not_counted(two_annotators):
    alice, _, _ = two_annotators
    report = time_on_task(alice, idle_seconds=300)
    rows = {r.annotator: r for r in report.annotators}
    al = rows["alice"]
    assert al.seconds == 100  # 10 + 30 + 60; the 1000 s pause is idle
    assert al.sessions == 2 and al.actions == 5
    assert al.per_document == {"a": 40, "b": 60}
    assert al.annotations == 5
    assert al.seconds_per_annotation == 20
    assert al.seconds_per_document == 50
    bo = rows["bob"]
    assert (bo.seconds, bo.annotations, bo.seconds_per_annotation) == (20, 1, 20)


def test_threshold_is_an_option(two_annotators):
    alice, _, _ = two_annotators
    al = next(r for r in time_on_task(alice, idle_seconds=5000).annotators if r.annotator == "alice")
    assert al.seconds == 1100 and al.sessions == 1
    al = next(r for r in time_on_task(alice, idle_seconds=20).annotators if r.annotator == "alice")
    assert al.seconds == 10 and al.sessions == 4  # only the 10 s gap is under 20 s


def test_doc_filter_and_corpus_actions(two_annotators):
    alice, _, _ = two_annotators
    # add_document is a corpus-wide action (no document): it counts nothing.
    al = next(r for r in time_on_task(alice, docs=["b"]).annotators if r.annotator == "alice")
    assert al.per_document == {"b": 60} and al.seconds == 60 and al.annotations == 2


def test_unreadable_time_is_left_out_and_counted(two_annotators):
    alice, a, _ = two_annotators
    seq = _tag(alice, a, 14, 18, 50)
    alice.conn.execute("UPDATE oplog SET time = 'yesterday' WHERE seq = ?", (seq,))  # test-only
    report = time_on_task(alice)
    assert report.unreadable == 1
    assert next(r for r in report.annotators if r.annotator == "alice").seconds == 100


def test_cli_text_and_json(two_annotators, db_path):
    r = CliRunner().invoke(cli, ["--db", str(db_path), "stats", "--time", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["idle_seconds"] == 300
    al = data["annotators"][0]
    assert al == {"annotator": "alice", "seconds": 100.0, "actions": 5, "sessions": 2, "documents": 2,
                  "annotations": 5, "seconds_per_annotation": 20.0, "seconds_per_document": 50.0,
                  "per_document": {"a": 40.0, "b": 60.0}}
    r = CliRunner().invoke(cli, ["--db", str(db_path), "stats", "--time", "--idle", "5000"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert "5000 s" in lines[0]
    assert lines[1].split() == ["annotator", "time", "actions", "sessions", "docs", "annotations",
                                "s/annotation", "s/doc"]
    assert lines[2].split() == ["alice", "0:18:20", "5", "1", "2", "5", "220.0", "550.0"]
    assert lines[3].split() == ["bob", "0:00:20", "2", "1", "1", "1", "20.0", "20.0"]


def test_cli_bad_idle_is_one_line_error(two_annotators, db_path):
    r = CliRunner().invoke(cli, ["--db", str(db_path), "stats", "--time", "--idle", "-1"])
    assert r.exit_code == 2 and "Traceback" not in r.output
