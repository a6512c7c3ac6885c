"""Adjudication: disagreements per item, take one / all / none into gold, auto, undo."""

from __future__ import annotations

import pytest

from tui.core.errors import TuiError
from tui.core.model import Argument, Document, Event, Relation, Span
from tui.core.review import adjudicate as adj

TEXT = "Ann saw Bob in Rome"


@pytest.fixture
def doc(store):
    d, _ = store.add_document(Document(name="d", text=TEXT))
    for label, s, e, who in [("PER", 0, 3, "alice"), ("GPE", 15, 19, "alice"),
                             ("ORG", 0, 3, "bob"), ("GPE", 15, 19, "bob"), ("PER", 8, 11, "bob")]:
        store.add(Span(label=label, fragments=[(s, e)], doc_id=d.id, annotator=who))
    return d


def gold(store, doc, statuses=("accepted",)):
    return [(s.text, s.label, s.origin) for s in store.annotations(doc.id, annotators=["gold"],
                                                                   statuses=list(statuses)).spans]


def test_disagreements_list_differences_and_layer_only_spans(store, doc):
    """Same fragments with other labels, and spans in one layer only, are disagreements."""
    items = adj.items(store, "d", ["alice", "bob"])
    assert [(it.text, it.agreed) for it in items] == [("Ann", False), ("Bob", False), ("Rome", True)]
    ann = items[0]
    assert (ann.summary_of("alice"), ann.summary_of("bob")) == ("PER", "ORG")
    assert items[1].summary_of("alice") == "-"
    assert [it.text for it in adj.disagreements(store, "d", ["alice", "bob"])] == ["Ann", "Bob"]


def test_auto_take_one_take_none_into_gold(store, doc):
    """auto copies agreed items; take alice / none decide the rest; remaining reaches 0."""
    taken, left = adj.auto(store, "d", ["alice", "bob"])
    assert taken == 1 and [it.text for it in left] == ["Ann", "Bob"]
    assert gold(store, doc) == [("Rome", "GPE", "adjudication")]
    copy = store.annotations(doc.id, annotators=["gold"]).spans[0]
    originals = {s.id for s in store.annotations(doc.id, annotators=["alice", "bob"]).spans}
    assert copy.id not in originals
    adj.take(store, left[0], "alice")
    left = adj.disagreements(store, "d", ["alice", "bob"])
    assert [it.text for it in left] == ["Bob"]
    adj.take(store, left[0], "none")
    assert adj.disagreements(store, "d", ["alice", "bob"]) == []
    assert gold(store, doc) == [("Ann", "PER", "adjudication"), ("Rome", "GPE", "adjudication")]
    assert gold(store, doc, ["rejected"]) == [("Bob", "PER", "adjudication")]
    # auto again: nothing more to take
    assert adj.auto(store, "d", ["alice", "bob"])[0] == 0


def test_take_all_and_take_absent_annotator_and_undo(store, doc):
    """take all keeps both labels; taking who has nothing there means none; undo reverts a take."""
    ann, bob = adj.disagreements(store, "d", ["alice", "bob"])
    adj.take(store, ann, "all")
    assert sorted(gold(store, doc)) == [("Ann", "ORG", "adjudication"), ("Ann", "PER", "adjudication")]
    adj.take(store, bob, "alice")  # alice has nothing on "Bob"
    assert gold(store, doc, ["rejected"]) == [("Bob", "PER", "adjudication")]
    store.undo(doc.id)
    assert gold(store, doc, ["rejected"]) == []
    assert [it.text for it in adj.disagreements(store, "d", ["alice", "bob"])] == ["Bob"]
    with pytest.raises(TuiError, match="cannot take 'carol'"):
        adj.take(store, bob, "carol")
    with pytest.raises(TuiError, match="target layer"):
        adj.items(store, "d", ["alice", "gold"])


def test_event_argument_disagreement_take_copies_trigger_and_fillers(store):
    """Events that differ in a role are one item; taking bob's copies event, trigger and fillers."""
    d, _ = store.add_document(Document(name="e", text="Troops attacked Basra"))
    for who, role in (("alice", "Place"), ("bob", "Target")):
        troops = store.add(Span(label="PER", fragments=[(0, 6)], doc_id=d.id, annotator=who))
        basra = store.add(Span(label="GPE", fragments=[(16, 21)], doc_id=d.id, annotator=who))
        trig = store.add(Span(label="Attack", fragments=[(7, 15)], doc_id=d.id, annotator=who))
        store.add(Event(type="Attack", trigger=trig.id, doc_id=d.id, annotator=who,
                        arguments=[Argument(role="Attacker", target=troops.id),
                                   Argument(role=role, target=basra.id)]))
    (item,) = adj.disagreements(store, "e", ["alice", "bob"])
    assert item.kind == "event" and item.summary_of("bob") == "Attack Attacker=Troops Target=Basra"
    adj.take(store, item, "bob")
    g = store.annotations(d.id, annotators=["gold"])
    (ev,) = g.events
    by_id = g.by_id()
    assert by_id[ev.trigger].text == "attacked"
    assert [(a.role, by_id[a.target].text) for a in ev.arguments] == [("Attacker", "Troops"), ("Target", "Basra")]
    assert {s.origin for s in g.spans} == {"adjudication"}
    # the agreed filler spans were taken with the event: nothing remains
    assert adj.disagreements(store, "e", ["alice", "bob"]) == []


def test_relation_type_disagreement_and_rejected_support_spans(store, doc):
    """Relations differing in type are one item; take none leaves their spans undecided."""
    spans = {(s.annotator, s.text): s for s in store.annotations(doc.id).spans}
    store.add(Relation(type="PHYS", doc_id=doc.id, annotator="alice", arguments=[
        Argument(role="Arg1", target=spans[("alice", "Ann")].id),
        Argument(role="Arg2", target=spans[("alice", "Rome")].id)]))
    store.add(Relation(type="GEN-AFF", doc_id=doc.id, annotator="bob", arguments=[
        Argument(role="Arg1", target=spans[("bob", "Ann")].id),
        Argument(role="Arg2", target=spans[("bob", "Rome")].id)]))
    rel = [it for it in adj.disagreements(store, "d", ["alice", "bob"]) if it.kind == "relation"]
    assert len(rel) == 1 and rel[0].text == "Ann ~ Rome"
    adj.take(store, rel[0], "none")
    left = adj.disagreements(store, "d", ["alice", "bob"])
    assert [it.text for it in left] == ["Ann", "Bob"]  # the span items are still open
    adj.take(store, left[0], "bob")
    assert ("Ann", "ORG", "adjudication") in gold(store, doc)
