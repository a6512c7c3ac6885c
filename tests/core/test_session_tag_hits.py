"""AnnotationSession.tag_hits: every hit of a search tagged at once, one undo step (real SQLite store)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from tests.core.session_util import TEXT, assert_index_is_fresh, open_session, pos
from tui.core.editing.navigation import next_unannotated_name
from tui.core.store import Store


@pytest.fixture
def session(tmp_path):
    s = open_session(tmp_path / "s.db")
    yield s
    s.store.close()


def hits(word: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(re.escape(word), TEXT)]


def rows(path, sql):
    with Store(path, annotator="alice") as other:
        return other.conn.execute(sql).fetchall()


def test_every_hit_tagged_as_one_undo_step(session, tmp_path):
    edit = session.tag_hits(hits("Basra"), "GPE", pending=False)
    result = edit.value
    assert len(result.ids) == 2 and result.skipped == 0 and not result.events
    assert result.summary("GPE", pending=False) == "tagged 2 hits GPE"
    assert sorted(rows(tmp_path / "s.db", "SELECT start, label, status, origin FROM spans")) == [
        (pos("Basra")[0], "GPE", "accepted", "manual"), (pos("Basra", 1)[0], "GPE", "accepted", "manual")]
    assert_index_is_fresh(session)
    session.undo()
    assert rows(tmp_path / "s.db", "SELECT id FROM spans") == []
    assert not session.index.anns.spans
    session.redo()
    assert len(rows(tmp_path / "s.db", "SELECT id FROM spans")) == 2
    assert_index_is_fresh(session)


def test_already_tagged_and_inside_a_longer_span_are_skipped(session):
    session.tag(*pos("Basra"), "GPE")
    session.tag(pos("attacked Basra")[0] - len("troops "), pos("Basra")[1], "ORG")  # "troops attacked Basra"
    # The second Basra has no span: the only one tagged.
    result = session.tag_hits(hits("Basra"), "GPE", pending=True).value
    assert (len(result.ids), result.already, result.inside) == (1, 1, 0)
    again = session.tag_hits(hits("Basra"), "GPE", pending=False)
    assert again.reused and not again.changes and again.value.already == 2
    assert "skipped 2: 2 already GPE" in again.value.summary("GPE", pending=False)
    inside = session.tag_hits(hits("Basra"), "LOC", pending=False).value
    # The first Basra lies inside "troops attacked Basra" (ORG); the second overlaps a GPE span.
    assert (len(inside.ids), inside.inside, inside.overlapping) == (1, 1, 1)
    assert "1 overlap another annotation" in inside.summary("LOC", pending=False)


def test_pending_suggestions_are_not_made_again_once_rejected(session):
    made = session.tag_hits(hits("Basra"), "GPE", pending=True).value
    assert all(session.index.get(i).status == "pending" for i in made.ids)
    assert {session.index.get(i).origin for i in made.ids} == {"suggestion:search"}
    first = session.index.get(made.ids[0])
    session.run("reject", lambda tx: tx.update(replace(first, status="rejected")))
    again = session.tag_hits(hits("Basra"), "GPE", pending=True).value
    assert (len(again.ids), again.rejected, again.already) == (0, 1, 1)


def test_an_event_type_makes_events_never_bare_triggers(session, tmp_path):
    result = session.tag_hits(hits("attacked"), "Attack", pending=True, event=True).value
    assert len(result.ids) == 1 and len(result.events) == 1
    assert rows(tmp_path / "s.db", "SELECT type, status, origin FROM events") == [
        ("Attack", "pending", "suggestion:search")]
    trigger = session.index.get(result.ids[0])
    assert session.index.event_of_trigger[trigger.id].id == result.events[0]
    again = session.tag_hits(hits("attacked"), "Attack", pending=False, event=True).value
    assert again.already == 1 and not again.ids
    assert_index_is_fresh(session)


def test_the_next_name_passes_over_annotated_ones_pending_included(session):
    basra1, basra2 = pos("Basra"), pos("Basra", 1)
    assert next_unannotated_name(session.index, TEXT, 0) == pos("Iraqi")
    assert next_unannotated_name(session.index, TEXT, pos("Iraqi")[0] + 1) == basra1
    session.tag_hits([basra1], "GPE", pending=True)
    assert next_unannotated_name(session.index, TEXT, pos("Iraqi")[0] + 1) == pos("Monday")
    # "The militias" starts a sentence: no name. The next is the second Basra.
    assert next_unannotated_name(session.index, TEXT, pos("Monday")[0] + 1) == basra2
    assert next_unannotated_name(session.index, TEXT, basra2[0] + 1) is None
    assert next_unannotated_name(session.index, TEXT, basra2[0], -1) == pos("Monday")
