"""The reader's layout in a real terminal: it fits 80x24 and 240x60, follows a resize, and nothing hides.

Issue 13 items 3 and 12 and the layout bits of 13: words cut under the
scrollbar, panels that ate the article at 80 columns and lines of 190 cells at
240, a footer cut at 80 columns, a ZWJ emoji that moved the panel border, help
listing Textual's keys, ``ctrl+l`` taken, the theme forgotten.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.app.conftest import SEED, SEED_NAME
from tests.terminal.harness import Terminal, covers, needs_tmux, terminal
from tui.core.model import Document, Span
from tui.core.store import Store

pytestmark = needs_tmux

SEED_TEXT = SEED.read_text(encoding="utf-8")
#: The glyphs of a vertical border between the article and the panels.
BORDERS = "▏▕"
#: The glyphs of a scrollbar thumb.
THUMB = re.compile("[▁▂▃▄▅▆▇█▔]")
#: The cap on the article's text rows (the default measure).
MEASURE = 100
ZWJ_FAMILY = "👩\u200d👩\u200d👧"


def cells(text: str) -> int:
    """Cells of ``text`` as tmux 3.3 places it: code point by code point (a ZWJ takes none)."""
    return sum(cell_len(ch) for ch in text)


def article_rows(screen: str) -> list[str]:
    """The article column's rows (above the status line), without the panels and the scrollbar thumb."""
    lines = screen.split("\n")
    status = next(i for i, line in enumerate(lines) if "NORMAL" in line or "VISUAL" in line)
    rows = []
    for line in lines[:status]:
        for border in BORDERS:
            line = line.split(border)[0]
        rows.append(THUMB.sub(" ", line).rstrip())
    return rows


def shown_words(rows: list[str]) -> list[str]:
    """The words of the article rows, in order (a row ending in a hyphen continues on the next)."""
    joined = ""
    for row in rows:
        text = row.strip()
        if not text:
            continue
        joined += text if joined.endswith("-") or not joined else " " + text
    return joined.split()


def assert_no_word_cut(screen: str, text: str = SEED_TEXT) -> None:
    """Every word on screen is the article's next word, whole (none lost at the right edge)."""
    words = shown_words(article_rows(screen))
    expected = text.split()[: len(words)]
    assert len(words) > 20, screen
    for shown, want in zip(words, expected, strict=True):
        assert shown == want, f"{shown!r} is shown where the article has {want!r}:\n{screen}"


def text_widths(screen: str) -> list[int]:
    """The width of each article row's text, from its first to its last character."""
    return [cells(row.strip()) for row in article_rows(screen) if row.strip()]


def ready(term: Terminal, db: Path) -> str:
    term.start("--db", db)
    term.wait_ready("Heavy fighting")
    return term.wait_settled()


def test_no_word_hides_under_the_scrollbar(small_term, seed_db):
    """80x24, first frame: the seed article wraps short of the scrollbar ("souther" lost its n)."""
    screen = ready(small_term, seed_db)
    assert_no_word_cut(screen)


def test_the_article_gets_the_width_at_80x24(small_term, seed_db):
    """At 80x24 the panels fold away and the article gets at least 70 columns."""
    screen = ready(small_term, seed_db)
    assert "Entities" not in screen, screen
    assert max(text_widths(screen)) >= 70, screen
    assert_no_word_cut(screen)


def test_a_wide_terminal_caps_and_centres_the_text(tmp_path, seed_db):
    """At 240x60 no text row is wider than the measure, and the column is centred beside the panels."""
    with terminal(tmp_path, width=240, height=60) as term:
        screen = ready(term, seed_db)
        assert "Entities" in screen, screen
        widths = text_widths(screen)
        assert max(widths) <= MEASURE, screen
        assert max(widths) >= MEASURE - 15, screen  # the measure is used, not a narrow strip
        first = article_rows(screen)[0]
        assert len(first) - len(first.lstrip()) >= 20, "the reading column is centred:\n" + screen
        assert_no_word_cut(screen)


