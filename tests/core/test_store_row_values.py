"""``row_values`` (the import path's row builder) gives exactly ``to_row``'s values."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.core.model import (
    Argument,
    Attribute,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
)
from tui.core.store import COLUMNS, row_values, to_row

S = st.text(max_size=8)


def _same(kind: str, ann) -> None:
    row = to_row(kind, ann)
    assert row_values(kind, ann) == tuple(row[c] for c in COLUMNS[kind])


@given(s=S, frags=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=3))
def test_every_kind_matches_to_row(s, frags):
    common = {"id": s + "i", "doc_id": "d", "source_id": s or None, "annotator": s, "created": "c", "modified": "m"}
    _same("spans", Span(label=s, fragments=frags, text=s, **common))
    _same("events", Event(type=s, trigger=s, arguments=[Argument(role=s, target=s + "\u2028é\x00"),
                                                        Argument(role="r", target="t")], **common))
    _same("events", Event(type=s, trigger=s, arguments=[], **common))
    _same("relations", Relation(type=s, arguments=[Argument(role=s, target="a"), Argument(role="b", target=s)], **common))
    _same("equivalences", Equivalence(type=s, members=[s, "é"], **common))
    _same("attributes", Attribute(target=s, name=s, value=None, **common))
    _same("normalizations", Normalization(target=s, resource=s, key=s, label=s, **common))
    _same("notes", Note(target=s, type=s, text=s, **common))


def test_fragments_given_as_lists_match_too():
    _same("spans", Span(id="x", label="L", fragments=[[1, 2]], text="t"))  # type: ignore[list-item]
