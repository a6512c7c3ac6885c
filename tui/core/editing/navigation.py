"""Where the reader stands: the annotations under the cursor, and the next and previous ones.

The reader's ``enter`` selects the annotation under the cursor (repeated,
it cycles through nested and overlapping ones, innermost first), and
``]``/``[`` step through every annotation that has a place in the text:
spans (an event is visited as its trigger), relations and coreference sets
(each at the span that shows it: a relation's first argument, a set's first
member; see ``STEP_RANK`` on the model's kinds). Everything here reads the
live :class:`~tui.core.editing.index.AnnotationIndex`; no SQL, and the cost
of a question does not grow with the number of spans in the document.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any

from tui.core.editing.index import AnnotationIndex, contains
from tui.core.model import Span
from tui.core.text.names import next_name

StepKey = tuple[int, int, int, str]
"""``(start, end, rank, id)``: the order ``]`` walks in."""


def _start(span: Span) -> int:
    return span.fragments[0][0]


def spans_at(index: AnnotationIndex, offset: int) -> list[Span]:
    """The spans of the layer under ``offset`` (not rejected), innermost first.

    Innermost: the shortest extent first, then the one starting last, then by id.
    Triggers are included (selecting a trigger selects its event).

    Args:
        index: the shown layer.
        offset: a code-point offset (the cursor).
    """
    spans = index.anns.spans
    lo = bisect_left(spans, offset - index.max_extent, key=_start)
    hi = bisect_right(spans, offset, key=_start)
    found = [s for s in spans[lo:hi] if s.status != "rejected" and contains(s, offset)]
    found.sort(key=lambda s: (s.fragments[-1][1] - s.fragments[0][0], -s.fragments[0][0], s.id))
    return found


def only_span_at(index: AnnotationIndex, offset: int) -> Span | None:
    """The span under ``offset`` when there is exactly one (a key may act on it unasked), else None."""
    found = spans_at(index, offset)
    return found[0] if len(found) == 1 else None


def cycle_at(index: AnnotationIndex, offset: int, current: str | None) -> Span | None:
    """What ``enter`` selects: the innermost span under ``offset``, or the next one out after ``current``.

    Args:
        index: the shown layer.
        offset: the cursor.
        current: the selected annotation's id (its span, when it is an event or relation, counts).

    Returns:
        The span to select (after the outermost, the innermost again), or None when
        nothing is under the cursor.
    """
    found = spans_at(index, offset)
    if not found:
        return None
    ids = [s.id for s in found]
    if current in ids:
        return found[(ids.index(current) + 1) % len(found)]
    return found[0]


def step_key(index: AnnotationIndex, ann: Any) -> StepKey | None:
    """Where ``ann`` sits in the order of ``]``: its span's extent, its kind's rank, its id.

    None for what is not visited (an attribute, a note, a rejected annotation,
    a relation whose argument is gone).
    """
    rank = getattr(ann, "STEP_RANK", None)
    if rank is None or getattr(ann, "status", "") == "rejected":
        return None
    span = index.display_span(ann)
    if span is None:
        return None
    return (span.fragments[0][0], span.fragments[-1][1], rank, ann.id)


def _others(index: AnnotationIndex) -> list[tuple[StepKey, Any]]:
    """The visited annotations that are not spans, in step order."""
    out = []
    for kind in ("relations", "equivalences"):
        for ann in getattr(index.anns, kind):
            key = step_key(index, ann)
            if key is not None:
                out.append((key, ann))
    out.sort(key=lambda pair: pair[0])
    return out


def step(index: AnnotationIndex, current: str | None, cursor: int, direction: int) -> Any:
    """The annotation ``]`` (``direction`` 1) or ``[`` (-1) selects.

    From the selected annotation, the next or previous one in the order of
    :func:`step_key`. With none selected, from the innermost span under the
    cursor as if it were selected (so from inside or at the start of a span,
    ``[`` goes to the one before it and ``]`` to the one after); with no span
    under the cursor, the first one starting at or after the cursor (``]``),
    the last one starting before it (``[``). Past either end it wraps.

    Args:
        index: the shown layer.
        current: the selected annotation's id, or None.
        cursor: the cursor's offset.
        direction: 1 or -1.

    Returns:
        The annotation to select, or None when there is none.
    """
    spans = index.anns.spans
    others = _others(index)
    if not spans and not others:
        return None
    key = step_key(index, index.get(current)) if current else None
    if key is None:
        here = spans_at(index, cursor)
        if here:
            key = step_key(index, here[0])
    if key is None:
        # Between annotations: a key just before (``]``) or just after (``[``) any at the cursor.
        key = (cursor, -1, -1, "")
    span_key = _span_key
    if direction > 0:
        i = bisect_right(spans, key, key=span_key)
        span = next((s for s in spans[i:] if s.status != "rejected"), None)
        j = bisect_right(others, key, key=lambda pair: pair[0])
        other = others[j] if j < len(others) else None
        found = _first(span, other, min)
        if found is None:  # wrap to the first
            span = next((s for s in spans if s.status != "rejected"), None)
            found = _first(span, others[0] if others else None, min)
    else:
        i = bisect_left(spans, key, key=span_key)
        span = next((s for s in reversed(spans[:i]) if s.status != "rejected"), None)
        j = bisect_left(others, key, key=lambda pair: pair[0])
        other = others[j - 1] if j > 0 else None
        found = _first(span, other, max)
        if found is None:  # wrap to the last
            span = next((s for s in reversed(spans) if s.status != "rejected"), None)
            found = _first(span, others[-1] if others else None, max)
    return found


def _span_key(span: Span) -> StepKey:
    return (span.fragments[0][0], span.fragments[-1][1], 0, span.id)


def _first(span: Span | None, other: tuple[StepKey, Any] | None, pick: Any) -> Any:
    """Of a span and another annotation (either may be None), the one ``pick`` (min or max) orders first."""
    if span is None:
        return other[1] if other is not None else None
    if other is None:
        return span
    return span if pick(_span_key(span), other[0]) == _span_key(span) else other[1]


# -- the next name (m, M) ------------------------------------------------------------


def annotated_by(index: AnnotationIndex) -> Callable[[int, int], bool]:
    """Whether a range overlaps a span of the layer, any status but rejected (pending ones count)."""
    spans = index.anns.spans

    def annotated(start: int, end: int) -> bool:
        lo = bisect_left(spans, start - index.max_extent, key=_start)
        hi = bisect_left(spans, end, key=_start)
        return any(s.status != "rejected" and any(fs < end and start < fe for fs, fe in s.fragments)
                   for s in spans[lo:hi])

    return annotated


def next_unannotated_name(index: AnnotationIndex, text: str, pos: int, direction: int = 1) -> tuple[int, int] | None:
    """The next name (a run of capitalised words) from ``pos`` that no span of the layer overlaps.

    Args:
        index: the shown layer.
        text: the document text.
        pos: where to look from: a name starting here or after (``direction`` 1), before it (-1).
        direction: 1 forward, -1 backward.

    Returns:
        ``(start, end)`` (see :func:`tui.core.text.names.next_name`), or None at the end (start).
    """
    return next_name(text, pos, direction, annotated_by(index))
