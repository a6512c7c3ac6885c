"""AnnotationSession: tagging, retyping, re-spanning, fragments, undo and redo (real SQLite store)."""

from __future__ import annotations

import pytest

from tests.core.session_util import TEXT, assert_index_is_fresh, open_session, pos
from tui.core.editing import NoChange
from tui.core.errors import InputError
from tui.core.model import Span
from tui.core.store import Store


@pytest.fixture
def session(tmp_path):
    s = open_session(tmp_path / "s.db")
    yield s
    s.store.close()


def test_tag_adds_a_span_to_the_store_and_the_index(session, tmp_path):
    start, end = pos("Basra")
    edit = session.tag(start, end, "GPE")
    span = edit.value
    assert isinstance(span, Span) and span.text == "Basra" and span.label == "GPE"
    assert edit.description == "tag GPE Basra" and not edit.reused
    assert edit.spans == frozenset({span.id})
    assert [(c.kind, c.id, c.old) for c in edit.changes.annotations(session.doc.id, "alice")] == [
        ("spans", span.id, None)]
    assert session.index.get(span.id) == span
    with Store(tmp_path / "s.db", annotator="alice") as other:
        assert other.get(span.id).label == "GPE"
    assert_index_is_fresh(session)


def test_tagging_the_same_words_again_reuses_the_span(session):
    start, end = pos("Basra")
    first = session.tag(start, end, "GPE").value
    again = session.tag(start, end, "GPE")
    assert again.reused and again.value.id == first.id and not again.changes
    assert len(session.anns.spans) == 1
    assert [op.action for op in session.store.operations(session.doc.id)] == ["tag GPE Basra"]
    other = session.tag(start, end, "LOC")  # another type is another span
    assert not other.reused and len(session.anns.spans) == 2


def test_retype_changes_the_label_and_refuses_no_change_and_triggers(session):
    span = session.tag(*pos("Basra"), "LOC").value
    edit = session.retype(span.id, "GPE")
    assert edit.value.id == span.id and session.index.get(span.id).label == "GPE"
    assert edit.description == "retype LOC → GPE Basra"
    assert span.label == "LOC"  # the indexed object of before was not edited in place
    with pytest.raises(NoChange):
        session.retype(span.id, "GPE")
    event = session.create_event(*pos("attacked"), "Attack").value
    with pytest.raises(ValueError, match="trigger"):
        session.retype(event.trigger, "PER")
    assert_index_is_fresh(session)


def test_respan_keeps_the_id_and_the_arguments(session):
    troops = session.tag(*pos("troops"), "PER").value
    event = session.create_event(*pos("attacked"), "Attack").value
    session.fill_role(event.id, "Attacker", troops.id)
    edit = session.respan(troops.id, *pos("Iraqi troops"))
    assert edit.value.id == troops.id and session.index.get(troops.id).text == "Iraqi troops"
    assert session.index.get(event.id).arguments[0].target == troops.id
    assert_index_is_fresh(session)


def test_add_fragment_makes_a_discontinuous_span(session):
    span = session.tag(*pos("troops"), "PER").value
    session.add_fragment(span.id, *pos("army"))
    now = session.index.get(span.id)
    assert now.fragments == [pos("troops"), pos("army")] and now.text == "troops army"
    assert_index_is_fresh(session)


def test_undo_and_redo_restore_the_index(session):
    a = session.tag(*pos("Basra"), "GPE").value
    b = session.tag(*pos("militias"), "ORG").value
    session.retype(b.id, "PER")
    assert session.can_undo() and not session.can_redo()

    undone = session.undo()
    assert undone.value is not None and undone.value.action.startswith("retype ORG → PER")
    assert session.index.get(b.id).label == "ORG" and b.id in undone.spans
    assert session.can_redo()
    assert_index_is_fresh(session)

    session.undo()
    assert b.id not in session.index.by_id and a.id in session.index.by_id
    assert_index_is_fresh(session)

    redone = session.redo()
    assert redone.value is not None and session.index.get(b.id).label == "ORG"
    assert_index_is_fresh(session)
    session.redo()
    assert session.index.get(b.id).label == "PER" and not session.can_redo()
    assert_index_is_fresh(session)

    session.undo()
    session.undo()
    session.undo()
    assert session.anns.spans == [] and not session.can_undo()
    assert session.undo().value is None  # nothing left
    assert_index_is_fresh(session)


def test_a_new_action_drops_the_redo_stack(session):
    session.tag(*pos("Basra"), "GPE")
    session.undo()
    assert session.can_redo()
    session.tag(*pos("army"), "ORG")
    assert not session.can_redo() and session.store.can_redo(session.doc.id) is False


def test_a_refused_action_leaves_the_index_as_it_was(session):
    span = session.tag(*pos("Basra"), "GPE").value
    before = list(session.anns.spans)
    with pytest.raises(InputError):
        session.respan(span.id, 5, 2)  # end before start: the store refuses it
    assert session.anns.spans == before and session.index.get(span.id).fragments == [pos("Basra")]
    assert_index_is_fresh(session)


def test_changes_to_the_overlay_layer_ask_for_a_reload(tmp_path):
    bob = open_session(tmp_path / "o.db", "bob")
    bob_span = bob.tag(*pos("Basra"), "GPE").value
    alice = open_session(tmp_path / "o.db", "alice", overlay="bob")
    assert [s.id for s in alice.overlay_anns.spans] == [bob_span.id]
    bob.retype(bob_span.id, "LOC")
    assert alice.index.apply(bob.store.last_change_set, alice.doc.id, "alice", "bob") is None
    edit = alice.tag(*pos("army"), "ORG")
    assert edit.spans is not None and not edit.reloaded
    alice.reload()
    assert alice.overlay_anns.spans[0].label == "LOC"
    bob.store.close()
    alice.store.close()


def test_an_action_nested_in_another_reloads_everything(session):
    with session.store.action("outer", session.doc.id):
        edit = session.tag(*pos("Basra"), "GPE")
    assert edit.reloaded
    assert [s.text for s in session.anns.spans] == ["Basra"]
    assert_index_is_fresh(session)


def test_find_span_and_span_at(session):
    basra = session.tag(*pos("Basra"), "GPE").value
    session.tag(*pos("Iraqi troops"), "PER")
    troops = session.tag(*pos("troops"), "ORG").value
    assert session.index.find_span(*pos("Basra"), "GPE") == basra
    assert session.index.find_span(*pos("Basra"), "LOC") is None
    offset = TEXT.index("troops") + 1
    assert session.index.span_at(offset) == troops  # the shortest
    assert session.index.span_at(offset, prefer=("PER",)).text == "Iraqi troops"
    assert session.index.span_at(TEXT.index("calm")) is None
