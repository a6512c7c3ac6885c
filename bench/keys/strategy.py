"""A fast analyst: the keys that reproduce a gold annotation in the real app, counted.

One general strategy, not a script per article. It reads the live state (the
screen through tmux, the database read-only) before each decision and plans
with the same pure functions the app uses for motions (``tui.core.text.motions``)
and search hits (``find_hits``); what it predicts it then checks on the screen
or in the database, and when the app did something else it pays the keys to
repair it (``undo``) and tries the surest way (a search), so a wrong guess
costs keys instead of being hidden. See ``bench/keys/__init__.py`` for the
counting rules.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.keys.gold import Gold, SpanKey
from bench.keys.keymap import Keys
from bench.keys.reviewing import Reviewing
from bench.keys.screen import _CAND, _CURSOR, _LETTERS, _ROLE, _SEL, _SELECTED
from tests.terminal.harness import Terminal
from tui.app.dialogs.search import SearchQuery, find_hits
from tui.core.editing.candidates import neighbourhood
from tui.core.schema import Schema
from tui.core.schema.hotkeys import event_hotkeys
from tui.core.text import motions
from tui.core.text.graphemes import grapheme_bounds

#: How long one expected screen or database state may take (a poll, not a timed assertion).
DEADLINE_S = 20.0

Step = tuple[str, str]
"""``("key", tmux name)`` (one key), ``("text", s)`` (``len(s)`` keys, typed) or ``("sync", what)``
(no key: wait until the app shows a selection, or ``screen:TEXT``)."""


def _grapheme_end(text: str, i: int) -> int:
    return grapheme_bounds(text, i)[1] if i < len(text) else i


@dataclass
class Plan:
    """Keys that bring the view to a target, and what the target is then."""

    steps: list[Step]
    how: str
    query: str = ""
    """The search it types (its hits are what ``n`` then walks)."""

    @property
    def cost(self) -> int:
        return sum(1 if k == "key" else len(v) for k, v in self.steps if k != "sync")


@dataclass
class Tally:
    """Keys sent, per phase, and what could not be reached."""

    keys: dict[str, int] = field(default_factory=lambda: {"mentions": 0, "events": 0, "coref": 0})
    ways: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    items: list[tuple[str, int, str]] = field(default_factory=list)
    """Each event and chain, with the keys it took and which (where the keys go)."""
    trace: list[str] = field(default_factory=list)
    """The keys sent since the current event or chain began."""


class Analyst(Reviewing):
    """Plays one article: review, mentions, events, coreference."""

    def __init__(self, term: Terminal, db: Path, doc_name: str, annotator: str, text: str,
                 schema: Schema, keys: Keys, gold: Gold) -> None:
        self.term, self.db, self.doc_name, self.annotator = term, db, doc_name, annotator
        self.text, self.schema, self.keys, self.gold = text, schema, keys, gold
        self.tally = Tally()
        self.phase = "mentions"
        self.hits: list[tuple[int, int]] = []
        self.last_tag: str | None = None
        self.done_events: set[tuple[str, int, int, frozenset[tuple[str, int, int]]]] = set()
        """Gold events made while tagging (the cursor was near their triggers), or accepted in review."""
        self.review_round = 0
        """0 in the first review; 1 in the second (the one that takes the skipped events)."""
        self.skipped_events: set[tuple[str, int, int, frozenset[tuple[str, int, int]]]] = set()
        """Gold events suggested but skipped in the first review (a filler was not there yet): accepted
        in a second review once the mentions are tagged."""
        self._edges: dict[int, list[tuple[str, int]]] = {}
        self._moves: list[tuple[str, Callable[[str, int], int]]] = [
            (keys[name], fn) for name, fn in (
                ("word-next", motions.next_word_start), ("word-prev", motions.prev_word_start),
                ("word-end", motions.word_end), ("sentence-next", motions.next_sentence),
                ("sentence-prev", motions.prev_sentence), ("paragraph-next", motions.next_paragraph),
                ("paragraph-prev", motions.prev_paragraph), ("doc-start", lambda t, i: 0))
            if keys.has(name)]
        self.doc_id = self.rows("SELECT id FROM documents WHERE name = ?", doc_name)[0][0]

    # -- keys ----------------------------------------------------------------------------

    def send(self, steps: list[Step], how: str = "") -> None:
        """Send keys as a terminal does, counting every one."""
        for kind, value in steps:
            if kind == "key" and value == "Escape":
                # A lone ESC is only reported after Textual's escape delay; a key sent right
                # after it would arrive as alt+key (ESC g is alt+g). Wait for its effect.
                before = self.signature()
                self.term.press(value)
                if not self.poll(lambda b=before: self.signature() != b):
                    self.tally.notes.append("an escape changed nothing")
            elif kind == "sync":
                # Wait for the app to show the selection before the next key: a key typed
                # right after a search's enter can still reach the search field (it did on
                # 2026-12-06: "/attacker enter 1" searched for "attacker1").
                if value == "nosel":
                    self.poll(lambda: "“" not in self.status() or _SEL.search(self.status()))
                elif value.startswith("cursor:"):
                    self.poll(lambda v=int(value[7:]): self.cursor() == v)
                elif value.startswith("screen:"):
                    self.poll(lambda v=value[7:]: v in self.term.screen())
                else:
                    self.poll(lambda: _SEL.search(self.status()))
            elif kind == "key":
                self.term.press(value)
            else:
                self.term.type(value)
        n = sum(1 if k == "key" else len(v) for k, v in steps if k != "sync")
        self.tally.keys[self.phase] += n
        self.tally.trace += [v for k, v in steps if k != "sync"]
        if how:
            self.tally.ways[how] = self.tally.ways.get(how, 0) + 1

    def key(self, name: str) -> Step:
        return ("key", self.keys[name])

    # -- reading the live state ----------------------------------------------------------

    def poll(self, check: Callable[[], object], timeout: float = DEADLINE_S) -> object:
        """Poll ``check()`` until it returns something true; None when the deadline passes."""
        deadline = time.monotonic() + timeout
        while True:
            got = check()
            if got:
                return got
            if time.monotonic() > deadline:
                return None
            time.sleep(0.04)

    def status(self, screen: str | None = None) -> str:
        screen = self.term.screen() if screen is None else screen
        for row in reversed(screen.split("\n")):
            if "│" in row and _CURSOR.search(row):
                return row
        return ""

    def signature(self) -> str:
        """The status line and the role prompt: what only the analyst's keys change (not notifications)."""
        screen = self.term.screen()
        prompt = [row for row in screen.split("\n") if "candidate:" in row or "Coreference chain of" in row]
        return self.status(screen) + "\n".join(prompt)

    def cursor(self) -> int | None:
        m = _CURSOR.search(self.status())
        return int(m.group(1)) if m else None

    def settled_cursor(self) -> int:
        """The cursor once two reads agree (keys sent in a burst may still be arriving)."""
        def read() -> int | None:
            a = self.cursor()
            time.sleep(0.08)
            b = self.cursor()
            return a + 1 if a is not None and a == b else None  # +1: offset 0 is true
        got = self.poll(read)
        if got is None:
            raise RuntimeError(f"no status line; the screen:\n{self.term.screen()}")
        return int(got) - 1

    # -- planning: moves, selections, search ------------------------------------------------

    def edges(self, pos: int) -> list[tuple[str, int]]:
        if pos not in self._edges:
            self._edges[pos] = [(k, fn(self.text, pos)) for k, fn in self._moves]
        return self._edges[pos]

    def path(self, start: int, goals: set[int], limit: int = 40) -> list[str] | None:
        """The fewest motion keys from ``start`` to any of ``goals`` (breadth first)."""
        if start in goals:
            return []
        back: dict[int, tuple[int, str]] = {start: (start, "")}
        queue = deque([(start, 0)])
        while queue:
            pos, depth = queue.popleft()
            if depth >= limit:
                continue
            for k, nxt in self.edges(pos):
                if nxt in back:
                    continue
                back[nxt] = (pos, k)
                if nxt in goals:
                    keys = []
                    while nxt != start:
                        nxt, k2 = back[nxt]
                        keys.append(k2)
                    return keys[::-1]
                queue.append((nxt, depth + 1))
        return None

    def extend(self, s: int, e: int) -> list[str] | None:
        """From the cursor on ``s`` with ``v`` pressed: word ends, then characters, until the selection is ``[s, e)``."""
        pos, keys = s, []
        while _grapheme_end(self.text, pos) < e and len(keys) < 16:
            nxt = motions.word_end(self.text, pos)
            if nxt > pos and _grapheme_end(self.text, nxt) <= e:
                pos, key = nxt, self.keys["word-end"]
            else:
                pos, key = _grapheme_end(self.text, pos), self.keys["cursor-right"]
            keys.append(key)
        return keys if _grapheme_end(self.text, pos) == e else None

    def next_hits(self, hits: list[tuple[int, int]], cur: int, target: tuple[int, int],
                  selected: bool = False, most: int = 4) -> int | None:
        """How many ``n`` presses (after the first hit, itself found with ``cursor``) reach ``target``."""
        if not hits:
            return None
        hit = next((h for h in hits if (h[0] > cur if selected else h[0] >= cur)), hits[0])
        for n in range(most):
            if hit == target:
                return n
            hit = next((h for h in hits if h[0] > hit[0]), hits[0])
        return None

    def reach(self, cur: int, s: int, e: int, *, word_ok: bool = True) -> list[Plan]:
        """Ways to make ``[s, e)`` what a tag key (or ``E``) takes: selected, or the word under the cursor."""
        plans: list[Plan] = []
        text = self.text
        if word_ok:
            inside = {p for p in range(s, e) if motions.tag_word_bounds(text, p) == (s, e)}
            if inside:
                keys = self.path(cur, inside)
                if keys is not None:
                    plans.append(Plan([("key", k) for k in keys], "motions"))
        ext = self.extend(s, e)
        if ext is not None:
            keys = self.path(cur, {s})
            if keys is not None:
                plans.append(Plan([("key", k) for k in keys] + [self.key("toggle-visual")]
                                  + [("key", k) for k in ext], "motions+select"))
            jump = self.short_search(cur, s, e)
            if jump is not None:
                q, back = jump
                plans.append(Plan([self.key("search"), ("text", q), ("key", "Enter"), ("sync", "sel"),
                                   self.key("release")] + ([self.key("word-prev")] if back else [])
                                  + [self.key("toggle-visual")] + [("key", k) for k in ext], "search+select", q))
        n = self.next_hits(self.hits, cur, (s, e))
        if n is not None:
            plans.append(Plan([self.key("search-next"), ("sync", "sel")] * (n + 1), "search-next"))
        if word_ok and inside:
            # A short search: the first hit from the cursor is the word's start; escape drops the
            # hit's selection, leaving the cursor (on the hit's last character) in the word.
            jump = self.short_search(cur, s, e, inside)
            if jump is not None:
                plans.append(Plan([self.key("search"), ("text", jump[0]), ("key", "Enter"), ("sync", "sel"),
                                   self.key("release")], "search-word", jump[0]))
        query = text[s:e]
        hits = find_hits(text, SearchQuery(query))
        n = self.next_hits(hits, cur, (s, e), most=50)
        if n is not None:
            plans.append(Plan([self.key("search"), ("text", query), ("key", "Enter"), ("sync", "sel")]
                              + [self.key("search-next"), ("sync", "sel")] * n, "search", query))
        return plans

    def short_search(self, cur: int, s: int, e: int, inside: set[int] | None = None) -> tuple[str, bool] | None:
        """The fewest first letters of ``[s, e)`` whose first hit from the cursor starts at ``s``.

        Returns the query, and whether ``b`` is then needed to bring the cursor (left on the
        hit's last character by ``escape``) back to ``s``; None when no query of up to 6 letters does.
        With ``inside`` (offsets where the word under the cursor is the target), the cursor
        must end in it and no ``b`` is needed.
        """
        text = self.text
        for n in range(1, min(e - s, 6) + 1):
            q = text[s:s + n]
            if q.strip() != q:
                break
            last = s + n - 1
            if inside is not None and last not in inside:
                continue
            back = inside is None and last != s
            if back and motions.prev_word_start(text, last) != s:
                continue
            if self.next_hits(find_hits(text, SearchQuery(q)), cur, (s, s + n), most=1) == 0:
                return q, back
        return None

    def tag_hotkeys(self) -> set[str]:
        """The keys that tag (the first key of a tag plan that is no move)."""
        return {self.keys[f"tag-{i}"] for i in range(1, 10) if self.keys.has(f"tag-{i}")} | {
            self.keys["tag-type"], self.keys["repeat-tag"]}

    def tag_keys(self, label: str) -> list[Step]:
        names = [t.name for t in self.schema.span_types]
        i = names.index(label)
        if i < 9 and self.keys.has(f"tag-{i + 1}"):
            return [self.key(f"tag-{i + 1}")]
        hotkey = self.schema.span_types[i].hotkey
        if hotkey:
            return [self.key("tag-type"), ("text", hotkey)]
        return [self.key("tag-type"), ("key", "/"), ("text", label), ("key", "Enter")]

    def names(self, cur: int, most: int = 3) -> list[tuple[int, int]]:
        """What ``next-name`` selects from the cursor, press after press: runs of capitalised words no span covers.

        The app's own function when it has one (``tui.core.text.names``), else a close
        approximation; either way the selection is checked on the screen before tagging.
        """
        taken = [(s, e) for s, e, _, st in self.spans().values() if st != "rejected"]
        try:
            from tui.core.text.names import next_name, overlap_checker  # type: ignore[import-not-found]
        except ImportError:
            def next_name(text: str, pos: int, direction: int, annotated) -> tuple[int, int] | None:
                for m in re.finditer(r"\b[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*", text[pos:]):
                    if not annotated(pos + m.start(), pos + m.end()):
                        return pos + m.start(), pos + m.end()
                return None

            def overlap_checker(ranges):
                return lambda a, b: any(s < b and a < e for s, e in ranges)
        annotated = overlap_checker(taken)
        out: list[tuple[int, int]] = []
        pos = cur
        while len(out) < most:
            found = next_name(self.text, pos, 1, annotated)
            if found is None:
                break
            out.append(found)
            pos = found[0] + 1  # with a selection, the next press looks from its start + 1
        return out

    # -- the phases ----------------------------------------------------------------------

    def mentions(self) -> None:
        """Tag every gold mention the review did not give, in text order; each event as soon as
        its fillers are there and no mention before its trigger is left (the cursor is near)."""
        self.phase = "mentions"
        if self.keys.has("tag-all-hits"):
            self.tag_all_hits()
        for s, e, label in self.gold.spans:
            self.ready_events(before=s)
            if (s, e, label) not in self.accepted():
                before, self.tally.trace = self.tally.keys["mentions"], []
                self.tag(s, e, label)
                self.tally.items.append((f"{label} {self.text[s:e]!r}", self.tally.keys["mentions"] - before,
                                         " ".join(self.tally.trace)))
        self.ready_events(before=len(self.text) + 1)
        self.review_skipped()

    def ready_events(self, before: int) -> None:
        """The events whose trigger comes before ``before`` (the next mention to tag) and whose
        fillers are all tagged: made now, while the cursor is near them."""
        have = {(a, b) for a, b, _l in self.accepted()}
        for item in self.gold.events:
            type_, s, e, args = item
            if item in self.done_events or item in self.skipped_events or s >= before \
                    or not all((a, b) in have for _r, a, b in args):
                continue
            self.done_events.add(item)
            self.phase = "events"
            mark, self.tally.trace = self.tally.keys["events"], []
            self.event(type_, s, e, args)
            self.tally.items.append((f"{type_} {self.text[s:e]!r} ({len(args)} roles)",
                                     self.tally.keys["events"] - mark, " ".join(self.tally.trace)))
            self.phase = "mentions"

    def tag_all_hits(self) -> None:
        """A name missing several times, every hit of it gold with one label: search it, tag every hit (planned ``*``)."""
        gold = set(self.gold.spans)
        groups: dict[tuple[str, str], list[SpanKey]] = {}
        for s, e, label in sorted(gold - self.accepted()):
            groups.setdefault((self.text[s:e], label), []).append((s, e, label))
        for (name, label), items in groups.items():
            hits = find_hits(self.text, SearchQuery(name))
            if len(items) < 2 or not all((a, b, label) in gold for a, b in hits):
                continue
            # the same name one by one costs at least a key to reach it and one to tag it, each time
            if 1 + len(name) + 1 + 2 >= 2 * len(items):
                continue
            before = self.accepted()
            self.send([self.key("search"), ("text", name), ("key", "Enter"), ("sync", "sel"),
                       self.key("tag-all-hits")], "tag-all-hits")
            self.hits = hits
            row = re.compile(rf"(?<![\w-]){re.escape(label)}\s+\[(.)\]")
            screen = self.poll(lambda row=row: (lambda sc: sc if row.search(sc) else None)(self.term.screen()),
                               timeout=5)
            m = row.search(str(screen)) if screen else None
            types = {t.name: t for t in self.schema.span_types}
            hotkey = m.group(1) if m else types[label].hotkey
            if hotkey:
                self.send([("text", hotkey)], "tag-all-hits-type")
            else:
                self.send([("key", "/"), ("text", label), ("key", "Enter")], "tag-all-hits-type")
            want = set(items)
            if not self.poll(lambda b=before, w=want: w <= self.accepted() - b or None):
                self.tally.notes.append(f"tag-all-hits did not tag every {name!r}")

    def tag(self, s: int, e: int, label: str) -> None:
        cur = self.settled_cursor()
        plans = self.reach(cur, s, e)
        tag = self.tag_keys(label)
        options = [Plan(p.steps + tag, p.how, p.query) for p in plans]
        if self.last_tag == label and self.keys.has("repeat-tag") and \
                self.next_hits(self.hits, cur, (s, e), most=1) == 0:
            options.append(Plan([self.key("repeat-tag")], "repeat-tag"))
        if self.keys.has("next-name") and (s, e) in (names := self.names(cur)):
            presses = names.index((s, e)) + 1
            options.append(Plan([self.key("next-name"), ("sync", "sel")] * presses + tag, "next-name"))
        options.sort(key=lambda p: p.cost)
        if not options:
            self.tally.notes.append(f"cannot reach {self.text[s:e]!r} at {s}")
            return
        tries = options[:1] + [p for p in options[1:] if p.how == "search"][:1]
        if "“" in self.status() and not _SEL.search(self.status()):
            # an annotation is selected (an event just made): a tag key would retype it; a move
            # deselects it (free: wait for it), else release it
            tries = [Plan(p.steps[:1] + [("sync", "nosel")] + p.steps[1:], p.how, p.query)
                     if p.steps and p.steps[0][0] == "key" and p.steps[0][1] not in self.tag_hotkeys()
                     else Plan([self.key("release")] + p.steps, p.how, p.query) for p in tries]
        for plan in tries:
            before = self.accepted()
            self.send(plan.steps, plan.how)
            if plan.query:
                self.hits = find_hits(self.text, SearchQuery(plan.query))
            got = self.poll(lambda b=before: self.accepted() - b or None)
            if got and (s, e, label) in got:
                self.last_tag = label
                return
            if got:  # the app tagged something else: undo it (paid) and try the surest way
                self.send([self.key("undo")], "undo")
                self.poll(lambda b=before: self.accepted() == b)
            elif _SEL.search(self.status()):
                self.send([self.key("release")], "release")
        self.tally.notes.append(f"could not tag {label} {self.text[s:e]!r} at {s}")

    def events(self) -> None:
        """Each gold event: trigger, type, then its roles in the prompt's order."""
        self.phase = "events"
        for type_, s, e, args in self.gold.events:
            if (type_, s, e, args) in self.done_events or (type_, s, e, args) in self.skipped_events:
                continue
            before, self.tally.trace = self.tally.keys["events"], []
            self.event(type_, s, e, args)
            self.tally.items.append((f"{type_} {self.text[s:e]!r} ({len(args)} roles)",
                                     self.tally.keys["events"] - before, " ".join(self.tally.trace)))

    def event(self, type_: str, s: int, e: int, args: frozenset[tuple[str, int, int]]) -> None:
        cur = self.settled_cursor()
        plans = sorted(self.reach(cur, s, e), key=lambda p: p.cost)
        if not plans:
            self.tally.notes.append(f"cannot reach trigger {self.text[s:e]!r}")
            return
        plan = plans[0]
        if "“" in self.status() and not _SEL.search(self.status()):
            # An annotation is selected: E would act on it (retype). Moving the cursor off it
            # deselects it (the app's CursorMoved): wait for that, free; with no move, release it.
            if any(k == "key" for k, _v in plan.steps):
                plan = Plan(plan.steps + [("sync", "nosel")], plan.how, plan.query)
            else:
                plan = Plan([self.key("release")] + plan.steps, plan.how, plan.query)
        self.send(plan.steps + [self.key("event")], plan.how)
        if plan.query:
            self.hits = find_hits(self.text, SearchQuery(plan.query))
        screen = self.poll(lambda: (lambda sc: sc if "Event on “" in sc else None)(self.term.screen()))
        if not screen:
            self.tally.notes.append(f"no event picker on {self.text[s:e]!r}")
            return
        # The picker's hotkeys (one or two keys, declared or derived): the app's own function.
        hotkey = event_hotkeys(self.schema).get(type_)
        if hotkey:
            self.send([("text", hotkey)], "event-type-hotkey")
        else:
            self.send([("key", "/"), ("text", type_), ("key", "Enter")], "event-type-filter")
        self.roles(type_, {(r, a, b) for r, a, b in args}, (s, e))

    def prompt(self) -> tuple[str, str] | None:
        """The role prompt's header and candidate line (None once it is closed)."""
        screen = self.term.screen()
        m = _ROLE.search(screen)
        if not m:
            return None
        c = _CAND.search(screen)
        return m.group(0), c.group(0) if c else ""

    def candidate(self) -> tuple[int, str, int] | None:
        """The current candidate: (its start, its text, the count), or None when none is selected.

        Read from one screen where the prompt and the status line agree (they are drawn
        in one frame, but a capture may fall between two).
        """
        def read() -> tuple[int, str, int] | None:
            screen = self.term.screen()
            c = _CAND.search(screen)
            if not c or not _ROLE.search(screen) and "Coreference chain of" not in screen:
                return (-1, "", 0)  # the prompt is closed
            row = self.status(screen)
            m, sel = _CURSOR.search(row), _SELECTED.search(row)
            if c.group(4) is None:  # no candidate selected
                return (-1, "", 0) if not sel else None
            if m is None or sel is None or sel.group(2) != c.group(1):
                return None
            prompt_row = next((r for r in screen.split("\n") if "candidate:" in r), "")
            # a notification may cover the end of the row ("1/13" drawn as "1/1▌"): count unknown
            count = int(c.group(4)) if "▌" not in prompt_row else 0
            return int(m.group(1)), c.group(1), count
        got = self.poll(read, timeout=5)
        if not got or got[0] == -1:
            return None
        return got

    def pick_loop(self, wanted: set[tuple[int, int]], header: Callable[[], str | None]) -> bool:
        """Tab to a wanted candidate and fill it; False when none of the candidates is wanted.

        The candidates are walked until one comes round again (the count the prompt shows
        may be hidden under a notification).
        """
        seen: set[tuple[int, str]] = set()
        while True:
            cand = self.candidate()
            if cand is not None:
                cur, shown, count = cand
                hit = next(((a, b) for a, b in wanted
                            if a == cur and self.text[a:b].startswith(shown.rstrip("…"))), None)
                if hit is not None:
                    before = header()
                    self.send([self.key("role-fill")], "role-fill")
                    self.poll(lambda b=before: header() != b)
                    wanted.discard(hit)
                    return True
                if (cur, shown) in seen or count == 1:
                    return False
                seen.add((cur, shown))
            elif seen:
                return False
            else:
                seen.add((-1, ""))
            before_screen = self.term.screen()
            self.send([self.key("role-next")], "role-next")
            self.poll(lambda b=before_screen: _CAND.search(self.term.screen()) and
                      _CAND.search(self.term.screen()).group(0) != (_CAND.search(b).group(0) if _CAND.search(b) else ""),
                      timeout=5)

    def role_letters(self) -> dict[str, str]:
        """The open roles' letters the prompt shows: ``{role: letter}`` (empty without letters)."""
        row = next((r for r in self.term.screen().split("\n") if "roles: " in r), "")
        return {role: letter for letter, role in _LETTERS.findall(row[row.find("roles: "):])} if row else {}

    # -- picking fillers: the cursor on the filler, or tab through the candidates --------------

    def predicted(self, anchor: tuple[int, int], types: tuple[str, ...], *, coref: bool) -> list[tuple[int, int]]:
        """The candidates the prompt offers, nearest the anchor first (``tui.core.editing.candidates``'s rule).

        Used only to price a ``tab`` walk; the walk itself reads the screen.
        """
        spans, triggers, fillers, chains = self.layer_state()
        a0, a1 = anchor
        source = next((i for i, (s, e, _) in spans.items() if (s, e) == anchor and i not in triggers), None)
        exclude = set(fillers.get(anchor, set())) | triggers
        if coref and source is not None:
            exclude.add(source)
            for members in chains:
                if source in members:
                    exclude |= members
        lo, hi = neighbourhood(self.text, a0, a1) if not coref else (0, len(self.text))
        pool = [(s, e) for i, (s, e, lab) in spans.items()
                if i not in exclude and (not types or lab in types) and s < hi and e > lo and (s, e) != anchor]
        return sorted(pool, key=lambda x: (a0 - x[1] if x[1] <= a0 else x[0] - a1 if x[0] >= a1 else 0, x[0]))

    def on_mention(self, a: int, b: int) -> set[int]:
        """Offsets where the span under the cursor is ``[a, b)`` (no other visible span there)."""
        spans, triggers, _f, _c = self.layer_state()
        others = [(s, e) for i, (s, e, _l) in spans.items() if (s, e) != (a, b) and i not in triggers]
        alone = {p for p in range(a, b) if not any(s <= p < e for s, e in others)}
        return alone or set(range(a, b))

    def walk(self, cur: int, keys: list[str]) -> int:
        """Where the motion ``keys`` bring the cursor from ``cur``."""
        for k in keys:
            cur = dict(self.edges(cur))[k]
        return cur

    def filler_plans(self, wanted: list[tuple[str, int, int, Step | None]], anchor: tuple[int, int],
                     types: dict[str, tuple[str, ...]], current_role: str, coref: bool,
                     tab: bool = True) -> list[tuple[int, str, list[Step], tuple[str, int, int]]]:
        """Ways to give one wanted filler, cheapest first: ``(keys, how, steps, (role, start, end))``.

        ``wanted`` holds ``(role, start, end, letter step or None)``. A filler is the current
        candidate (one key: its role's letter, or ``enter`` for the current role), or the
        cursor is moved onto it with the cheapest motions and its role's letter pressed
        (``enter`` for a coreference, once the cursor is there: ``enter`` is a priority key,
        handled before the motions typed just before it), or ``tab`` reaches it.
        """
        cand = self.candidate()
        cur = self.settled_cursor()
        out = []
        fill = self.key("role-fill")
        for role, a, b, letter in wanted:
            target = (role, a, b)
            mine = role == current_role
            if cand is not None and cand[0] == a and self.text[a:b].startswith(cand[1].rstrip("…")):
                out.append((1, "fill-current", [letter or fill] if (letter or mine) else [], target))
                if letter or mine:
                    continue
            if letter is not None or coref or mine:
                keys = self.path(cur, self.on_mention(a, b))
                if keys is not None:
                    steps: list[Step] = [("key", k) for k in keys]
                    if letter is not None:
                        steps.append(letter)
                    else:
                        steps += [("sync", f"cursor:{self.walk(cur, keys)}"), fill]
                    out.append((len(keys) + 1, "move-fill", steps, target))
            if mine and tab:
                cands = self.predicted(anchor, types.get(role, ()), coref=coref)
                if (a, b) in cands:
                    here = next((i for i, c in enumerate(cands) if cand is not None and c[0] == cand[0]), 0)
                    k = (cands.index((a, b)) - here) % len(cands)
                    out.append((k + 1, "tab-fill", [], target))
        return sorted([o for o in out if o[2] or o[1] == "tab-fill"], key=lambda o: o[0])

    def give(self, plan: tuple[int, str, list[Step], tuple[str, int, int]], state: Callable[[], object],
             wanted_here: set[tuple[int, int]]) -> None:
        """Send one plan and wait until the prompt's state changes (a tab walk reads the screen)."""
        _cost, how, steps, _target = plan
        if how == "tab-fill":
            self.pick_loop(set(wanted_here), lambda: str(state()))
            return
        before = state()
        self.send(steps, how)
        self.poll(lambda b=before: state() != b)

    def prompt_state(self) -> tuple[str, str] | None:
        """The role prompt's header and roles line (None once closed)."""
        screen = self.term.screen()
        m = _ROLE.search(screen)
        if not m:
            return None
        row = next((r for r in screen.split("\n") if "roles: " in r), "")
        return m.group(0), row

    def roles(self, type_: str, args: set[tuple[str, int, int]], trigger: tuple[int, int], *,
              quiet: bool = False) -> None:
        """Give each gold filler the cheapest way (current candidate, cursor + letter, tab), then end.

        ``quiet``: an event accepted in review, whose prompt does not open when no role has a
        candidate (then with no gold filler there is nothing to do)."""
        if not self.poll(self.prompt, timeout=3 if quiet and not args else DEADLINE_S):
            if args or not quiet:
                self.tally.notes.append(f"no role prompt for {type_}")
            return
        et = self.schema.event_type(type_)
        types = {r.name: tuple(r.types) for r in et.roles} if et else {}
        for _ in range(4 * len(types) + 8):
            p = self.prompt()
            if p is None:
                break
            args -= self.event_args(*trigger)
            if not args:
                self.send([self.key("role-done")], "role-done")
                self.poll(lambda: self.prompt() is None)
                break
            role = _ROLE.search(p[0]).group(3)
            letters = self.role_letters() if self.keys.has("role-letter") else {}
            wanted = [(r, a, b, ("text", letters[r]) if r in letters else None) for r, a, b in sorted(args)
                      if r == role or r in letters]
            plans = self.filler_plans(wanted, trigger, types, role, coref=False)
            if not plans:
                # no gold filler can be given now: the current role is not gold, or its filler is no candidate
                before = p[0]
                self.send([self.key("role-skip")], "role-skip")
                if not self.poll(lambda b=before: (self.prompt() or ("closed",))[0] != b):
                    self.tally.notes.append(f"{type_}: a skip did not move the role prompt")
                    break
                continue
            plan = plans[0]
            self.give(plan, self.prompt_state, {(a, b) for r, a, b in args if r == role})
            got = self.event_args(*trigger)
            if plan[3] not in got:
                self.tally.notes.append(f"{type_} {plan[3][0]}: {plan[1]} did not fill it")
                args.discard(plan[3])
        else:
            self.tally.notes.append(f"{type_}: the role prompt never ended")
        missing = args - self.event_args(*trigger)
        if missing:
            self.tally.notes.append(f"{type_}: not filled {sorted(missing)}")

    def coref(self) -> None:
        """The suggestions again (same-name links now that the mentions are there), reviewed; then each
        gold chain not complete: ``C`` on its nearest member, then the others by the cheapest way."""
        self.phase = "coref"
        if self.keys.has("suggest") and any(len(c) > 1 for c in self.gold.coref):
            self.send([self.key("suggest")], "suggest")
            if self.poll(lambda: "REVIEW" in self.status() or "suggested 0" in self.term.screen(),
                         timeout=60) and "REVIEW" in self.status():
                self.review("coref")
        for chain in self.gold.coref:
            before, self.tally.trace = self.tally.keys["coref"], []
            self.chain(set(chain))
            self.tally.items.append((f"chain {' / '.join(self.text[a:b] for a, b in sorted(chain))}",
                                     self.tally.keys["coref"] - before, " ".join(self.tally.trace)))

    def chain(self, members: set[tuple[int, int]]) -> None:
        have = max((self.chained(m) for m in members), key=len)
        if have == members:
            return
        cur = self.settled_cursor()
        options = []
        # a chain begun (by accepted suggestions) grows from one of its members
        for s, e in sorted(have if len(have) > 1 else members):
            keys = self.path(cur, self.on_mention(s, e))
            if keys is not None:
                options.append((len(keys), (s, e), [("key", k) for k in keys]))
        if not options:
            self.tally.notes.append("cannot reach a coreference member")
            return
        _, source, steps = min(options)
        row = self.status()
        sel = _SELECTED.search(row)
        if steps and "“" in row:
            # an annotation is selected (the last one reviewed, say): C would start from it; the
            # move deselects it (free), then C takes the only mention under the cursor
            steps = steps + [("sync", "nosel")]
        elif not steps and "“" in row and not (sel and self.text[source[0]:source[1]] == sel.group(2)):
            steps = steps + [self.key("select-here")]
        self.send(steps + [self.key("coreference")], "coref-start")
        if not self.poll(lambda: "Coreference chain of" in self.term.screen()):
            self.tally.notes.append("no coreference prompt")
            return
        wanted = members - {source} - self.chained(source)
        label = next((lab for a, b, lab in self.gold.spans if (a, b) == source), "")
        tab = True
        for _ in range(3 * len(wanted) + 2):
            if not wanted:
                break
            def header() -> str:
                m = re.search(r"· (\d+) in the set", self.term.screen())
                return m.group(0) if m else "0"
            plans = self.filler_plans([("", a, b, None) for a, b in sorted(wanted)], source, {"": (label,)},
                                      "", coref=True, tab=tab)
            if not plans:
                self.tally.notes.append(f"coreference: {len(wanted)} member(s) not offered")
                break
            self.give(plans[0], header, set(wanted))
            left = wanted - self.chained(source)
            if left == wanted:
                self.tally.notes.append(f"coreference: {plans[0][1]} added nothing")
                tab = tab and plans[0][1] != "tab-fill"
            wanted = left
        self.send([self.key("role-done")], "coref-done")
        self.poll(lambda: "Coreference chain of" not in self.term.screen())

    def chained(self, source: tuple[int, int]) -> set[tuple[int, int]]:
        """The mentions in an accepted chain with ``source`` (gold terms)."""
        spans, _t, _f, chains = self.layer_state()
        where = {i: (s, e) for i, (s, e, _l) in spans.items()}
        return {where[m] for members in chains if any(where.get(m) == source for m in members)
                for m in members if m in where}
