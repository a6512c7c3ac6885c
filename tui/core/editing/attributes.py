"""Attributes: which of the schema's attributes fit an annotation, and the writes a new set of values makes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Literal

from tui.core.editing.index import AnnotationIndex
from tui.core.model import Attribute, Span, kind_of
from tui.core.schema import AttributeDef, Schema

AttributeOp = tuple[Literal["add", "update", "delete"], Attribute]
AttributeValue = bool | str | None


def attribute_target(index: AnnotationIndex, ann: Any) -> Any:
    """Where the attributes of ``ann`` sit: a trigger's go on its event (as ACE has them)."""
    if isinstance(ann, Span) and index.is_trigger(ann.id):
        return index.event_of_trigger[ann.id]
    return ann


def applicable_attributes(schema: Schema, index: AnnotationIndex, ann: Any) -> list[AttributeDef]:
    """The schema's attributes that may sit on ``ann``, in schema order."""
    if ann is None:
        return []
    tokens = {kind_of(ann)[:-1]}
    type_name = getattr(ann, "label", None) or getattr(ann, "type", None)
    if type_name:
        tokens.add(type_name)
    if isinstance(ann, Span):
        if index.is_trigger(ann.id):
            tokens.add("trigger")
        else:
            st = schema.span_type(ann.label)
            if st is not None:
                tokens.add(st.kind)
    return [d for d in schema.attributes if set(d.targets) & tokens]


def current_attributes(index: AnnotationIndex, ann_id: str) -> dict[str, Attribute]:
    """The attributes on an annotation, by name."""
    return {a.name: a for a in (index.get(r) for r in index.referrers.get(ann_id, ()))
            if isinstance(a, Attribute) and a.target == ann_id}


def attribute_ops(ann: Any, defs: list[AttributeDef], existing: Mapping[str, Attribute],
                  values: Mapping[str, AttributeValue]) -> list[AttributeOp]:
    """The writes that give ``ann`` these attribute values.

    Args:
        ann: the annotation.
        defs: the attributes that apply to it.
        existing: its current attributes, by name.
        values: the wanted values: True/False for a binary attribute, a value
            or None (removed) for a valued one; a missing name removes it.

    Returns:
        ``(op, attribute)`` pairs; updates are copies (the index is not touched).
    """
    ops: list[AttributeOp] = []
    for d in defs:
        new = values.get(d.name)
        old = existing.get(d.name)
        if not d.values:
            if new and old is None:
                ops.append(("add", Attribute(target=ann.id, name=d.name, value=None, doc_id=ann.doc_id)))
            elif not new and old is not None:
                ops.append(("delete", old))
        elif new is None and old is not None:
            ops.append(("delete", old))
        elif new is not None and old is None:
            ops.append(("add", Attribute(target=ann.id, name=d.name, value=str(new), doc_id=ann.doc_id)))
        elif new is not None and old is not None and old.value != new:
            ops.append(("update", replace(old, value=str(new))))
    return ops


def summary(ops: list[AttributeOp]) -> str:
    """``name=value, other removed`` for the logged action."""
    return ", ".join(
        a.name + ("" if op == "delete" or a.value is None else f"={a.value}") + (" removed" if op == "delete" else "")
        for op, a in ops
    )
