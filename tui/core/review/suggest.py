"""Suggestions: pending spans proposed by a source, for an analyst to review.

A suggestion is a span with ``status = "pending"`` and ``origin =
"suggestion:<source>"``, in the current annotator's layer. Sources:

- ``propagate``: every other whole-word occurrence of a string already
  tagged (accepted) in the document or the corpus;
- ``gazetteer``: phrases and types from a TSV (``phrase<TAB>type``) or
  JSONL (``{"phrase": ..., "label": ...}``) file, matched in one pass;
- ``spacy``: the entities of an installed spaCy pipeline or one saved at a
  path, their labels mapped to the document's schema by its ``[spacy.labels]``
  table (a label the table lacks passes through when it is a span type of the
  schema, else it is left out and counted, per label and reason);
- ``places``: countries, capitals and cities from shipped data packages
  (:mod:`tui.core.review.places`), each with a pending normalisation
  (``geonames:<id>`` or ``iso3166:<alpha-2>``); never inside a longer span
  of the layer. The type is ``--type`` when given, else the schema's
  ``[places]`` entry for the kind of place, else ``GPE``;
- ``lexicon``: the trigger words and nominal heads the schema lists per type
  (``triggers``, ``nominals``; :mod:`tui.core.review.lexicon`): a trigger as
  a pending event of its type, a nominal as a pending span; a word listed
  under two types is suggested under neither (unless only one lists it as
  written);
- ``coref``: "same name" coreference: each unlinked mention whose text is a
  chain member's, or its first or last words, as a pending link to that
  chain; a free mention that shortens an earlier free name ("Mukono" after
  "Tobias Mukono") as a link that starts a new chain
  (:mod:`tui.core.review.coref`).

A run is one logged action (undo takes the whole run back). A candidate is
not added when the layer already has a span with the same fragments and
label, whatever its status: a rejected suggestion is never proposed again
and a re-run adds no duplicates; nor inside a longer annotated span ("Sadr"
inside "Moqtada al-Sadr"). A candidate whose label is one of the schema's
event types (propagating an event trigger) becomes a pending event of that
type with no arguments, its trigger pending with it: never a bare span with
an event type, which brat refuses; review accepts or rejects the two as one
item.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from tui.core.errors import InputError, InputErrors, TuiError
from tui.core.model import Event, Normalization, Span
from tui.core.review import coref
from tui.core.review.lexicon import Lexicon, build_lexicon, lexicon_hits
from tui.core.review.places import Place, place_names
from tui.core.text.offsets import decode_utf8

SOURCES = ("propagate", "gazetteer", "spacy", "places", "lexicon", "coref")
#: The span type of place suggestions when none is given (ACE 2005: geo-political entity).
DEFAULT_PLACE_TYPE = "GPE"

#: A candidate: (start, end, label) in code points.
Candidate = tuple[int, int, str]


@dataclass
class SuggestResult:
    """What a run did: suggestions added and candidates left out, per reason."""

    source: str
    added: int = 0
    existing: int = 0
    """Candidates already in the layer (accepted or pending): not duplicated."""
    rejected: int = 0
    """Candidates the analyst rejected before: not proposed again."""
    inside: int = 0
    """Candidates inside a longer annotated span of the layer (part of a name): left out."""
    events: int = 0
    """Of the added suggestions, how many are pending events (a propagated trigger)."""
    documents: int = 0
    ids: list[str] = field(default_factory=list)
    per_label: Counter = field(default_factory=Counter)
    left_out: Counter = field(default_factory=Counter)
    """``(source label, reason)`` -> candidates left out before writing (spaCy, places)."""

    def summary(self) -> str:
        """One line for the command line."""
        labels = ", ".join(f"{k} {v}" for k, v in sorted(self.per_label.items()))
        return (
            f"{self.source}: {self.added} suggestion(s) added in {self.documents} document(s)"
            + (f" ({labels})" if labels else "")
            + (f", {self.events} of them event(s)" if self.events else "")
            + f"; {self.existing} already present, {self.rejected} previously rejected"
            + (f", {self.inside} inside longer annotations" if self.inside else "")
            + "".join(f"\n  left out: {label} \u00d7{n}: {reason}"
                      for (label, reason), n in sorted(self.left_out.items(), key=lambda kv: (-kv[1], kv[0])))
        )


# ---------------------------------------------------------------------------
# matching


def is_word_char(ch: str) -> bool:
    """True for characters that continue a word (letters, digits, marks, underscore)."""
    return ch.isalnum() or ch == "_" or (ch != "" and _MARK.match(ch) is not None)


_MARK = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def whole_word(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is not part of a longer word on either side."""
    if start >= end:
        return False
    if start > 0 and is_word_char(text[start - 1]) and is_word_char(text[start]):
        return False
    if end < len(text) and is_word_char(text[end]) and is_word_char(text[end - 1]):
        return False
    return True


