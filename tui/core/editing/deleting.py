"""Deleting: which annotation a delete takes, and what it does to those that use it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.core.editing.index import AnnotationIndex
from tui.core.editing.results import Consequence
from tui.core.model import Equivalence, Event, Relation

if TYPE_CHECKING:
    from tui.core.store import Store


def delete_target(index: AnnotationIndex, ann: Any) -> Any:
    """The annotation a delete of ``ann`` removes: an event goes with its trigger."""
    if isinstance(ann, Event):
        trigger = index.get(ann.trigger)
        return trigger if trigger is not None else ann
    return ann


def consequences(store: Store, index: AnnotationIndex, ann_id: str) -> list[Consequence]:
    """What deleting ``ann_id`` does to the annotations that use it, one entry each.

    The direct users come from the store (every layer of the document, as the
    delete itself sees them); the users of what the delete takes along come
    from the layer's index. Each annotation is listed once, depth first.

    Args:
        store: the store.
        index: the layer.
        ann_id: the annotation to delete.

    Returns:
        One :class:`Consequence` per affected annotation.
    """
    out: list[Consequence] = []
    seen = {ann_id}

    def walk(target_id: str, deps: list[Any]) -> None:
        for dep in deps:
            if dep.id in seen:
                continue
            seen.add(dep.id)
            if isinstance(dep, Event) and dep.trigger == target_id:
                out.append(Consequence(dep, "trigger-deleted"))
                walk(dep.id, index.users_of(dep.id))
            elif isinstance(dep, Event):
                roles = tuple(a.role for a in dep.arguments if a.target == target_id)
                out.append(Consequence(dep, "loses-argument", roles))
            elif isinstance(dep, Relation):
                out.append(Consequence(dep, "deleted"))
                walk(dep.id, index.users_of(dep.id))
            elif isinstance(dep, Equivalence):
                out.append(Consequence(dep, "leaves-set" if len(dep.members) > 2 else "set-deleted"))
            else:
                out.append(Consequence(dep, "deleted"))

    walk(ann_id, store.dependents(ann_id))
    return out
