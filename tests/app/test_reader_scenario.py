"""Issue 3's "done when" on the seed article, from the keyboard, then quit, reopen, all as left."""

from __future__ import annotations

from tests.app.conftest import db_annotations, goto_text, reader_of, select_text
from tui.app.app import make_app
from tui.app.widgets.event_panel import EventPanel

SIZE = (160, 50)

#: (text, occurrence, tag key): persons, organisations and places of the first paragraphs.
MENTIONS = [
    ("Basra", 0, "3"),
    ("Iraqi troops", 0, "1"),
    ("Shi'ite militias", 0, "2"),
    ("Moqtada al-Sadr", 0, "1"),
    ("VOA", 0, "2"),
    ("Challiss McDonough", 0, "1"),
    ("Cairo", 0, "3"),
    ("Nouri Al-Maliki", 0, "1"),
    ("Moqtada Al-Sadr", 0, "1"),
    ("Mehdi Army", 0, "2"),
]


def summary(anns) -> dict:
    """Everything annotated, by text and type (ids resolved), to compare before and after."""
    by_id = anns.by_id()

    def name(ref: str) -> str:
        ann = by_id[ref]
        return ann.text if hasattr(ann, "text") and hasattr(ann, "label") else ann.type

    return {
        "spans": sorted((s.text, s.label) for s in anns.spans),
        "events": sorted((e.type, by_id[e.trigger].text, tuple((a.role, name(a.target)) for a in e.arguments))
                         for e in anns.events),
        "relations": sorted((r.type, tuple((a.role, name(a.target)) for a in r.arguments))
                            for r in anns.relations),
        "coref": sorted(tuple(sorted(name(m) for m in e.members)) for e in anns.equivalences),
        "attributes": sorted((name(a.target), a.name, a.value) for a in anns.attributes),
        "notes": sorted((name(n.target), n.text) for n in anns.notes),
    }


async def test_done_when_scenario(seed_db):
    """Tag people, organisations and places; an Attack with Attacker, Target, Place; a relation,
    a coreference set, an attribute and a note; undo and redo; quit; reopen: everything as left."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        ids = {}
        for text, nth, key in MENTIONS:
            await select_text(pilot, text, nth)
            await pilot.press(key)
            await pilot.pause()
            ids[text] = screen.selected_id
        # the Attack event: trigger "offensive", roles by tab/enter
        await goto_text(pilot, "offensive")
        await pilot.press("E", "a")
        await pilot.pause()
        assert screen.pick.role.name == "Attacker"
        while screen.selected_id != ids["Iraqi troops"]:
            await pilot.press("tab")
        await pilot.press("enter")
        while screen.selected_id != ids["Shi'ite militias"]:
            await pilot.press("tab")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.pick.role.name == "Place"  # Instrument: no WEA|VEH near, skipped by itself
        while screen.selected_id != ids["Basra"]:
            await pilot.press("tab")
        await pilot.press("enter")  # the last role: the prompt closes, the event selected
        await pilot.pause()
        assert screen.pick is None
        event_id = screen.selected_id
        # an attribute on the event (Polarity Positive) and a note on it
        await pilot.press("A", "space", "enter")
        await pilot.pause()
        await pilot.press("colon", *"pre-dawn start", "enter")
        await pilot.pause()
        # a relation: the correspondent is located in Cairo
        screen._select(ids["Challiss McDonough"])
        await pilot.pause()
        await pilot.press("R", "P", "H", "Y", "S", "enter")
        await pilot.pause()
        assert screen.selected_id == ids["Cairo"]
        await pilot.press("enter")
        # a coreference set: the two spellings of Moqtada al-Sadr
        screen._select(ids["Moqtada al-Sadr"])
        await pilot.pause()
        await pilot.press("C")
        await goto_text(pilot, "Moqtada Al-Sadr")
        await pilot.press("enter")
        await pilot.pause()
        before = summary(db_annotations(seed_db))
        assert summary(screen.anns) == before
        # undo the coreference and redo it
        await pilot.press("u")
        await pilot.pause()
        assert summary(db_annotations(seed_db))["coref"] == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert summary(db_annotations(seed_db)) == before
        # the events panel shows the event
        assert screen.query_one(EventPanel) is not None
        assert event_id in screen.by_id
        await pilot.press("q")
    assert before["events"] == [
        ("Attack", "offensive", (("Attacker", "Iraqi troops"), ("Target", "Shi'ite militias"),
                                 ("Place", "Basra"))),
    ]
    assert before["relations"] == [("PHYS", (("Arg-1", "Challiss McDonough"), ("Arg-2", "Cairo")))]
    assert before["coref"] == [("Moqtada Al-Sadr", "Moqtada al-Sadr")]
    assert before["attributes"] == [("Attack", "Polarity", "Positive")]
    assert before["notes"] == [("Attack", "pre-dawn start")]
    assert sorted(before["spans"]) == sorted([(t, {"1": "PER", "2": "ORG", "3": "GPE"}[k])
                                              for t, _, k in MENTIONS] + [("offensive", "Attack")])
    # reopen: the same document, everything as left
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        assert screen.doc.name == "basra-offensive"
        assert summary(screen.anns) == before
        assert len(screen._highlights()) == len(before["spans"])
