"""Seeded, reproducible benchmark inputs: long articles, dense annotations, a corpus.

Every generator takes a seed, so two runs (and two machines) measure the
same bytes. Articles come in two variants: ``ascii`` and ``intl`` (CJK,
emoji with ZWJ and skin tones, combining marks, Arabic).
"""

from __future__ import annotations

import random
from pathlib import Path

from tui.core.model import Argument, DocAnnotations, Document, Event, Relation, Span
from tui.core.store import Store, new_id

WORDS = (
    "the of and to in forces city troops militia said officials offensive Basra Iraqi "
    "government fighting residents army prime minister statement control security operation "
    "southern districts cleric campaign police report attack killed wounded clashes on "
    "Monday after before during against spokesman province bureau correspondent weapons"
).split()
INTL = ["中文", "北京", "東京都", "👩‍👩‍👧", "👍🏽", "🇮🇶", "e\u0301te\u0301", "naïve", "مرحبا", "بغداد", "한국어"]
SPAN_LABELS = ["PER", "ORG", "GPE", "LOC", "FAC", "VEH", "WEA"]


#: A real news article (about 2.8 kB): the ordinary case the reader is for.
SEED_ARTICLE = Path(__file__).resolve().parent.parent / "seeds" / "basra-offensive.txt"


def seed_article(size: int = 0) -> str:
    """The seed article repeated as often as fits in ``size`` characters (at least once).

    Real prose, so word lengths, punctuation and paragraphs are those of a
    news article; repeating it keeps the input deterministic.
    """
    seed = SEED_ARTICLE.read_text(encoding="utf-8").strip("\n")
    copies = max(1, size // (len(seed) + 1))
    return "\n".join([seed] * copies) + "\n"


def article(size: int, variant: str = "ascii", seed: int = 1) -> str:
    """An article of about ``size`` characters in paragraphs of a few sentences.

    The ``seed`` variant is the real seed article repeated (see :func:`seed_article`).
    """
    if variant == "seed":
        return seed_article(size)
    rng = random.Random(seed)
    parts: list[str] = []
    n = 0
    while n < size:
        para = []
        for _ in range(rng.randint(2, 6)):
            words = []
            for _ in range(rng.randint(8, 24)):
                if variant == "intl" and rng.random() < 0.18:
                    words.append(rng.choice(INTL))
                else:
                    words.append(rng.choice(WORDS))
            sentence = " ".join(words)
            para.append(sentence[0].upper() + sentence[1:] + ".")
        p = " ".join(para)
        parts.append(p)
        n += len(p) + 1
    return "\n".join(parts)[:size].rstrip() + "\n"


def word_offsets(text: str) -> list[tuple[int, int]]:
    out = []
    start = None
    for i, ch in enumerate(text):
        if ch in " \n.":
            if start is not None:
                out.append((start, i))
                start = None
        elif start is None:
            start = i
    return out


def annotations(text: str, n_spans: int, seed: int = 2) -> DocAnnotations:
    """``n_spans`` spans on word boundaries, plus events and relations in proportion.

    One span in 20 is an event trigger with two arguments; one in 20 a
    relation between neighbours; one in 50 is discontinuous; nesting and
    overlaps happen naturally from random lengths.
    """
    rng = random.Random(seed)
    words = word_offsets(text)
    anns = DocAnnotations()
    step = max(1, len(words) // n_spans)
    picks = list(range(0, len(words) - 3, step))[:n_spans]
    for i, w in enumerate(picks):
        length = rng.choice((1, 1, 1, 2, 3))
        start, end = words[w][0], words[min(w + length - 1, len(words) - 1)][1]
        frags = [(start, end)]
        if i % 50 == 7 and w + 3 < len(words):
            frags = [(start, words[w][1]), words[w + 2]]
        label = SPAN_LABELS[i % len(SPAN_LABELS)]
        anns.spans.append(Span(id=new_id(), label=label, fragments=frags))
    spans = anns.spans
    for i in range(0, len(spans) - 3, 20):
        trig = spans[i]
        trig.label = "Attack"
        anns.events.append(Event(id=new_id(), type="Attack", trigger=trig.id, arguments=[
            Argument(role="Attacker", target=spans[i + 1].id), Argument(role="Target", target=spans[i + 2].id)]))
    for i in range(5, len(spans) - 1, 20):
        anns.relations.append(Relation(id=new_id(), type="PHYS", arguments=[
            Argument(role="Arg-1", target=spans[i].id), Argument(role="Arg-2", target=spans[i + 1].id)]))
    return anns


def build_db(path: Path, size: int, variant: str, n_spans: int) -> str:
    """A database holding one generated article with its annotations; returns its name."""
    name = f"bench-{variant}-{size}"
    store = Store(path, annotator="bench")
    if store.find_document(name) is None:
        text = article(size, variant)
        store.import_documents([(Document(name=name, text=text), annotations(text, n_spans))])
    store.set_setting("last_document:bench", name)
    store.close()
    return name


def corpus(n_docs: int = 10_000, seed: int = 3) -> list[tuple[Document, DocAnnotations]]:
    """``n_docs`` short articles (about 1 KB) with a handful of spans each."""
    items = []
    for i in range(n_docs):
        text = article(1000, "ascii", seed=seed * 100_000 + i)
        items.append((Document(name=f"corpus/{i:05d}", text=text), annotations(text, 8, seed=i)))
    return items
