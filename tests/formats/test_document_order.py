"""A file of many documents comes back in its own order (issue 15, item 7).

Exports follow name order, so the names given to unnamed documents of one
file (``<file>-<n>``) are zero-padded: ``news-02`` sorts before ``news-10``.
Real command line, real SQLite.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tui.cli.main import cli

TEXTS = [f"Story number {k} from Basra." for k in range(1, 13)]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _round_trip(tmp_path, fmt: str, src):
    db = tmp_path / "a.db"
    result = run("--db", str(db), "import", "--format", fmt, str(src))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.jsonl"
    assert run("--db", str(db), "export", "--format", "jsonl", "--out", str(out)).exit_code == 0
    return [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]


def test_doccano_lines_keep_their_order(tmp_path):
    src = tmp_path / "news.jsonl"
    src.write_text("".join(json.dumps({"text": t, "label": [[len(t) - 6, len(t) - 1, "GPE"]]}) + "\n"
                           for t in TEXTS), encoding="utf-8")
    docs = _round_trip(tmp_path, "doccano", src)
    assert [d["name"] for d in docs] == [f"news-{k:02d}" for k in range(1, 13)]
    assert [d["text"] for d in docs] == TEXTS


def test_labelstudio_tasks_keep_their_order(tmp_path):
    src = tmp_path / "news.json"
    src.write_text(json.dumps([{"data": {"text": t}} for t in TEXTS]), encoding="utf-8")
    docs = _round_trip(tmp_path, "labelstudio", src)
    assert [d["text"] for d in docs] == TEXTS


def test_conll_documents_keep_their_order(tmp_path):
    src = tmp_path / "news.conll"
    blocks = ["-DOCSTART- -X- O O\n\n" + "".join(f"{w} {'B-GPE' if w == 'Basra' else 'O'}\n"
                                                for w in t.replace(".", " .").split()) + "\n"
              for t in TEXTS]
    src.write_text("".join(blocks), encoding="utf-8")
    docs = _round_trip(tmp_path, "conll", src)
    assert [d["name"] for d in docs] == [f"news-{k:02d}" for k in range(1, 13)]
    assert [d["text"].split()[2] for d in docs] == [str(k) for k in range(1, 13)]


@pytest.mark.parametrize(("total", "names"), [(1, ["f"]), (9, ["f-1", "f-9"]), (10, ["f-01", "f-10"]),
                                              (100, ["f-001", "f-100"])])
def test_numbered_names_are_padded_to_the_count(total, names):
    from tui.core.formats._interchange import numbered

    assert [numbered("f", n, total) for n in sorted({1, total})] == names
