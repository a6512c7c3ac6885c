"""Candidates for a role: the mentions the role prompt offers, of the role's types, nearest first.

An event role is filled from the trigger's paragraph and the paragraphs on
either side of it; a relation target from there too, or the nearest
anywhere when there is none; a coreference partner from the whole document.
Only mentions of the role's allowed types (the schema's filler types) are
offered, and only those can fill it: :func:`filler_problem` says why another
cannot.
"""

from __future__ import annotations

from tui.core.editing.index import AnnotationIndex
from tui.core.editing.results import PickPurpose
from tui.core.model import Event, Span
from tui.core.schema import Role
from tui.core.text import motions

#: Relation targets offered from anywhere in the text when the paragraphs around have none.
MAX_FAR_CANDIDATES = 50


def neighbourhood(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph(s) holding ``[start, end)`` and one paragraph on either side.

    Args:
        text: the document text.
        start: where the anchor starts.
        end: where it ends.

    Returns:
        ``(lo, hi)``: from the previous paragraph's start to the next one's end.
    """
    p0, _ = motions.paragraph_bounds(text, start)
    _, p1 = motions.paragraph_bounds(text, max(end - 1, start))
    lo = motions.prev_paragraph(text, p0) if p0 > 0 else 0
    nxt = motions.next_paragraph(text, p1)
    hi = motions.paragraph_bounds(text, nxt)[1] if nxt > p1 else p1
    return min(lo, p0), max(hi, p1)


def distance(span: Span, anchor: Span) -> int:
    """How far a mention is from the anchor, in code points (0 when they overlap)."""
    if span.end <= anchor.start:
        return anchor.start - span.end
    if span.start >= anchor.end:
        return span.start - anchor.end
    return 0


def role_candidates(index: AnnotationIndex, text: str, purpose: PickPurpose, source_id: str,
                    role: Role) -> list[str]:
    """Mentions that may fill a role: of its types, nearest the anchor first.

    The anchor is the span that shows the source (an event's trigger, the
    mention a relation or coreference starts from). Only mentions of the
    role's types are offered (a role without types takes any). An event role
    looks in the anchor's paragraph and its neighbours (:func:`neighbourhood`);
    a relation there too, else the :data:`MAX_FAR_CANDIDATES` nearest
    anywhere; a coreference the whole document. Triggers, the anchor itself,
    the event's current fillers (of any role) and (for coreference) the source's accepted set are left out.

    Args:
        index: the layer.
        text: the document text.
        purpose: ``role``, ``relation`` or ``coref``.
        source_id: the event (role), or the span the relation / coreference starts from.
        role: the role (its types: empty allows any).

    Returns:
        Span ids, nearest first (ties: text order).
    """
    source = index.get(source_id)
    anchor = index.display_span(source)
    if anchor is None:
        return []
    exclude = {anchor.id, source_id}
    if purpose == "role" and isinstance(source, Event):
        # a mention already filling a role of this event is not offered again (issue 14:
        # the nearest candidate of the next role is then the next mention, not the same one)
        exclude |= {a.target for a in source.arguments}
    if purpose == "coref":
        for eq in index.anns.equivalences:
            # the source's own chain; a rejected or pending suggested link is no chain
            if source_id in eq.members and eq.status == "accepted":
                exclude |= set(eq.members)
    types = role.types
    pool = [s for s in index.visible_spans()
            if s.id not in exclude and not index.is_trigger(s.id) and (not types or s.label in types)]
    if purpose != "coref":
        lo, hi = neighbourhood(text, anchor.start, anchor.end)
        near = [s for s in pool if s.start < hi and s.end > lo]
        if near or purpose == "role":
            pool = near
        else:
            pool.sort(key=lambda s: (distance(s, anchor), s.start))
            pool = pool[:MAX_FAR_CANDIDATES]
    pool.sort(key=lambda s: (distance(s, anchor), s.start))
    return [s.id for s in pool]


def filler_problem(role: Role, label: str, text: str = "") -> str | None:
    """Why a mention of type ``label`` cannot fill ``role`` (None when it can).

    Args:
        role: the role (its types: empty allows any).
        label: the mention's type.
        text: the mention's text, for the message.

    Returns:
        A one-line reason naming the mention, its type and the allowed types, or None.
    """
    if not role.types or label in role.types:
        return None
    what = f"“{text[:40]}” ({label})" if text else label
    return f"{what} cannot fill {role.name}: it takes {'|'.join(role.types)}"