def test_resizing_lays_out_again(term, seed_db):
    """160x50 -> 80x24 -> 240x60: panels fold and return, rows fit every size, no word is cut."""
    screen = ready(term, seed_db)
    assert "Entities" in screen and max(text_widths(screen)) <= MEASURE, screen
    term.resize(80, 24)
    screen = term.wait(lambda s: "Entities" not in s and "NORMAL" in s and max(text_widths(s)) >= 70,
                       "the panels folded and the article 70+ columns wide")
    screen = term.wait_settled()
    assert_no_word_cut(screen)
    assert "? Help" in footer_items(screen) and set(footer_items(screen)) < FOOTER_ITEMS, screen
    term.resize(240, 60)
    screen = term.wait(lambda s: "Entities" in s and "NORMAL" in s and len(s.split("\n")) >= 60,
                       "the panels back at 240x60")
    screen = term.wait(lambda s: s.rstrip().endswith("^p palette") and set(footer_items(s)) == FOOTER_ITEMS,
                       "every footer key back at 240 columns")
    screen = term.wait_settled()
    assert max(text_widths(screen)) <= MEASURE, screen
    assert_no_word_cut(screen)
    assert term.quit() == 0


@covers("toggle-panels")
def test_backslash_shows_and_hides_the_panels(small_term, seed_db):
    """``\\`` shows the folded panels at 80x24 (the article still readable) and hides them again."""
    ready(small_term, seed_db)
    small_term.type("\\")
    small_term.wait("Entities", "the panels shown")
    screen = small_term.wait_settled()
    assert_no_word_cut(screen)
    assert max(text_widths(screen)) >= 30, screen
    small_term.type("\\")
    small_term.wait_gone("Entities")
    screen = small_term.wait_settled()
    assert max(text_widths(screen)) >= 70, screen
    assert small_term.quit() == 0


def border_column(screen: str) -> int:
    """The column of the border between the article and the panels (on the entities panel's title row)."""
    row = next(line for line in screen.split("\n") if "Entities" in line)
    return cells(row.split("▏")[0])


@covers("panel-width")
def test_panel_width_cycles_and_is_remembered(tmp_path, seed_db):
    """``|`` makes the panels the next preset width; the width is written to settings.toml and used next run."""
    settings = tmp_path / "config" / "tui" / "settings.toml"
    with terminal(tmp_path, width=160, height=40) as term:
        screen = ready(term, seed_db)
        before = border_column(screen)
        assert before == 160 - 48, screen
        term.type("|")
        screen = term.wait(lambda s: "Entities" in s and border_column(s) == 160 - 60,
                           "the panels 60 columns wide")
        assert_no_word_cut(term.wait_settled())
        assert "panel_width = 60" in settings.read_text(encoding="utf-8")
        term.wait("panels 60 columns", "the new width in the status line")
        assert term.quit() == 0
    with terminal(tmp_path, width=160, height=40) as term:
        screen = ready(term, seed_db)
        assert border_column(screen) == 160 - 60, screen


@covers("redraw")
def test_ctrl_l_redraws_the_screen(tmp_path, seed_db):
    """Another program writes over the screen; ``ctrl+l`` draws the reader again (and opens nothing)."""
    with terminal(tmp_path, width=100, height=30) as term:
        before = ready(term, seed_db)
        tty = term.tmux("display", "-p", "-t", term.session, "#{pane_tty}").stdout.strip()
        with open(tty, "w", encoding="utf-8") as out:  # what a background job's output does
            out.write("\x1b[3;3HGARBAGE FROM ANOTHER PROGRAM\x1b[10;20HMORE GARBAGE")
        term.wait("GARBAGE FROM ANOTHER PROGRAM", "the garbage on screen")
        term.press("C-l")
        term.wait(lambda s: s == before, "the reader exactly as before the garbage")
        assert "Layers" not in term.wait_settled()
        # Every screen: the library too (ctrl+l is the app's key, not the reader's).
        term.press("o")
        term.wait("1 of 1 documents", "the library")
        library = term.wait_settled()
        with open(tty, "w", encoding="utf-8") as out:
            out.write("\x1b[2;2HLIBRARY GARBAGE")
        term.wait("LIBRARY GARBAGE", "the garbage over the library")
        term.press("C-l")
        term.wait(lambda s: s == library, "the library exactly as before the garbage")


