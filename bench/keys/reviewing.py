"""The analyst's review of the suggestions: accept what is gold, reject the rest, in bulk where it can.

The first review (of the default suggestions) decides spans, chain links and suggested
events; a gold event whose fillers are not tagged yet is skipped, and a second review
(``review_skipped``, once the mentions are tagged) takes it. Keys are charged as
``bench/keys/__init__.py`` says: a suggested event's decision (and the roles of the
prompt an accepted one opens) and the second review to events, the rest to the phase
the review serves (mentions for the first, coref for the one after the mentions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.keys.gold import SpanKey
from bench.keys.layer import Layer
from bench.keys.screen import _REVIEW, _SELECTED, _SELECTED_EVENT

if TYPE_CHECKING:
    from bench.keys.strategy import Step


class Reviewing(Layer):
    """The review phase of ``Analyst`` (a mixin): ``review``, ``review_event``, ``review_skipped``, ``bulk``.

    It reads the layer (``Layer``) and uses the analyst's keys and reading of the screen
    (``send``, ``key``, ``poll``, ``status``, ``settled_cursor``), its ``roles`` (an accepted
    event's prompt), its state (``gold``, ``text``, ``keys``, ``tally``, ``phase``,
    ``done_events``, ``skipped_events``, ``review_round``).
    """

    def gold_link(self, link: tuple[tuple[int, int], tuple[int, int]]) -> bool:
        """Whether both ends of a suggested link are in one gold chain."""
        return any(link[0] in chain and link[1] in chain for chain in self.gold.coref)

    def review(self, phase: str = "mentions") -> None:
        """Review the pending suggestions: accept what is gold (spans, chain links), reject the rest."""
        self.phase = phase
        pending = self.spans("pending")
        links = self.pending_links()
        if not pending and not links:
            return
        if not _REVIEW.search(self.status()):
            self.send([self.key("review")], "review")
        if not self.poll(lambda: _REVIEW.search(self.status())):
            self.tally.notes.append("the review never opened")
            return
        gold = set(self.gold.spans)
        for _ in range(len(pending) + len(links) + 2):
            row = self.status()
            m = _REVIEW.search(row)
            if not m:
                break
            done, total = int(m.group(1)), int(m.group(2))
            if done >= total:
                break
            cur = self.settled_cursor()
            row = self.status()
            if _SELECTED_EVENT.search(row):
                if not self.review_event(cur, done):
                    break
                continue
            sel = _SELECTED.search(row)
            label, shown = (sel.group(1), sel.group(2)) if sel else ("", "")
            here = [(s, e, lab) for s, e, lab, st in self.spans("pending").values()
                    if s == cur and lab == label and self.text[s:e].startswith(shown.rstrip("…"))]
            # the review shows a link at its mention, or (its display span) at the name it links to
            links_now = self.pending_links()
            link = next((k for k in links_now if k[1][0] == cur), None) or \
                next((k for k in links_now if k[0][0] == cur), None)
            if here or link is None:
                right = bool(here) and here[0] in gold
                bulk = self.bulk(here[0] if here else None, right, since=cur)
            else:
                right = self.gold_link(link)
                bulk = self.bulk(None, right, any_item=True, since=cur)
            if bulk:
                self.send(bulk, "review-bulk")
                self.poll(lambda d=done: (lambda r: not r or int(r.group(1)) > d)(_REVIEW.search(self.status())))
                self.accepted_events()
            else:
                self.send([self.key("review-accept" if right else "review-reject")],
                          "review-accept" if right else "review-reject")
            if not self.poll(lambda d=done: (lambda r: not r or int(r.group(1)) > d)(_REVIEW.search(self.status()))):
                self.tally.notes.append(f"review stuck at {done}/{total}")
                break
        if _REVIEW.search(self.status()):
            self.send([self.key("review-close")], "review-close")
            self.poll(lambda: "NORMAL" in self.status())

    def gold_event(self, type_: str, s: int, e: int) -> tuple[str, int, int, frozenset[tuple[str, int, int]]] | None:
        """The gold event of this type on this trigger, when it is still to be made."""
        return next((g for g in self.gold.events if g[:3] == (type_, s, e) and g not in self.done_events), None)

    def fillers_there(self, args: frozenset[tuple[str, int, int]]) -> bool:
        """Whether every gold filler is a live mention of its gold type (accepted, or pending and gold)."""
        gold = set(self.gold.spans)
        live = {(s, e, lab) for s, e, lab, st in self.spans().values() if st != "rejected"}
        return all(any((a, b, lab) in live and (a, b, lab) in gold for lab in self.gold_labels(a, b))
                   for _r, a, b in args)

    def gold_labels(self, a: int, b: int) -> list[str]:
        return [lab for s, e, lab in self.gold.spans if (s, e) == (a, b)]

    def review_event(self, cur: int, done: int) -> bool:
        """The review's current item is a suggested event: accept a gold one whose fillers are there and
        fill its roles in the prompt that opens; skip a gold one whose fillers are not tagged yet (a second
        review takes it); reject the others. Its keys count to events. False when the review is stuck."""
        where = next(((s, e), t) for (s, e), t in self.pending_events().items() if s == cur) \
            if any(s == cur for s, _ in self.pending_events()) else None
        phase, self.phase = self.phase, "events"
        item = self.gold_event(where[1], *where[0]) if where else None
        mark, self.tally.trace = self.tally.keys["events"], []
        if item is not None and (not item[3] or self.review_round > 0) and self.fillers_there(item[3]):
            self.done_events.add(item)
            self.skipped_events.discard(item)
            self.send([self.key("review-accept")], "review-accept-event")
            self.roles(item[0], set(item[3]), (item[1], item[2]), quiet=True)
            self.tally.items.append((f"{item[0]} {self.text[item[1]:item[2]]!r} ({len(item[3])} roles, reviewed)",
                                     self.tally.keys["events"] - mark, " ".join(self.tally.trace)))
        elif item is not None:
            self.skipped_events.add(item)
            self.send([self.key("review-skip")], "review-skip-event")
        else:
            bulk = self.bulk((*where[0], where[1]), False, since=cur) if where else None
            if bulk:
                self.send(bulk, "review-bulk-event")
            else:
                self.send([self.key("review-reject")], "review-reject-event")
        if item is None or item not in self.done_events:
            what = f"{where[1]} {self.text[where[0][0]:where[0][1]]!r}" if where else f"an event at {cur}"
            self.tally.items.append((f"review: {'skip' if item else 'reject'} {what}",
                                     self.tally.keys["events"] - mark, " ".join(self.tally.trace)))
        self.phase = phase
        got = self.poll(lambda d=done: (lambda r: bool(r) and int(r.group(1)) > d)(_REVIEW.search(self.status())))
        if not got:
            self.tally.notes.append(f"review stuck at {done} after an event")
        return bool(got)

    def accepted_events(self) -> None:
        """Gold events accepted in bulk with their gold fillers (none to fill): made, not to be made again."""
        for g in self.gold.events:
            if g not in self.done_events and g[:3] in self.layer_events() and self.event_args(g[1], g[2]) >= g[3]:
                self.done_events.add(g)
                self.skipped_events.discard(g)

    def review_skipped(self) -> None:
        """A second review for the gold events skipped in the first (their fillers are tagged now)."""
        if not self.skipped_events:
            return
        self.phase = "events"
        self.review_round += 1
        self.send([self.key("review")], "review-again")
        if not self.poll(lambda: _REVIEW.search(self.status())):
            self.tally.notes.append("the second review never opened")
            return
        for _ in range(len(self.skipped_events) + 2):
            m = _REVIEW.search(self.status())
            if not m or int(m.group(1)) >= int(m.group(2)) or not self.skipped_events:
                break
            if not _SELECTED_EVENT.search(self.status()):
                self.tally.notes.append("the second review is not on an event")
                break
            if not self.review_event(self.settled_cursor(), int(m.group(1))):
                break
        if _REVIEW.search(self.status()):
            self.send([self.key("review-close")], "review-close")
            self.poll(lambda: "NORMAL" in self.status())
        self.phase = "mentions"

    def bulk(self, item: SpanKey | None, right: bool, *, any_item: bool = False,
             since: int = 0) -> list[Step] | None:
        """Bulk keys (``A`` / ``X`` and a scope) when a whole group of at least 3 decides alike.

        The scopes are the bulk chooser's: every remaining item, the remaining ones of the
        current label, of its label and text; the widest group that decides alike wins.
        ``any_item``: the current item is a chain link (only the document scope is judged).
        ``since``: the current item's position; the review walks the text in order, so the
        items before it are decided or skipped, and no bulk decision takes them.
        """
        name = "review-accept-all" if right else "review-reject-all"
        if (item is None and not any_item) or not self.keys.has(name):
            return None
        gold = set(self.gold.spans)
        rest = [(s, e, lab) for s, e, lab, _ in self.spans("pending").values() if s >= since]
        links = [k for k in self.pending_links() if k[1][0] >= since]
        # a suggested event is decided with its trigger: right when it is a gold event still to make
        events = self.pending_events()

        def judged(k: SpanKey) -> bool | None:
            if (k[0], k[1]) not in events:
                return k in gold
            g = self.gold_event(events[(k[0], k[1])], k[0], k[1])
            # a gold event is accepted in bulk only when it has no role to fill (no prompt then)
            return None if g is not None and g[3] else g is not None

        every = [judged(k) for k in rest] + [self.gold_link(k) for k in links]
        groups: list[tuple[str, list[bool]]] = [("bulk-document", every)]
        if item is not None and not links:
            groups += [("bulk-label", [judged(k) for k in rest if k[2] == item[2]]),
                       ("bulk-text", [judged(k) for k in rest if k[2] == item[2]
                                      and self.text[k[0]:k[1]] == self.text[item[0]:item[1]]])]
        for scope, group in groups:
            if len(group) >= 3 and all(g == right for g in group):
                # the chooser must be open before its key (else the key reaches the reader)
                return [self.key(name), ("sync", "screen:every remaining"), self.key(scope)]
        return None