class PhraseMatcher:
    """Finds every whole-word occurrence of many phrases in one pass over a text.

    Uses an Aho-Corasick automaton (pyahocorasick) when installed, else the
    phrase lengths per first character: at each word start, one dict look-up
    per length (a combined regular expression of the 180,000 place names
    took 5 s to compile). Overlapping matches
    are resolved leftmost-longest, as spaCy's ``filter_spans`` does.

    Args:
        phrases: phrase -> label.
        ignore_case: match regardless of case (offsets stay exact).
    """

    def __init__(self, phrases: dict[str, str], *, ignore_case: bool = False) -> None:
        self.ignore_case = ignore_case
        self.phrases = {(_fold(p) if ignore_case else p): label for p, label in phrases.items() if p}
        self._automaton: Any = None
        self._lengths: dict[str, list[int]] = {}
        """First character -> the lengths of the phrases starting with it, longest first."""
        if not self.phrases:
            return
        try:
            import ahocorasick
        except ImportError:
            lengths: dict[str, set[int]] = {}
            for p in self.phrases:
                lengths.setdefault(p[0], set()).add(len(p))
            self._lengths = {ch: sorted(ns, reverse=True) for ch, ns in lengths.items()}
        else:
            auto = ahocorasick.Automaton()
            for phrase, label in self.phrases.items():
                auto.add_word(phrase, (len(phrase), label))
            auto.make_automaton()
            self._automaton = auto

    def find(self, text: str) -> list[Candidate]:
        """Return non-overlapping whole-word matches ``(start, end, label)``, in text order."""
        if not self.phrases:
            return []
        # Case folding that changes lengths (ß -> ss) would shift offsets: fold
        # only when it keeps every character one character.
        hay = _fold(text) if self.ignore_case else text
        if len(hay) != len(text):
            hay = text
        found: list[tuple[int, int]] = []
        if self._automaton is not None:
            for end_index, (length, _label) in self._automaton.iter(hay):
                start = end_index - length + 1
                if whole_word(hay, start, end_index + 1):
                    found.append((start, end_index + 1))
        else:
            by_first, phrases = self._lengths, self.phrases
            for at, ch in enumerate(hay):
                lengths = by_first.get(ch)
                if lengths is None:
                    continue
                for n in lengths:
                    if hay[at:at + n] in phrases and whole_word(hay, at, at + n):
                        found.append((at, at + n))
        found.sort(key=lambda se: (se[0], -(se[1] - se[0])))
        out: list[Candidate] = []
        last_end = -1
        for start, end in found:
            if start >= last_end:
                out.append((start, end, self.phrases[hay[start:end]]))
                last_end = end
        return out


def _fold(s: str) -> str:
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in s)


# ---------------------------------------------------------------------------
# gazetteers


