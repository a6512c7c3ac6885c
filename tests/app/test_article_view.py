"""Pilot tests of ArticleView in a tiny app: motions, selection, mouse, safe rendering."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.message import Message

from tui.app.widgets.article_view import ArticleView, Highlight
from tui.core.model import StyleRun
from tui.core.text.graphemes import REPLACEMENT

TEXT = "Hello world. Second sentence here.\n\nNew paragraph starts. Another one.\n"
#      0     6    11 13     20       29   34  36  40        50     57      65  69


class ViewApp(App):
    """One ArticleView filling the screen, loaded with a given text."""

    def __init__(
        self,
        text: str,
        styles: list[StyleRun] | None = None,
        highlights: list[Highlight] | None = None,
        labels: bool = False,
        start: int | None = None,
    ) -> None:
        super().__init__()
        self.start = start
        self.doc_text = text
        self.doc_styles = styles or []
        self.doc_highlights = highlights or []
        self.labels = labels
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield ArticleView(id="article")

    def on_mount(self) -> None:
        view = self.query_one(ArticleView)
        view.show_labels = self.labels
        view.load(self.doc_text, self.doc_styles, self.doc_highlights)
        if self.start is not None:
            view.move_to(self.start)  # e.g. a restored position, before the first layout
        view.focus()

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self.messages.append(message)

    def on_article_view_highlight_clicked(self, message: ArticleView.HighlightClicked) -> None:
        self.messages.append(message)


def rows(view: ArticleView) -> list[str]:
    """The text of every visible row as drawn (trailing blanks stripped)."""
    return [view.render_line(y).text.rstrip() for y in range(view.scrollable_content_region.height)]


def hl(id: str, start: int, end: int, label: str = "GPE", **kw) -> Highlight:
    return Highlight(id=id, fragments=((start, end),), label=label, color="#e6194b", **kw)


async def test_character_word_sentence_paragraph_motions() -> None:
    """Each motion key moves the cursor to the expected offset of a known text."""
    app = ViewApp(TEXT)
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ArticleView)
        expected = [
            ("l", 1),
            ("l", 2),
            ("h", 1),
            ("w", 6),
            ("e", 10),
            ("w", 13),
            ("b", 6),
            ("right_parenthesis", 13),
            ("right_parenthesis", 36),
            ("left_parenthesis", 13),
            ("left_parenthesis", 0),
            ("right_curly_bracket", 36),
            ("left_curly_bracket", 0),
            ("G", len(TEXT) - 1),
            ("g", 0),
            ("end", len(TEXT) - 1),
            ("home", 0),
        ]
        for key, offset in expected:
            await pilot.press(key)
            assert view.cursor == offset, key
        await pilot.pause()
        assert app.messages and app.messages[-1].cursor == 0


async def test_vertical_motions_keep_the_column() -> None:
    """j/k (and down/up) move by row, keeping the goal column; pages move by a screen."""
    text = "abcdefgh\nab\nabcdefgh\n"
    app = ViewApp(text)
    async with app.run_test(size=(40, 6)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("l", "l", "l", "l", "l")
        assert view.cursor == 5
        await pilot.press("j")
        assert view.cursor == 11  # the line break after "ab": end of the short row
        await pilot.press("down")
        assert view.cursor == 17  # column 5 again on the third line
        await pilot.press("k", "up")
        assert view.cursor == 5
        await pilot.press("pagedown")
        assert view.cursor == len(text) - 1
        await pilot.press("pageup")
        assert view.cursor == 5  # back on the first row, at the goal column


async def test_ctrl_d_ctrl_u_half_pages() -> None:
    """ctrl+d moves half a page down and ctrl+u back up."""
    text = "".join(f"line {n}\n" for n in range(40))
    app = ViewApp(text)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("ctrl+d")
        assert view.cursor == text.index("line 5\n")
        await pilot.press("ctrl+u")
        assert view.cursor == 0


async def test_cursor_moves_by_grapheme_cluster() -> None:
    """Right/left skip whole clusters: ZWJ emoji, flags, skin tones, e + accent, CRLF."""
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    flag = "\U0001f1ee\U0001f1f6"
    text = f"a{family}{flag}e\u0301\U0001f44d\U0001f3fd\r\nz"
    app = ViewApp(text)
    async with app.run_test(size=(40, 6)) as pilot:
        view = app.query_one(ArticleView)
        seen = [view.cursor]
        for _ in range(6):
            await pilot.press("l")
            seen.append(view.cursor)
        # a, family (5 code points), flag (2), e + accent (2), thumb + tone (2), CRLF, z
        assert seen == [0, 1, 6, 8, 10, 12, 14]
        assert text[12:14] == "\r\n" and seen[-1] == len(text) - 1  # over the CRLF in one step
        await pilot.press("h")
        assert view.cursor == text.index("\r\n")


async def test_visual_mode_selects_with_motions() -> None:
    """v starts a selection at the cursor; motions extend it to the end of the cursor's grapheme."""
    app = ViewApp(TEXT)
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("w", "v", "e")
        assert view.selection == (6, 11)
        assert view.target_range() == (6, 11)
        await pilot.press("w", "e")
        assert view.selection == (6, 19)
        await pilot.press("b", "b", "b")
        assert view.selection == (0, 7)  # cursor before the anchor: from cursor to the anchor's end
        await pilot.press("escape")
        assert view.selection is None
        await pilot.pause()
        assert app.messages[-1].selection is None
        await pilot.press("l")
        assert view.selection is None


