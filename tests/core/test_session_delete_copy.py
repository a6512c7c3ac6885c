"""AnnotationSession: delete with its consequences, and copying from another annotator's layer."""

from __future__ import annotations

import pytest

from tests.core.session_util import assert_index_is_fresh, open_session, pos


@pytest.fixture
def session(tmp_path):
    s = open_session(tmp_path / "s.db")
    yield s
    s.store.close()


def _world(session):
    """Spans, an event with two roles, a relation, a coreference set of three, an attribute, a note."""
    troops = session.tag(*pos("troops"), "PER").value
    basra = session.tag(*pos("Basra"), "GPE").value
    city = session.tag(*pos("city"), "GPE").value
    basra2 = session.tag(*pos("Basra", 1), "GPE").value
    event = session.create_event(*pos("attacked"), "Attack").value
    session.fill_role(event.id, "Attacker", troops.id)
    session.fill_role(event.id, "Place", basra.id)
    relation = session.relate(troops.id, "PHYS", basra.id).value
    session.corefer(basra.id, "Coreference", city.id)
    coref = session.corefer(basra.id, "Coreference", basra2.id).value
    session.set_note(basra.id, "the city, not the province")
    return troops, basra, city, basra2, event, relation, coref


def test_consequences_say_what_a_delete_does(session):
    troops, basra, city, basra2, event, relation, coref = _world(session)
    found = [(c.annotation.id, c.effect, c.roles) for c in session.consequences(basra.id)]
    note = session.note_of(basra.id)
    assert (event.id, "loses-argument", ("Place",)) in found
    assert (relation.id, "deleted", ()) in found
    assert (coref.id, "leaves-set", ()) in found
    assert (note.id, "deleted", ()) in found
    assert len(found) == 4
    trigger = [(c.annotation.id, c.effect) for c in session.consequences(event.trigger)]
    assert trigger == [(event.id, "trigger-deleted")]
    assert session.consequences(city.id)[0].effect == "leaves-set"
    assert session.consequences(basra2.id)[0].effect == "leaves-set"


def test_delete_cascades_and_undo_brings_everything_back(session):
    troops, basra, city, basra2, event, relation, coref = _world(session)
    edit = session.delete(basra.id)
    gone = {a.id for a in edit.value}
    assert basra.id in gone and relation.id in gone
    assert basra.id not in session.index.by_id and relation.id not in session.index.by_id
    assert [a.role for a in session.index.get(event.id).arguments] == ["Attacker"]
    assert session.index.get(coref.id).members == [city.id, basra2.id]
    assert session.note_of(basra.id) is None
    assert basra.id in edit.spans
    assert_index_is_fresh(session)

    session.undo()
    assert session.index.get(basra.id) == basra
    assert [a.role for a in session.index.get(event.id).arguments] == ["Attacker", "Place"]
    assert len(session.index.get(coref.id).members) == 3
    assert_index_is_fresh(session)


def test_deleting_an_event_takes_its_trigger(session):
    troops, basra, city, basra2, event, relation, coref = _world(session)
    assert session.delete_target(event.id).id == event.trigger
    edit = session.delete(event.id)
    assert {a.id for a in edit.value} >= {event.id, event.trigger}
    assert event.trigger not in session.index.event_of_trigger
    assert troops.id in session.index.by_id  # fillers stay
    assert edit.spans is not None and event.trigger in edit.spans
    assert_index_is_fresh(session)


def test_a_set_of_two_goes_with_a_member(session):
    a = session.tag(*pos("Basra"), "GPE").value
    b = session.tag(*pos("city"), "GPE").value
    eq = session.corefer(a.id, "Coreference", b.id).value
    assert [c.effect for c in session.consequences(b.id)] == ["set-deleted"]
    session.delete(b.id)
    assert eq.id not in session.index.by_id and session.anns.equivalences == []
    assert_index_is_fresh(session)


def test_copy_from_another_layer(tmp_path):
    bob = open_session(tmp_path / "c.db", "bob")
    troops = bob.tag(*pos("troops"), "PER").value
    basra = bob.tag(*pos("Basra"), "GPE").value
    event = bob.create_event(*pos("attacked"), "Attack").value
    bob.fill_role(event.id, "Attacker", troops.id)
    bob.set_note(troops.id, "regular army")
    bob.tag(*pos("city"), "GPE")

    alice = open_session(tmp_path / "c.db", "alice", overlay="bob")
    mine = alice.tag(*pos("troops"), "PER").value  # alice has this one already
    source = alice.overlay_anns
    edit = alice.copy_from(source, [event.trigger, basra.id], "bob")
    assert edit.description == "copy from bob (2)"
    # The trigger brings its event and the event its filler, which is alice's own span (reused).
    texts = sorted(s.text for s in alice.anns.spans)
    assert texts == ["Basra", "attacked", "troops"]
    copied_event = alice.anns.events[0]
    assert copied_event.arguments[0].target == mine.id and copied_event.origin == "copy:bob"
    assert all(a.annotator == "alice" for a in alice.anns.all())
    # New: trigger, event, Basra, and the note on bob's troops (it maps to alice's troops).
    assert mine.id not in edit.value and len(edit.value) == 4
    assert [(n.text, n.target) for n in alice.anns.notes] == [("regular army", mine.id)]
    assert_index_is_fresh(alice)

    everything = alice.copy_from(source, [a.id for a in source.all()], "bob", verb="copy all")
    assert everything.description.startswith("copy all from bob")
    assert sorted(s.text for s in alice.anns.spans) == ["Basra", "attacked", "city", "troops"]
    assert_index_is_fresh(alice)
    alice.undo()
    assert sorted(s.text for s in alice.anns.spans) == ["Basra", "attacked", "troops"]
    assert_index_is_fresh(alice)
    bob.store.close()
    alice.store.close()
