"""Shared fixtures for the app tests: databases with articles, and Pilot helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.formats.text import read_document
from tui.core.model import DocAnnotations, Document
from tui.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "basra-offensive.txt"
SEED_NAME = "basra-offensive"
HOSTILE = ROOT / "tests" / "data" / "app" / "hostile.txt"
#: A small article with what breaks naive code: markup lookalikes, an escape
#: sequence, CRLF, an emoji and a wide character.
TRICKY_TEXT = (
    "[bold]Basra[/bold] \x1b[31mred\x1b[0m report.\r\n"
    "Iraqi troops 🇮🇶 entered 巴士拉 on Monday. Basra is calm.\r\n"
)
TRICKY_NAME = "tricky"


@pytest.fixture
def seed_db(tmp_path) -> Path:
    """A database holding the seed article (no annotations)."""
    path = tmp_path / "reader.db"
    with Store(path, annotator="alice") as store:
        store.add_document(read_document(SEED, SEED_NAME))
    return path


@pytest.fixture
def tricky_db(tmp_path) -> Path:
    """A database holding the tricky article and the seed article."""
    path = tmp_path / "tricky.db"
    with Store(path, annotator="alice") as store:
        store.add_document(Document(name=TRICKY_NAME, text=TRICKY_TEXT))
        store.add_document(read_document(SEED, SEED_NAME))
    return path


def db_annotations(path: Path, name: str = SEED_NAME) -> DocAnnotations:
    """Every annotation of a document, read through a second store (what is committed)."""
    with Store(path, annotator="alice") as other:
        return other.annotations(other.document(name).id)


def db_text(path: Path, name: str = SEED_NAME) -> str:
    """The text of a document, read through a second store."""
    with Store(path, annotator="alice") as other:
        return other.document(name).text


def offset_of(text: str, needle: str, nth: int = 0) -> int:
    """The offset of the ``nth`` occurrence of ``needle`` (fails the test when missing)."""
    pos = -1
    for _ in range(nth + 1):
        pos = text.find(needle, pos + 1)
        assert pos >= 0, f"{needle!r} not in the text"
    return pos


def spans_by_text(anns: DocAnnotations) -> dict[str, list[str]]:
    """``{span text: [labels]}`` for quick assertions."""
    out: dict[str, list[str]] = {}
    for s in anns.spans:
        out.setdefault(s.text, []).append(s.label)
    return out


# -- Pilot helpers ----------------------------------------------------------------


def reader_of(app):
    """The reader screen of a running app."""
    from tui.app.screens.reader import ReaderScreen

    for screen in reversed(app.screen_stack):
        if isinstance(screen, ReaderScreen):
            return screen
    raise AssertionError("no reader screen")


async def goto(pilot, offset: int) -> None:
    """Put the reader's cursor at ``offset`` (test setup; the keys under test are pressed)."""
    view = reader_of(pilot.app).view
    view.clear_selection()
    view.move_to(offset)
    await pilot.pause()


async def goto_text(pilot, needle: str, nth: int = 0) -> int:
    """Put the cursor on the ``nth`` occurrence of ``needle``; returns its offset."""
    offset = offset_of(reader_of(pilot.app).doc.text, needle, nth)
    await goto(pilot, offset)
    return offset


async def select_text(pilot, needle: str, nth: int = 0) -> tuple[int, int]:
    """Select the ``nth`` occurrence of ``needle`` in the reader; returns its range."""
    start = offset_of(reader_of(pilot.app).doc.text, needle, nth)
    view = reader_of(pilot.app).view
    view.select(start, start + len(needle))
    await pilot.pause()
    assert view.selection == (start, start + len(needle))
    return start, start + len(needle)
