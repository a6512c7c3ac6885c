"""The JSONL exporter's row path writes exactly the bytes of the dataclass path.

``export_jsonl`` splices the stored JSON of fragments, arguments and members
instead of parsing and re-encoding it; these tests compare it with the
reference (``dumps_line`` over ``Store.annotations``) on arbitrary strings
everywhere, and on stored values the fast path must refuse to splice.
"""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.formats.jsonl import dumps_line, export_jsonl
from tui.core.model import (
    Argument,
    Attribute,
    DocAnnotations,
    Document,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
)
from tui.core.store import Store


def _fast(store: Store) -> str:
    buf = io.StringIO()
    export_jsonl(store, buf, docs=list(store.iter_documents()))
    return buf.getvalue()


def _reference(store: Store) -> str:
    return "".join(dumps_line(d, store.annotations(d.id)) for d in store.iter_documents())


def _populate(store: Store, text: str, s: str, ids: list[str]) -> None:
    """A document using ``s`` in every string field and ``ids`` as annotation ids."""
    n = len(text)
    a, b, t, ev, rel, eq, at1, at2, no, nt = ids
    anns = DocAnnotations(
        spans=[Span(id=a, label=s or "L", fragments=[(0, min(3, n))], source_id=s),
               Span(id=b, label="GPE", fragments=[(0, min(1, n)), (min(2, n), n)], status="pending"),
               Span(id=t, label="Attack", fragments=[(min(1, n), min(4, n))], annotator=s or "x")],
        events=[Event(id=ev, type="Attack", trigger=t, arguments=[Argument(role=s, target=a),
                                                                   Argument(role="R", target=b)])],
        relations=[Relation(id=rel, type=s, arguments=[Argument(role=s, target=a), Argument(role="B", target=b)])],
        equivalences=[Equivalence(id=eq, type="Coref", members=[a, b])],
        attributes=[Attribute(id=at1, target=ev, name=s, value=s), Attribute(id=at2, target=a, name="Neg")],
        normalizations=[Normalization(id=no, target=b, resource=s, key=s, label=s)],
        notes=[Note(id=nt, target=a, text=s, type=s or "T")],
    )
    store.import_documents([(Document(name=s or "doc", text=text, meta={"k": s}, status={s or "a": "done"}), anns)])


WEIRD = "é中\x7f\x85\u2028\u202e\n\t\"\\\x00\x08/👩‍👩‍👧\ud7ff"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=4, max_size=30), s=st.text(max_size=12),
       id_chars=st.text(alphabet=WEIRD + "abc-", min_size=1, max_size=6))
def test_row_path_matches_dataclass_path(tmp_path_factory, text, s, id_chars):
    d = tmp_path_factory.mktemp("fast")
    store = Store(d / "a.db", annotator="alice")
    _populate(store, text, s, [f"{id_chars}{i}" for i in range(10)])
    assert _fast(store) == _reference(store)
    store.close()


def test_row_path_matches_on_fixed_tricky_strings(tmp_path, monkeypatch):
    from tui.core.formats import jsonl

    store = Store(tmp_path / "a.db", annotator="alice")
    # ids stay ASCII (with escapes both json modes share): members are stored with ensure_ascii
    _populate(store, "Al-Sadr 👩‍👩‍👧 e\u0301 中文\r\n end\n", WEIRD, [f"a\"\\\\/\x7f\x01{i}" for i in range(10)])
    expected = _reference(store)

    def no_fallback(*_a):
        raise AssertionError("the row path fell back to the dataclass path")

    monkeypatch.setattr(jsonl, "dumps_line", no_fallback)
    assert _fast(store) == expected


def test_values_not_in_canonical_form_take_the_reference_path(tmp_path):
    """Stored JSON written some other way is re-encoded, never spliced as is."""
    store = Store(tmp_path / "a.db", annotator="alice")
    _populate(store, "abcdefgh", "x", [f"id{i}" for i in range(10)])
    expected = _fast(store)
    with store.write() as conn:
        conn.execute("UPDATE spans SET fragments = '[[0,3]]' WHERE id = 'id0'")
        conn.execute("""UPDATE events SET arguments = '[{"role":"x","target":"id0"},{"role":"R","target":"id1"}]'""")
        conn.execute("""UPDATE equivalences SET members = '["\\u0069d0", "id1"]'""")
    assert _fast(store) == _reference(store) == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=4, max_size=30), s=st.text(max_size=12))
def test_export_annotations_are_what_the_store_gives(tmp_path_factory, text, s):
    """The row-built annotations of exports (brat) equal Store.annotations, with and without filters."""
    from tui.core.formats import ExportOptions
    from tui.core.formats._interchange import export_annotations

    store = Store(tmp_path_factory.mktemp("ea") / "a.db", annotator="alice")
    _populate(store, text, s, [f"{s}{i}" for i in range(10)])
    for opts in (ExportOptions(), ExportOptions(statuses=["accepted"]), ExportOptions(layers=["alice", s or "x"])):
        for doc in store.iter_documents():
            assert export_annotations(store, doc.id, opts) == store.annotations(
                doc.id, annotators=opts.layers, statuses=opts.statuses)
    store.close()