def load_gazetteer(path: str | Path) -> dict[str, str]:
    """Read a gazetteer: TSV ``phrase<TAB>type`` or JSONL ``{"phrase", "label"}``.

    A ``.jsonl``/``.json`` suffix, or a first non-blank line starting with
    ``{``, means JSONL. Blank lines and lines starting with ``#`` (TSV) are
    skipped. A phrase listed twice keeps its first type.

    Args:
        path: the file.

    Returns:
        phrase -> label.

    Raises:
        InputErrors: every bad line, with its number and reason.
    """
    p = Path(path)
    text = decode_utf8(p.read_bytes(), str(p))
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    jsonl = p.suffix.lower() in (".jsonl", ".json") or first.lstrip().startswith("{")
    out: dict[str, str] = {}
    errors: list[InputError] = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or (not jsonl and line.startswith("#")):
            continue
        if jsonl:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=str(p), line=n))
                continue
            if not isinstance(obj, dict):
                errors.append(InputError("expected an object with phrase and label", path=str(p), line=n))
                continue
            phrase, label = obj.get("phrase"), obj.get("label", obj.get("type"))
        else:
            parts = line.split("\t")
            if len(parts) != 2:
                errors.append(InputError(
                    f"expected phrase<TAB>type, found {len(parts)} field(s)", path=str(p), line=n))
                continue
            phrase, label = parts[0], parts[1].strip()
        if not isinstance(phrase, str) or not phrase.strip():
            errors.append(InputError("missing or empty phrase", path=str(p), line=n))
            continue
        if not isinstance(label, str) or not label.strip():
            errors.append(InputError("missing or empty label", path=str(p), line=n))
            continue
        out.setdefault(phrase.strip(), label.strip())
    if errors:
        raise InputErrors(errors)
    if not out:
        raise InputError("no phrases", path=str(p))
    return out


# ---------------------------------------------------------------------------
# spaCy


def load_spacy(model: str | None) -> Any:
    """Load a spaCy pipeline by package name or saved path.

    Raises:
        TuiError: spaCy is missing, no model was named, or it cannot be loaded.
    """
    if not model:
        raise TuiError("--model NAME|PATH is required for the spacy source "
                       "(an installed pipeline such as en_core_web_sm, or a folder saved with nlp.to_disk)")
    try:
        import spacy
    except ImportError:
        raise TuiError("spaCy is not installed: pip install 'tui[spacy]' (or pip install spacy)") from None
    try:
        return spacy.load(model)
    except OSError:
        raise TuiError(
            f"no spaCy pipeline {model!r}: not an installed package nor a saved pipeline folder "
            f"(install one with `python -m spacy download {model}` where a network is available, "
            "or give the path of a pipeline saved with nlp.to_disk)"
        ) from None
    except Exception as exc:  # noqa: BLE001 - spaCy raises many kinds for a broken folder
        raise TuiError(f"cannot load spaCy pipeline {model!r}: {exc}") from None


def map_spacy_label(label: str, schema: Any) -> tuple[str | None, str]:
    """The schema's span type for a spaCy entity label, or None and why it is left out.

    The schema's ``[spacy.labels]`` entry wins; a label without one passes
    through when it is a span type of the schema. With no schema (unreadable),
    labels pass through unchanged.

    Returns:
        ``(span type, "")`` or ``(None, reason)``.
    """
    if schema is None:
        return label, ""
    mapped = schema.spacy_labels.get(label)
    if mapped is not None:
        return mapped, ""
    if schema.span_type(label) is not None:
        return label, ""
    return None, f"no mapping in schema {schema.name}"


def spacy_candidates(nlp: Any, text: str) -> list[Candidate]:
    """Entities of a spaCy pipeline as candidates (character offsets are code points)."""
    doc = nlp(text)
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents if text[e.start_char:e.end_char].strip()]


# ---------------------------------------------------------------------------
# places


def place_candidates(text: str, label: str) -> list[tuple[int, int, str, Place]]:
    """Every place name of the shipped data packages in ``text``.

    Whole words, case-sensitive, leftmost-longest; a name right after a
    hyphen that follows a letter (the "Sadr" of "al-Sadr") is part of a
    longer name and left out.

    Args:
        text: the document text.
        label: the span type of the suggestions (the schema's type for places).

    Returns:
        ``(start, end, label, place)`` in text order (code-point offsets).
    """
    names = place_names()
    out = []
    for start, end, _ in _place_matcher().find(text):
        if start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha():
            continue
        out.append((start, end, label, names[text[start:end]]))
    return out


@lru_cache(maxsize=1)
def _place_matcher() -> PhraseMatcher:
    """The matcher of every place name, built once per process."""
    return PhraseMatcher(dict.fromkeys(place_names(), "place"))


# ---------------------------------------------------------------------------
# propagation