async def test_shift_arrows_extend_and_plain_motion_clears() -> None:
    """shift+arrows extend a selection; a plain motion afterwards drops it."""
    app = ViewApp(TEXT)
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("shift+right", "shift+right")
        assert view.selection == (0, 3)
        await pilot.press("shift+left")
        assert view.selection == (0, 2)
        await pilot.press("shift+down")
        assert view.selection is not None and view.selection[1] > 13
        await pilot.press("l")
        assert view.selection is None


async def test_escape_without_selection_falls_through() -> None:
    """escape with nothing selected is not consumed by the view (the screen may use it)."""
    app = ViewApp(TEXT)
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ArticleView)
        assert view.check_action("clear_selection", ()) is False
        await pilot.press("v")
        assert view.check_action("clear_selection", ()) is True


async def test_target_range_is_word_under_cursor() -> None:
    """With no selection, target_range is the word under the cursor, or None on punctuation."""
    app = ViewApp(TEXT)
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ArticleView)
        view.move_to(8)
        assert view.target_range() == (6, 11)
        view.move_to(11)
        assert view.target_range() is None
        view.select(13, 19)
        assert view.selection == (13, 19)
        assert view.target_range() == (13, 19)
        await pilot.pause()
        assert app.messages[-1].selection == (13, 19)


async def test_mouse_click_moves_cursor_and_reports_highlight() -> None:
    """A click puts the cursor under the mouse; on a highlight it posts HighlightClicked."""
    app = ViewApp(TEXT, highlights=[hl("T1", 6, 11)])
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ArticleView)
        # The view has one column of padding on the left.
        await pilot.click(ArticleView, offset=(1 + 2, 0))
        assert view.cursor == 2
        assert not any(isinstance(m, ArticleView.HighlightClicked) for m in app.messages)
        await pilot.click(ArticleView, offset=(1 + 8, 0))
        assert view.cursor == 8
        await pilot.pause()
        clicked = [m for m in app.messages if isinstance(m, ArticleView.HighlightClicked)]
        assert [m.id for m in clicked] == ["T1"]
        await pilot.click(ArticleView, offset=(1 + 3, 2))
        assert view.cursor == 36 + 3


