"""The reader's document keys reach the palette too, and the import prompt completes paths safely."""

from __future__ import annotations

from textual.widgets import Input

from tests.app.conftest import SEED_NAME
from tui.app.app import make_app
from tui.app.dialogs.import_path import ImportDialog
from tui.app.palette import ActionsProvider


async def test_palette_offers_the_document_actions(seed_db):
    """ctrl+p lists Import, Next doc, Prev doc and "Done, next" (every binding is a palette command)."""
    app = make_app(seed_db, annotator="alice", document=SEED_NAME)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        names = [name for name, _, _ in ActionsProvider(app.screen)._commands()]
        assert {"Import", "Next doc", "Prev doc", "Done, next"} <= set(names)


async def test_import_prompt_completes_with_tab_and_never_offers_an_unsafe_name(seed_db, tmp_path):
    """tab takes the suggested completion; a file name holding an escape sequence is never suggested."""
    (tmp_path / "story.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "b\x1b[31mad.txt").write_text("x\n", encoding="utf-8")
    app = make_app(seed_db, annotator="alice", document=SEED_NAME)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        results: list[str | None] = []
        app.push_screen(ImportDialog(cwd=tmp_path), results.append)
        await pilot.pause()
        field = app.screen.query_one(Input)
        await pilot.press("s", "t")
        await app.workers.wait_for_complete()  # the suggester runs in a worker
        await pilot.pause()
        await pilot.press("tab")
        assert field.value == "story.txt"
        field.value = ""
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("tab")
        assert field.value == "b"
        await pilot.press("enter")
        await pilot.pause()
        assert results == ["b"]