def tagged_phrases(store: Any, doc_ids: Iterable[str], annotator: str) -> dict[str, str]:
    """Strings tagged (accepted, one fragment) in the layer, each with its most frequent label."""
    votes: dict[str, Counter] = {}
    for doc_id in doc_ids:
        for span in store.annotations(doc_id, annotators=[annotator], statuses=["accepted"]).spans:
            if len(span.fragments) == 1 and span.text.strip():
                votes.setdefault(span.text, Counter())[span.label] += 1
    # Most frequent label; ties go to the alphabetically first, so runs are repeatable.
    return {t: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for t, c in votes.items()}


# ---------------------------------------------------------------------------
# running a source


def suggest(
    store: Any,
    source: str,
    *,
    docs: list[str] | None = None,
    gazetteer: str | Path | dict[str, str] | None = None,
    model: str | None = None,
    nlp: Any = None,
    scope: str = "corpus",
    ignore_case: bool = False,
    place_type: str | None = None,
) -> SuggestResult:
    """Run a suggestion source over documents as one logged action.

    Args:
        store: the store; suggestions go into ``store.annotator``'s layer.
        source: one of :data:`SOURCES`.
        docs: document names (default: every document).
        gazetteer: the gazetteer file (or a phrase -> label mapping).
        model: spaCy package name or path of a saved pipeline.
        nlp: an already loaded spaCy pipeline (the app keeps one).
        scope: for ``propagate``: ``corpus`` (strings tagged anywhere in
            ``docs``) or ``document`` (each document's own strings only).
        ignore_case: for ``gazetteer`` and ``propagate``.
        place_type: for ``places``: the span type of the suggestions; every
            document's schema must have it. None: the schema's ``[places]``
            type for each kind of place (country, capital, city), or
            :data:`DEFAULT_PLACE_TYPE` when the schema has no ``[places]``.

    Returns:
        What was added and what was left out.

    Raises:
        TuiError: an unknown source, a missing gazetteer or model.
        InputErrors: a bad gazetteer file (nothing written).
        NotFound: an unknown document name.
    """
    if source not in SOURCES:
        raise TuiError(f"unknown suggestion source {source!r} (one of: {', '.join(SOURCES)})")
    names = docs or store.document_names()
    documents = [store.document(n) for n in names]
    who = store.annotator
    per_doc: list[tuple[Any, list[Candidate]]] = []
    if source == "coref":
        return _write_links(store, documents)
    if source == "gazetteer":
        if gazetteer is None:
            raise TuiError("--gazetteer FILE is required for the gazetteer source")
        phrases = gazetteer if isinstance(gazetteer, dict) else load_gazetteer(gazetteer)
        matcher = PhraseMatcher(phrases, ignore_case=ignore_case)
        per_doc = [(d, matcher.find(d.text)) for d in documents]
    elif source == "places":
        kinds: dict[str, dict[str, str]] = {}
        for d in documents:
            sch = store.schema(d.schema)
            kinds[d.id] = sch.place_types if place_type is None and sch.place_types else {}
            wanted = place_type or DEFAULT_PLACE_TYPE
            if not kinds[d.id] and sch.span_type(wanted) is None:
                hint = "" if place_type else ", or map the kinds of place in the schema's [places]"
                raise TuiError(f"document {d.name}: schema {d.schema} has no span type {wanted!r} "
                               f"for places (choose one with --type{hint})")
        links: dict[tuple[str, int, int], Place] = {}
        left: Counter = Counter()
        for d in documents:
            cands = []
            for s, e, lab, p in place_candidates(d.text, place_type or DEFAULT_PLACE_TYPE):
                if kinds[d.id]:
                    if p.kind not in kinds[d.id]:
                        left[(p.kind, f"no [places] type in schema {d.schema}")] += 1
                        continue
                    lab = kinds[d.id][p.kind]
                links[(d.id, s, e)] = p
                cands.append((s, e, lab))
            per_doc.append((d, cands))
        result = _write(store, source, per_doc, links=links)
        result.left_out = left
        return result
    elif source == "lexicon":
        return _suggest_lexicon(store, documents)
    elif source == "spacy":
        pipeline = nlp if nlp is not None else load_spacy(model)
        left = Counter()
        for d in documents:
            schema = _schema_or_none(store, d.schema)
            mapped: list[Candidate] = []
            for s, e, lab in spacy_candidates(pipeline, d.text):
                to, why = map_spacy_label(lab, schema)
                if to is None:
                    left[(lab, why)] += 1
                else:
                    mapped.append((s, e, to))
            per_doc.append((d, mapped))
        result = _write(store, source, per_doc)
        result.left_out = left
        return result
    else:
        if scope not in ("corpus", "document"):
            raise TuiError(f"unknown scope {scope!r} (corpus or document)")
        corpus_matcher = None
        if scope == "corpus":
            corpus_matcher = PhraseMatcher(
                tagged_phrases(store, [d.id for d in documents], who), ignore_case=ignore_case)
        for d in documents:
            matcher = corpus_matcher or PhraseMatcher(
                tagged_phrases(store, [d.id], who), ignore_case=ignore_case)
            per_doc.append((d, matcher.find(d.text)))
    return _write(store, source, per_doc)


