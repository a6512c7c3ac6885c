"""AnnotationSession: events and roles, relations, coreference, attributes, notes, normalisations."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.core.session_util import assert_index_is_fresh, open_session, pos
from tui.core.editing import NewMention, NoChange, Pick
from tui.core.model import Attribute, Equivalence, Event, Relation, Span
from tui.core.schema import AttributeDef, Role
from tui.core.store import Store


@pytest.fixture
def session(tmp_path):
    s = open_session(tmp_path / "s.db")
    yield s
    s.store.close()


def test_create_event_makes_trigger_and_event(session):
    edit = session.create_event(*pos("attacked"), "Attack")
    event = edit.value
    assert isinstance(event, Event) and event.type == "Attack" and event.arguments == []
    trigger = session.index.get(event.trigger)
    assert trigger.text == "attacked" and trigger.label == "Attack"
    assert session.index.event_of_trigger[trigger.id] == event
    assert edit.spans == frozenset({trigger.id}) and edit.description == "event Attack attacked"
    assert_index_is_fresh(session)


def test_retype_event_changes_event_and_trigger(session):
    event = session.create_event(*pos("attacked"), "Attack").value
    edit = session.retype_event(event.id, "Demonstrate")
    assert edit.value.type == "Demonstrate"
    assert session.index.get(event.trigger).label == "Demonstrate"
    assert session.index.get(event.id).type == "Demonstrate"
    with pytest.raises(NoChange):
        session.retype_event(event.id, "Demonstrate")
    assert_index_is_fresh(session)


def test_fill_a_role_with_an_existing_mention_and_with_a_new_one(session):
    troops = session.tag(*pos("troops"), "PER").value
    event = session.create_event(*pos("attacked"), "Attack").value
    filled = session.fill_role(event.id, "Attacker", troops.id)
    assert filled.value == troops.id and filled.description == "Attack Attacker = troops"
    new = session.fill_role(event.id, "Place", NewMention(*pos("Basra"), "GPE"))
    basra = session.index.get(new.value)
    assert isinstance(basra, Span) and basra.text == "Basra" and basra.label == "GPE"
    args = [(a.role, a.target) for a in session.index.get(event.id).arguments]
    assert args == [("Attacker", troops.id), ("Place", basra.id)]
    # One action each: undo takes the new mention and the argument away together.
    session.undo()
    assert basra.id not in session.index.by_id
    assert [a.role for a in session.index.get(event.id).arguments] == ["Attacker"]
    assert_index_is_fresh(session)


def test_pick_skips_and_advances_through_the_roles(session):
    session.tag(*pos("troops"), "PER")
    session.tag(*pos("Basra"), "GPE")
    event = session.create_event(*pos("attacked"), "Attack").value
    et = session.schema.event_type("Attack")
    pick = Pick("role", event.id, "Attack", list(et.roles))
    assert [session.index.get(c).text for c in session.prepare(pick)] == ["troops", "Basra"]
    assert session.skip_role(pick) and pick.role.name == "Target"
    assert pick.candidates == [] or pick.candidates[0]  # prepared for the new role
    while session.skip_role(pick):
        pass
    assert pick.role.name == et.roles[-1].name  # the last role: the pick is over
    assert session.missing_roles(event.id) == []  # no mandatory role in Attack
    assert session.store.operations(session.doc.id)[0].action == "event Attack attacked"  # nothing written


def test_candidates_only_compatible_types_nearest_first(session):
    """Only the role's types are offered (not the WEA tanks, not the TIME Monday), nearest the trigger first."""
    militias = session.tag(*pos("militias"), "ORG").value  # another sentence, same paragraph
    basra = session.tag(*pos("Basra"), "GPE").value
    tanks = session.tag(*pos("tanks"), "WEA").value
    troops = session.tag(*pos("troops"), "PER").value
    monday = session.tag(*pos("Monday"), "TIME").value
    event = session.create_event(*pos("attacked"), "Attack").value
    attacker = Role("Attacker", ("PER", "ORG", "GPE"))
    ids = session.candidates("role", event.id, attacker)
    assert ids == [troops.id, basra.id, militias.id]
    assert tanks.id not in ids and monday.id not in ids
    session.fill_role(event.id, "Attacker", troops.id)
    assert troops.id not in session.candidates("role", event.id, attacker)  # already fills it


