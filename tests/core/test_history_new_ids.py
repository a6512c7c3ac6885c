"""The history of an annotation just made: complete, and read from its own log entry on.

The reader shows the history of the selected annotation, and a tag selects
the span it made. An id made by the action cannot be named by any earlier
log entry, so the look-up starts at that action's entry instead of scanning
the whole log (issue 12: a tag's frame).
"""

from __future__ import annotations

import pytest

from tests.core.session_util import open_session, pos


@pytest.fixture
def session(tmp_path):
    s = open_session(tmp_path / "s.db")
    yield s
    s.store.close()


def history_scans(session, ann_id: str) -> list[tuple]:
    """The log entries each history query of ``ann_id`` scanned from (its ``seq > ?`` bound)."""
    bounds: list[int] = []
    conn = session.store.conn

    def trace(sql: str) -> None:
        if "instr(changes" in sql and f'"{ann_id}"' in sql:
            bounds.append(int(sql.split("seq > ")[1].split()[0]))

    conn.set_trace_callback(trace)
    try:
        ops = session.store.history(ann_id)
    finally:
        conn.set_trace_callback(None)
    return [(op.seq, op.action) for op in ops], bounds


def test_a_new_spans_history_starts_at_the_action_that_made_it(session):
    start, end = pos("Basra")
    for _ in range(20):  # a log with entries before the span exists
        session.tag(start, end, "GPE")
        session.undo()
    made = session.tag(*pos("militias"), "ORG")
    span_id = made.value.id
    seq = session.store.conn.execute("SELECT max(seq) FROM oplog").fetchone()[0]
    ops, bounds = history_scans(session, span_id)
    assert ops == [(seq, "tag ORG militias")]
    assert bounds == [seq - 1]  # not 0: the 40 entries before it are not read


def test_the_history_of_a_new_span_keeps_growing(session):
    span = session.tag(*pos("Basra"), "GPE").value
    session.store.history(span.id)
    session.retype(span.id, "LOC")
    session.undo()
    ops, _ = history_scans(session, span.id)
    assert [action for _, action in ops] == ["tag GPE Basra", "retype GPE → LOC Basra"]


def test_an_id_written_again_by_redo_has_its_whole_history(session):
    span = session.tag(*pos("Basra"), "GPE").value
    session.undo()
    session.redo()
    ops, _ = history_scans(session, span.id)
    assert [action for _, action in ops] == ["tag GPE Basra"]
    again = session.tag(*pos("Basra"), "LOC").value  # another span on the same words: its own history
    assert again.id != span.id
    assert [op.action for op in session.store.history(again.id)] == ["tag LOC Basra"]


class Searched(str):
    """A log entry's text that counts the searches made in it."""

    searches = 0

    def __contains__(self, needle: object) -> bool:
        type(self).searches += 1
        return super().__contains__(needle)  # type: ignore[operator]


def test_a_long_entry_before_a_new_span_is_not_searched_for_it(session):
    """Long entries (an import's, a long note's) are searched in memory; one made before an id cannot name it."""
    basra = session.tag(*pos("Basra"), "GPE").value
    session.set_note(basra.id, "a long note " * 500)  # an entry longer than LONG_ENTRY: kept in memory
    store = session.store
    store.history(basra.id)  # reads the entries in
    assert store._long_entries, "the note's entry should be a long one"
    store._long_entries = {seq: (state, Searched(text)) for seq, (state, text) in store._long_entries.items()}
    Searched.searches = 0
    made = session.tag(*pos("militias"), "ORG").value
    assert [op.action for op in store.history(made.id)] == ["tag ORG militias"]
    assert Searched.searches == 0
    # an id older than the long entry is still looked for in it
    store.history(basra.id)
    assert Searched.searches == 1
