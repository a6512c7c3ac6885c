"""Tests for tui.core.text.markdown: Markdown source -> plain text + style runs."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.model import StyleRun
from tui.core.text.markdown import cell_width, plain_text_of, render_markdown

# -- helpers ------------------------------------------------------------------


def check_invariants(text: str, runs: list[StyleRun]) -> None:
    """What every rendering must satisfy, whatever the source."""
    for run in runs:
        assert isinstance(run, StyleRun)
        assert 0 <= run.start < run.end <= len(text), run
    keys = [(r.start, -r.end) for r in runs]
    assert keys == sorted(keys)
    # Runs come from a tree: two runs are disjoint or one contains the other.
    for i, a in enumerate(runs):
        for b in runs[i + 1 :]:
            if b.start >= a.end:
                break
            assert b.end <= a.end, (a, b)
    if text:
        # Exactly one final newline, unless the author wrote one as &#10;.
        assert text.endswith("\n")


def table(text: str, runs: list[StyleRun]) -> list[tuple]:
    return [(r.start, r.end, r.kind, r.attrs, text[r.start : r.end]) for r in runs]


# -- a representative article -------------------------------------------------

ARTICLE = """\
# Report on *Gaza*

Talks in **Cairo _resumed_** on `Monday`, said [the *UN*](https://un.org/x "UN \
site") &amp; <abbr>AP</abbr>.
A second line\\
after a hard break ![map](map.png) ~~gone~~ <https://ex.org>.

## Lists

- alpha
- beta
  continued
  - nested
    1. deep
- gamma

7. seven
8. eight

> quoted *text*
>
> > inner

```python extra
x = 1

y = "é"
```

| 名前 | count | c |
|:-----|------:|:-:|
| 東京 | 1 | x |
| Paris | 100 | yy |

***

<div class="x">
raw *not* emphasis
</div>
"""

EXPECTED_TEXT = """\
Report on Gaza

Talks in Cairo resumed on Monday, said the UN & <abbr>AP</abbr>.
A second line
after a hard break map gone https://ex.org.

Lists

• alpha
• beta
  continued
  • nested
    1. deep
• gamma

7. seven
8. eight

│ quoted text
│
│ │ inner

x = 1

y = "é"

名前  │ count │ c \n\
──────┼───────┼───
東京  │     1 │ x \n\
Paris │   100 │ yy

────────────────────

<div class="x">
raw *not* emphasis
</div>
"""

EXPECTED_RUNS = [
    (0, 14, "heading", {"level": 1}, "Report on Gaza"),
    (10, 14, "emphasis", {}, "Gaza"),
    (25, 38, "strong", {}, "Cairo resumed"),
    (31, 38, "emphasis", {}, "resumed"),
    (42, 48, "code", {}, "Monday"),
    (55, 61, "link", {"href": "https://un.org/x", "title": "UN site"}, "the UN"),
    (59, 61, "emphasis", {}, "UN"),
    (64, 70, "html", {}, "<abbr>"),
    (72, 79, "html", {}, "</abbr>"),
    (114, 117, "image", {"src": "map.png"}, "map"),
    (118, 122, "strike", {}, "gone"),
    (123, 137, "link", {"href": "https://ex.org"}, "https://ex.org"),
    (140, 145, "heading", {"level": 2}, "Lists"),
    (147, 154, "list_item", {"depth": 0, "marker": "•"}, "• alpha"),
    (
        155,
        196,
        "list_item",
        {"depth": 0, "marker": "•"},
        "• beta\n  continued\n  • nested\n    1. deep",
    ),
    (176, 196, "list_item", {"depth": 1, "marker": "•"}, "• nested\n    1. deep"),
    (189, 196, "list_item", {"depth": 2, "marker": "1."}, "1. deep"),
    (197, 204, "list_item", {"depth": 0, "marker": "•"}, "• gamma"),
    (206, 214, "list_item", {"depth": 0, "marker": "7."}, "7. seven"),
    (215, 223, "list_item", {"depth": 0, "marker": "8."}, "8. eight"),
    (225, 250, "blockquote", {}, "│ quoted text\n│\n│ │ inner"),
    (234, 238, "emphasis", {}, "text"),
    (243, 250, "blockquote", {}, "│ inner"),
    (252, 266, "code_block", {"info": "python"}, 'x = 1\n\ny = "é"'),
    (
        268,
        339,
        "table",
        {},
        "名前  │ count │ c \n──────┼───────┼───\n東京  │     1 │ x \nParis │   100 │ yy",
    ),
    (268, 284, "table_header", {}, "名前  │ count │ c "),
    (341, 361, "rule", {}, "────────────────────"),
    (363, 404, "html", {}, '<div class="x">\nraw *not* emphasis\n</div>'),
]


def test_representative_article_text() -> None:
    text, _runs = render_markdown(ARTICLE)
    assert text == EXPECTED_TEXT


def test_representative_article_runs() -> None:
    text, runs = render_markdown(ARTICLE)
    assert table(text, runs) == EXPECTED_RUNS
    check_invariants(text, runs)


def test_plain_text_of_matches_render() -> None:
    assert plain_text_of(ARTICLE) == EXPECTED_TEXT


# -- focused cases ------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("", ""),
        ("   \n\n", ""),
        ("a\nb", "a\nb\n"),
        ("a  \nb", "a\nb\n"),
        ("a\n\n\n\nb", "a\n\nb\n"),
        ("a\r\nb\r\n", "a\nb\n"),
        ("e\u0301 caf\u00e9 👩\u200d👩\u200d👧 \x07 \u202e", None),
        ("&copy; &#x1F600; \\*", "© 😀 *\n"),
        ("-\n", "•\n"),
        ("- a\n\n- b\n", "• a\n\n• b\n"),
        ("- a\n\n  b\n- c\n", "• a\n\n  b\n\n• c\n"),
        ("10. ten\n    more\n", "10. ten\n    more\n"),
        ("1. one\n   - sub\n", "1. one\n  • sub\n"),
        ("- > q\n  > r\n", "• │ q\n  │ r\n"),
        ("> - a\n>   b\n", "│ • a\n│   b\n"),
        ("    indented\n      code\n", "indented\n  code\n"),
        ("```\n```\n\nafter", "after\n"),
        ("#\n\nx", "x\n"),
        ("Title\n=====\n", "Title\n"),
        ("[](empty) x", " x\n"),
        ("<!-- c -->\n", "<!-- c -->\n"),
        ("| a |\n|---|\n", "a\n─\n"),
    ],
)
def test_layout(source: str, expected: str | None) -> None:
    text, runs = render_markdown(source)
    if expected is None:  # characters pass through untouched
        expected = source + "\n"
    assert text == expected
    check_invariants(text, runs)


def test_no_unicode_normalisation() -> None:
    decomposed = "Cafe\u0301 \u00c5ngstro\u0308m \ufb01"
    text, _ = render_markdown(f"**{decomposed}**")
    assert text == decomposed + "\n"
    assert text != __import__("unicodedata").normalize("NFC", text)


def test_heading_levels_and_setext() -> None:
    text, runs = render_markdown("### three\n\nsub\n---\n")
    assert text == "three\n\nsub\n"
    assert [(r.kind, r.attrs) for r in runs] == [
        ("heading", {"level": 3}),
        ("heading", {"level": 2}),
    ]


def test_code_block_info_and_verbatim_content() -> None:
    source = "~~~ rust {.x}\n  *not* `md` &amp;\n\n~~~\n"
    text, runs = render_markdown(source)
    assert text == "  *not* `md` &amp;\n"
    assert table(text, runs) == [(0, 18, "code_block", {"info": "rust"}, "  *not* `md` &amp;")]
    _, runs = render_markdown("    plain\n")
    assert runs[0].attrs == {"info": ""}


def test_nested_styles_same_range_outer_first() -> None:
    text, runs = render_markdown("***both*** **[l](u)**")
    assert text == "both l\n"
    assert [(r.start, r.end, r.kind) for r in runs] == [
        (0, 4, "emphasis"),
        (0, 4, "strong"),
        (5, 6, "strong"),
        (5, 6, "link"),
    ]


@pytest.mark.parametrize(
    ("source", "expected_text", "covered"),
    [
        ("> *a&#10;*\n> b\n", "│ a\n│\n│ b\n", "a\n"),
        ("- **x&#10;**\n  y\n", "• x\n\n  y\n", "x\n"),
    ],
)
def test_run_ending_in_newline_stops_before_next_prefix(
    source: str, expected_text: str, covered: str
) -> None:
    text, runs = render_markdown(source)
    assert text == expected_text
    inner = [r for r in runs if r.kind in ("emphasis", "strong")]
    assert [text[r.start : r.end] for r in inner] == [covered]
    check_invariants(text, runs)


def test_ordered_list_start_and_width_change() -> None:
    text, runs = render_markdown("9. a\n10. b\n    c\n")
    assert text == "9. a\n10. b\n    c\n"
    assert [(r.attrs["marker"], text[r.start : r.end]) for r in runs] == [
        ("9.", "9. a"),
        ("10.", "10. b\n    c"),
    ]


def test_table_alignment_and_missing_cells() -> None:
    source = "| l | r | c |\n|---|--:|:-:|\n| long | 1 | 中 |\n| x |\n"
    text, runs = render_markdown(source)
    assert text == "l    │ r │ c \n─────┼───┼───\nlong │ 1 │ 中\nx    │   │   \n"
    assert [r.kind for r in runs] == ["table", "table_header"]


def test_table_cell_styles_are_runs() -> None:
    text, runs = render_markdown("| *a* | `b` |\n|---|---|\n| [c](u) | d |\n")
    got = {(r.kind, text[r.start : r.end]) for r in runs}
    assert {("emphasis", "a"), ("code", "b"), ("link", "c")} <= got


def test_cell_width() -> None:
    assert cell_width("abc") == 3
    assert cell_width("東京") == 4
    assert cell_width("e\u0301") == 1
    assert cell_width("a\u200db") == 2
    assert cell_width("\x1b") == 1  # drawn as one replacement character
    assert cell_width("\u202e") == 1


def test_html_is_literal() -> None:
    source = "a <script>alert(1)</script> [x](javascript:y)"
    text, runs = render_markdown(source)
    assert text == source + "\n"  # markdown-it refuses javascript: links
    assert [(r.kind, text[r.start : r.end]) for r in runs] == [
        ("html", "<script>"),
        ("html", "</script>"),
    ]


# -- property: generated documents -------------------------------------------

GRAPHEMES = [
    *"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "e\u0301",  # e + combining acute
    "\u00e9",  # precomposed é
    "中",
    "文",
    "字",
    "한",
    "👩\u200d👩\u200d👧",
    "👍🏽",
    "م",
    "ر",
    "ح",
    "ب",
    "ا",
    "ß",
]

words = st.lists(st.sampled_from(GRAPHEMES), min_size=1, max_size=5).map("".join)
urls = st.lists(st.sampled_from("abcxyz"), min_size=1, max_size=6).map(
    lambda s: "https://example.org/" + "".join(s)
)

#: style name -> kinds of the runs it makes, outermost first.
STYLES: dict[str, tuple[str, ...]] = {
    "plain": (),
    "em": ("emphasis",),
    "strong": ("strong",),
    "code": ("code",),
    "strike": ("strike",),
    "link": ("link",),
    "strong_link": ("strong", "link"),
    "em_code": ("emphasis", "code"),
}


@dataclass
class Word:
    text: str
    style: str
    url: str

    def source(self) -> str:
        w, u = self.text, self.url
        return {
            "plain": w,
            "em": f"*{w}*",
            "strong": f"**{w}**",
            "code": f"`{w}`",
            "strike": f"~~{w}~~",
            "link": f"[{w}]({u})",
            "strong_link": f"**[{w}]({u})**",
            "em_code": f"*`{w}`*",
        }[self.style]


@dataclass
class Block:
    kind: str  # paragraph, heading, bullet, ordered, quote
    lines: list[list[Word]]
    level: int = 1


styled_words = st.builds(Word, words, st.sampled_from(sorted(STYLES)), urls)
line = st.lists(styled_words, min_size=1, max_size=4)
blocks = st.one_of(
    st.builds(Block, st.just("paragraph"), st.lists(line, min_size=1, max_size=3)),
    st.builds(
        Block,
        st.just("heading"),
        st.lists(line, min_size=1, max_size=1),
        st.integers(1, 6),
    ),
    st.builds(Block, st.just("bullet"), st.lists(line, min_size=1, max_size=3)),
    st.builds(Block, st.just("ordered"), st.lists(line, min_size=1, max_size=3)),
    st.builds(Block, st.just("quote"), st.lists(line, min_size=1, max_size=3)),
)
documents = st.lists(blocks, min_size=1, max_size=6)


def source_of(doc: list[Block]) -> str:
    out = []
    for block in doc:
        lines = [" ".join(w.source() for w in ws) for ws in block.lines]
        if block.kind == "paragraph":
            out.append("\n".join(lines))
        elif block.kind == "heading":
            out.append("#" * block.level + " " + lines[0])
        elif block.kind == "bullet":
            out.append("- " + "\n  ".join(lines))
        elif block.kind == "ordered":
            out.append("1. " + "\n   ".join(lines))
        else:
            out.append("\n".join("> " + s for s in lines))
    return "\n\n".join(out) + "\n"


def expected_of(doc: list[Block]) -> tuple[str, list[tuple]]:
    """The rendering, computed independently of the renderer."""
    text = ""
    runs: list[tuple] = []
    number = 0
    for block in doc:
        number = number + 1 if block.kind == "ordered" else 0
        if text:
            text += "\n\n"
        block_start = len(text)
        if block.kind == "bullet":
            first, rest = "• ", "  "
        elif block.kind == "ordered":
            first, rest = f"{number}. ", " " * len(f"{number}. ")
        elif block.kind == "quote":
            first = rest = "│ "
        else:
            first = rest = ""
        for i, ws in enumerate(block.lines):
            if i:
                text += "\n"
            text += first if i == 0 else rest
            for j, w in enumerate(ws):
                if j:
                    text += " "
                for kind in STYLES[w.style]:
                    attrs = {"href": w.url} if kind == "link" else {}
                    runs.append((len(text), len(text) + len(w.text), kind, attrs))
                text += w.text
        block_run = {
            "heading": ("heading", {"level": block.level}),
            "bullet": ("list_item", {"depth": 0, "marker": "•"}),
            "ordered": ("list_item", {"depth": 0, "marker": f"{number}."}),
            "quote": ("blockquote", {}),
        }.get(block.kind)
        if block_run:
            runs.append((block_start, len(text), *block_run))
    return text + "\n", runs


def key(run: tuple) -> tuple:
    return (run[0], run[1], run[2], sorted(run[3].items()))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_generated_documents_render_exactly(doc: list[Block]) -> None:
    source = source_of(doc)
    text, runs = render_markdown(source)
    check_invariants(text, runs)

    expected_text, expected_runs = expected_of(doc)
    assert text == expected_text
    got = [(r.start, r.end, r.kind, r.attrs) for r in runs]
    assert sorted(got, key=key) == sorted(expected_runs, key=key)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_generated_styled_words_have_exact_runs(doc: list[Block]) -> None:
    text, runs = render_markdown(source_of(doc))
    # No markup from the styling leaks into the text.
    for char in "*`~[]()#>":
        assert char not in text
    # Every word appears, in order; every styled word has runs of its kinds
    # covering exactly that word.
    by_range: dict[tuple[int, int], list[StyleRun]] = {}
    for run in runs:
        by_range.setdefault((run.start, run.end), []).append(run)
    cursor = 0
    for block in doc:
        for ws in block.lines:
            for w in ws:
                at = text.find(w.text, cursor)
                assert at >= 0, (w.text, text[cursor:])
                cursor = at + len(w.text)
                here = by_range.get((at, cursor), [])
                kinds = [r.kind for r in here if r.kind in STYLES[w.style]]
                assert kinds == list(STYLES[w.style])  # outermost first
                for r in here:
                    assert text[r.start : r.end] == w.text
                    if r.kind == "link":
                        assert r.attrs["href"] == w.url


# -- property: arbitrary input -------------------------------------------------

MARKDOWNISH_PIECES = [
    *"*_`~[]()#>-+=|:!<>&;\\/. \t\n\r",
    *"1aé中👩\u0301\u200d\x00\x1b\u202e",
    *["&amp;", "&#10;", "```", "    ", "| --- |", "<div>", "http://x.y", "\n\n"],
]
markdownish = st.lists(st.sampled_from(MARKDOWNISH_PIECES), max_size=80).map("".join)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), markdownish))
def test_never_raises_deterministic_in_bounds(source: str) -> None:
    first = render_markdown(source)
    second = render_markdown(source)
    assert first == second
    check_invariants(*first)


# Letters, marks, numbers and symbols outside ASCII: never Markdown syntax.
non_syntax = st.text(
    alphabet=st.characters(categories=("L", "M", "N", "S"), min_codepoint=0x80),
    min_size=1,
)


@given(non_syntax)
def test_characters_pass_through_unchanged(line: str) -> None:
    text, runs = render_markdown(line)
    assert text == line + "\n"
    assert runs == []
    text, runs = render_markdown(f"*{line}*")
    assert text == line + "\n"
    assert [(r.start, r.end, r.kind) for r in runs] == [(0, len(line), "emphasis")]
