"""What an editing verb hands back: the annotation(s) it made or changed, and the change set."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from tui.core.model import Annotation
from tui.core.store.changes import ChangeSet

T = TypeVar("T")

#: What the role prompt is picking: an event role, a relation's target, a coreference partner.
PickPurpose = Literal["role", "relation", "coref"]


@dataclass(frozen=True)
class Edit(Generic[T]):
    """The result of one verb: one committed store action (or none, when ``reused``).

    Attributes:
        description: the logged action, e.g. ``tag PER Basra``.
        value: what the verb made or changed (the new span, the event, the
            relation, the set, the deleted annotations...).
        changes: the rows the action wrote, typed.
        spans: ids of the spans whose highlight may have changed, or None when
            a view must redraw everything (the session re-read its index).
        duplicates: spans another instance of the same annotator had already
            made (the store added nothing for them).
        reused: the verb found what it would have made (an identical span) and
            wrote nothing.
    """

    description: str
    value: T
    changes: ChangeSet = field(default_factory=ChangeSet)
    spans: frozenset[str] | None = frozenset()
    duplicates: tuple[str, ...] = ()
    reused: bool = False

    @property
    def reloaded(self) -> bool:
        """Whether the session re-read the whole layer (views redraw everything)."""
        return self.spans is None


class NoChange(ValueError):  # noqa: N818 - a refusal, not a failure
    """The verb would change nothing (same label, same attributes...); nothing was written."""


class ReadOnlyLayer(NoChange):
    """The shown layer is another annotator's: it is read, never edited (nothing was written).

    Args:
        layer: whose layer is shown.
    """

    def __init__(self, layer: str) -> None:
        super().__init__(f"{layer}'s layer is read-only")
        self.layer = layer


class IncompatibleFiller(NoChange):
    """The mention's type is not one the role (or relation argument) allows; nothing was written."""


Effect = Literal["trigger-deleted", "loses-argument", "deleted", "leaves-set", "set-deleted"]


@dataclass(frozen=True)
class Consequence:
    """What deleting an annotation does to one annotation that uses it.

    Attributes:
        annotation: the dependent annotation.
        effect: ``trigger-deleted`` (an event whose trigger goes), ``loses-argument``
            (an event keeps going without the role filler), ``deleted`` (a
            relation, an attribute, a note...), ``leaves-set`` (a coreference
            set of three or more loses a member), ``set-deleted`` (a set of two).
        roles: for ``loses-argument``, the roles that lose their filler.
    """

    annotation: Annotation
    effect: Effect
    roles: tuple[str, ...] = ()
