"""The fast path of reading our JSONL: an item valid as it stands becomes its annotation directly."""

from __future__ import annotations

from typing import Any

from tui.core.model import (
    STATUSES,
    Argument,
    Attribute,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
)
from tui.core.text.offsets import span_text

#: The fields every annotation item carries besides its own (read and written by tui.core.formats.jsonl).
COMMON = ("annotator", "origin", "status", "created", "modified")


# -- fast paths -----------------------------------------------------------------
#
# Most items of a file are valid. Each function below builds the annotation
# from an item that is valid exactly as it stands (every type right, offsets
# in order and inside the text, the stored text matching) and returns None
# for anything else, which then goes through the checks of tui.core.formats.jsonl (_common_fields,
# _build) and gets their error messages. Nothing is accepted here that those
# would refuse, and what is built is what _build builds.


def _fast_common(item: dict) -> dict[str, Any] | None:
    ident, sid = item.get("id"), item.get("source_id")
    if (ident is not None and ident.__class__ is not str) or (sid is not None and sid.__class__ is not str):
        return None
    out: dict[str, Any] = {"id": ident or "", "source_id": sid}
    for key in COMMON:
        value = item.get(key)
        if value is not None:
            if value.__class__ is not str:
                return None
            out[key] = value
    if "status" in out and out["status"] not in STATUSES:
        return None
    return out


def _fast_span(item: dict, text: str) -> Span | None:
    label, frags = item.get("label"), item.get("fragments")
    if label.__class__ is not str or frags.__class__ is not list or not frags:
        return None
    fragments = []
    prev = 0
    for f in frags:
        if f.__class__ is not list or len(f) != 2:
            return None
        a, b = f
        if a.__class__ is not int or b.__class__ is not int or a < prev or b < a:
            return None  # not ints, negative, reversed, overlapping or out of order: checked slowly
        fragments.append((a, b))
        prev = b
    if prev > len(text):
        return None
    start, end = item.get("start", fragments[0][0]), item.get("end", prev)
    if start.__class__ is not int or start != fragments[0][0] or end.__class__ is not int or end != prev:
        return None
    actual = text[fragments[0][0]:prev] if len(fragments) == 1 else span_text(text, fragments)
    stored = item.get("text")
    if stored is not None and stored != actual:
        return None
    common = _fast_common(item)
    return None if common is None else Span(label=label, fragments=fragments, text=actual, **common)


def _fast_args(item: dict) -> list[Argument] | None:
    args = item.get("arguments")
    if args.__class__ is not list:
        return None
    out = []
    for a in args:
        if a.__class__ is not dict:
            return None
        role, target = a.get("role"), a.get("target")
        if role.__class__ is not str or target.__class__ is not str:
            return None
        out.append(Argument(role=role, target=target))
    return out


def _fast_event(item: dict, text: str) -> Event | None:
    typ, trig = item.get("type"), item.get("trigger")
    if typ.__class__ is not str or trig.__class__ is not str:
        return None
    args = _fast_args(item)
    if args is None:
        return None
    common = _fast_common(item)
    return None if common is None else Event(type=typ, trigger=trig, arguments=args, **common)


def _fast_relation(item: dict, text: str) -> Relation | None:
    typ = item.get("type")
    if not isinstance(typ, str):
        return None
    args = _fast_args(item)
    if args is None or len(args) != 2:
        return None
    common = _fast_common(item)
    return None if common is None else Relation(type=typ, arguments=args, **common)


def _fast_equivalence(item: dict, text: str) -> Equivalence | None:
    typ, members = item.get("type"), item.get("members")
    if typ.__class__ is not str or members.__class__ is not list or not all(m.__class__ is str for m in members):
        return None
    common = _fast_common(item)
    return None if common is None else Equivalence(type=typ, members=members, **common)


def _fast_attribute(item: dict, text: str) -> Attribute | None:
    target, name, value = item.get("target"), item.get("name"), item.get("value")
    if target.__class__ is not str or name.__class__ is not str or (value is not None and value.__class__ is not str):
        return None
    common = _fast_common(item)
    return None if common is None else Attribute(target=target, name=name, value=value, **common)


def _fast_normalization(item: dict, text: str) -> Normalization | None:
    target, resource, key, label = item.get("target"), item.get("resource"), item.get("key"), item.get("label")
    if (target.__class__ is not str or resource.__class__ is not str or key.__class__ is not str
            or (label is not None and label.__class__ is not str)):
        return None
    common = _fast_common(item)
    return None if common is None else Normalization(
        target=target, resource=resource, key=key, label=label or "", **common)


def _fast_note(item: dict, text: str) -> Note | None:
    target, typ, txt = item.get("target"), item.get("type"), item.get("text")
    if target.__class__ is not str or txt.__class__ is not str or (typ is not None and typ.__class__ is not str):
        return None
    common = _fast_common(item)
    return None if common is None else Note(target=target, type=typ or "AnnotatorNotes", text=txt, **common)


FAST = {
    "spans": _fast_span, "events": _fast_event, "relations": _fast_relation,
    "equivalences": _fast_equivalence, "attributes": _fast_attribute,
    "normalizations": _fast_normalization, "notes": _fast_note,
}