def propagate_span(store: Any, span_id: str, *, scope: str = "document") -> SuggestResult:
    """Suggest the selected span's label on every other whole-word occurrence of its text.

    The reader binds this to a key on the selected annotation.

    Args:
        store: the store; suggestions go into ``store.annotator``'s layer.
        span_id: the span whose text and label to propagate.
        scope: ``document`` (its own document) or ``corpus`` (every document).

    Returns:
        What was added and what was left out.
    """
    span = store.get(span_id)
    if not isinstance(span, Span):
        raise TuiError("only a span can be propagated")
    if not span.text.strip():
        raise TuiError("the span has no text to propagate")
    matcher = PhraseMatcher({span.text: span.label})
    if scope == "document":
        documents = [store.document(span.doc_id)]
    elif scope == "corpus":
        documents = list(store.iter_documents())
    else:
        raise TuiError(f"unknown scope {scope!r} (corpus or document)")
    return _write(store, "propagate", [(d, matcher.find(d.text)) for d in documents])


def _suggest_lexicon(store: Any, documents: list[Any]) -> SuggestResult:
    """The schema's trigger words and nominal heads in ``documents``, as one action."""
    lexicons: dict[str, Lexicon] = {}
    events: set[tuple[str, int, int, str]] = set()
    left: Counter = Counter()
    per_doc: list[tuple[Any, list[Candidate]]] = []
    for d in documents:
        if d.schema not in lexicons:
            schema = _schema_or_none(store, d.schema)
            lexicons[d.schema] = build_lexicon(schema) if schema is not None else Lexicon()
        lex = lexicons[d.schema]
        if not lex:
            left[(d.schema, "the schema lists no triggers or nominals")] += 1
            continue
        hits, skipped = lexicon_hits(d.text, lex)
        left.update(skipped)
        per_doc.append((d, [(h.start, h.end, h.label) for h in hits]))
        events |= {(d.id, h.start, h.end, h.label) for h in hits if h.event}
    result = _write(store, "lexicon", per_doc, events=events)
    result.left_out = left
    return result