async def test_drag_selects() -> None:
    """Pressing, moving and releasing the mouse selects the dragged range."""
    app = ViewApp(TEXT)
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.mouse_down(ArticleView, offset=(1 + 6, 0))
        await pilot.hover(ArticleView, offset=(1 + 10, 0))
        await pilot.mouse_up(ArticleView, offset=(1 + 10, 0))
        assert view.selection == (6, 11)


HOSTILE = (
    "esc\x1b[31mred\x1b[0m bel\x07 nul\x00 c1\x9b2J del\x7f\n"
    "bidi \u202eevil\u202c \u2067iso\u2069 lone\rcr\n"
    "[@click=app.quit]quit[/] [link=file:///etc/passwd]x[/link] [/] [bold]b[/bold]\n"
)


async def test_hostile_text_is_drawn_safely() -> None:
    """Control chars show as one replacement each; markup lookalikes show literally."""
    app = ViewApp(HOSTILE)
    async with app.run_test(size=(100, 8)) as pilot:
        view = app.query_one(ArticleView)
        shown = rows(view)
        assert shown[0] == "esc␛[31mred␛[0m bel␇ nul␀ c1\ufffd2J del␡"
        assert shown[1] == "bidi \ufffdevil\ufffd \ufffdiso\ufffd lone␍cr"
        assert shown[2] == "[@click=app.quit]quit[/] [link=file:///etc/passwd]x[/link] [/] [bold]b[/bold]"
        # Nothing unsafe in any segment, and no segment carries a link or action.
        for y in range(view.scrollable_content_region.height):
            for segment in view.render_line(y):
                assert not any(ord(ch) in REPLACEMENT for ch in segment.text), repr(segment.text)
                if segment.style is not None:
                    assert segment.style.link is None
                    assert not segment.style.meta
        await pilot.press("press" if False else "q")  # a key the view ignores: nothing breaks
        assert app.is_running


async def test_crlf_is_one_line_break() -> None:
    """CRLF shows as one break with no ␍; the \\r stays in the text."""
    text = "first\r\nsecond\r\n"
    app = ViewApp(text)
    async with app.run_test(size=(40, 5)) as pilot:
        view = app.query_one(ArticleView)
        assert rows(view)[:3] == ["first", "second", ""]
        assert view.text == text
        await pilot.press("j")
        assert view.cursor == 7


async def test_cjk_takes_two_cells_and_cursor_covers_them() -> None:
    """Wide characters take two cells; the cursor is drawn over both."""
    text = "中文ab\n"
    app = ViewApp(text)
    async with app.run_test(size=(40, 5)) as pilot:
        view = app.query_one(ArticleView)
        strip = view.render_line(0)
        assert strip.text.rstrip() == "中文ab"
        assert cell_len("中文ab") == 6
        reversed_segments = [s for s in strip if s.style is not None and s.style.reverse]
        assert [s.text for s in reversed_segments] == ["中"]
        await pilot.press("l")
        strip = view.render_line(0)
        assert [s.text for s in strip if s.style is not None and s.style.reverse] == ["文"]
        await pilot.click(ArticleView, offset=(1 + 3, 0))  # the second cell of 文
        assert view.cursor == 1


async def test_wrapping_and_resize() -> None:
    """Rows wrap at word boundaries to the width, and re-wrap when the terminal is resized."""
    text = "alpha beta gamma delta epsilon zeta eta theta\n"
    app = ViewApp(text)
    async with app.run_test(size=(20, 8)) as pilot:
        view = app.query_one(ArticleView)
        narrow = [r for r in rows(view) if r]
        assert "".join(narrow).replace(" ", "") == text.strip().replace(" ", "")
        # 20 columns: padding 2, the scrollbar's gutter 2 (kept even without a bar), 1 free
        assert all(len(r) <= 15 for r in narrow)
        assert narrow[0] == "alpha beta"
        await pilot.resize_terminal(60, 8)
        await pilot.pause()
        assert [r for r in rows(view) if r] == [text.strip()]


