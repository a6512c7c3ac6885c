"""`suggest --source coref`: same-name mentions suggested as pending links to a chain; review links them."""

from __future__ import annotations

from tui.core.model import Document, Equivalence, Span
from tui.core.review.coref import shorter_form
from tui.core.review.queue import ReviewQueue
from tui.core.review.suggest import suggest

TEXT = "Muqtada al-Sadr spoke. Sadr left. Muqtada came. Basra fell. Sadr City. Sadr again."
#       0               16     23   28    34      42    48    54    60   65     72


def span(store, doc, text, label, nth=0, status="accepted"):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(text, start + 1)
    return store.add(Span(label=label, fragments=[(start, start + len(text))], doc_id=doc.id, status=status))


def setup(store):
    doc, _ = store.add_document(Document(name="d", text=TEXT))
    full = span(store, doc, "Muqtada al-Sadr", "PER")
    other = span(store, doc, "Muqtada", "PER", nth=1)  # a second member, so the chain is a real set
    chain = store.add(Equivalence(type="Coref", members=[full.id, other.id], doc_id=doc.id))
    return doc, chain


def test_shorter_form_on_word_boundaries():
    """The same text, or the member's first or last words (a hyphen is a boundary); never a part of a word."""
    assert shorter_form("Muqtada al-Sadr", "Sadr")
    assert shorter_form("Muqtada al-Sadr", "Muqtada")
    assert shorter_form("Muqtada al-Sadr", "Muqtada al-Sadr")
    assert not shorter_form("Muqtada al-Sadr", "adr")
    assert not shorter_form("Muqtada al-Sadr", "al")
    assert not shorter_form("Sadr", "Muqtada al-Sadr")


def test_shorter_form_allows_a_capitalised_first_letter():
    """A particle capitalised at a sentence start ("Al-Sayed") still names "Hassan al-Sayed"; not the reverse."""
    assert shorter_form("Hassan al-Sayed", "Al-Sayed")
    assert not shorter_form("Hassan al-Sayed", "AL-Sayed")
    assert not shorter_form("Hassan Al-Sayed", "al-Sayed")
    assert not shorter_form("Muqtada al-Sadr", "sadr")


def test_coref_suggests_unlinked_same_type_mentions_and_review_links_them(store):
    """'Sadr' (PER, unlinked) is suggested for the chain; 'Sadr City' (FAC) and 'Basra' are not."""
    doc, chain = setup(store)
    sadr = span(store, doc, "Sadr", "PER", nth=1)
    span(store, doc, "Sadr City", "FAC")
    span(store, doc, "Basra", "GPE")
    result = suggest(store, "coref")
    assert result.added == 1 and result.per_label == {"Coref": 1}
    link = store.get(result.ids[0])
    assert link.status == "pending" and link.origin == "suggestion:coref"
    assert link.members == [chain.members[0], sadr.id]
    q = ReviewQueue(store)
    assert [(it.kind, it.text, it.start) for it in q.items] == [("equivalences", "Sadr", sadr.start)]
    q.accept()
    sets = store.annotations(doc.id).equivalences
    assert len(sets) == 1 and sets[0].id == chain.id and sets[0].members == [*chain.members, sadr.id]
    assert suggest(store, "coref").added == 0  # linked now
    q.back()
    sets = store.annotations(doc.id).equivalences
    assert {(e.id, e.status) for e in sets} == {(chain.id, "accepted"), (link.id, "pending")}


def test_rejected_link_is_never_suggested_again_and_reruns_add_no_duplicates(store):
    """A re-run counts the pending link as present; after a reject it is counted as rejected."""
    doc, _ = setup(store)
    span(store, doc, "Sadr", "PER", nth=1)
    assert suggest(store, "coref").added == 1
    again = suggest(store, "coref")
    assert again.added == 0 and again.existing == 1
    ReviewQueue(store).reject()
    third = suggest(store, "coref")
    assert third.added == 0 and third.rejected == 1


def test_mentions_already_in_a_set_and_pending_spans_are_left_alone(store):
    """Only accepted spans in no set of the type are suggested."""
    doc, _ = setup(store)
    a = span(store, doc, "Sadr", "PER", nth=1)
    b = span(store, doc, "Sadr", "PER", nth=3)
    store.add(Equivalence(type="Coref", members=[a.id, b.id], doc_id=doc.id))
    span(store, doc, "Sadr", "PER", nth=2, status="pending")
    assert suggest(store, "coref").added == 0