def test_relation_targets_outside_the_paragraphs_are_the_nearest_fifty(tmp_path):
    """A relation with no target around its paragraph offers the 50 nearest; a coreference the whole document."""
    from tui.core.editing import MAX_FAR_CANDIDATES, AnnotationSession
    from tui.core.model import Document

    text = "Basra fell.\n\nNothing.\n\nStill nothing.\n\n" + "\n\n".join(f"W{i:03d}." for i in range(120))
    store = Store(tmp_path / "far.db", annotator="alice")
    doc, _ = store.add_document(Document(name="far", text=text))
    session = AnnotationSession(store, doc.id, "alice", store.schema(doc.schema))
    basra = session.tag(0, 5, "GPE").value
    words = [session.tag(text.index(f"W{i:03d}"), text.index(f"W{i:03d}") + 4, "PER").value for i in range(120)]
    ids = session.candidates("relation", basra.id, Role("Arg-2", ("PER",)))
    assert ids == [w.id for w in words[:MAX_FAR_CANDIDATES]]  # nearest first
    assert session.candidates("coref", basra.id, Role("Coref", ("PER",))) == [w.id for w in words]
    assert session.candidates("role", basra.id, Role("Victim", ("PER",))) == []  # basra is no event
    store.close()


def test_relation_takes_its_roles_from_the_schema(session):
    troops = session.tag(*pos("troops"), "PER").value
    basra = session.tag(*pos("Basra"), "GPE").value
    edit = session.relate(troops.id, "PHYS", basra.id)
    relation = edit.value
    assert isinstance(relation, Relation) and edit.description == "relation PHYS → Basra"
    assert [(a.role, a.target) for a in relation.arguments] == [("Arg-1", troops.id), ("Arg-2", basra.id)]
    new = session.relate(troops.id, "PHYS", NewMention(*pos("city"), "GPE")).value
    city = session.index.get(new.arguments[1].target)
    assert city.text == "city"
    assert_index_is_fresh(session)


def test_coreference_makes_grows_and_merges_sets(session):
    a = session.tag(*pos("Basra"), "GPE").value
    b = session.tag(*pos("city"), "GPE").value
    c = session.tag(*pos("Basra", 1), "GPE").value
    d = session.tag(*pos("it"), "GPE").value
    first = session.corefer(a.id, "Coreference", b.id).value
    assert isinstance(first, Equivalence) and first.members == [a.id, b.id]
    other = session.corefer(c.id, "Coreference", d.id).value
    assert len(session.anns.equivalences) == 2
    merged = session.corefer(b.id, "Coreference", c.id).value  # two sets become one
    assert merged.id == first.id and merged.members == [a.id, b.id, c.id, d.id]
    assert [e.id for e in session.anns.equivalences] == [first.id]
    assert other.id not in session.index.by_id
    with pytest.raises(ValueError, match="already in the same"):
        session.corefer(a.id, "Coreference", d.id)
    assert len(session.store.operations(session.doc.id)) == 7  # the refused one wrote nothing
    grown = session.corefer(a.id, "Coreference", NewMention(*pos("army"), "GPE")).value
    assert len(grown.members) == 5
    assert_index_is_fresh(session)


