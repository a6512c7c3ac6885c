"""Property test: mutated real files, fed to each importer tui owns, never give a traceback.

Real inputs (a JSONL export of the seed article with every kind of
annotation, brat's own example corpus, its ``annotation.conf``, the ACE 2005
schema) are mutated the way files go wrong or are made hostile: bytes
flipped, lines deleted, duplicated or swapped, numbers replaced by ``-1``,
``1e400``, ``"x"``, ``true`` or 40-digit integers, truncation, deep nesting,
lone surrogate escapes. Each mutated input goes through the real command
line into a fresh database, and must give either a valid import (``tui
check`` then passes) or a clean failure: exit 1, one ``tui: error:`` line
per problem, no traceback and no change to the database.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA, ROOT, SEED, db_snapshot
from tui.cli.main import cli
from tui.core.store import Store

BRAT = DATA / "brat" / "news"
PRESET = ROOT / "tui" / "core" / "schema" / "presets" / "ace2005.toml"
#: Inputs tried and tracebacks seen, per importer (printed by the summary test).
TRIED: dict[str, int] = {}
TRACEBACKS: dict[str, int] = {}
#: Examples per importer; TUI_PROPERTY_EXAMPLES raises it for a longer hunt.
EXAMPLES = int(os.environ.get("TUI_PROPERTY_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

_NUMBER = re.compile(rb"\d+")
REPLACEMENTS = [b"-1", b"1e400", b'"x"', b"x", b"true", b"1.5", b"NaN", b"Infinity",
                b"1234567890123456789012345678901234567890", b"9" * 5000]


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """``data`` with one to three mutations."""
    for _ in range(draw(st.integers(1, 3))):
        lines = data.split(b"\n")
        how = draw(st.sampled_from(["flip", "delete", "duplicate", "swap", "number", "truncate", "nest",
                                    "surrogate"]))
        if how == "flip" and data:
            i = draw(st.integers(0, len(data) - 1))
            data = data[:i] + bytes([data[i] ^ (1 << draw(st.integers(0, 7)))]) + data[i + 1:]
        elif how == "delete" and lines:
            del lines[draw(st.integers(0, len(lines) - 1))]
            data = b"\n".join(lines)
        elif how == "duplicate" and lines:
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            data = b"\n".join(lines)
        elif how == "swap" and len(lines) > 1:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif how == "number":
            found = list(_NUMBER.finditer(data))
            if found:
                m = found[draw(st.integers(0, len(found) - 1))]
                data = data[:m.start()] + draw(st.sampled_from(REPLACEMENTS)) + data[m.end():]
        elif how == "truncate" and data:
            data = data[:draw(st.integers(0, len(data) - 1))]
        elif how == "nest":
            i = draw(st.integers(0, len(data)))
            k = draw(st.sampled_from([3, 200, 5000]))
            opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a": ', b"}"), (b"{a = ", b"}")]))
            data = data[:i] + opener * k + b"1" + closer * k + data[i:]
        elif how == "surrogate":
            i = draw(st.integers(0, len(data)))
            data = data[:i] + draw(st.sampled_from([b"\\ud800", b"\\udfff", b"\xed\xa0\x80"])) + data[i:]
    return data


def _check_outcome(kind: str, db: Path, before: dict, result) -> None:
    """A valid import (``tui check`` passes) or a clean failure; tracebacks are counted, then fail."""
    TRIED[kind] = TRIED.get(kind, 0) + 1
    exc = result.exception
    if (exc is not None and not isinstance(exc, SystemExit)) or "Traceback" in result.output:
        TRACEBACKS[kind] = TRACEBACKS.get(kind, 0) + 1
        raise AssertionError(f"{kind}: traceback ({exc!r}):\n{result.output[-2000:]}")
    assert result.exit_code in (0, 1), (result.exit_code, result.output[-2000:])
    if result.exit_code == 1:
        assert db_snapshot(db) == before, "a failed import changed the database"
        errors = [ln for ln in result.output.splitlines() if ln.startswith("tui: error: ")]
        assert errors, result.output[-2000:]
        assert all(len(ln) < 5000 for ln in errors)
    else:
        check = CliRunner().invoke(cli, ["--db", str(db), "check"])
        assert check.exit_code == 0, check.output[-2000:]


def _fresh(tmp: Path) -> tuple[Path, dict]:
    db = tmp / "a.db"
    Store(db, annotator="alice").close()
    return db, db_snapshot(db)


def _jsonl_base() -> bytes:
    """A JSONL export of the seed article carrying every kind of annotation."""
    from tui.core.formats.jsonl import export_jsonl
    from tui.core.formats.text import read_document
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

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "seed.db", annotator="alice")
        doc, _ = store.add_document(read_document(SEED, "basra-offensive"))
        text = doc.text
        a = store.add(Span(doc_id=doc.id, label="GPE", fragments=[(text.index("Basra"), text.index("Basra") + 5)]))
        word = text.index("offensive")
        b = store.add(Span(doc_id=doc.id, label="Attack", fragments=[(word, word + 9)]))
        c = store.add(Span(doc_id=doc.id, label="GPE", fragments=[(0, 5), (10, 12)]))
        e = store.add(Event(doc_id=doc.id, type="Attack", trigger=b.id, arguments=[Argument(role="Place", target=a.id)]))
        store.add(Relation(doc_id=doc.id, type="PART-WHOLE", arguments=[
            Argument(role="Arg-1", target=a.id), Argument(role="Arg-2", target=c.id)]))
        store.add(Equivalence(doc_id=doc.id, type="Coreference", members=[a.id, c.id]))
        store.add(Attribute(doc_id=doc.id, target=e.id, name="Negation"))
        store.add(Normalization(doc_id=doc.id, target=a.id, resource="Wikipedia", key="Basra", label="Basra"))
        store.add(Note(doc_id=doc.id, target=a.id, text="city in Iraq"))
        buf = io.StringIO()
        export_jsonl(store, buf, docs=list(store.iter_documents()))
        store.close()
    return buf.getvalue().encode("utf-8")


JSONL = _jsonl_base()


@SETTINGS
@given(mutated(JSONL))
def test_mutated_jsonl_imports_or_fails_cleanly(data):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db, before = _fresh(tmp)
        src = tmp / "in.jsonl"
        src.write_bytes(data)
        # --format jsonl: auto-detection first asks doccano.sniff, which another part of issue 11 hardens
        result = CliRunner().invoke(cli, ["--db", str(db), "import", "--format", "jsonl", str(src)])
        _check_outcome("jsonl", db, before, result)


ANN_NAME = "090-event_structures"


@SETTINGS
@given(st.sampled_from(["ann", "txt"]), st.data())
def test_mutated_brat_imports_or_fails_cleanly(which, data):
    original = (BRAT / f"{ANN_NAME}.{which}").read_bytes()
    mutation = data.draw(mutated(original))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db, before = _fresh(tmp)
        folder = tmp / "news"
        folder.mkdir()
        for f in ("annotation.conf", f"{ANN_NAME}.ann", f"{ANN_NAME}.txt", "999-complete.ann", "999-complete.txt"):
            shutil.copy(BRAT / f, folder / f)
        (folder / f"{ANN_NAME}.{which}").write_bytes(mutation)
        result = CliRunner().invoke(cli, ["--db", str(db), "import", "--format", "brat", str(folder)])
        _check_outcome("brat", db, before, result)


@SETTINGS
@given(mutated((BRAT / "annotation.conf").read_bytes()))
def test_mutated_annotation_conf_imports_or_fails_cleanly(conf):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db, before = _fresh(tmp)
        folder = tmp / "news"
        folder.mkdir()
        for f in ("100-attribute_annotation.ann", "100-attribute_annotation.txt", "visual.conf"):
            shutil.copy(BRAT / f, folder / f)
        (folder / "annotation.conf").write_bytes(conf)
        result = CliRunner().invoke(cli, ["--db", str(db), "import", "--format", "brat", str(folder)])
        _check_outcome("annotation.conf", db, before, result)


@SETTINGS
@given(mutated(PRESET.read_bytes()))
def test_mutated_schema_toml_imports_or_fails_cleanly(toml):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db, before = _fresh(tmp)
        schema = tmp / "mine.toml"
        schema.write_bytes(toml)
        doc = tmp / "article.txt"
        doc.write_text("Alice met Bob in Basra.", encoding="utf-8")
        result = CliRunner().invoke(cli, ["--db", str(db), "import", "--schema", str(schema), str(doc)])
        _check_outcome("schema toml", db, before, result)
        # `schema check` of the same file: errors listed, never a traceback
        checked = CliRunner().invoke(cli, ["schema", "check", str(schema)])
        assert checked.exception is None or isinstance(checked.exception, SystemExit), checked.output[-2000:]


@pytest.mark.parametrize("kind", ["jsonl", "brat", "annotation.conf", "schema toml"])
def test_summary(kind, capsys):
    """Printed with -s: inputs tried and tracebacks per importer (runs after the property tests)."""
    if kind not in TRIED:
        return  # the property tests did not run in this session (e.g. -k selected this one)
    with capsys.disabled():
        print(f"\n{kind}: {TRIED[kind]} mutated inputs tried, {TRACEBACKS.get(kind, 0)} tracebacks")
    assert TRACEBACKS.get(kind, 0) == 0
