"""Issue 11, items 4 and 5 for doccano, CoNLL-U, spaCy and Label Studio: each known bad input
is a one-line ``file:line: reason`` error (exit 1 through the CLI, database unchanged), never a
traceback and never a coerced value."""

from __future__ import annotations

import json
import tracemalloc
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SEED, db_snapshot
from tui.cli.main import cli
from tui.core.errors import InputError, InputErrors
from tui.core.formats import ImportOptions, read_paths

TEXT = "Basra is in Iraq."


def refused(path: Path, *expected: str, **opts) -> str:
    """Read ``path``; it must be refused with an InputError naming the file and ``expected``."""
    with pytest.raises((InputError, InputErrors)) as info:
        read_paths([path], options=ImportOptions(**opts))
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert "\n" not in message
    for text in expected:
        assert text in message, message
    return message


def cli_refused(tmp_path: Path, path: Path, *expected: str) -> None:
    """Through the CLI: exit 1, error lines only, no traceback, database unchanged."""
    db = tmp_path / "a.db"
    assert CliRunner().invoke(cli, ["--db", str(db), "import", str(SEED)]).exit_code == 0
    before = db_snapshot(db)
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert all(line.startswith("tui: ") for line in result.output.splitlines()), result.output
    for text in expected:
        assert text in result.output
    assert db_snapshot(db) == before


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


# -- doccano -----------------------------------------------------------------


@pytest.mark.parametrize("bad", [[1], {}, {"a": 1}])
def test_doccano_entity_id_list_or_object(tmp_path, bad):
    """An entity id that is a list or an object was a TypeError (unhashable)."""
    line = {"text": TEXT, "entities": [{"id": bad, "label": "GPE", "start_offset": 0, "end_offset": 5}],
            "relations": []}
    path = write(tmp_path, "d.jsonl", json.dumps(line) + "\n")
    refused(path, ":1: entities[0]: id must be a string or an integer")
    cli_refused(tmp_path, path, "id must be a string or an integer")


@pytest.mark.parametrize("key", ["id", "from_id", "to_id"])
def test_doccano_relation_ids_list(tmp_path, key):
    rel = {"id": 1, "from_id": 1, "to_id": 2, "type": "PART-WHOLE"}
    rel[key] = [1]
    line = {"text": TEXT, "entities": [{"id": 1, "label": "GPE", "start_offset": 0, "end_offset": 5},
                                       {"id": 2, "label": "GPE", "start_offset": 12, "end_offset": 16}],
            "relations": [rel]}
    refused(write(tmp_path, "d.jsonl", json.dumps(line) + "\n"), ":1: relations[0]:")


def test_doccano_relation_to_itself(tmp_path):
    line = {"text": TEXT, "entities": [{"id": 1, "label": "GPE", "start_offset": 0, "end_offset": 5}],
            "relations": [{"id": 1, "from_id": 1, "to_id": 1, "type": "PART-WHOLE"}]}
    refused(write(tmp_path, "d.jsonl", json.dumps(line) + "\n"), "to itself")


@pytest.mark.parametrize("start, end", [("0.0", "5.0"), ('"0"', '"5"'), ("false", "true"), ("0", "Infinity"),
                                        ("0", "1e400"), ("NaN", "5"), ("-1", "5")])
def test_doccano_offsets_only_non_negative_integers(tmp_path, start, end):
    """Floats, strings, booleans, Infinity and 1e400 are refused, never coerced."""
    path = write(tmp_path, "d.jsonl", '{"text": "' + TEXT + '", "label": [[' + f'{start}, {end}, "GPE"]]}}\n')
    refused(path, ":1:", offsets="codepoint")
    refused(path, ":1:")  # and with doccano's default UTF-16 offsets


def test_doccano_deep_nesting(tmp_path):
    """100,000 nested arrays were a RecursionError."""
    path = write(tmp_path, "d.jsonl", '{"text": "' + TEXT + '", "label": ' + "[" * 100000 + "]" * 100000 + "}\n")
    refused(path, ":1: JSON nested deeper than")
    cli_refused(tmp_path, path, "nested deeper")


def test_doccano_lone_surrogate(tmp_path):
    """A lone surrogate escape was a UnicodeEncodeError when hashing the text."""
    path = write(tmp_path, "d.jsonl", '{"text": "Basra \\ud800", "label": [[0, 5, "GPE"]]}\n')
    refused(path, ":1: lone surrogate \\ud800")
    cli_refused(tmp_path, path, "lone surrogate")


# -- Label Studio -------------------------------------------------------------


def _task(value: str) -> str:
    return ('[{"data": {"text": "' + TEXT + '"}, "annotations": [{"result": [{"id": "a", "type": "labels", '
            '"value": {"start": 0, "end": ' + value + ', "labels": ["GPE"]}}]}]}]')


@pytest.mark.parametrize("value", ["Infinity", "1e400", "5.0", '"5"', "true", "NaN"])
def test_labelstudio_offsets(tmp_path, value):
    refused(write(tmp_path, "t.json", _task(value)), ":1:")


def test_labelstudio_nesting_and_surrogates(tmp_path):
    refused(write(tmp_path, "t.json", "[" + "[" * 100000 + "]" * 100000 + "]"), ":1: JSON nested deeper than")
    path = write(tmp_path, "s.json", '[{"data": {"text": "Basra \\udc00"}}]')
    refused(path, ":1: lone surrogate \\udc00")
    cli_refused(tmp_path, path, "lone surrogate")


