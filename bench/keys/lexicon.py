"""How the lexicon source's suggestions compare with the keys benchmark's gold (issue 14).

``python -m bench.keys.lexicon [ARTICLE.txt ...]`` (default: ``bench/keys/articles/``)
runs :func:`tui.core.review.lexicon.lexicon_hits` with the ACE 2005 preset's word lists on
each article, as ``tui suggest --source lexicon`` does on a fresh document (nothing
annotated yet), and scores them against the gold: a nominal is right when the gold has a
span with its offsets and type, a trigger when the gold has an event of its type on
those offsets. Recall is over the gold spans (names included, which a lexicon of common
nouns cannot find) and over the gold events. The word lists were written from the ACE
2005 guidelines and news vocabulary, not from these articles: this measures them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.keys.gold import load_gold
from tui.core.review.lexicon import build_lexicon, lexicon_hits
from tui.core.schema import preset

ARTICLES = Path(__file__).resolve().parent / "articles"


def score(article: Path) -> dict[str, object]:
    """Suggestions, right ones, precision and recall of the nominals and the triggers on one article."""
    text = article.read_text(encoding="utf-8")
    gold = load_gold(article.with_suffix(".gold.json"), text)
    hits, left = lexicon_hits(text, build_lexicon(preset("ace2005")))
    spans = {(h.start, h.end, h.label) for h in hits if not h.event}
    events = {(h.label, h.start, h.end) for h in hits if h.event}
    g_spans = set(gold.spans)
    g_events = {(t, s, e) for t, s, e, _ in gold.events}

    def pr(got: set, right: set, total: int) -> dict[str, object]:
        return {"suggested": len(got), "right": len(right), "gold": total,
                "precision": round(len(right) / len(got), 2) if got else None,
                "recall": round(len(right) / total, 2) if total else None,
                "wrong": sorted(text[x[0]:x[1]] if isinstance(x[0], int) else text[x[1]:x[2]]
                                for x in got - right)}

    return {"article": article.stem,
            "nominals": pr(spans, spans & g_spans, len(g_spans)),
            "triggers": pr(events, events & g_events, len(g_events)),
            "left_out": {f"{form}: {why}": n for (form, why), n in left.items()}}


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(ARTICLES.glob("*.txt"))
    for path in paths:
        s = score(path)
        print(s["article"])
        for kind in ("nominals", "triggers"):
            k = s[kind]
            assert isinstance(k, dict)
            print(f"  {kind}: {k['suggested']} suggested, {k['right']} right, gold {k['gold']}: "
                  f"precision {k['precision']}, recall {k['recall']}; wrong: {', '.join(k['wrong']) or '-'}")
        print(f"  left out: {s['left_out'] or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
