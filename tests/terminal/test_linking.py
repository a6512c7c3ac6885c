"""Offline entity linking in `@` in a real terminal (issue 14): ranked place candidates, enter picks."""

from __future__ import annotations

from pathlib import Path

from tests.app.conftest import SEED_NAME
from tests.terminal.harness import covers, needs_tmux, wait_db
from tests.terminal.keys import binding_key
from tui.core.model import Span
from tui.core.store import Store
from tui.core.text import motions

pytestmark = needs_tmux

NORMS = "SELECT resource, key, label FROM normalizations"


def _basra(db: Path) -> list[str]:
    """Tag the first Basra GPE; return the `w` presses from the start onto it."""
    with Store(db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        at = doc.text.index("Basra")
        with store.action("tag", doc.id) as tx:
            tx.add(Span(label="GPE", fragments=[(at, at + 5)], doc_id=doc.id))
        keys, here = [], 0
        while here < at:
            here = motions.next_word_start(doc.text, here)
            keys.append("w")
        return keys


@covers("normalization", "word-next")
def test_at_offers_ranked_places_and_enter_links_the_best(term, seed_db):
    """@ on Basra lists geonames:99532 Basrah, IQ first (with population); enter stores that link."""
    to_basra = _basra(seed_db)
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting")
    term.press(*to_basra)
    term.wait("@34", "the cursor on Basra")
    term.press(binding_key("normalization"))
    screen = term.wait(lambda s: "candidates for “Basra”" in s, "the candidates for Basra")
    rows = [line for line in screen.split("\n") if "geonames:" in line or "iso3166:" in line]
    assert "geonames:99532 Basrah, IQ, pop " in rows[0], rows
    term.press("Enter")
    wait_db(seed_db, NORMS, lambda r: r == [("geonames", "99532", "Basrah, IQ")], "the link stored")
    term.wait_gone("candidates for", "the dialog closed")
    assert term.quit() == 0


@covers("normalization")
def test_a_reference_by_hand_still_works_and_typing_a_name_looks_it_up(term, seed_db):
    """resource:key typed by hand, enter, a label, enter stores it; then typing "Bgdad" ranks Baghdad first and enter picks it."""
    to_basra = _basra(seed_db)
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting")
    term.press(*to_basra)
    term.wait("@34", "the cursor on Basra")
    term.press(binding_key("normalization"))
    term.wait(lambda s: "candidates for “Basra”" in s, "the candidates for Basra")
    term.type("Wikidata:Q48195")
    term.wait(lambda s: "Wikidata:Q48195" in s, "the reference typed")
    term.press("Enter")
    term.wait("label for Wikidata:Q48195 · enter saves", "the label field")
    term.type("Basra city")
    term.press("Enter")
    wait_db(seed_db, NORMS, lambda r: r == [("Wikidata", "Q48195", "Basra city")], "the typed reference stored")
    term.wait_gone("candidates for", "the dialog closed")
    term.press(binding_key("normalization"))
    term.wait(lambda s: "Wikidata:Q48195" in s and "candidates for “Basra”" in s, "the current link in the field")
    term.press("C-u")  # clear the field
    term.type("Bgdad")
    screen = term.wait(lambda s: "candidates for “Bgdad”" in s, "the candidates for Bgdad")
    assert "geonames:98182 Baghdad, IQ" in screen, screen
    term.press("Enter")
    wait_db(seed_db, NORMS, lambda r: r == [("geonames", "98182", "Baghdad, IQ")], "Baghdad linked")
    assert term.quit() == 0
