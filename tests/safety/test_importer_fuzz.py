"""Property-based: mutated real files given to each importer (doccano, Label Studio, CoNLL/BIO,
CoNLL-U, saved web pages, spaCy DocBin) give a clean ``file:line: reason`` error or a valid import, never a
traceback. Every input tried is counted; the count and the tracebacks found are printed."""

from __future__ import annotations

import re
import tempfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA, SEED
from tests.core.formats_util import FakeStore, export_to
from tui.core.errors import TuiError
from tui.core.formats import ImportOptions, read_paths
from tui.core.model import Argument, DocAnnotations, Document, Relation, Span
from tui.core.store import Store

#: Inputs tried and tracebacks seen, per importer (printed at the end of each test).
TRIED: dict[str, int] = {}
TRACEBACKS: dict[str, list[str]] = {}
EXAMPLES = int(__import__("os").environ.get("FUZZ_EXAMPLES", "60"))

#: What a number in a file is replaced with.
NUMBERS = ["-1", "1e400", '"x"', "true", "[1]", "{}", "1.5", "Infinity", "NaN", "99999999999999999999", "null",
           "[" * 200 + "1" + "]" * 200]


def _seed_store() -> FakeStore:
    """The seed article with a few annotations, one relation and a discontinuous span."""
    text = SEED.read_text(encoding="utf-8")
    spans = []
    for k, word in enumerate(("Basra", "British", "Iraq", "army")):
        at = text.find(word)
        if at >= 0:
            spans.append(Span(id=f"s{k}", label="GPE" if k != 3 else "ORG", fragments=[(at, at + len(word))]))
    anns = DocAnnotations(spans=spans, relations=[Relation(
        id="r1", type="PART-WHOLE", arguments=[Argument(role="Arg-1", target="s1"), Argument(role="Arg-2", target="s0")])])
    store = FakeStore()
    store.add(Document(name="basra-offensive", text=text), anns)
    return store


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    """Real files: exported by the project's own exporters, and the CoNLL test data."""
    tmp = tmp_path_factory.mktemp("seeds")
    out = {}
    for fmt, suffix in (("doccano", ".jsonl"), ("labelstudio", ".json")):
        path, _ = export_to(tmp, fmt, _seed_store(), suffix=suffix)
        out[fmt] = path.read_bytes()
    pytest.importorskip("spacy")
    path, _ = export_to(tmp, "spacy", _seed_store(), suffix=".spacy")
    out["spacy"] = path.read_bytes()
    # The first 150 lines keep each example fast; they hold tags, blank lines and DOCSTARTs.
    bio = (DATA / "conll" / "enp_FR.bnf.head300.bio").read_bytes().split(b"\n")[:150]
    out["bio"] = b"\n".join(bio)
    gum = (DATA / "conll" / "GUM_news_worship.conllu").read_bytes().split(b"\n")[:150]
    out["conllu"] = b"\n".join(gum)
    out["html"] = (DATA / "html" / "harbour-strike.html").read_bytes()
    return out


@st.composite
def text_mutation(draw, data: bytes) -> bytes:
    """One to three mutations of a text file: bytes, lines, numbers, truncation, nesting."""
    for _ in range(draw(st.integers(1, 3))):
        lines = data.split(b"\n")
        kind = draw(st.sampled_from(["flip", "delete", "duplicate", "swap", "number", "truncate", "nest", "insert"]))
        if kind == "flip" and data:
            i = draw(st.integers(0, len(data) - 1))
            data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]
        elif kind in ("delete", "duplicate", "swap") and lines:
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if kind == "delete":
                del lines[i]
            elif kind == "duplicate":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif kind == "number":
            spots = [m.span() for m in re.finditer(rb"-?\d+", data)]
            if spots:
                a, b = draw(st.sampled_from(spots))
                data = data[:a] + draw(st.sampled_from(NUMBERS)).encode() + data[b:]
        elif kind == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        elif kind == "nest":
            i = draw(st.integers(0, len(data)))
            depth = draw(st.sampled_from([70, 5000]))
            data = data[:i] + b"[" * depth + data[i:]
        else:
            i = draw(st.integers(0, len(data)))
            data = data[:i] + draw(st.sampled_from([b"\\ud800", b"\t", b"\x00", b"-DOCSTART-", b"1-9\t",
                                                   b"\xff", b'"id": [1], ', b"Entity=(e9-"])) + data[i:]
    return data


def check(name: str, suffix: str, fmt: str, data: bytes) -> None:
    """Import ``data``: an error of ours, or a valid import that the store accepts; anything else is counted."""
    TRIED[name] = TRIED.get(name, 0) + 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            items = read_paths([path], fmt, options=ImportOptions())
        except TuiError as exc:
            message = str(exc)
            assert message.startswith(str(path)) or message.startswith("two different files"), message
            return
        except BaseException as exc:  # noqa: BLE001 - exactly what this test looks for
            TRACEBACKS.setdefault(name, []).append(f"{type(exc).__name__}: {str(exc)[:200]}")
            raise
        for doc, anns in items:  # a valid import: every offset an int inside its text
            for span in anns.spans:
                for a, b in span.fragments:
                    assert type(a) is int and type(b) is int and 0 <= a < b <= len(doc.text)
        with Store(Path(tmp) / "a.db", annotator="alice") as store:
            store.import_documents(items, action="fuzz")


def _report(name: str) -> None:
    print(f"\n{name}: {TRIED.get(name, 0)} inputs tried, tracebacks: {len(TRACEBACKS.get(name, []))}")
    assert not TRACEBACKS.get(name), TRACEBACKS[name][:5]


SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not __import__("os").environ.get("FUZZ_RANDOM"),
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


@pytest.mark.parametrize("name, fmt, suffix", [
    ("doccano", "doccano", ".jsonl"),
    ("labelstudio", "labelstudio", ".json"),
    ("bio", "conll", ".bio"),
    ("conllu", "conll", ".conllu"),
    ("html", "html", ".html"),
])
def test_text_importers_never_traceback(seeds, name, fmt, suffix):
    @SETTINGS
    @given(st.data())
    def run(data):
        check(name, suffix, fmt, data.draw(text_mutation(seeds[name])))

    check(name, suffix, fmt, seeds[name])  # the unmutated file imports
    run()
    _report(name)


def test_spacy_importer_never_tracebacks(seeds):
    """DocBin: mutate the compressed bytes, or the msgpack inside them (then compressed again)."""
    raw = seeds["spacy"]
    inner = zlib.decompress(raw)

    @SETTINGS
    @given(st.data())
    def run(data):
        if data.draw(st.booleans()):
            blob = data.draw(text_mutation(raw))
        else:
            blob = zlib.compress(data.draw(text_mutation(inner)))
        check("spacy", ".spacy", "spacy", blob)

    check("spacy", ".spacy", "spacy", raw)
    run()
    _report("spacy")
