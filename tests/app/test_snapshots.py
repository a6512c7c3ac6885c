"""Snapshot tests: what the screens look like (pytest-textual-snapshot).

Each test's docstring says what its picture shows. The documents are fixed
files in tests/data/app/ with fixed ids, the database is temporary, the
store's clock is frozen (the inspector shows history times), and no user
config is read (tests/conftest.py points XDG_CONFIG_HOME at a temp dir).
Regenerate with ``pytest tests/app/test_snapshots.py --snapshot-update``
only after looking at the report.
"""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from tests.app.panel_data import (
    HOSTILE_TXT,
    freeze_clock,
    hostile_annotations,
    make_db,
)
from tui.app.widgets.entity_panel import EntityPanel
from tui.app.widgets.event_panel import EventPanel
from tui.app.widgets.inspector_panel import InspectorPanel
from tui.app.widgets.status_line import StatusLine
from tui.core.schema import validate
from tui.core.store import Store

SIZE = (160, 50)


@pytest.fixture
def db(tmp_path, monkeypatch):
    """The panels, hostile and empty documents, every timestamp frozen."""
    freeze_clock(monkeypatch)
    return make_db(tmp_path / "snap.db")


def app_on(db, document: str):
    from tui.app.app import make_app

    return make_app(db, annotator="alice", document=document)


async def choose_mention(pilot, span_id: str) -> None:
    """Choose a mention in the entities panel, as a user would (the reader selects it)."""
    panel = pilot.app.screen.query_one(EntityPanel)
    panel.tree.focus()
    assert panel.highlight(span_id)
    await pilot.press("enter")
    await pilot.pause()


async def choose_event(pilot, event_id: str) -> None:
    """Choose an event's row in the events panel (the reader selects it)."""
    panel = pilot.app.screen.query_one(EventPanel)
    panel.tree.focus()
    assert panel.highlight(event_id)
    await pilot.press("enter")
    await pilot.pause()


# -- the whole app ---------------------------------------------------------------


def test_reader_with_overlapping_discontinuous_and_pending(db, snap_compare):
    """The reader on "panels": nested spans (Prime Minister Nouri al-Maliki over Nouri
    al-Maliki), the discontinuous "Prime Minister … al-Maliki", pending "the city" and
    "Moqtada al-Sadr" drawn differently; the entities panel grouped by type and
    coreference set with counts and ? on pending mentions; the events panel with the
    Die event flagged (Victim missing); the inspector on "Nouri al-Maliki" (note, uses
    in the Transport event and PHYS relation, history at 09:30:00); the status line."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        await choose_mention(pilot, "s-maliki")

    assert snap_compare(app_on(db, "panels"), terminal_size=SIZE, run_before=run_before)


def test_inspector_on_flagged_event(db, snap_compare):
    """The events panel's cursor on the Die event and the inspector showing it: trigger
    "killed", Victim ✗ missing, the problem "Die needs a Victim argument", its history."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        await choose_event(pilot, "e-die")

    assert snap_compare(app_on(db, "panels"), terminal_size=SIZE, run_before=run_before)


def test_library(db, snap_compare):
    """The library over the reader: three documents with alice's status ("panels" set to
    in progress with tab s) and counts per kind; the cursor on "panels", marked ▶ as open."""
    assert snap_compare(app_on(db, "panels"), press=["o", "tab", "s"], terminal_size=SIZE)


def test_library_filtered(db, snap_compare):
    """The library filtered by typing "host": only "hostile" is listed."""
    assert snap_compare(
        app_on(db, "panels"), press=["o", "h", "o", "s", "t"], terminal_size=SIZE
    )


def test_help(db, snap_compare):
    """The help screen from the reader: the article view's and the reader's keys grouped,
    each with its description and binding id, and the how-to beside them."""
    assert snap_compare(app_on(db, "panels"), press=["question_mark"], terminal_size=SIZE)


