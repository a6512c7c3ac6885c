"""Probe the article view on a large document: load time and per-key render times.

Builds a 5 MB article (ASCII news-like text, or ``--cjk`` for CJK + emoji +
combining marks) with 50,000 highlights, loads it into an ``ArticleView``
inside a headless app, then times each motion key followed by rendering every
visible row (what one frame costs).

Run::

    PYTHONPATH=. python bench/view_probe.py [--cjk] [--size MB] [--spans N] [--labels]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time

from textual.app import App, ComposeResult

from tui.app.widgets.article_view import ArticleView, Highlight
from tui.core.model import StyleRun

WORDS = (
    "the Iraqi forces in Basra said on Monday that militias loyal to cleric Moqtada al-Sadr "
    "had fought fierce battles with troops of the government while British officials watched "
    "the offensive known as Charge of the Knights from their base near the airport"
).split()
CJK = "中文文本测试一下换行北京上海巴士拉伊拉克军队民兵冲突"
EXTRA = ["👨‍👩‍👧", "🇮🇶", "👍🏽", "é", "한국어", "مرحبا"]
COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46f0f0"]


def make_text(size: int, cjk: bool, rng: random.Random) -> str:
    """Return about ``size`` characters of text in paragraphs."""
    parts: list[str] = []
    total = 0
    while total < size:
        words = []
        for _ in range(rng.randint(40, 160)):
            if cjk:
                w = "".join(rng.choice(CJK) for _ in range(rng.randint(2, 8)))
                if rng.random() < 0.05:
                    w += rng.choice(EXTRA)
            else:
                w = rng.choice(WORDS)
            words.append(w)
        para = (" " if not cjk else "").join(words) + ".\n\n"
        parts.append(para)
        total += len(para)
    return "".join(parts)


def make_highlights(text: str, n: int, rng: random.Random) -> list[Highlight]:
    """Return ``n`` highlights at random places (some discontinuous, pending or overlapping)."""
    out = []
    length = len(text)
    for i in range(n):
        s = rng.randrange(0, length - 40)
        e = s + rng.randint(1, 30)
        frags = ((s, e),)
        if i % 50 == 0:
            frags = ((s, e), (e + 5, e + 12))
        out.append(
            Highlight(
                id=f"T{i}",
                fragments=frags,
                label=("PER", "ORG", "GPE", "LOC")[i % 4],
                color=COLORS[i % len(COLORS)],
                pending=i % 17 == 0,
                overlay=i % 23 == 0,
            )
        )
    return out


class ProbeApp(App):
    """A bare app holding one ArticleView."""

    def compose(self) -> ComposeResult:
        yield ArticleView()


def frame(view: ArticleView) -> float:
    """Render every visible row; return the seconds it took."""
    t = time.perf_counter()
    for y in range(view.scrollable_content_region.height):
        view.render_line(y)
    return time.perf_counter() - t


async def main(args: argparse.Namespace) -> None:
    rng = random.Random(7)
    t = time.perf_counter()
    text = make_text(args.size * 1_000_000 // (3 if args.cjk else 1), args.cjk, rng)
    highlights = make_highlights(text, args.spans, rng)
    styles = [StyleRun(start=m, end=m + 20, kind="strong") for m in range(0, len(text) - 20, 5000)]
    print(f"built {len(text):,} code points ({len(text.encode()):,} bytes), {len(highlights):,} spans "
          f"in {time.perf_counter() - t:.2f}s")
    app = ProbeApp()
    async with app.run_test(size=(160, 50)) as pilot:
        view = app.query_one(ArticleView)
        view.show_labels = args.labels
        view.focus()
        t = time.perf_counter()
        view.load(text, styles, highlights)
        first = frame(view)
        load = time.perf_counter() - t
        print(f"load + first frame: {load * 1000:.0f} ms (first frame {first * 1000:.1f} ms); "
              f"rows {view._map.row_count:,}, blocks pending {view._map.pending:,}")
        await pilot.pause()
        keys = ["j"] * 30 + ["w"] * 30 + ["l"] * 30 + ["pagedown"] * 20 + ["right_curly_bracket"] * 10 + \
               ["right_parenthesis"] * 10 + ["k"] * 30 + ["pageup"] * 10 + ["G", "g", "G"] + ["v"] + ["e"] * 10
        for mode, gap in (("typed (0.1 s between keys: idle prefetch runs)", 0.1), ("burst (no idle time)", 0.0)):
            print(f"per key = action + rendering every visible row, {mode}:")
            view._strip_cache.clear()
            view.move_to(0)
            times: dict[str, list[float]] = {}
            for key in keys:
                if gap:
                    await pilot.pause(gap)
                t = time.perf_counter()
                await _press(view, key)
                frame(view)
                times.setdefault(key, []).append(time.perf_counter() - t)
            for key, vals in times.items():
                vals_ms = sorted(v * 1000 for v in vals)
                print(f"  {key:20s} n={len(vals):3d} median {statistics.median(vals_ms):6.2f} ms  max {vals_ms[-1]:6.2f} ms")
        t = time.perf_counter()
        hl2 = highlights + [Highlight(id="new", fragments=((view.cursor, view.cursor + 5),), label="PER", color="#ff0000")]
        view.set_highlights(hl2)
        frame(view)
        print(f"set_highlights (all 50k + 1 new span, diffed) + frame: {(time.perf_counter() - t) * 1000:.1f} ms")
        t = time.perf_counter()
        view.update_highlights([Highlight(id="new2", fragments=((view.cursor, view.cursor + 3),), label="ORG", color="#00ff00")])
        frame(view)
        print(f"update_highlights (+1 span) + frame: {(time.perf_counter() - t) * 1000:.1f} ms")


_ACTIONS = {
    "j": "cursor_down", "k": "cursor_up", "l": "cursor_right", "w": "word_next", "e": "word_end",
    "pagedown": "page_down", "pageup": "page_up", "right_curly_bracket": "paragraph_next",
    "right_parenthesis": "sentence_next", "G": "doc_end", "g": "doc_start", "v": "toggle_visual",
}


async def _press(view: ArticleView, key: str) -> None:
    """Run the key's action directly (no event loop round trip, so only our cost is timed)."""
    getattr(view, "action_" + _ACTIONS[key])()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cjk", action="store_true", help="CJK + emoji text instead of ASCII")
    parser.add_argument("--size", type=int, default=5, help="megabytes of UTF-8 text")
    parser.add_argument("--spans", type=int, default=50_000)
    parser.add_argument("--labels", action="store_true", help="show inline labels")
    asyncio.run(main(parser.parse_args()))
