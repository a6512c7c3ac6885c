"""``python -m bench.keys ARTICLE GOLD.json --db DB [--format json|text]``: see ``bench/keys/__init__.py``."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.keys.gold import compare, load_gold, read_layer
from bench.keys.keymap import ROOT, Keys, live_bindings
from bench.keys.strategy import Analyst

ANNOTATOR = "analyst"
#: The default suggestion sources run from the command line when no key runs them.
DEFAULT_SOURCES = ("places",)


def tui(db: Path, *args: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-m", "tui", "--db", str(db), "--annotator", ANNOTATOR, *args],
                       cwd=ROOT, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"tui {' '.join(args)}: {p.stderr.strip() or p.stdout.strip()}")
    return p.stdout


def run(article: Path, gold_path: Path, db: Path, *, width: int = 160, height: int = 50) -> dict:
    """Play one article; returns the figures."""
    from tests.terminal.harness import Terminal
    from tui.core.store import Store

    article, db = Path(article).resolve(), Path(db).resolve()
    tui(db, "import", str(article))
    name = article.stem
    with Store(db, annotator=ANNOTATOR) as store:
        doc = store.document(name)
        text, schema = doc.text, store.schema(doc.schema)
    gold = load_gold(gold_path, text)
    keys = Keys(live_bindings())
    if not keys.has("suggest"):
        for source in DEFAULT_SOURCES:
            tui(db, "suggest", "--source", source, "--doc", name)
    with tempfile.TemporaryDirectory(prefix="keysbench-") as tmp:
        term = Terminal(Path(tmp), width=width, height=height, annotator=ANNOTATOR)
        try:
            term.start("--db", db, name)
            analyst = Analyst(term, db, name, ANNOTATOR, text, schema, keys, gold)
            if analyst.poll(lambda: "NORMAL" in analyst.status()) is None:
                raise RuntimeError(f"the reader never opened:\n{term.screen()}")
            if keys.has("suggest"):
                analyst.send([analyst.key("suggest")], "suggest")
                # The sources run in a worker, one action each, and review opens when all are done:
                # wait for it (reading the pending set before then saw only the first source's).
                if analyst.poll(lambda: "REVIEW" in analyst.status(), timeout=60) is None:
                    analyst.tally.notes.append("the review did not open after the suggestion key")
            analyst.review()
            analyst.mentions()
            analyst.events()
            analyst.coref()
            term.press("q")
            analyst.poll(term.exited)
        finally:
            term.close()
    result = compare(gold, read_layer(db, name, ANNOTATOR))
    t = analyst.tally
    per = lambda n, d: round(n / d, 3) if d else None  # noqa: E731
    return {
        "article": name,
        "keys_per_mention": per(t.keys["mentions"], len(gold.spans)),
        "keys_per_event": per(t.keys["events"], len(gold.events)),
        "keys_per_coref_member": per(t.keys["coref"], gold.members),
        "missed": sum(result["missed"].values()),
        "extra": sum(result["extra"].values()),
        "missed_by_kind": result["missed"],
        "extra_by_kind": result["extra"],
        "keys": t.keys,
        "gold": {"mentions": len(gold.spans), "events": len(gold.events), "coref_members": gold.members,
                 "chains": len(gold.coref)},
        "ways": t.ways,
        "items": t.items,
        "notes": t.notes,
        "listed_features": sorted(k for k, v in keys.source.items() if v == "listed"
                                  and k in ("next-name", "suggest", "tag-all-hits", "review-accept-all",
                                                     "review-reject-all")),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.keys", description=__doc__)
    ap.add_argument("article", type=Path)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--db", type=Path, required=True, help="database to import into (a fresh file is best)")
    ap.add_argument("--format", choices=("json", "text"), default="text")
    a = ap.parse_args(argv)
    figures = run(a.article, a.gold, a.db)
    if a.format == "json":
        print(json.dumps(figures))
    else:
        for k, v in figures.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