def test_attributes_add_change_and_remove(tmp_path):
    probe = open_session(tmp_path / "a.db")
    schema = replace(probe.schema, attributes=[
        *probe.schema.attributes, AttributeDef("Negated", ("event",)),
    ])
    probe.store.close()
    session = open_session(tmp_path / "a.db", schema=schema)
    event = session.create_event(*pos("attacked"), "Attack").value
    # A trigger's attributes sit on its event.
    assert session.attribute_target(event.trigger) == session.index.get(event.id)
    names = [d.name for d in session.applicable_attributes(session.index.get(event.id))]
    assert names[:4] == ["Polarity", "Tense", "Genericity", "Modality"] and "Negated" in names
    edit = session.set_attributes(event.id, {"Tense": "Past", "Negated": True})
    assert edit.description == "attributes Tense=Past, Negated"
    assert session.attribute_values(event.id) == {"Tense": "Past", "Negated": True}
    session.set_attributes(event.id, {"Tense": "Future", "Negated": True})
    assert session.attribute_values(event.id) == {"Tense": "Future", "Negated": True}
    with pytest.raises(NoChange):
        session.set_attributes(event.id, {"Tense": "Future", "Negated": True})
    removed = session.set_attributes(event.id, {"Tense": None, "Negated": False})
    assert removed.description == "attributes Tense removed, Negated removed"
    assert session.attribute_values(event.id) == {} and session.anns.attributes == []
    session.undo()
    assert [(a.name, a.value) for a in session.anns.attributes] in (
        [("Tense", "Future"), ("Negated", None)], [("Negated", None), ("Tense", "Future")])
    assert all(isinstance(a, Attribute) for a in session.anns.attributes)
    assert_index_is_fresh(session)
    session.store.close()


def test_note_write_change_remove(session):
    span = session.tag(*pos("Basra"), "GPE").value
    note = session.set_note(span.id, "check the spelling").value
    assert note is not None and session.note_of(span.id).text == "check the spelling"
    with pytest.raises(NoChange):
        session.set_note(span.id, "check the spelling")
    session.set_note(span.id, "fine")
    assert session.note_of(span.id).text == "fine" and session.note_of(span.id).id == note.id
    assert session.set_note(span.id, "").value is None
    assert session.note_of(span.id) is None
    with pytest.raises(NoChange):
        session.set_note(span.id, "")
    assert_index_is_fresh(session)


def test_normalisation_link_relink_remove(session):
    span = session.tag(*pos("Basra"), "GPE").value
    made = session.normalise(span.id, "Wikidata", "Q48195", "Basra").value
    assert (made.resource, made.key) == ("Wikidata", "Q48195")
    again = session.normalise(span.id, "GeoNames", "99347").value
    assert again.id == made.id and session.normalization_of(span.id).key == "99347"
    assert len(session.anns.normalizations) == 1
    session.remove_normalisation(span.id)
    assert session.normalization_of(span.id) is None
    with pytest.raises(NoChange):
        session.remove_normalisation(span.id)
    assert_index_is_fresh(session)


def test_a_rejected_coreference_suggestion_neither_hides_a_candidate_nor_blocks_the_link(tmp_path):
    """A rejected same-name link between two mentions: `C` from one still offers the other, and links them."""
    from tui.core.review.queue import ReviewQueue
    from tui.core.review.suggest import suggest

    path = tmp_path / "r.db"
    probe = open_session(path)
    a = probe.tag(*pos("Basra"), "GPE").value
    b = probe.tag(*pos("city"), "GPE").value
    c = probe.tag(*pos("Basra", 1), "GPE").value
    probe.corefer(a.id, "Coreference", b.id)
    assert suggest(probe.store, "coref").added == 1  # the second "Basra" for the chain
    ReviewQueue(probe.store).reject()
    probe.store.close()
    session = open_session(path)
    rejected = [e for e in session.anns.equivalences if e.status == "rejected"]
    assert [e.members for e in rejected] == [[a.id, c.id]]
    assert c.id in session.candidates("coref", a.id, Role("Coreference", ("GPE",)))
    grown = session.corefer(a.id, "Coreference", c.id).value
    assert grown.status == "accepted" and grown.members == [a.id, b.id, c.id]
