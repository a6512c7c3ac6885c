"""Make the README's screenshots from the running app: ``make screenshots``.

Runs the real :class:`~tui.app.app.TuiApp` headless (Textual's ``run_test``)
on a fresh database built from ``seeds/``, presses the keys an analyst would,
and writes one SVG per view to ``docs/screenshots/``: the reader (inline
labels, a mention selected), event role filling, review, and the library.
The files are written whole or not at all (:func:`tui.core.outpath.write_file`).

Example:
    python tools/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui.app.app import make_app  # noqa: E402
from tui.app.screens.reader import ReaderScreen  # noqa: E402
from tui.core.formats.text import read_document  # noqa: E402
from tui.core.model import Argument, Document, Event, Span  # noqa: E402
from tui.core.outpath import write_file  # noqa: E402
from tui.core.store import Store  # noqa: E402

SIZE = (140, 36)
SEED = ROOT / "seeds" / "basra-offensive.txt"
NAME = "basra-offensive"
#: (text, nth occurrence, label) tagged as accepted work before the pictures.
TAGS = [("Basra", 0, "GPE"), ("Iraqi troops", 0, "ORG"), ("Shi'ite militias", 0, "ORG"),
        ("Moqtada al-Sadr", 0, "PER"), ("Challiss McDonough", 0, "PER"), ("Cairo", 0, "GPE"),
        ("Basra", 1, "GPE"), ("Nouri Al-Maliki", 0, "PER"), ("Mehdi Army", 0, "ORG")]
#: Pending suggestions for the review picture (as `tui suggest --source propagate` makes).
SUGGEST = [("Basra", 2, "GPE"), ("Basra", 3, "GPE"), ("Sadr", 2, "PER"), ("Baghdad", 0, "GPE"),
           ("Kut", 0, "GPE")]


def find(text: str, needle: str, nth: int) -> tuple[int, int]:
    starts = [m.start() for m in re.finditer(re.escape(needle), text)]
    return starts[nth], starts[nth] + len(needle)


def build(db: Path) -> None:
    """The seed article with some work done, two more documents with statuses."""
    with Store(db, annotator="alice") as store:
        store.add_document(read_document(SEED, NAME))
        store.add_document(Document(name="kirkuk-talks", text="Talks in Kirkuk resumed on Monday.\n"))
        store.add_document(Document(name="mosul-report", text="A report from Mosul.\n"))
        doc = store.document(NAME)
        spans = {}
        with store.action("tag", doc.id) as tx:
            for needle, nth, label in TAGS:
                spans[(needle, nth)] = tx.add(Span(label=label, fragments=[find(doc.text, needle, nth)],
                                                   doc_id=doc.id))
            trigger = tx.add(Span(label="Attack", fragments=[find(doc.text, "offensive", 0)], doc_id=doc.id))
            tx.add(Event(type="Attack", trigger=trigger.id, doc_id=doc.id, arguments=[
                Argument(role="Attacker", target=spans[("Iraqi troops", 0)].id),
                Argument(role="Place", target=spans[("Basra", 0)].id)]))
        with store.action("suggest propagate", doc.id) as tx:
            for needle, nth, label in SUGGEST:
                tx.add(Span(label=label, fragments=[find(doc.text, needle, nth)], doc_id=doc.id,
                            status="pending", origin="suggestion:propagate"))
        store.set_doc_status(doc.id, "in-progress")
        store.set_doc_status(store.document("mosul-report").id, "done")


async def shoot(out: Path, db: Path) -> list[Path]:
    app = make_app(db, annotator="alice", document=NAME)
    written: list[Path] = []

    async def save(name: str, pilot) -> None:
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()
        svg = app.export_screenshot(title=f"tui · {name}")
        target = out / f"{name}.svg"
        write_file(target, lambda fh: fh.write(svg))
        written.append(target)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        # The reader: inline labels on, the first mention selected.
        await pilot.press("L", "right_square_bracket")
        await save("reader", pilot)
        # Event role filling: E on "clashes", a (Attack), the role prompt on its first role.
        await pilot.press("escape")
        reader.view.move_to(find(reader.doc.text, "clashes", 0)[0])
        await pilot.pause()
        await pilot.press("E")
        await pilot.pause()
        await pilot.press("a")  # Attack's hotkey in the event type picker
        await pilot.pause()
        await pilot.press("tab")  # the next candidate for the first role
        await save("event-roles", pilot)
        await pilot.press("escape")
        await pilot.pause()
        # Review: r, one accept, one reject.
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("a", "x")
        await save("review", pilot)
        await pilot.press("escape")
        await pilot.pause()
        # The library.
        await pilot.press("o")
        await save("library", pilot)
    return written


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = tmp  # no user keymap: the pictures show the default keys
        db = Path(tmp) / "screenshots.db"
        build(db)
        for path in asyncio.run(shoot(out, db)):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
