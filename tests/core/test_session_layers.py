"""Another annotator's layer is read-only; copying from it is idempotent (issue 13, items 5 and 13)."""

from __future__ import annotations

import pytest

from tests.core.session_util import assert_index_is_fresh, open_session, pos
from tui.core.editing import AnnotationSession, ReadOnlyLayer


def _bobs_world(path):
    """Bob's layer: spans, an event with a filler, a relation, a set of two, an attribute, a note."""
    bob = open_session(path, "bob")
    troops = bob.tag(*pos("troops"), "PER").value
    basra = bob.tag(*pos("Basra"), "GPE").value
    city = bob.tag(*pos("city"), "GPE").value
    event = bob.create_event(*pos("attacked"), "Attack").value
    bob.fill_role(event.id, "Attacker", troops.id)
    bob.relate(troops.id, "PHYS", basra.id)
    bob.corefer(basra.id, "Coreference", city.id)
    bob.set_note(troops.id, "regular army")
    bob.set_attributes(event.id, {"Polarity": "Negative"})
    bob.store.close()
    return troops, basra, event


def _rows(store):
    """Every row of every annotation table, for 'nothing changed' checks."""
    tables = ["spans", "events", "relations", "equivalences", "attributes", "normalizations", "notes"]
    return {t: sorted(map(tuple, store.conn.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}


def test_viewing_another_layer_refuses_every_verb(tmp_path):
    """Alice viewing bob's layer: tag, retype, delete, note, event, undo all raise ReadOnlyLayer; nothing written."""
    troops, basra, event = _bobs_world(tmp_path / "l.db")
    alice = open_session(tmp_path / "l.db", "alice")
    viewing = AnnotationSession(alice.store, alice.doc.id, "bob", alice.schema)
    assert viewing.read_only and not alice.read_only
    before = _rows(alice.store)
    attempts = [
        lambda: viewing.tag(*pos("Monday"), "PER"),
        lambda: viewing.tag(*pos("troops"), "PER"),  # even an identical span: no silent reuse
        lambda: viewing.retype(troops.id, "ORG"),
        lambda: viewing.delete(basra.id),
        lambda: viewing.set_note(basra.id, "mine"),
        lambda: viewing.create_event(*pos("fled"), "Transport"),
        lambda: viewing.fill_role(event.id, "Place", basra.id),
        lambda: viewing.corefer(troops.id, "Coreference", basra.id),
        lambda: viewing.undo(),
    ]
    for attempt in attempts:
        with pytest.raises(ReadOnlyLayer, match="bob's layer is read-only"):
            attempt()
    assert _rows(alice.store) == before
    # The review screen edits other layers on purpose (its fixes).
    fixing = AnnotationSession(alice.store, alice.doc.id, "bob", alice.schema, edits_other_layers=True)
    assert not fixing.read_only
    alice.store.close()


def test_copy_from_the_viewed_layer_goes_into_mine(tmp_path):
    """Viewing bob's layer, a copy writes into alice's own layer (not bob's), and bob's stays as it was."""
    troops, basra, event = _bobs_world(tmp_path / "v.db")
    alice = open_session(tmp_path / "v.db", "alice")
    viewing = AnnotationSession(alice.store, alice.doc.id, "bob", alice.schema)
    bobs = viewing.anns
    edit = viewing.copy_from(bobs, [basra.id], "bob")
    mine = alice.store.annotations(alice.doc.id, annotators=["alice"])
    assert [s.text for s in mine.spans] == ["Basra"] and len(edit.value) == 1
    assert alice.store.annotations(alice.doc.id, annotators=["bob"]) == bobs
    alice.store.close()


def test_copy_all_twice_adds_nothing(tmp_path):
    """Y twice: the second copy writes nothing (no second event, relation, set, note or attribute)."""
    _bobs_world(tmp_path / "y.db")
    alice = open_session(tmp_path / "y.db", "alice", overlay="bob")
    source = alice.overlay_anns
    first = alice.copy_from(source, [a.id for a in source.all()], "bob", verb="copy all")
    counts = _counts(alice)
    assert counts == {"spans": 4, "events": 1, "relations": 1, "equivalences": 1, "attributes": 1,
                      "normalizations": 0, "notes": 1}
    assert len(first.value) == sum(counts.values())
    second = alice.copy_from(source, [a.id for a in source.all()], "bob", verb="copy all")
    assert second.value == [] and not second.changes
    assert _counts(alice) == counts
    assert_index_is_fresh(alice)
    alice.store.close()


def test_copy_one_then_all_does_not_double_what_hangs_on_it(tmp_path):
    """y on the trigger (event, filler, note, attribute come along), then Y: no second note, attribute or event."""
    troops, basra, event = _bobs_world(tmp_path / "o.db")
    alice = open_session(tmp_path / "o.db", "alice", overlay="bob")
    source = alice.overlay_anns
    alice.copy_from(source, [event.trigger], "bob")
    assert _counts(alice)["notes"] == 1 and _counts(alice)["attributes"] == 1
    alice.copy_from(source, [a.id for a in source.all()], "bob", verb="copy all")
    assert _counts(alice) == {"spans": 4, "events": 1, "relations": 1, "equivalences": 1, "attributes": 1,
                              "normalizations": 0, "notes": 1}
    assert_index_is_fresh(alice)
    alice.store.close()


def test_copy_grows_what_i_have(tmp_path):
    """My event on the same trigger gains bob's missing argument; my set sharing a member gains his."""
    troops, basra, event = _bobs_world(tmp_path / "g.db")
    alice = open_session(tmp_path / "g.db", "alice", overlay="bob")
    my_event = alice.create_event(*pos("attacked"), "Attack").value
    my_basra = alice.tag(*pos("Basra"), "GPE").value
    alice.corefer(my_basra.id, "Coreference", alice.tag(*pos("Basra", 1), "GPE").value.id)
    source = alice.overlay_anns
    alice.copy_from(source, [a.id for a in source.all()], "bob", verb="copy all")
    events = alice.anns.events
    assert [e.id for e in events] == [my_event.id]
    assert [(a.role, alice.index.get(a.target).text) for a in events[0].arguments] == [("Attacker", "troops")]
    [coref] = alice.anns.equivalences
    assert sorted(alice.index.get(m).text for m in coref.members) == ["Basra", "Basra", "city"]
    assert_index_is_fresh(alice)
    alice.store.close()


def _counts(session):
    anns = session.store.annotations(session.doc.id, annotators=[session.store.annotator])
    return {kind: len(getattr(anns, kind)) for kind in
            ("spans", "events", "relations", "equivalences", "attributes", "normalizations", "notes")}


def test_document_counts_of_one_layer_leave_pending_apart(tmp_path):
    """documents(annotator): only that layer's accepted annotations are counted; pending ones in by_status."""
    from tui.core.model import Span
    from tui.core.store import Store

    _bobs_world(tmp_path / "n.db")
    alice = open_session(tmp_path / "n.db", "alice")
    alice.store.set_doc_status(alice.doc.id, "in-progress")  # a status row of hers, then bob's
    with Store(tmp_path / "n.db", annotator="bob") as bob:
        bob.set_doc_status(alice.doc.id, "done")
    alice.tag(*pos("Monday"), "TIME")
    with alice.store.action("suggest", alice.doc.id) as tx:
        tx.add(Span(label="GPE", fragments=[pos("Basra", 1)], doc_id=alice.doc.id, status="pending"))
    [mine] = alice.store.documents("alice")
    assert mine.counts["spans"] == 1 and mine.counts["events"] == 0
    assert mine.by_status["pending"] == 1 and mine.by_status["accepted"] == 1
    [everyone] = alice.store.documents()
    assert everyone.counts["spans"] == 4 + 1 + 1  # bob's four (trigger included), alice's two
    alice.store.close()