async def test_inline_labels_take_cells_but_not_offsets() -> None:
    """show_labels draws Basra[GPE]; the cursor and clicks skip the label cells."""
    text = "Basra is calm.\n"
    app = ViewApp(text, highlights=[hl("T1", 0, 5, "GPE"), hl("T2", 9, 13, "ADJ", pending=True)], labels=True)
    async with app.run_test(size=(40, 5)) as pilot:
        view = app.query_one(ArticleView)
        assert rows(view)[0] == "Basra[GPE] is calm[ADJ?]."
        await pilot.press("e", "l")
        assert view.cursor == 5
        await pilot.click(ArticleView, offset=(1 + 7, 0))  # on the label: the span's last char
        assert view.cursor == 4
        await pilot.click(ArticleView, offset=(1 + 11, 0))  # "is" after the label
        assert view.cursor == 6
        view.show_labels = False
        await pilot.pause()
        assert rows(view)[0] == "Basra is calm."


def test_no_color_turns_labels_on(monkeypatch) -> None:
    """Under NO_COLOR, inline labels are on by default."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert ArticleView().show_labels is True
    monkeypatch.delenv("NO_COLOR")
    assert ArticleView().show_labels is False


def styles_of(view: ArticleView, y: int) -> dict[str, object]:
    return {s.text: s.style for s in view.render_line(y) if s.text.strip()}


async def test_highlight_kinds_look_different() -> None:
    """Accepted spans are filled; pending are italic+underlined, overlay overlined; overlaps underlined."""
    text = "aaa bbb ccc ddd eee\n"
    highlights = [
        hl("A", 0, 3),
        hl("P", 4, 7, pending=True),
        hl("O", 8, 11, overlay=True),
        hl("X", 12, 19),
        hl("Y", 16, 19, label="PER"),
    ]
    app = ViewApp(text, highlights=highlights)
    async with app.run_test(size=(40, 5)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("j")  # cursor off the first row
        st = styles_of(view, 0)
        assert st["aaa"].bgcolor is not None
        assert st["bbb"].italic and st["bbb"].underline and st["bbb"].bgcolor == view.rich_style.bgcolor
        assert st["ccc"].overline and not st["ccc"].italic
        assert st["eee"].underline and not st["ddd "].underline
        assert st["eee"].bgcolor is not None


async def test_selected_discontinuous_span_is_emphasised_everywhere() -> None:
    """Selecting a discontinuous annotation emphasises all its fragments."""
    text = "left middle right\n"
    span = Highlight(id="D", fragments=((0, 4), (12, 17)), label="ORG", color="#3cb44b")
    app = ViewApp(text, highlights=[span])
    async with app.run_test(size=(40, 5)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("j")
        before = styles_of(view, 0)
        assert not before["left"].bold
        view.selected_id = "D"
        await pilot.pause()
        after = styles_of(view, 0)
        assert after["left"].bold and after["right"].bold
        assert not after[" middle "].bold


async def test_set_highlights_and_search_hits_redraw() -> None:
    """New highlights and search hits change the drawn rows."""
    app = ViewApp(TEXT)
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("j")
        assert styles_of(view, 0)["Hello world. Second sentence here."].bgcolor == view.rich_style.bgcolor
        view.set_highlights([hl("T1", 0, 5)])
        await pilot.pause()
        assert styles_of(view, 0)["Hello"].bgcolor != view.rich_style.bgcolor
        view.set_highlights([])
        view.set_search_hits([(6, 11)])
        await pilot.pause()
        st = styles_of(view, 0)
        assert "Hello" not in st
        assert st["world"].underline


async def test_markdown_styles() -> None:
    """Heading runs are bold, emphasis italic, list markers styled apart from the item."""
    text = "Title\n\n• item one\n"
    runs = [
        StyleRun(start=0, end=5, kind="heading", attrs={"level": 1}),
        StyleRun(start=7, end=17, kind="list_item", attrs={"depth": 0}),
        StyleRun(start=9, end=13, kind="emphasis"),
    ]
    app = ViewApp(text, styles=runs)
    async with app.run_test(size=(40, 6)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("j", "j", "j")
        assert styles_of(view, 0)["Title"].bold
        st = styles_of(view, 2)
        assert st["item"].italic
        assert st["•"].bold and not st[" one"].bold


async def test_large_lazy_document_scrolls_to_the_end() -> None:
    """A long non-ASCII document wraps lazily yet G shows its last line exactly."""
    text = "".join(f"第{n}段 中文文本测试一下换行。\n" for n in range(3000)) + "THE END"
    app = ViewApp(text)
    async with app.run_test(size=(30, 10)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("G")
        await pilot.pause()
        assert view.cursor == len(text) - 1
        shown = rows(view)
        assert "THE END" in shown
        assert view.virtual_size.height >= 3000


async def test_labels_follow_set_highlights() -> None:
    """With labels on, adding and removing a span adds and removes its label (and re-wraps)."""
    text = "Basra is calm today.\n"
    app = ViewApp(text, labels=True)
    async with app.run_test(size=(40, 5)) as pilot:
        view = app.query_one(ArticleView)
        assert rows(view)[0] == "Basra is calm today."
        view.set_highlights([hl("T1", 0, 5, "GPE")])
        await pilot.pause()
        assert rows(view)[0] == "Basra[GPE] is calm today."
        view.set_highlights([hl("T1", 0, 5, "GPE"), hl("T2", 9, 13, "ADJ")])
        await pilot.pause()
        assert rows(view)[0] == "Basra[GPE] is calm[ADJ] today."
        view.set_highlights([hl("T2", 9, 13, "ADJ")])
        await pilot.pause()
        assert rows(view)[0] == "Basra is calm[ADJ] today."


class EscapeApp(ViewApp):
    """A ViewApp whose app handles escape when the view does not."""

    BINDINGS = [("escape", "app_escape", "Escape")]
    escaped = 0

    def action_app_escape(self) -> None:
        self.escaped += 1


async def test_escape_reaches_the_screen_when_nothing_is_selected() -> None:
    """escape clears a selection first; with none, the key goes on to the app's binding."""
    app = EscapeApp(TEXT)
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("v", "l", "escape")
        assert view.selection is None and app.escaped == 0
        await pilot.press("escape")
        assert app.escaped == 1


