"""The palette's Screenshot in a real terminal: the file is written and the app says where (issue 13)."""

from __future__ import annotations

from tests.terminal.harness import needs_tmux

pytestmark = needs_tmux


def test_palette_screenshot_saves_an_svg_and_says_where(term, seed_db, tmp_path):
    """ctrl+p, "Screenshot", enter: an SVG of the reader lands in the current folder and its path is shown."""
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.press("C-p")
    term.wait("Search for commands", "the command palette")
    term.type("Screenshot")
    term.wait("Save an SVG picture")
    term.press("Enter")
    term.wait("screenshot saved to", "the notification naming the file")
    shots = list(tmp_path.glob("tui-screenshot-*.svg"))
    assert len(shots) == 1, shots
    svg = shots[0].read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "fighting&#160;has&#160;been&#160;raging" in svg
    assert "Search&#160;for&#160;commands" not in svg  # the palette was gone when the picture was taken
    screen = term.screen().replace("\n", "")
    assert shots[0].name[:20] in screen
    assert term.quit() == 0
