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


def test_new_ids_are_uuid7_unique_and_ordered_like_new_id():
    import re

    from tui.core.store import new_id, new_ids

    ids = [new_id(), *new_ids(5000), new_id(), *new_ids(3)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)  # creation order, across both functions
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", i) for i in ids)
    assert new_ids(0) == []


def test_gc_is_paused_during_an_import_and_restored_after_even_on_error(tmp_path):
    import gc

    import pytest

    from tui.core.errors import InputError
    from tui.core.model import DocAnnotations, Document
    from tui.core.store import Store

    seen = []

    def items():
        seen.append(gc.isenabled())
        yield Document(name="a", text="abc"), DocAnnotations()
        yield Document(name="a", text="different"), DocAnnotations()  # same name, other text: an error

    store = Store(tmp_path / "x.db")
    assert gc.isenabled()
    with pytest.raises(InputError):
        store.import_documents(items())
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        store.import_documents([(Document(name="b", text="x"), DocAnnotations())])
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
