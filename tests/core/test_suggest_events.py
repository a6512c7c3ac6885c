"""Propagation of event triggers and inside names (issue 13, item 6): never a bare trigger-typed span."""

from __future__ import annotations

from tui.core.model import Document, Event, Span
from tui.core.review.queue import ReviewQueue
from tui.core.review.suggest import propagate_span, suggest
from tui.core.schema import validate

TEXT = ("The offensive began at dawn. Sadr's men resisted the offensive. "
        "Moqtada al-Sadr called the offensive illegal.")


def _doc(store, text=TEXT):
    doc, _ = store.add_document(Document(name="d", text=text))
    return doc


def _event(store, doc, word, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(word, start + 1)
    with store.action("event", doc.id) as tx:
        trigger = tx.add(Span(label="Attack", fragments=[(start, start + len(word))], doc_id=doc.id))
        event = tx.add(Event(type="Attack", trigger=trigger.id, doc_id=doc.id))
    return trigger, event


def _no_bare_triggers(store, doc):
    """Every span labelled with an event type is an event's trigger, and the layer passes the schema."""
    anns = store.annotations(doc.id)
    schema = store.schema(doc.schema)
    triggers = {e.trigger for e in anns.events}
    bare = [s.text for s in anns.spans if schema.event_type(s.label) is not None and s.id not in triggers]
    assert bare == []
    kinds = {p.kind for p in validate(schema, anns)}
    assert kinds <= {"missing-role"}, kinds


def test_propagating_a_trigger_suggests_pending_events(store):
    """P on the trigger "offensive" (Attack): the two other occurrences become pending Attack events, no bare spans."""
    doc = _doc(store)
    trigger, _ = _event(store, doc, "offensive")
    result = propagate_span(store, trigger.id)
    assert result.added == 2 and result.events == 2
    anns = store.annotations(doc.id, statuses=["pending"])
    assert sorted((e.type, anns.by_id()[e.trigger].text) for e in anns.events) == [
        ("Attack", "offensive"), ("Attack", "offensive")]
    assert all(e.arguments == [] and e.origin == "suggestion:propagate" for e in anns.events)
    _no_bare_triggers(store, doc)
    # Review decides an event and its trigger as one item: accept makes both accepted.
    queue = ReviewQueue(store, docs=[doc.name])
    queue.decide("accept")
    accepted = store.annotations(doc.id, statuses=["accepted"])
    assert len(accepted.events) == 2 and len(accepted.spans) == 2
    _no_bare_triggers(store, doc)


def test_suggest_propagate_from_the_command_line_makes_events_too(store):
    """`tui suggest --source propagate`: an accepted trigger's text elsewhere becomes pending events; a re-run adds none."""
    doc = _doc(store)
    _event(store, doc, "offensive", 1)
    result = suggest(store, "propagate")
    assert result.added == 2 and result.events == 2
    assert "2 of them event(s)" in result.summary()
    _no_bare_triggers(store, doc)
    again = suggest(store, "propagate")
    assert again.added == 0 and again.existing == 3


def test_no_suggestion_inside_a_longer_annotated_name(store):
    """Propagating "Sadr" (PER) skips the Sadr inside the annotated "Moqtada al-Sadr"."""
    doc = _doc(store, "Sadr spoke. Moqtada al-Sadr agreed. Sadr left.")
    long_start = doc.text.index("Moqtada")
    store.add(Span(label="PER", fragments=[(long_start, long_start + len("Moqtada al-Sadr"))], doc_id=doc.id))
    sadr = store.add(Span(label="PER", fragments=[(0, 4)], doc_id=doc.id))
    result = propagate_span(store, sadr.id)
    pending = [s.fragments[0] for s in store.annotations(doc.id, statuses=["pending"]).spans]
    last = doc.text.rindex("Sadr")
    assert pending == [(last, last + 4)]
    assert result.inside == 1 and "1 inside longer annotations" in result.summary()
