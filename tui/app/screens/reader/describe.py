"""Annotations and delete consequences described in one sanitised line each."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from tui.app.safe import safe
from tui.core.editing import AnnotationIndex, Consequence
from tui.core.model import (
    Attribute,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
    kind_of,
)
from tui.core.review.coref import is_link_suggestion


def describe(index: AnnotationIndex, ann: Any) -> str:
    """A one-line, sanitised description of an annotation for prompts and notifications.

    Args:
        index: the layer (a trigger is named as such, an event by its trigger's text).
        ann: the annotation.

    Returns:
        e.g. ``GPE “Basra”``, ``Attack event “attacked”``.
    """
    # every part is data (labels and type names come from schemas and files too)
    if isinstance(ann, Span):
        kind = "trigger" if index.is_trigger(ann.id) else safe(ann.label, limit=30)
        return f"{kind} “{safe(ann.text, limit=40)}”"
    if isinstance(ann, Event):
        trigger = index.get(ann.trigger)
        return f"{safe(ann.type, limit=30)} event “{safe(trigger.text, limit=40) if trigger else '?'}”"
    if isinstance(ann, Relation):
        a, b = (index.get(x.target) for x in ann.arguments)
        return (f"{safe(ann.type, limit=30)} relation {describe(index, a) if a else '?'} → "
                f"{describe(index, b) if b else '?'}")
    if isinstance(ann, Equivalence):
        if ann.status == "pending" and is_link_suggestion(ann):
            chain, mention = (index.get(m) for m in ann.members)
            return (f"add “{safe(mention.text, limit=40) if isinstance(mention, Span) else '?'}” to chain "
                    f"“{safe(chain.text, limit=40) if isinstance(chain, Span) else '?'}”")
        return f"{safe(ann.type, limit=30)} set of {len(ann.members)}"
    if isinstance(ann, Attribute):
        return f"attribute {safe(ann.name, limit=30)}" + (
            f"={safe(ann.value, limit=30)}" if ann.value is not None else "")
    if isinstance(ann, Normalization):
        return f"normalisation {safe(ann.resource, limit=20)}:{safe(ann.key, limit=30)}"
    if isinstance(ann, Note):
        return f"note “{safe(ann.text, limit=40)}”"
    return kind_of(ann)[:-1]


def consequence_line(index: AnnotationIndex, consequence: Consequence) -> Text:
    """One line of the delete confirmation: what happens to one annotation that uses the deleted one."""
    desc = describe(index, consequence.annotation)
    effect = consequence.effect
    if effect == "trigger-deleted":
        return Text(f"{desc} will be deleted (this is its trigger)")
    if effect == "loses-argument":
        roles = ", ".join(safe(r, limit=30) for r in consequence.roles)
        return Text(f"{desc} loses its {roles} argument")
    if effect == "leaves-set":
        return Text(f"it leaves the {desc}")
    if effect == "set-deleted":
        return Text(f"the {desc} will be deleted")
    return Text(f"{desc} will be deleted")
