"""Tagging every hit of a search at once (the reader's ``*`` and ``&``), as one action.

:func:`plan_hits` sorts the hits: the ones to tag, and the ones left out
with the reason (already tagged with that type, inside a longer annotated
span, a suggestion of that type rejected before). A hit that overlaps an
annotation without lying inside a longer one (it crosses it, contains it, or
has the same extent with another type) is tagged and counted, so the status
line can report it. :meth:`AnnotationSession.tag_hits` writes the plan as one
store action: one undo step takes the whole batch back.

An event type makes events, never bare trigger spans: accepted events with
no arguments (``*``), or pending events whose trigger is pending with them
(``&``), as propagation makes them (:mod:`tui.core.review.suggest`), for the
review to accept or reject as one item.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from tui.core.editing.index import AnnotationIndex
from tui.core.model import Span

#: The origin of the pending suggestions ``&`` makes.
SEARCH_ORIGIN = "suggestion:search"


@dataclass
class HitsPlan:
    """What tagging every hit would do.

    Attributes:
        todo: the hits to tag, ``(start, end)``.
        already: hits with a live span of that type and extent (an event of that type).
        inside: hits inside a longer live span of the layer (part of a name).
        rejected: hits whose suggestion of that type was rejected before (``&`` only).
        overlapping: of ``todo``, the hits that overlap a live annotation.
    """

    todo: list[tuple[int, int]] = field(default_factory=list)
    already: int = 0
    inside: int = 0
    rejected: int = 0
    overlapping: int = 0

    @property
    def skipped(self) -> int:
        """Hits left out, whatever the reason."""
        return self.already + self.inside + self.rejected


@dataclass
class HitsTagged(HitsPlan):
    """What :meth:`AnnotationSession.tag_hits` did: the plan, and the ids of what it made.

    Attributes:
        ids: the new spans (triggers, for an event type).
        events: the new events (empty for a span type).
    """

    ids: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    def summary(self, label: str, *, pending: bool) -> str:
        """One line for the status line: how many were tagged and skipped, and why."""
        what = "suggested" if pending else "tagged"
        parts = [f"{what} {len(self.ids)} hit{'s' if len(self.ids) != 1 else ''} {label}"]
        skipped = []
        if self.already:
            skipped.append(f"{self.already} already {label}")
        if self.inside:
            skipped.append(f"{self.inside} inside a longer span")
        if self.rejected:
            skipped.append(f"{self.rejected} rejected before")
        if skipped:
            parts.append(f"skipped {self.skipped}: " + ", ".join(skipped))
        if self.overlapping:
            parts.append(f"{self.overlapping} overlap another annotation")
        return " · ".join(parts)


def _overlapping(index: AnnotationIndex, start: int, end: int) -> list[Span]:
    """The layer's spans (rejected included) with a fragment overlapping ``[start, end)``."""
    spans = index.anns.spans
    lo = bisect_left(spans, start - index.max_extent, key=lambda s: s.fragments[0][0])
    hi = bisect_right(spans, end - 1, key=lambda s: s.fragments[0][0])
    return [s for s in spans[lo:hi] if any(fs < end and start < fe for fs, fe in s.fragments)]


def plan_hits(index: AnnotationIndex, hits: Iterable[tuple[int, int]], label: str, *,
              pending: bool, event: bool) -> HitsPlan:
    """Sort the hits of a search into those to tag with ``label`` and those to leave out.

    Args:
        index: the shown layer.
        hits: ``(start, end)`` of each hit, code points.
        label: the span type (or the event type, when ``event``).
        pending: the hits become pending suggestions (a rejected one is not suggested again).
        event: ``label`` is an event type: a hit is "already" when its span is the trigger
            of an event of that type.

    Returns:
        The plan.
    """
    plan = HitsPlan()
    for start, end in hits:
        if end <= start:
            continue
        near = _overlapping(index, start, end)
        same = [s for s in near if s.fragments == [(start, end)] and s.label == label]
        live_same = [s for s in same if s.status != "rejected"
                     and (not event or index.is_trigger(s.id))]
        if live_same:
            plan.already += 1
            continue
        if pending and any(s.status == "rejected" for s in same):
            plan.rejected += 1
            continue
        live = [s for s in near if s.status != "rejected"]
        if any(s.start <= start and end <= s.end and s.end - s.start > end - start for s in live):
            plan.inside += 1
            continue
        if live:
            plan.overlapping += 1
        plan.todo.append((start, end))
    return plan
