"""The app's screenshot action: where the file went, or why not (issue 13)."""

from __future__ import annotations


async def test_screenshot_into_a_missing_folder_says_why(seed_db, tmp_path):
    """A screenshot that cannot be written is an error notification with the reason, and no file."""
    from tui.app.app import make_app

    app = make_app(seed_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.action_screenshot(path=str(tmp_path / "missing"))
        await pilot.pause()
        notes = list(app._notifications)
        assert len(notes) == 1 and notes[0].severity == "error"
        assert notes[0].message.startswith("screenshot not saved: ") and "no such directory" in notes[0].message
        app.action_screenshot(filename="../x.svg", path=str(tmp_path))
        await pilot.pause()
        assert "screenshot not saved" in list(app._notifications)[-1].message
        assert not list(tmp_path.rglob("*.svg")) and not (tmp_path.parent / "x.svg").exists()
