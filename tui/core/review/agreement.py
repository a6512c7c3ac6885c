"""Inter-annotator agreement: span P/R/F1, token-level kappa and alpha, event scores.

Everything compares annotators' layers (the annotations whose ``annotator``
is each name; accepted ones by default) over a set of documents:

- **Spans**, for each pair (the first annotator as reference): precision,
  recall and F1 with exact matching (same fragments) and overlap matching
  (some character in common), with labels and without, overall and per
  label. Under overlap matching a span counts as matched when it overlaps
  some span of the other layer (with the same label, for labelled scores).
- **Tokens**: the text is cut by :func:`tokenize` (words and single
  punctuation marks, with offsets); each annotator gives each token the
  label of the longest of their spans covering it, ``O`` when none. On
  those labels: Cohen's kappa for each pair and Krippendorff's alpha
  (nominal) over all annotators, overall and per label (label vs the rest).
- **Events**, ACE-style, for each pair: trigger identification (same
  trigger fragments) and classification (and the same event type);
  argument identification (same trigger, event type and filler fragments)
  and classification (and the same role). A filler that is an event is
  represented by its trigger's fragments.

The metric functions (:func:`cohen_kappa`, :func:`krippendorff_alpha`,
:func:`prf`) are plain and tested against published worked examples.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from tui.core.errors import TuiError

TOKEN_RE = re.compile(r"\w+|[^\w\s]")
OUTSIDE = "O"

Frags = tuple[tuple[int, int], ...]


# ---------------------------------------------------------------------------
# metrics


def tokenize(text: str) -> list[tuple[int, int]]:
    """Cut text into words and single punctuation marks.

    Args:
        text: the document text.

    Returns:
        ``(start, end)`` code-point offsets of each token, in order.
    """
    return [(m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa between two raters' labels of the same items.

    Args:
        a: the first rater's label per item.
        b: the second rater's label per item (same length).

    Returns:
        ``(po - pe) / (1 - pe)``; None when undefined (no items, or both
        raters used one and the same label throughout, so ``pe = 1``).
    """
    if len(a) != len(b):
        raise ValueError("both raters must label the same items")
    n = len(a)
    if n == 0:
        return None
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if pe == 1:
        return None
    return (po - pe) / (1 - pe)


