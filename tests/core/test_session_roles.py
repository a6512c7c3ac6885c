"""Role filling in the session (issue 13, item 9): types the schema allows, around the trigger's paragraph."""

from __future__ import annotations

import pytest

from tui.core.editing import AnnotationSession, IncompatibleFiller, NewMention, filler_problem
from tui.core.editing.candidates import neighbourhood
from tui.core.model import Document
from tui.core.schema import Role, validate
from tui.core.store import Store

TEXT = ("Basra was quiet.\n"            # paragraph 1
        "Troops attacked at dawn.\n"    # paragraph 2: the trigger
        "Tanks rolled into Basra.\n"    # paragraph 3
        "Much later, Basra voted.\n")   # paragraph 4: too far


@pytest.fixture
def session(tmp_path):
    store = Store(tmp_path / "r.db", annotator="alice")
    doc, _ = store.add_document(Document(name="wire", text=TEXT))
    s = AnnotationSession(store, doc.id, "alice", store.schema(doc.schema))
    yield s
    store.close()


def _at(word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


def test_neighbourhood_is_the_paragraph_and_one_either_side():
    """One paragraph a line: the trigger's line and the lines before and after it."""
    lo, hi = neighbourhood(TEXT, *_at("attacked"))
    assert TEXT[lo:hi] == "Basra was quiet.\nTroops attacked at dawn.\nTanks rolled into Basra."


def test_place_candidates_come_from_the_neighbouring_paragraphs_nearest_first(session):
    """Place (GPE|LOC|FAC): the Basra of paragraphs 1 and 3 (nearest first), not paragraph 4's, not the WEA tanks."""
    basra1 = session.tag(*_at("Basra"), "GPE").value
    basra3 = session.tag(*_at("Basra", 1), "GPE").value
    basra4 = session.tag(*_at("Basra", 2), "GPE").value
    tanks = session.tag(*_at("Tanks"), "WEA").value
    event = session.create_event(*_at("attacked"), "Attack").value
    place = Role("Place", ("GPE", "LOC", "FAC"))
    ids = session.candidates("role", event.id, place)
    assert ids == [basra1.id, basra3.id]
    assert basra4.id not in ids and tanks.id not in ids
    assert session.candidates("role", event.id, Role("Instrument", ("WEA", "VEH"))) == [tanks.id]
    assert session.candidates("role", event.id, Role("Time-Within", ("TIME",))) == []


def test_fill_role_refuses_a_type_the_role_does_not_take(session):
    """Instrument ← Basra (GPE) is refused with the text and types, nothing written; a WEA is taken."""
    basra = session.tag(*_at("Basra"), "GPE").value
    event = session.create_event(*_at("attacked"), "Attack").value
    before = session.store.annotations(session.doc.id)
    with pytest.raises(IncompatibleFiller, match="“Basra” \\(GPE\\) cannot fill Instrument: it takes WEA\\|VEH"):
        session.fill_role(event.id, "Instrument", basra.id)
    with pytest.raises(IncompatibleFiller):
        session.fill_role(event.id, "Instrument", NewMention(*_at("Tanks"), "GPE"))
    assert session.store.annotations(session.doc.id) == before
    session.fill_role(event.id, "Instrument", NewMention(*_at("Tanks"), "WEA"))
    assert [a.role for a in session.index.get(event.id).arguments] == ["Instrument"]
    assert filler_problem(Role("Any"), "GPE") is None


def test_schema_problems_quote_text_not_ids(session):
    """A wrong filler written another way (an import) is flagged with “Basra” (GPE), never an id."""
    basra = session.tag(*_at("Basra"), "GPE").value
    event = session.create_event(*_at("attacked"), "Attack").value
    from dataclasses import replace

    from tui.core.model import Argument

    with session.store.action("import", session.doc.id) as tx:
        tx.update(replace(event, arguments=[Argument(role="Instrument", target=basra.id)]))
    problems = validate(session.schema, session.store.annotations(session.doc.id))
    [message] = [p.message for p in problems if p.kind == "wrong-filler-type"]
    assert message == "Instrument: “Basra” (GPE) is not one of WEA, VEH"
    assert basra.id not in message
