"""Tests for tui.core.model: the kind-dependent behaviour on the annotation classes."""

from __future__ import annotations

import pytest

from tui.core.model import (
    KIND_CLASS,
    KINDS,
    Argument,
    Attribute,
    Equivalence,
    Event,
    Meta,
    Normalization,
    Note,
    Relation,
    Span,
    kind_of,
)
from tui.core.store import references

SPAN = Span(id="s1", label="PER", fragments=[(0, 3)], text="Ann")
EVENT = Event(
    id="e1",
    type="Attack",
    trigger="s2",
    arguments=[Argument(role="Attacker", target="s1"), Argument(role="Place", target="s3")],
)
RELATION = Relation(
    id="r1",
    type="PHYS",
    arguments=[Argument(role="Arg-1", target="s1"), Argument(role="Arg-2", target="s3")],
)
EQUIVALENCE = Equivalence(id="q1", type="Coref", members=["s1", "s4"])
BINARY = Attribute(id="a1", target="e1", name="Negated")
VALUED = Attribute(id="a2", target="e1", name="Polarity", value="Negative")
NORMALIZATION = Normalization(id="n1", target="s1", resource="Wikidata", key="Q42", label="Ann")
NOTE = Note(id="o1", target="s1", text="check this")

ONE_OF_EACH: list[Meta] = [SPAN, EVENT, RELATION, EQUIVALENCE, VALUED, NORMALIZATION, NOTE]


def test_each_class_names_its_kind_in_kinds_order() -> None:
    """KIND is the table name, KIND_CLASS follows KINDS, NOUN is the kind as one word."""
    assert list(KIND_CLASS) == list(KINDS)
    for kind, cls in KIND_CLASS.items():
        assert cls.KIND == kind
        assert cls.NOUN == kind[:-1]
    assert [kind_of(a) for a in ONE_OF_EACH] == list(KINDS)


def test_kind_of_refuses_what_is_not_an_annotation() -> None:
    """A plain object, the Meta base and a subclass are not annotations."""

    class Mention(Span):
        pass

    for thing in (object(), Meta(), Mention(label="X", fragments=[(0, 1)]), "spans"):
        with pytest.raises(TypeError):
            kind_of(thing)


@pytest.mark.parametrize("ann", ONE_OF_EACH, ids=lambda a: a.NOUN)
def test_references_agree_with_the_store(ann: Meta) -> None:
    """Every kind points to the same ids as tui.core.store.references says."""
    assert ann.references() == references(kind_of(ann), ann)


def test_references_in_field_order() -> None:
    """Trigger first, then arguments; members; a target; nothing for a span."""
    assert SPAN.references() == []
    assert EVENT.references() == ["s2", "s1", "s3"]
    assert RELATION.references() == ["s1", "s3"]
    assert EQUIVALENCE.references() == ["s1", "s4"]
    assert [a.references() for a in (BINARY, NORMALIZATION, NOTE)] == [["e1"], ["s1"], ["s1"]]


def test_references_is_a_new_list() -> None:
    """Changing the returned list leaves the annotation alone."""
    EQUIVALENCE.references().append("x")
    assert EQUIVALENCE.members == ["s1", "s4"]


@pytest.mark.parametrize(
    ("ann", "type_name", "filler_type", "display_label", "described"),
    [
        (SPAN, "PER", "PER", "PER", "span s1 (PER)"),
        (EVENT, "Attack", "Attack", "Attack", "event e1 (Attack)"),
        (RELATION, "PHYS", None, "PHYS", "relation r1 (PHYS)"),
        (EQUIVALENCE, "Coref", None, "Coref", "equivalence q1 (Coref)"),
        (BINARY, "Negated", None, "Negated", "attribute a1 (Negated)"),
        (VALUED, "Polarity", None, "Polarity=Negative", "attribute a2 (Polarity)"),
        (NORMALIZATION, "", None, "Wikidata:Q42", "normalization n1"),
        (NOTE, "AnnotatorNotes", None, "AnnotatorNotes", "note o1 (AnnotatorNotes)"),
    ],
    ids=lambda v: v.id if isinstance(v, Meta) else None,
)
def test_names_by_kind(
    ann: Meta, type_name: str, filler_type: str | None, display_label: str, described: str
) -> None:
    """type_name, filler_type, display_label and describe() per kind."""
    assert ann.type_name == type_name
    assert ann.filler_type == filler_type
    assert ann.display_label == display_label
    assert ann.describe() == described


def test_classes_keep_slots() -> None:
    """The behaviour adds no per-instance storage: annotations still have no __dict__."""
    for ann in ONE_OF_EACH:
        assert not hasattr(ann, "__dict__")
