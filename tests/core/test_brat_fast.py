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
    monkeypatch.setattr(brat, "_usage_key", lambda anns: next(counter))  # never the same: no shortcut
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


def test_a_file_that_cannot_be_written_fails_the_export(tmp_path):
    """The writer thread's error reaches the caller, and the export stops."""
    import pytest

    store = Store(tmp_path / "x.db", annotator="alice")
    store.import_documents([_doc(f"d{i}", ["PER"]) for i in range(50)])
    (tmp_path / "out" / "d10.ann").mkdir(parents=True)  # a folder where a file must go
    with pytest.raises(IsADirectoryError):
        brat.export(store, store.iter_documents(), tmp_path / "out", ExportOptions())
    assert not (tmp_path / "out" / "annotation.conf").exists()  # stopped before the .conf files
