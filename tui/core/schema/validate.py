"""Validating a document's annotations against a schema: :func:`validate`, :class:`Problem`.

Validation lists problems and never changes or drops an annotation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from tui.core.model import DocAnnotations, Equivalence, Meta, Normalization, Note, Relation, Span
from tui.core.schema.types import Schema, _one_line

PROBLEM_KINDS: tuple[str, ...] = (
    "unknown-type",
    "bad-trigger",
    "unknown-role",
    "wrong-filler-type",
    "missing-role",
    "cardinality",
    "unknown-attribute",
    "bad-attribute-value",
    "bad-attribute-target",
    "dangling-reference",
)
"""Every :attr:`Problem.kind` that :func:`validate` reports."""


# --------------------------------------------------------------------------
# Validating annotations


#: ``add(annotation, problem kind, message)``: record a problem.
_Add = Callable[[Meta, str, str], None]
#: ``resolve(annotation, id, what)``: the annotation ``id`` names, or None (a dangling reference is recorded).
_Resolve = Callable[[Meta, str, str], "Meta | None"]


@dataclass(frozen=True)
class Problem:
    """One way an annotation breaks the schema; ``kind`` is in :data:`PROBLEM_KINDS`."""

    annotation_id: str
    kind: str
    message: str


def quote(target: Meta) -> str:
    """An annotation as an analyst knows it, for messages: a span's text and type, else its kind and type.

    ``“Basra” (GPE)``, ``Attack event``; never an id (ids mean nothing on screen).
    """
    if isinstance(target, Span):
        text = target.text if len(target.text) <= 40 else target.text[:39] + "…"
        return f"“{text}” ({target.label})"
    type_name = target.type_name
    return f"{type_name} {target.NOUN}" if type_name else target.NOUN


def _filler_error(types: tuple[str, ...], target: Meta) -> str | None:
    """Why ``target`` cannot fill a role allowing ``types`` (None if it can)."""
    type_name = target.filler_type
    if type_name is None:
        return f"{quote(target)} is not a span or an event"
    if types and type_name not in types:
        return f"{quote(target)} is not one of {', '.join(types)}"
    return None


def validate(schema: Schema, ann: DocAnnotations) -> list[Problem]:
    """List where a document's annotations break the schema.

    Rejected annotations are not checked (references to them still resolve).
    Nothing is changed or dropped.

    Args:
        schema: the schema to check against.
        ann: every annotation of one document.

    Returns:
        Problems in annotation order (kinds in :data:`tui.core.model.KINDS` order).
    """
    problems: list[Problem] = []
    by_id = ann.by_id()
    # A span stays a trigger while any event (even a rejected one) names it,
    # so rejecting an event does not also flag its trigger span.
    triggers = {e.trigger for e in ann.events}

    def add(annotation: Meta, kind: str, message: str) -> None:
        problems.append(Problem(annotation.id, kind, _one_line(message)))

    def resolve(annotation: Meta, ref: str, what: str) -> Meta | None:
        target = by_id.get(ref)
        if target is None:
            add(annotation, "dangling-reference", f"{what} {ref!r} is not in this document")
        return target

    for span in ann.spans:
        if span.status == "rejected":
            continue
        st = schema.span_type(span.label)
        if span.id in triggers:
            if schema.event_type(span.label) is None and (st is None or st.kind != "trigger"):
                add(span, "unknown-type", f"trigger label '{span.label}' is not an event type")
        elif st is None:
            if schema.event_type(span.label) is not None:
                add(
                    span,
                    "unknown-type",
                    f"'{span.label}' is an event type, but no event has this span as trigger",
                )
            else:
                add(span, "unknown-type", f"unknown span type '{span.label}'")

    for event in ann.events:
        if event.status == "rejected":
            continue
        et = schema.event_type(event.type)
        if et is None:
            add(event, "unknown-type", f"unknown event type '{event.type}'")
        trigger = resolve(event, event.trigger, "trigger")
        if trigger is not None:
            if not isinstance(trigger, Span):
                add(event, "bad-trigger", f"trigger {quote(trigger)} is not a span")
            elif trigger.label != event.type:
                add(
                    event,
                    "bad-trigger",
                    f"trigger {quote(trigger)} is labelled '{trigger.label}', not '{event.type}'",
                )
        counts: Counter[str] = Counter()
        for arg in event.arguments:
            target = resolve(event, arg.target, f"{arg.role} argument")
            if et is None:
                continue
            role = et.role(arg.role)
            if role is None:
                add(event, "unknown-role", f"event type '{et.name}' has no role '{arg.role}'")
                continue
            counts[role.name] += 1
            if target is not None:
                why = _filler_error(role.types, target)
                if why:
                    add(event, "wrong-filler-type", f"{role.name}: {why}")
        if et is not None:
            for role in et.roles:
                n = counts[role.name]
                if n == 0 and role.cardinality in ("1", "+"):
                    add(event, "missing-role", f"{et.name} needs a {role.name} argument")
                elif n > 1 and role.cardinality in ("1", "?"):
                    add(
                        event,
                        "cardinality",
                        f"{et.name} allows at most one {role.name} argument, has {n}",
                    )

    for relation in ann.relations:
        if relation.status == "rejected":
            continue
        _validate_relation(schema, relation, add, resolve)

    for equiv in ann.equivalences:
        if equiv.status == "rejected":
            continue
        _validate_equivalence(schema, equiv, add, resolve)

    for attr in ann.attributes:
        if attr.status == "rejected":
            continue
        target = resolve(attr, attr.target, "target")
        ad = schema.attribute(attr.name)
        if ad is None:
            add(attr, "unknown-attribute", f"unknown attribute '{attr.name}'")
            continue
        if ad.values:
            if attr.value is None:
                add(attr, "bad-attribute-value", f"{ad.name} needs a value: {', '.join(ad.values)}")
            elif attr.value not in ad.values:
                add(
                    attr,
                    "bad-attribute-value",
                    f"{ad.name} cannot be '{attr.value}' (allowed: {', '.join(ad.values)})",
                )
        elif attr.value is not None:
            add(attr, "bad-attribute-value", f"{ad.name} is binary and takes no value")
        if target is not None and not set(ad.targets) & _target_tokens(schema, target, triggers):
            add(
                attr,
                "bad-attribute-target",
                f"{ad.name} applies to {', '.join(ad.targets)}, not to {quote(target)}",
            )

    others: list[Normalization | Note] = [*ann.normalizations, *ann.notes]
    for other in others:
        if other.status != "rejected":
            resolve(other, other.target, "target")
    return problems


def _validate_relation(schema: Schema, relation: Relation, add: _Add, resolve: _Resolve) -> None:
    rt = schema.relation_type(relation.type)
    targets = [resolve(relation, a.target, f"{a.role} argument") for a in relation.arguments]
    if rt is None:
        add(relation, "unknown-type", f"unknown relation type '{relation.type}'")
        return
    if len(relation.arguments) != 2:
        add(
            relation,
            "cardinality",
            f"relation has {len(relation.arguments)} arguments, '{rt.name}' needs 2",
        )
        return
    given = [a.role for a in relation.arguments]
    expected = [r.name for r in rt.args]
    if sorted(given) == sorted(expected):
        pairs = [(rt.args[expected.index(role)], t) for role, t in zip(given, targets, strict=True)]
    else:
        pairs = list(zip(rt.args, targets, strict=True))
        for role, arg in zip(given, rt.args, strict=True):
            if role != arg.name:
                add(
                    relation,
                    "unknown-role",
                    f"'{rt.name}' has no argument '{role}' (expected {arg.name})",
                )
    for arg, target in pairs:
        if target is not None:
            why = _filler_error(arg.types, target)
            if why:
                add(relation, "wrong-filler-type", f"{arg.name}: {why}")


def _validate_equivalence(schema: Schema, equiv: Equivalence, add: _Add, resolve: _Resolve) -> None:
    if equiv.type not in schema.equivalence_types:
        add(equiv, "unknown-type", f"unknown equivalence type '{equiv.type}'")
    labels: list[str] = []
    for ref in equiv.members:
        target = resolve(equiv, ref, "member")
        if target is None:
            continue
        if isinstance(target, Span):
            labels.append(target.label)
        else:
            add(equiv, "wrong-filler-type", f"member {quote(target)} is not a span")
    distinct = sorted(set(labels))
    if len(distinct) > 1:
        add(equiv, "wrong-filler-type", f"members have different types: {', '.join(distinct)}")


def _target_tokens(schema: Schema, target: Meta, triggers: set[str]) -> set[str]:
    """What an attribute target counts as: its kind, span kind and type name."""
    tokens = {target.NOUN}
    type_name = target.type_name
    if type_name:
        tokens.add(type_name)
    if isinstance(target, Span):
        if target.id in triggers:
            tokens.add("trigger")
        else:
            st = schema.span_type(target.label)
            if st is not None:
                tokens.add(st.kind)
    return tokens