def test_cli_suggest_source_coref(db_path):
    """`tui suggest --source coref` adds the link and prints the count."""
    from click.testing import CliRunner

    from tui.cli import cli
    from tui.core.store import Store

    with Store(db_path, annotator="alice") as store:
        doc, _ = setup(store)
        span(store, doc, "Sadr", "PER", nth=1)
    r = CliRunner().invoke(cli, ["--db", str(db_path), "--annotator", "alice", "suggest", "--source", "coref"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("coref: 1 suggestion(s) added in 1 document(s) (Coref 1)")


def test_back_restores_a_merged_link_when_it_is_no_longer_the_latest_action(store):
    """With another action logged after the accept, back re-creates the pending link and shrinks the chain."""
    doc, chain = setup(store)
    sadr = span(store, doc, "Sadr", "PER", nth=1)
    link_id = suggest(store, "coref").ids[0]
    q = ReviewQueue(store)
    q.accept()
    span(store, doc, "Basra", "GPE")  # a later action: the accept is not the latest any more
    q.back()
    sets = {e.id: e for e in store.annotations(doc.id).equivalences}
    assert sets[chain.id].members == chain.members
    assert sets[link_id].status == "pending" and sets[link_id].members == [chain.members[0], sadr.id]
    assert store.operations(limit=1)[0].action == "review: back"


NEW = "Tobias Mukono spoke. Mukono left. Basra fell. Mukono again. Basra. Mukono Dam."
#      0             14     21           34    40          52      60     67


def new_span(store, doc, text, label, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = NEW.index(text, start + 1)
    return store.add(Span(label=label, fragments=[(start, start + len(text))], doc_id=doc.id))


def test_short_forms_of_a_free_name_are_suggested_as_a_new_chain_and_review_builds_it(store):
    """No chain yet: each later "Mukono" (PER) is a link to "Tobias Mukono"; accepting both makes one chain.

    The repeated "Basra" (no longer name) and "Mukono Dam" (FAC, and longer) are not suggested.
    """
    doc, _ = store.add_document(Document(name="d", text=NEW))
    full = new_span(store, doc, "Tobias Mukono", "PER")
    first = new_span(store, doc, "Mukono", "PER", nth=1)
    second = new_span(store, doc, "Mukono", "PER", nth=2)
    new_span(store, doc, "Basra", "GPE")
    new_span(store, doc, "Basra", "GPE", nth=1)
    new_span(store, doc, "Mukono Dam", "FAC")
    result = suggest(store, "coref")
    assert result.added == 2 and result.per_label == {"Coref": 2}
    links = [store.get(i) for i in result.ids]
    assert sorted(link.members[1] for link in links) == sorted([first.id, second.id])
    assert all(link.members[0] == full.id and link.status == "pending" for link in links)
    q = ReviewQueue(store)
    assert [(it.kind, it.text, it.start) for it in q.items] == [
        ("equivalences", "Mukono", first.start), ("equivalences", "Mukono", second.start)]
    q.accept()
    q.accept()
    sets = [e for e in store.annotations(doc.id).equivalences if e.status != "rejected"]
    assert len(sets) == 1 and sets[0].status == "accepted"
    assert sorted(sets[0].members) == sorted([full.id, first.id, second.id])
    assert suggest(store, "coref").added == 0  # all in the chain now


def test_a_rejected_new_chain_link_is_never_suggested_again(store):
    """Reject the first, accept the second: the chain is the name and the second; a re-run adds nothing."""
    doc, _ = store.add_document(Document(name="d", text=NEW))
    full = new_span(store, doc, "Tobias Mukono", "PER")
    new_span(store, doc, "Mukono", "PER", nth=1)
    second = new_span(store, doc, "Mukono", "PER", nth=2)
    assert suggest(store, "coref").added == 2
    again = suggest(store, "coref")
    assert again.added == 0 and again.existing == 2
    q = ReviewQueue(store)
    q.reject()
    q.accept()
    chains = [e for e in store.annotations(doc.id).equivalences if e.status == "accepted"]
    assert [sorted(c.members) for c in chains] == [sorted([full.id, second.id])]
    third = suggest(store, "coref")
    assert third.added == 0 and third.rejected == 1


def test_a_name_in_a_set_or_a_trigger_starts_no_new_chain(store):
    """The longer name already in a set: its short forms are links to that set, never a second chain."""
    doc, _ = store.add_document(Document(name="d", text=NEW))
    full = new_span(store, doc, "Tobias Mukono", "PER")
    basra = new_span(store, doc, "Basra", "GPE")
    chain = store.add(Equivalence(type="Coref", members=[full.id, basra.id], doc_id=doc.id))
    mukono = new_span(store, doc, "Mukono", "PER", nth=1)
    result = suggest(store, "coref")
    assert result.added == 1 and store.get(result.ids[0]).members == [chain.members[0], mukono.id]