def test_labelstudio_ids_typed_and_no_self_relation(tmp_path):
    base = json.loads(_task("5"))
    base[0]["annotations"][0]["result"][0]["id"] = [1]
    refused(write(tmp_path, "a.json", json.dumps(base)), "id must be a string or an integer")
    base = json.loads(_task("5"))
    base[0]["annotations"][0]["result"].append({"type": "relation", "from_id": "a", "to_id": "a", "labels": ["X"]})
    refused(write(tmp_path, "b.json", json.dumps(base)), "to itself")
    base = json.loads(_task("5"))
    base[0]["annotations"][0]["result"].append({"type": "relation", "from_id": {}, "to_id": "a"})
    refused(write(tmp_path, "c.json", json.dumps(base)), "from_id and to_id must be")


# -- CoNLL-U ------------------------------------------------------------------

ROW = "\t_\t_\t_\t_\t_\t_\t_\t_\n"


@pytest.mark.parametrize("body", [
    "1-2\tab" + ROW,                                    # the words never come
    "1-3\tabc" + ROW + "1\ta" + ROW + "\n",             # two of them never come
    "1-2\tab" + ROW + "3\tc" + ROW,                     # another word comes first
    "2-1\tab" + ROW,                                    # a range ending before it starts
    "1" * 30 + "\ta" + ROW,                             # an id of 30 digits
])
def test_conllu_bad_multiword_tokens(tmp_path, body):
    """A multiword range whose words never come was an IndexError."""
    path = write(tmp_path, "x.conllu", "# text = ab\n" + body)
    refused(path, ":")
    cli_refused(tmp_path, path, "tui: error:")


def test_conllu_empty_form_and_entity_type(tmp_path):
    refused(write(tmp_path, "e.conllu", "1\t\t_\t_\t_\t_\t_\t_\t_\t_\n"), ":1: empty FORM")
    refused(write(tmp_path, "t.conllu", "# global.Entity = eid-etype\n1\tBasra\t_\t_\t_\t_\t_\t_\t_\tEntity=(e1-)\n"),
            ":2: Entity: mention (e1- has an empty")


# -- spaCy ----------------------------------------------------------------------

spacy = pytest.importorskip("spacy")


def _docbin(tmp_path: Path, user_data=None, name: str = "u.spacy") -> Path:
    from spacy.tokens import DocBin

    doc = spacy.blank("en").make_doc(TEXT)
    doc.spans["tui"] = [doc.char_span(0, 5, label="GPE", span_id="a")]
    if user_data is not None:
        doc.user_data["tui"] = user_data
    bin_ = DocBin(store_user_data=True)
    bin_.add(doc)
    path = tmp_path / name
    path.write_bytes(bin_.to_bytes())
    return path


@pytest.mark.parametrize("user_data, expected", [
    ({"span_meta": {"a": 5}}, "span_meta['a'] must be an object"),          # was AttributeError
    ({"unaligned_spans": 5}, "field 'unaligned_spans' must be a list"),     # was TypeError
    ({"notes": [b"x"]}, "bytes is not a JSON value"),                       # was TypeError (json.dumps)
    ("just a string", "must be an object"),
    ({"name": ["x"]}, "field 'name' must be a string"),
    ({"unaligned_spans": [{"id": "s", "label": "X", "fragments": [[0.0, 5.0]]}]}, "non-negative integers"),
])
def test_spacy_malformed_user_data(tmp_path, user_data, expected):
    path = _docbin(tmp_path, user_data)
    refused(path, "document 1: user_data['tui']", expected)
    cli_refused(tmp_path, path, expected)


def test_spacy_real_docbin_still_reads(tmp_path):
    items = read_paths([_docbin(tmp_path, {"name": "basra"})])
    assert [(d.name, [(s.label, s.fragments) for s in a.spans]) for d, a in items] == [("basra", [("GPE", [(0, 5)])])]


def test_spacy_decompression_bomb_refused_without_expanding(tmp_path):
    """A DocBin expanding past the limit is refused while counting, in chunks: memory stays small.

    The old reader expanded it in full (a 611 KB file took 1.3 GB) before spaCy refused it.
    """
    from tui.core.formats.spacy_docbin import MAX_INFLATED_BYTES

    comp = zlib.compressobj(9)
    zeros = bytes(1 << 22)
    parts = [comp.compress(zeros) for _ in range(MAX_INFLATED_BYTES // len(zeros) + 2)]
    path = tmp_path / "bomb.spacy"
    path.write_bytes(b"".join(parts) + comp.flush())
    del zeros, parts
    assert path.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        message = refused(path, f"the {MAX_INFLATED_BYTES // 2**20} MiB limit", "without expanding")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, (peak, message)


def test_spacy_header_counts_bounded(tmp_path):
    """A header whose counts disagree or exceed the limits is refused before spaCy builds anything."""
    import srsly

    good = srsly.msgpack_loads(zlib.decompress(_docbin(tmp_path).read_bytes()))
    for change, expected in [({"lengths": (10**9).to_bytes(4, "little", signed=True)}, "tokens"),
                             ({"lengths": (-1).to_bytes(4, "little", signed=True)}, "negative token count"),
                             ({"attrs": []}, "bad 'attrs'"),
                             ({"cats": []}, "bad 'cats'")]:
        path = tmp_path / "h.spacy"
        path.write_bytes(zlib.compress(srsly.msgpack_dumps({**good, **change})))
        refused(path, expected)


def test_oversized_file_refused_before_reading(tmp_path):
    """A sparse file over the size limit is refused from its size alone."""
    from tui.core.formats._interchange import MAX_FILE_BYTES

    path = tmp_path / "huge.conll"
    with open(path, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    refused(path, "MiB limit")