def test_hostile_article(db, snap_compare):
    """The "hostile" article: markup lookalikes ([@click=app.quit], [link=file:///etc/passwd],
    [/]) shown literally; ESC, BEL, NUL, C1, DEL, lone CR and bidi overrides each drawn as
    one visible character (␛ ␇ ␀ ␡ ␍ …); the panels list the same texts made safe; the
    inspector shows the note on "Basra" (markup and escapes in it, made visible); the
    status line shows a selection over the escapes, sanitized. The app did not quit."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        await choose_mention(pilot, "h-basra")
        reader = pilot.app.screen
        start = reader.doc.text.index("clear")
        reader.view.focus()
        reader.view.select(start, start + len("clear\x1b[2Jscreen, title\x1b]0;pwned\x07here"))
        await pilot.pause()

    app = app_on(db, "hostile")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    assert app.return_code in (None, 0)


# -- each panel alone ------------------------------------------------------------


class OnePanel(App):
    """One panel filling the screen, fed from the store before the picture is taken."""

    def __init__(self, db, panel: str, document: str = "panels", selected: str | None = None) -> None:
        super().__init__()
        self.db = db
        self.panel = panel
        self.document = document
        self.selected = selected

    def compose(self) -> ComposeResult:
        yield {
            "entity": EntityPanel,
            "event": EventPanel,
            "inspector": InspectorPanel,
            "status": StatusLine,
        }[self.panel](id="panel")

    def on_mount(self) -> None:
        with Store(self.db, annotator="alice") as store:
            doc = store.document(self.document)
            anns = store.annotations(doc.id)
            schema = store.schema(doc.schema)
            problems = validate(schema, anns)
            panel = self.query_one("#panel")
            if self.panel == "entity":
                panel.show(doc, anns, schema)
            elif self.panel == "event":
                panel.show(doc, anns, schema, problems)
            elif self.panel == "inspector":
                ann = anns.by_id()[self.selected]
                panel.show(ann, anns, schema, store.history(self.selected), problems)
            else:
                text = doc.text
                start = text.index("clear")
                panel.show(
                    document=doc.name,
                    cursor=start,
                    line=2,
                    column=start - text.index("\n"),
                    selection_text=text[start : start + 40],
                    mode="VISUAL",
                    annotator="alice",
                    message="tagged GPE [b]x[/b]",
                )


def test_entity_panel_alone(db, snap_compare):
    """The entities panel: PER (6, one coreference set of two), ORG, GPE (one set of three
    with the pending "the city" marked ?), TIME; the discontinuous mention says (2 parts)."""
    assert snap_compare(OnePanel(db, "entity"), terminal_size=(70, 30))


def test_event_panel_alone(db, snap_compare):
    """The events panel: Attack, Transport and Die in text order, fillers in schema role
    order with their types, optional empty roles on one line, Die's Victim ✗ missing and ⚠."""
    assert snap_compare(OnePanel(db, "event"), terminal_size=(70, 30))


def test_inspector_panel_alone(db, snap_compare):
    """The inspector on the Attack event: trigger, arguments by role, Tense = Past,
    accepted · manual · alice, history at the frozen time."""
    assert snap_compare(OnePanel(db, "inspector", selected="e-attack"), terminal_size=(70, 30))


def test_inspector_panel_hostile_note(db, snap_compare):
    """The inspector on "Basra" in the hostile article: its note's markup shown literally,
    its escapes and bidi override as visible characters."""
    assert snap_compare(
        OnePanel(db, "inspector", document="hostile", selected="h-basra"), terminal_size=(70, 20)
    )


def test_status_line_alone(db, snap_compare):
    """The status line with a selection over escape sequences: ␛ and ␇ visible, the
    selection cut with …, markup in the message shown literally."""
    assert snap_compare(OnePanel(db, "status", document="hostile"), terminal_size=(160, 3))


def test_hostile_data_is_what_the_pictures_claim():
    """The hostile article really holds the markup and control characters the pictures show made safe."""
    text = HOSTILE_TXT.read_bytes().decode("utf-8")
    for needle in ("[@click=app.quit]", "[link=file:///etc/passwd]x[/link]", "[/]", "\x1b[2J",
                   "\x1b]0;", "\x1b]52;", "\x07", "\x00", "\x9b", "\u202e", "\u2066", "\x7f", "\r"):
        assert needle in text, repr(needle)
    spans = {s.id: s for s in hostile_annotations(text).spans}
    assert "\x1b" in text[spans["h-clear"].start : spans["h-clear"].end]