def _write(store: Any, source: str, per_doc: list[tuple[Any, list[Candidate]]],
           links: dict[tuple[str, int, int], Place] | None = None,
           events: set[tuple[str, int, int, str]] | None = None) -> SuggestResult:
    """Add the new candidates as pending spans (or pending events), one action for the whole run.

    A candidate inside a longer span of the layer (not rejected) is left out.
    With ``links`` (places), each new span gets a pending normalisation to the
    place at its ``(doc id, start, end)``. A candidate is an event when its
    label is an event type of the schema, or, with ``events`` (the lexicon,
    whose types say which they are), when its ``(doc id, start, end, label)``
    is there.
    """
    result = SuggestResult(source=source)
    who = store.annotator
    origin = f"suggestion:{source}"
    todo: list[tuple[str, Span, bool]] = []
    schemas: dict[str, Any] = {}
    for doc, cands in per_doc:
        existing: dict[tuple, str] = {}
        accepted: set[tuple] = set()
        live: list[tuple[int, int]] = []
        for s in store.annotations(doc.id, annotators=[who]).spans:
            frags = tuple(tuple(f) for f in s.fragments)
            key = (frags, s.label)
            # A rejected one wins: it is the reason a candidate is left out.
            if existing.get(key) != "rejected":
                existing[key] = s.status
            if s.status == "accepted":
                accepted.add(frags)
            if s.status != "rejected":
                live.append((s.start, s.end))
        live.sort()
        longest = max((e - s for s, e in live), default=0)
        if doc.schema not in schemas:
            schemas[doc.schema] = _schema_or_none(store, doc.schema)
        schema = schemas[doc.schema]
        fresh = 0
        for start, end, label in cands:
            key = (((start, end),), label)
            status = existing.get(key)
            if status is None and key[0] in accepted:
                # The analyst already decided what this text is (under another label).
                status = "accepted"
            if status == "rejected":
                result.rejected += 1
                continue
            if status is not None:
                result.existing += 1
                continue
            if _inside_longer(live, longest, start, end):
                result.inside += 1
                continue
            existing[key] = "pending"
            if events is not None:
                is_event = (doc.id, start, end, label) in events
            else:
                is_event = schema is not None and schema.event_type(label) is not None
            todo.append((doc.id, Span(label=label, fragments=[(start, end)], doc_id=doc.id,
                                      annotator=who, origin=origin, status="pending"), is_event))
            fresh += 1
        if fresh:
            result.documents += 1
    if not todo:
        return result
    doc_ids = {d for d, _, _ in todo}
    # A run on one document is undone from that document; a corpus run globally.
    action_doc = next(iter(doc_ids)) if len(doc_ids) == 1 else None
    with store.action(f"suggest {source} ({len(todo)})", action_doc) as tx:
        for doc_id, span, is_event in todo:
            tx.add(span)
            result.ids.append(span.id)
            result.per_label[span.label] += 1
            if is_event:
                tx.add(Event(type=span.label, trigger=span.id, doc_id=doc_id, annotator=who, origin=origin,
                             status="pending"))
                result.events += 1
            place = links.get((span.doc_id, *span.fragments[0])) if links is not None else None
            if place is not None:
                tx.add(Normalization(target=span.id, resource=place.resource, key=place.key,
                                     label=place.label, doc_id=span.doc_id, annotator=who,
                                     origin=origin, status="pending"))
    result.added = len(todo)
    return result


def _write_links(store: Any, documents: list[Any]) -> SuggestResult:
    """Add the same-name coreference links of ``documents`` as pending sets, one action."""
    result = SuggestResult(source="coref")
    who = store.annotator
    todo: list[Any] = []
    for doc in documents:
        schema = _schema_or_none(store, doc.schema)
        new_type = (schema.equivalence_types[0] if schema is not None and schema.equivalence_types
                    else "Coref")
        found, existing, rejected = coref.candidates(store.annotations(doc.id, annotators=[who]), who, new_type)
        result.existing += existing
        result.rejected += rejected
        if found:
            result.documents += 1
        todo.extend(found)
    if not todo:
        return result
    doc_ids = {c.mention.doc_id for c in todo}
    action_doc = next(iter(doc_ids)) if len(doc_ids) == 1 else None
    with store.action(f"suggest coref ({len(todo)})", action_doc) as tx:
        for cand in todo:
            link = tx.add(coref.suggestion(cand, who))
            result.ids.append(link.id)
            result.per_label[link.type] += 1
    result.added = len(todo)
    return result


def _inside_longer(live: list[tuple[int, int]], longest: int, start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies inside a longer span of the layer (part of an annotated name).

    ``live`` is sorted; only spans starting at most ``longest`` (the longest
    span's length) before ``start`` can contain it.
    """
    lo = bisect_left(live, (start - longest, -1))
    hi = bisect_right(live, (start, 1 << 62))
    return any(end <= e and e - s > end - start for s, e in live[lo:hi])


def _schema_or_none(store: Any, name: str) -> Any:
    """The document's schema, or None when it cannot be read (then no candidate is an event)."""
    try:
        return store.schema(name)
    except TuiError:
        return None