async def test_light_and_dark_themes_keep_highlights_readable() -> None:
    """Highlight fills are blended with the theme background; text is black or white by luminance."""
    text = "Basra is calm.\n"
    app = ViewApp(text, highlights=[hl("T1", 0, 5)])
    async with app.run_test(size=(40, 5)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("j")
        fills = {}
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            style = styles_of(view, 0)["Basra"]
            assert style.bgcolor is not None and style.color is not None
            r, g, b = style.bgcolor.get_truecolor()
            luminance = (0.299 * r + 0.587 * g + 0.114 * b) / 255
            fg = style.color.get_truecolor()
            assert fg == ((0, 0, 0) if luminance > 0.55 else (255, 255, 255))
            fills[theme] = (r, g, b)
        assert fills["textual-dark"] != fills["textual-light"]


async def test_hover_emphasises_every_fragment() -> None:
    """Hovering one fragment of a discontinuous span emphasises all its fragments."""
    text = "left middle right\n"
    span = Highlight(id="D", fragments=((0, 4), (12, 17)), label="ORG", color="#3cb44b")
    app = ViewApp(text, highlights=[span])
    async with app.run_test(size=(40, 5)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("j")
        await pilot.hover(ArticleView, offset=(1 + 1, 0))
        st = styles_of(view, 0)
        assert st["left"].bold and st["right"].bold
        await pilot.hover(ArticleView, offset=(1 + 7, 0))
        st = styles_of(view, 0)
        assert not st["left"].bold and not st["right"].bold


async def test_position_set_before_the_view_has_a_size_is_shown() -> None:
    """move_to right after load (before the first layout) still scrolls the cursor into view."""
    text = "".join(f"line {n}\n" for n in range(200))
    app = ViewApp(text, start=text.index("line 150"))
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        view = app.query_one(ArticleView)
        assert "line 150" in rows(view)
        assert view.line_column(view.cursor) == (151, 1)


async def test_update_highlights_changes_only_what_it_names() -> None:
    """update_highlights upserts by id and removes by id, leaving the others."""
    text = "aaa bbb ccc\n"
    app = ViewApp(text, highlights=[hl("A", 0, 3), hl("B", 4, 7)], labels=True)
    async with app.run_test(size=(40, 5)) as pilot:
        view = app.query_one(ArticleView)
        assert rows(view)[0] == "aaa[GPE] bbb[GPE] ccc"
        view.update_highlights([hl("B", 4, 7, "PER"), hl("C", 8, 11, "ORG")], remove_ids=["A"])
        await pilot.pause()
        assert rows(view)[0] == "aaa bbb[PER] ccc[ORG]"
        assert [h.id for h in view.highlights_at(5)] == ["B"]
        view.set_highlights([hl("B", 4, 7, "PER")])
        await pilot.pause()
        assert rows(view)[0] == "aaa bbb[PER] ccc"


async def test_inline_labels_mark_where_a_nested_span_starts() -> None:
    """``<ORG>`` before a span another starts or ends inside; none for a lone or an inner span;
    the mark follows edits, wraps with its word, and the cursor and clicks skip its cells."""
    text = "The Iraqi troops entered Basra on Monday.\n"
    iraqi = text.index("Iraqi")
    basra = text.index("Basra")
    org, gpe = hl("O", iraqi, iraqi + 12, "ORG"), hl("G", iraqi, iraqi + 5, "GPE")
    app = ViewApp(text, highlights=[org, gpe, hl("B", basra, basra + 5, "GPE")], labels=True)
    async with app.run_test(size=(100, 5)) as pilot:
        view = app.query_one(ArticleView)
        assert rows(view)[0] == "The <ORG>Iraqi[GPE] troops[ORG] entered Basra[GPE] on Monday."
        await pilot.press("w")
        assert view.cursor == iraqi  # the mark is not text
        await pilot.click(ArticleView, offset=(1 + 4, 0))  # on the mark: the word it starts
        assert view.cursor == iraqi
        await pilot.click(ArticleView, offset=(1 + 9, 0))  # "I" after the mark
        assert view.cursor == iraqi
        # The inner span goes: nothing is nested any more, the mark goes too.
        view.update_highlights(remove_ids=["G"])
        await pilot.pause()
        assert rows(view)[0] == "The Iraqi troops[ORG] entered Basra[GPE] on Monday."
        # Overlapping spans (PER ends inside ORG and LOC, which start inside PER) are all marked.
        view.update_highlights(upsert=[hl("P", 0, iraqi + 5, "PER"), hl("X", iraqi, iraqi + 12, "LOC")])
        await pilot.pause()
        assert rows(view)[0] == "<PER>The <ORG><LOC>Iraqi[PER] troops[ORG][LOC] entered Basra[GPE] on Monday."
        # A span covering ORG and LOC exactly: nothing starts or ends inside it, no mark.
        view.update_highlights(remove_ids=["P"], upsert=[hl("Y", iraqi, iraqi + 12, "FAC")])
        await pilot.pause()
        assert rows(view)[0] == "The Iraqi troops[ORG][LOC][FAC] entered Basra[GPE] on Monday."
    # Wrapped: the mark stays on the row of the word it starts, and no row is wider than the view.
    app = ViewApp(text, highlights=[org, gpe], labels=True)
    async with app.run_test(size=(22, 8)) as pilot:  # 17 cells of text a row
        view = app.query_one(ArticleView)
        shown = [r for r in rows(view) if r]
        assert shown[:2] == ["The", "<ORG>Iraqi[GPE]"], shown
        assert all(len(r) <= 22 - 5 for r in shown), shown