def krippendorff_alpha(data: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data, allowing missing values.

    Args:
        data: one row per coder, one column per unit; ``None`` where the
            coder gave no value. Units with fewer than two values are not
            pairable and are left out, as Krippendorff prescribes.

    Returns:
        ``1 - Do / De`` from the coincidence matrix; None when undefined
        (fewer than two pairable values, or a single value used throughout).
    """
    if not data:
        return None
    n_units = len(data[0])
    if any(len(row) != n_units for row in data):
        raise ValueError("every coder needs a value (or None) for every unit")
    # o[(c, k)]: coincidences of values c and k within units.
    # Coincidences are fractions (pairs / (m - 1)), so float tallies, not a Counter.
    o: defaultdict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for u in range(n_units):
        values = Counter(row[u] for row in data if row[u] is not None)
        m = sum(values.values())
        if m < 2:
            continue
        for c, nc in values.items():
            for k, nk in values.items():
                pairs = nc * (nk - 1) if c == k else nc * nk
                if pairs:
                    o[(c, k)] += pairs / (m - 1)
    totals: defaultdict[Hashable, float] = defaultdict(float)
    for (c, _k), v in o.items():
        totals[c] += v
    n = sum(totals.values())
    if n < 2:
        return None
    disagree = sum(v for (c, k), v in o.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if expected == 0:
        return None
    return 1 - (n - 1) * disagree / expected


@dataclass
class PRF:
    """Precision, recall and F1 from matched counts."""

    matched_pred: int = 0
    """Items of the compared layer that found a match in the reference."""
    pred: int = 0
    matched_ref: int = 0
    """Items of the reference layer that found a match in the compared one."""
    ref: int = 0

    @property
    def precision(self) -> float | None:
        return self.matched_pred / self.pred if self.pred else None

    @property
    def recall(self) -> float | None:
        return self.matched_ref / self.ref if self.ref else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def add(self, other: PRF) -> None:
        self.matched_pred += other.matched_pred
        self.pred += other.pred
        self.matched_ref += other.matched_ref
        self.ref += other.ref

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": _r(self.precision), "recall": _r(self.recall), "f1": _r(self.f1),
            "matched_pred": self.matched_pred, "pred": self.pred,
            "matched_ref": self.matched_ref, "ref": self.ref,
        }


def prf(ref: Sequence[Hashable], pred: Sequence[Hashable]) -> PRF:
    """Exact-match scores of two multisets of keys (each key matches once).

    Args:
        ref: the reference layer's keys.
        pred: the compared layer's keys.

    Returns:
        The counts; matched items are the multiset intersection.
    """
    cr, cp = Counter(ref), Counter(pred)
    tp = sum(min(n, cp[k]) for k, n in cr.items())
    return PRF(matched_pred=tp, pred=len(pred), matched_ref=tp, ref=len(ref))


def overlap_prf(ref: Sequence[tuple[str, Frags, str]], pred: Sequence[tuple[str, Frags, str]],
                labeled: bool) -> PRF:
    """Overlap-match scores of spans ``(doc_id, fragments, label)``.

    Args:
        ref: reference spans.
        pred: compared spans.
        labeled: also require the same label.

    Returns:
        A span is matched when it shares a character with a span of the
        other side (in the same document, and with the same label when
        ``labeled``).
    """
    def matched(xs: Sequence[tuple[str, Frags, str]], ys: Sequence[tuple[str, Frags, str]]) -> int:
        index: dict[Any, list[Frags]] = {}
        for doc, frags, label in ys:
            index.setdefault((doc, label) if labeled else doc, []).append(frags)
        n = 0
        for doc, frags, label in xs:
            cands = index.get((doc, label) if labeled else doc, [])
            if any(_overlaps(frags, other) for other in cands):
                n += 1
        return n

    return PRF(matched_pred=matched(pred, ref), pred=len(pred), matched_ref=matched(ref, pred), ref=len(ref))


def _overlaps(a: Frags, b: Frags) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


# ---------------------------------------------------------------------------
# layers


@dataclass
class Layer:
    """What one annotator did over the compared documents, reduced to comparable keys."""

    spans: list[tuple[str, Frags, str]] = field(default_factory=list)
    """``(doc_id, fragments, label)``"""
    triggers: list[tuple[str, Frags, str]] = field(default_factory=list)
    """``(doc_id, trigger fragments, event type)``"""
    arguments: list[tuple[str, Frags, str, Frags, str]] = field(default_factory=list)
    """``(doc_id, trigger fragments, event type, filler fragments, role)``"""
    tokens: list[str] = field(default_factory=list)
    """Label per token of the concatenated documents."""


def _layer(store: Any, docs: list[Any], annotator: str, statuses: list[str],
           token_spans: dict[str, list[tuple[int, int]]]) -> Layer:
    layer = Layer()
    for doc in docs:
        anns = store.annotations(doc.id, annotators=[annotator], statuses=statuses)
        frags_of: dict[str, Frags] = {s.id: tuple(tuple(f) for f in s.fragments) for s in anns.spans}
        for s in anns.spans:
            layer.spans.append((doc.id, frags_of[s.id], s.label))
        trig_of = {e.id: e.trigger for e in anns.events}
        for e in anns.events:
            tf = frags_of.get(e.trigger)
            if tf is None:
                continue  # trigger not in the compared statuses
            layer.triggers.append((doc.id, tf, e.type))
            for arg in e.arguments:
                target = arg.target
                filler = frags_of.get(target) or frags_of.get(trig_of.get(target, ""))
                if filler is not None:
                    layer.arguments.append((doc.id, tf, e.type, filler, arg.role))
        layer.tokens.extend(token_labels(token_spans[doc.id], anns.spans))
    return layer


def token_labels(tokens: list[tuple[int, int]], spans: Sequence[Any]) -> list[str]:
    """Label per token: the longest covering span's label (ties: the first label by name), else ``O``.

    Args:
        tokens: ``(start, end)`` of each token, in order.
        spans: spans with ``fragments`` and ``label``.

    Returns:
        One label per token.
    """
    labels = [OUTSIDE] * len(tokens)
    best: list[tuple[int, str] | None] = [None] * len(tokens)
    ends = [e for _, e in tokens]
    for span in spans:
        length = sum(e - s for s, e in span.fragments)
        for s, e in span.fragments:
            i = bisect_right(ends, s)  # first token ending after s
            while i < len(tokens) and tokens[i][0] < e:
                cur = best[i]
                if cur is None or (-length, span.label) < (-cur[0], cur[1]):
                    best[i] = (length, span.label)
                    labels[i] = span.label
                i += 1
    return labels


# ---------------------------------------------------------------------------
# the report


@dataclass
class AgreementReport:
    """Every score for a set of annotators over a set of documents."""

    annotators: list[str]
    documents: list[str]
    spans: dict[str, dict[str, Any]]
    """pair ``A|B`` -> exact/overlap -> labeled/unlabeled/per_label -> PRF."""
    tokens: dict[str, Any]
    events: dict[str, dict[str, PRF]]
    """pair ``A|B`` -> trigger/argument identification/classification -> PRF."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (floats rounded to 4 places, None when undefined)."""
        def conv(x: Any) -> Any:
            if isinstance(x, PRF):
                return x.to_dict()
            if isinstance(x, dict):
                return {k: conv(v) for k, v in x.items()}
            if isinstance(x, float):
                return round(x, 4)
            return x

        return {
            "annotators": self.annotators,
            "documents": self.documents,
            "spans": conv(self.spans),
            "tokens": conv(self.tokens),
            "events": conv(self.events),
        }

    def to_json(self) -> str:
        from tui.core.termsafe import dumps

        return dumps(self.to_dict(), indent=2, sort_keys=False)  # C1 and bidi as \uXXXX too

    def format_text(self) -> str:
        """A plain-text report, one table per pair and metric family."""
        out: list[str] = [
            f"annotators: {', '.join(self.annotators)}; documents: {len(self.documents)}",
            "",
        ]
        for pair, modes in self.spans.items():
            a, b = pair.split("|", 1)
            out.append(f"spans, {a} (reference) vs {b}")
            out.append(f"  {'match':<8} {'label':<20} {'P':>6} {'R':>6} {'F1':>6} {'ref':>5} {'pred':>5}")
            for mode in ("exact", "overlap"):
                m = modes[mode]
                out.append(_prf_line(mode, "(all, labelled)", m["labeled"]))
                out.append(_prf_line(mode, "(all, unlabelled)", m["unlabeled"]))
                for label, score in m["per_label"].items():
                    out.append(_prf_line(mode, label, score))
            out.append("")
        out.append(f"tokens: {self.tokens['count']}")
        alpha = self.tokens["krippendorff_alpha"]
        out.append(f"  Krippendorff's alpha (nominal): {_f(alpha)}")
        for pair, kappa in self.tokens["cohen_kappa"].items():
            out.append(f"  Cohen's kappa {pair.replace('|', ' vs ')}: {_f(kappa)}")
        if self.tokens["per_label"]:
            out.append(f"  {'label':<20} {'alpha':>7} " + " ".join(
                f"{'kappa ' + p.replace('|', '/'):>12}" for p in self.tokens["cohen_kappa"]))
            for label, scores in self.tokens["per_label"].items():
                out.append(f"  {_p(label):<20} {_f(scores['krippendorff_alpha']):>7} " + " ".join(
                    f"{_f(k):>12}" for k in scores["cohen_kappa"].values()))
        out.append("")
        for pair, scores in self.events.items():
            a, b = pair.split("|", 1)
            out.append(f"events, {a} (reference) vs {b}")
            out.append(f"  {'':<28} {'P':>6} {'R':>6} {'F1':>6} {'ref':>5} {'pred':>5}")
            for name, score in scores.items():
                out.append(f"  {name.replace('_', ' '):<28} {_f(score.precision):>6} {_f(score.recall):>6} "
                           f"{_f(score.f1):>6} {score.ref:>5} {score.pred:>5}")
            out.append("")
        return "\n".join(out).rstrip() + "\n"


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _p(s: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in s)


def _prf_line(mode: str, label: str, s: PRF) -> str:
    return (f"  {mode:<8} {_p(label):<20} {_f(s.precision):>6} {_f(s.recall):>6} {_f(s.f1):>6} "
            f"{s.ref:>5} {s.pred:>5}")


def agreement(
    store: Any,
    annotators: list[str],
    *,
    docs: list[str] | None = None,
    statuses: list[str] | None = None,
) -> AgreementReport:
    """Compute every agreement score between annotators' layers.

    Args:
        store: the store.
        annotators: two or more annotator names; the first of each pair is
            the reference for precision and recall.
        docs: document names (default: every document where at least one
            of the annotators has an annotation).
        statuses: which annotations count (default: accepted only).

    Returns:
        The report.

    Raises:
        TuiError: fewer than two distinct annotators.
        NotFound: an unknown document name.
    """
    names = list(dict.fromkeys(a for a in annotators if a))
    if len(names) < 2:
        raise TuiError("agreement needs at least two different annotators (--annotators A,B)")
    statuses = statuses or ["accepted"]
    if docs:
        documents = [store.document(n) for n in docs]
    else:
        ids = store.documents_with_spans_of(names)
        documents = [d for d in store.iter_documents() if d.id in ids]
    token_spans = {d.id: tokenize(d.text) for d in documents}
    layers = {a: _layer(store, documents, a, statuses, token_spans) for a in names}

    spans: dict[str, dict[str, Any]] = {}
    events: dict[str, dict[str, PRF]] = {}
    kappas: dict[str, float | None] = {}
    pairs = list(combinations(names, 2))
    for a, b in pairs:
        ref, pred = layers[a], layers[b]
        key = f"{a}|{b}"
        labels = sorted({s[2] for s in ref.spans} | {s[2] for s in pred.spans})
        spans[key] = {
            "exact": {
                "labeled": prf(ref.spans, pred.spans),
                "unlabeled": prf([s[:2] for s in ref.spans], [s[:2] for s in pred.spans]),
                "per_label": {
                    lab: prf([s for s in ref.spans if s[2] == lab], [s for s in pred.spans if s[2] == lab])
                    for lab in labels
                },
            },
            "overlap": {
                "labeled": overlap_prf(ref.spans, pred.spans, True),
                "unlabeled": overlap_prf(ref.spans, pred.spans, False),
                "per_label": {
                    lab: overlap_prf([s for s in ref.spans if s[2] == lab],
                                     [s for s in pred.spans if s[2] == lab], True)
                    for lab in labels
                },
            },
        }
        events[key] = {
            "trigger_identification": prf([t[:2] for t in ref.triggers], [t[:2] for t in pred.triggers]),
            "trigger_classification": prf(ref.triggers, pred.triggers),
            "argument_identification": prf([x[:4] for x in ref.arguments], [x[:4] for x in pred.arguments]),
            "argument_classification": prf(ref.arguments, pred.arguments),
        }
        kappas[key] = cohen_kappa(ref.tokens, pred.tokens)
    rows = [layers[a].tokens for a in names]
    token_labels_all = sorted({lab for row in rows for lab in row} - {OUTSIDE})
    per_label: dict[str, Any] = {}
    for lab in token_labels_all:
        binary = [[x == lab for x in row] for row in rows]
        per_label[lab] = {
            "krippendorff_alpha": krippendorff_alpha(binary),
            "cohen_kappa": {f"{a}|{b}": cohen_kappa(binary[names.index(a)], binary[names.index(b)])
                            for a, b in pairs},
        }
    tokens = {
        "count": len(rows[0]),
        "krippendorff_alpha": krippendorff_alpha(rows),
        "cohen_kappa": kappas,
        "per_label": per_label,
    }
    return AgreementReport(annotators=names, documents=[d.name for d in documents], spans=spans,
                           tokens=tokens, events=events)
