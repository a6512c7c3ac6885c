"""brat shortcuts change nothing: the schema-use memo, direct file writes, the folder walk."""

from __future__ import annotations

import itertools

from tui.core.formats import ExportOptions, brat
from tui.core.model import Argument, Attribute, DocAnnotations, Document, Event, Span
from tui.core.store import Store


def _doc(name: str, labels: list[str], attr: str | None = None, role: str = "Attacker") -> tuple:
    text = " ".join(f"w{i}" for i in range(len(labels) + 1)) + "\n"
    spans = [Span(id=f"{name}-s{i}", label=lab, fragments=[(3 * i, 3 * i + 2)]) for i, lab in enumerate(labels)]
    trig = Span(id=f"{name}-t", label="Attack", fragments=[(3 * len(labels), 3 * len(labels) + 2)])
    ev = Event(id=f"{name}-e", type="Attack", trigger=trig.id, arguments=[Argument(role=role, target=spans[0].id)])
    anns = DocAnnotations(spans=[*spans, trig], events=[ev])
    if attr:
        anns.attributes.append(Attribute(id=f"{name}-a", target=ev.id, name=attr, value="Yes"))
    return Document(name=name, text=text), anns


def _confs(tmp_path, store: Store, sub: str) -> dict[str, str]:
    out = tmp_path / sub
    brat.export(store, store.iter_documents(), out, ExportOptions())
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*"))
            if p.is_file()}


def test_schema_use_memo_writes_the_same_conf_as_inferring_every_document(tmp_path, monkeypatch):
    """Documents that use something new after many repeats still widen the generated annotation.conf."""
    store = Store(tmp_path / "x.db", annotator="alice")
    items = [_doc(f"d{i}", ["PER", "GPE"]) for i in range(4)]
    items += [_doc("e0", ["PER", "ORG"], attr="Negated"), _doc("e1", ["PER", "GPE"], role="Target2"),
              _doc("e2", ["PER", "GPE"], role="Target"), _doc("f0", ["PER", "GPE"])]
    store.import_documents(items)
    fast = _confs(tmp_path, store, "fast")
    counter = itertools.count()
    monkeypatch.setattr(brat.writer, "_usage_key", lambda anns: next(counter))  # never the same: no shortcut
    slow = _confs(tmp_path, store, "slow")
    assert fast == slow
    conf = fast["annotation.conf"]
    assert "ORG" in conf and "Negated" in conf and "Target" in conf


def test_files_are_written_as_open_would(tmp_path):
    """UTF-8 bytes exactly (CRLF, emoji kept), nested folders created."""
    store = Store(tmp_path / "x.db", annotator="alice")
    text = "Ünïcode 👩‍👩‍👧\r\nline\u2028two\n"
    store.import_documents([(Document(name="a/b/c", text=text), DocAnnotations(
        spans=[Span(label="PER", fragments=[(0, 7)])]))])
    brat.export(store, store.iter_documents(), tmp_path / "out", ExportOptions())
    assert (tmp_path / "out" / "a" / "b" / "c.txt").read_bytes() == text.encode("utf-8")
    assert (tmp_path / "out" / "a" / "b" / "c.ann").read_bytes().startswith("T1\tPER 0 7\tÜnïcode".encode())


def test_folder_walk_finds_what_rglob_finds(tmp_path):
    """Hidden files and folders left out, nested folders and symlinked files kept, symlinked folders not entered."""
    import os

    root = tmp_path / "corpus"
    for rel in ("a.txt", "a.ann", "sub/b.txt", "sub/deeper/c.ann", ".hidden.txt", ".git/x.txt", "sub/.h/y.txt",
                "notes.md", "d.e.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "z.txt").write_text("z", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", root / "linked")
    os.symlink(root / "a.txt", root / "alias.txt")
    expected = sorted(
        (f.relative_to(root).as_posix(), str(f)) for f in root.rglob("*")
        if f.is_file() and not any(p.startswith(".") for p in f.relative_to(root).parts))
    assert sorted(brat._walk_files(str(root))) == expected
    assert "alias.txt" in dict(expected) and not any(r.startswith("linked/") for r, _ in expected)


def test_an_error_half_way_leaves_the_earlier_export_as_it_was(tmp_path):
    """An error after many files were written (two names for one file) puts nothing in place."""
    import pytest

    from tui.core.outpath import PathCollision

    store = Store(tmp_path / "x.db", annotator="alice")
    store.import_documents([_doc(f"d{i}", ["PER"]) for i in range(50)])
    out = tmp_path / "out"
    brat.export(store, store.iter_documents(), out, ExportOptions())
    before = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*"))
    store.import_documents([_doc("zz/D10", ["PER"]), _doc("zz/d10", ["PER"])])
    with pytest.raises(PathCollision, match="'zz/D10' and document 'zz/d10'"):
        brat.export(store, store.iter_documents(), out, ExportOptions())
    assert sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if "tui-partial" in p.name]  # no temporary folder left


