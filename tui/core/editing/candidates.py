"""Candidates for a role: the mentions the role prompt offers, nearest and most fitting first."""

from __future__ import annotations

from tui.core.editing.index import AnnotationIndex
from tui.core.editing.results import PickPurpose
from tui.core.model import Event
from tui.core.schema import Role
from tui.core.text import motions

#: Candidates offered outside the sentence when the sentence has none.
MAX_FAR_CANDIDATES = 50


def role_candidates(index: AnnotationIndex, text: str, purpose: PickPurpose, source_id: str,
                    role: Role) -> list[str]:
    """Mentions that may fill a role: in the anchor's sentence, compatible types first.

    The anchor is the span that shows the source (an event's trigger, the
    mention a relation or coreference starts from). Mentions in its sentence
    come first, those of the role's types before the others; when the
    sentence has none, the :data:`MAX_FAR_CANDIDATES` nearest mentions of the
    role's types anywhere in the text. Triggers, the anchor itself, the
    role's current fillers and (for coreference) the source's set are left out.

    Args:
        index: the layer.
        text: the document text.
        purpose: ``role``, ``relation`` or ``coref``.
        source_id: the event (role), or the span the relation / coreference starts from.
        role: the role (its types: empty allows any).

    Returns:
        Span ids, best first.
    """
    source = index.get(source_id)
    anchor = index.display_span(source)
    if anchor is None:
        return []
    s0, _ = motions.sentence_bounds(text, anchor.start)
    _, s1 = motions.sentence_bounds(text, max(anchor.end - 1, anchor.start))
    exclude = {anchor.id, source_id}
    if purpose == "role" and isinstance(source, Event):
        exclude |= {a.target for a in source.arguments if a.role == role.name}
    if purpose == "coref":
        for eq in index.anns.equivalences:
            if source_id in eq.members:
                exclude |= set(eq.members)
    types = role.types
    pool = [s for s in index.visible_spans() if s.id not in exclude and not index.is_trigger(s.id)]
    near = [s for s in pool if s.start < s1 and s.end > s0]
    compatible = [s for s in near if not types or s.label in types]
    others = [s for s in near if types and s.label not in types]
    ordered = compatible + others
    if not ordered:
        far = [s for s in pool if not types or s.label in types]
        far.sort(key=lambda s: abs(s.start - anchor.start))
        ordered = far[:MAX_FAR_CANDIDATES]
    return [s.id for s in ordered]