@covers("layers")
def test_layers_moved_to_ctrl_w(term, seed_db):
    """The layer chooser is on ``ctrl+w`` (``ctrl+l`` is the terminal's redraw)."""
    ready(term, seed_db)
    term.press("C-w")
    term.wait("Layers: view one", "the layer chooser")
    term.press("Escape")
    term.wait_gone("Layers: view one")
    assert term.quit() == 0


def colours(term: Terminal) -> set[str]:
    """The SGR sequences on screen (what the theme decides)."""
    shown = term.tmux("capture-pane", "-p", "-e", "-t", term.session).stdout
    return set(re.findall(r"\x1b\[[0-9;]*m", shown))


def test_the_theme_is_remembered(tmp_path, seed_db):
    """A theme chosen in the palette is written to settings.toml and used at the next start."""
    settings = tmp_path / "config" / "tui" / "settings.toml"
    with terminal(tmp_path, width=100, height=30) as term:
        ready(term, seed_db)
        default = colours(term)
        term.press("C-p")
        term.wait("🔎", "the command palette")
        term.type("theme")
        term.wait("Change the current theme", "the theme command")
        term.press("Enter")
        term.wait("Search for themes", "the list of themes")
        term.type("nord")
        term.wait(lambda s: "nord" in s and "ansi-dark" not in s, "the list filtered to nord")
        term.press("Enter")
        term.wait_gone("🔎")
        term.wait_settled()
        chosen = colours(term)
        assert chosen != default
        assert 'theme = "nord"' in settings.read_text(encoding="utf-8")
        assert term.quit() == 0
    with terminal(tmp_path, width=100, height=30) as term:
        ready(term, seed_db)
        term.wait(lambda _s: colours(term) == chosen, "the reader in the theme chosen last time")


#: What the reader's footer may show (its keys' descriptions).
FOOTER_ITEMS = {"v Select", "t Tag", "E Event", "R Relation", "C Coref", "A Attrs", ": Note",
                "d Delete", "u Undo", "/ Search", "o Library", "? Help", "q Quit", "r Review"}


def footer_items(screen: str) -> list[str]:
    footer = [line for line in screen.split("\n") if line.strip()][-1]
    keys, _, palette = footer.partition("▏")
    assert palette.strip() == "^p palette", screen
    return [item.strip() for item in re.split(r"\s{2,}", keys.strip()) if item.strip()]


@pytest.mark.parametrize("width", [80, 60, 160])
def test_the_footer_fits(tmp_path, seed_db, width):
    """The footer shows whole entries only, help among them, at 60, 80 and 160 columns."""
    with terminal(tmp_path, width=width, height=24) as term:
        screen = ready(term, seed_db)
        items = footer_items(screen)
        assert set(items) <= FOOTER_ITEMS, screen
        assert "? Help" in items and "t Tag" in items, screen
        if width >= 160:
            assert set(items) == FOOTER_ITEMS, screen


@covers("help")
def test_help_lists_only_the_apps_keys(term, seed_db):
    """``?`` lists the reader's keys, not the Page Left/Right Textual gives every scroll view."""
    ready(term, seed_db)
    term.press("?")
    screen = term.wait("Help: keys and how-to", "the help screen")
    assert "Page up" in screen and "Next word" in screen, screen
    assert "Page Left" not in screen and "Page Right" not in screen, screen
    term.press("Escape")
    term.wait_gone("Help: keys and how-to")