NAMES = ["PER", "Attack", "a b", "x:y", "", "é", "T\n", "tab\t"]


def _random_doc(data, st) -> tuple:
    """A document made in tui: no source ids, any names, spans anywhere (line breaks too)."""
    from tui.core.model import Equivalence, Normalization, Note, Relation

    text = data.draw(st.text(alphabet="aaaaabbbbb  é\n\r\u2028", min_size=6, max_size=20))
    n = len(text)
    name = st.sampled_from(["PER", "GPE", "Attack", "Arg-1", "Target"] * 15 + NAMES)  # mostly writable as is
    spans = []
    for i in range(data.draw(st.integers(1, 4))):
        a = data.draw(st.integers(0, n - 1))
        b = data.draw(st.integers(a, n))
        frags = [(a, b)]
        if data.draw(st.booleans()) and b + 1 < n:
            frags.append((b + 1, data.draw(st.integers(b + 1, n))))
        spans.append(Span(id=f"s{i}", label=data.draw(name), fragments=frags,
                          status=data.draw(st.sampled_from(["accepted", "pending"]))))
    ids = [s.id for s in spans]
    anns = DocAnnotations(spans=spans)
    if data.draw(st.booleans()):
        trig = spans[0]
        etype = trig.label if data.draw(st.booleans()) else data.draw(name)
        anns.events.append(Event(id="e0", type=etype, trigger=trig.id, arguments=[
            Argument(role=data.draw(name), target=data.draw(st.sampled_from(ids))) for _ in range(2)]))
        ids.append("e0")
    if len(spans) > 1 and data.draw(st.booleans()):
        anns.relations.append(Relation(id="r0", type=data.draw(name), arguments=[
            Argument(role=data.draw(name), target=spans[0].id), Argument(role=data.draw(name), target=spans[1].id)]))
        ids.append("r0")
    if data.draw(st.booleans()):
        anns.equivalences.append(Equivalence(id="q0", type=data.draw(name), members=[s.id for s in spans]))
    if data.draw(st.booleans()):
        anns.attributes.append(Attribute(id="a0", target=data.draw(st.sampled_from(ids)), name=data.draw(name),
                                         value=data.draw(st.sampled_from([None, "", "v", "x y", "l\nb", "t\tb"]))))
    if data.draw(st.booleans()):
        anns.normalizations.append(Normalization(id="n0", target=ids[0], resource=data.draw(name),
                                                 key=data.draw(name), label=data.draw(st.sampled_from(["", "k", "a\nb"]))))
    if data.draw(st.booleans()):
        anns.notes.append(Note(id="t0", target=data.draw(st.sampled_from(ids)), type=data.draw(name),
                               text=data.draw(st.sampled_from(["", "note", "two\nlines", "\ttab"]))))
    meta = {"brat": {"order": ["T1"]}} if data.draw(st.integers(0, 9)) == 0 else {}
    return Document(name="d", text=text, meta=meta), anns


def test_rows_render_exactly_like_the_dataclass_path_or_not_at_all(tmp_path_factory):
    """Whenever the row path renders a document, _render writes the same bytes, reports nothing,
    and the usage key is the same; with or without a status filter (which prunes)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tui.core.formats import LossReport
    from tui.core.formats._interchange import annotations_from_rows

    used_fast = []

    @settings(max_examples=200, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def check(data):
        store = Store(tmp_path_factory.mktemp("rr") / "x.db", annotator="alice")
        store.import_documents([_random_doc(data, st)])
        doc = next(store.iter_documents())
        for statuses in (None, ["accepted"]):
            rows = store.annotation_rows(doc.id, statuses=statuses)
            fast = brat._render_rows(doc, rows)
            report = LossReport()
            text, split, written = brat._render(doc, annotations_from_rows(rows), report)
            if fast is not None:
                used_fast.append(1)
                assert fast[0] == text
                assert split == 0 and report.lossless, report.lines()
                assert fast[1] == brat._usage_key(written)
        store.close()

    check()
    assert len(used_fast) >= 10, len(used_fast)  # the row path was exercised, not only refused


def test_export_from_rows_writes_the_same_folder(tmp_path, monkeypatch):
    """A whole export (documents and generated .conf files) is the same with the row path turned off."""
    from bench.inputs import corpus

    store = Store(tmp_path / "x.db", annotator="alice")
    store.import_documents(corpus(30))
    fast = _confs(tmp_path, store, "fast")
    monkeypatch.setattr(brat.writer, "_render_rows", lambda doc, rows: None)
    assert _confs(tmp_path, store, "slow") == fast
    assert len(fast) == 60 + 3 + 1  # documents, .conf files, the .tui-export marker