@pytest.fixture
def zwj_db(tmp_path: Path) -> Path:
    """One article whose first row holds a family emoji (a ZWJ sequence), CJK, Arabic and CRLF."""
    path = tmp_path / "zwj.db"
    text = (f"Heavy fighting: a family {ZWJ_FAMILY} fled Basra, 巴士拉, on Monday.\r\n"
            "مرحبا بالعالم and the second paragraph of the story.\r\n" + SEED_TEXT)
    with Store(path, annotator="alice") as store:
        store.add_document(Document(name="zwj", text=text))
    return path


def border_columns(screen: str) -> set[int]:
    """The column of the article/panel border on every row that has one."""
    return {cells(line.split("▏")[0]) for line in article_lines(screen) if "▏" in line}


def article_lines(screen: str) -> list[str]:
    lines = screen.split("\n")
    status = next(i for i, line in enumerate(lines) if "NORMAL" in line or "VISUAL" in line)
    return lines[:status]


def test_a_zwj_emoji_keeps_the_panel_border(tmp_path, zwj_db):
    """The border stays in one column on the emoji's row, also after the cursor redraws that row."""
    with terminal(tmp_path, width=120, height=30) as term:
        term.start("--db", zwj_db)
        term.wait_ready("Heavy fighting")
        screen = term.wait_settled()
        assert ZWJ_FAMILY[0] in screen
        assert len(border_columns(screen)) == 1, screen
        for key in ("w", "w", "w", "w", "w", "j", "k", "l", "l"):  # over the emoji, off the row, back
            term.press(key)
            screen = term.wait_settled(quiet_s=0.15)
            assert len(border_columns(screen)) == 1, f"after {key}:\n{screen}"
        assert term.quit() == 0


def test_settings_survive_a_broken_file(tmp_path, seed_db):
    """A settings.toml that is not TOML gives the defaults (the app starts, panels 48 wide)."""
    config = tmp_path / "config" / "tui"
    config.mkdir(parents=True)
    (config / "settings.toml").write_text("theme = [broken\npanel_width = 'wide'\n", encoding="utf-8")
    with terminal(tmp_path, width=160, height=40) as term:
        screen = ready(term, seed_db)
        assert border_column(screen) == 160 - 48, screen
        assert os.path.exists(config / "settings.toml")


@pytest.fixture
def nested_db(seed_db: Path) -> Path:
    """The seed with "Iraqi troops" ORG around "Iraqi" GPE (nested), and "Basra" GPE alone."""
    with Store(seed_db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        iraqi = doc.text.index("Iraqi troops")
        basra = doc.text.index("Basra")
        for label, start, end in (("ORG", iraqi, iraqi + 12), ("GPE", iraqi, iraqi + 5), ("GPE", basra, basra + 5)):
            store.add(Span(label=label, fragments=[(start, end)], doc_id=doc.id))
    return seed_db


@covers("toggle-labels", "word-next")
def test_inline_labels_mark_where_a_nested_span_starts(tmp_path, nested_db):
    """Under NO_COLOR, ``L`` shows ``<ORG>Iraqi[GPE] troops[ORG]``: the outer span's start is marked
    (a lone span is not), and the marks are not text: ``w`` still lands on each word's own offset."""
    text = SEED_TEXT
    with terminal(tmp_path, width=160, height=40, env={"NO_COLOR": "1"}) as term:
        term.start("--db", nested_db)
        term.wait_ready("Heavy fighting")
        screen = term.wait_settled()
        if "[GPE]" not in screen:  # labels are on by default under NO_COLOR; else turn them on
            term.press("L")
        screen = term.wait("<ORG>Iraqi[GPE] troops[ORG]", "the nested span's start mark")
        assert "Basra[GPE]" in screen and "<GPE>" not in screen, screen
        words = text.split(" ")
        offset = 0
        for n in range(1, 16):  # across the marks: every word starts where the text says
            offset += len(words[n - 1]) + 1
            term.press("w")
            term.wait(f"@{offset} ", f"the cursor on word {n + 1} {words[n]!r} at @{offset}")
        assert term.quit() == 0
