"""CoNLL-U in and out.

Import: the text is rebuilt from FORM, ``SpaceAfter=No`` and ``SpacesAfter=``
(so it is the original text where the file says how), sentences joined by a
newline (a blank line at ``# newpar``); entities come from BIO tags in MISC
(``name=B-PER``, ``NE=``, ``NER=``) or from CorefUD ``Entity=`` brackets
(nested mentions, with ``Coref`` equivalences per entity id). ``# newdoc id``
names the documents. The file's lines are kept in ``meta["conll"]``
(:mod:`~tui.core.formats.conll_layout`).

Export (``--format conllu``): a document imported from CoNLL-U whose text is
unchanged is written back line for line, every column and comment kept; only
the MISC entity items of tokens whose entities changed are rewritten, in the
file's own encoding (BIO key or ``Entity=``). Other documents are written
fresh: ``# newdoc id``, ``# sent_id``, ``# text``, ID and FORM (the other
columns ``_``), ``SpaceAfter=No`` / ``SpacesAfter=`` for the exact text and
entities as ``name=B-X`` BIO tags in MISC (NorNE's encoding).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote

from tui.core.errors import InputErrors
from tui.core.formats import conllu_entity as ent
from tui.core.formats._interchange import (
    Problems,
    choose_layer,
    describe_span,
    report_kinds,
    stable_id,
    where,
)
from tui.core.formats.conll_base import (
    Builder,
    Repairs,
    clean_label,
    decode_bio,
    finish,
    good_name,
    is_tag,
    label_losses,
    layouts_for,
    span_losses,
    tag_states,
)
from tui.core.formats.conll_layout import (
    bio_reparse,
    changed_tokens,
    layout_of,
    text_changed,
    token_ranges,
    trim,
    write_lines,
)
from tui.core.model import DocAnnotations, Document, Equivalence, Normalization, Span
from tui.core.text.offsets import sha256_text
from tui.core.text.tokenize import sentences, tokenize

#: A CoNLL-U id: ASCII digits only (``\d`` would take Arabic-Indic digits) and
#: at most 9 of them, so ``int()`` never meets a number of thousands of digits.
CONLLU_ID = re.compile(r"^[0-9]{1,9}(?:[-.][0-9]{1,9})?$")
DEFAULT_ENTITY_FIELDS = "GRP-etype"
#: A mention: entity id, start, end, type, identity, line, attribute string.
Mention = tuple[str, int, int, str, str, int, str]


class _Doc(Builder):
    """A CoNLL-U document: per token, the lines of its words (a multiword token's too)."""

    def __init__(self, first_line: int = 0) -> None:
        super().__init__(first_line)
        self.words: list[list[int]] = []
        self.mentions: list[Mention] = []
        self.entity_fields = DEFAULT_ENTITY_FIELDS
        self.has_entity = False
        self.ner_key: str | None = None


def parse(lines: list[str], problems: Problems, repairs: Repairs,
          entity_fields: str = DEFAULT_ENTITY_FIELDS) -> list[_Doc]:
    """Read CoNLL-U lines into documents; every problem goes to ``problems`` with its line."""
    docs: list[_Doc] = [_Doc()]
    docs[0].entity_fields = entity_fields
    # One sentence: tokens as [form, spaces after or None, [(misc dict, line)], line].
    sentence: list[list[Any]] = []
    newpar = False
    pending: list[str | None] = [None]  # what the last sentence's last token says follows it
    # An open multiword token: [next word id expected, last word id, token, its line].
    open_range: list[Any] | None = None
    opened: dict[str, list[list[Any]]] = {}

    def range_unfinished() -> None:
        """The multiword token still open lacks words: say so once, at its line."""
        nonlocal open_range
        if open_range is not None:
            want, last, _token, line = open_range
            problems.add(f"multiword token {open_range[2][0]!r}: words {want} to {last} never come", line)
            open_range = None

    def flush() -> None:
        nonlocal newpar
        if not sentence:
            return
        b = docs[-1]
        if b.tokens:
            b.sep(pending[0] if pending[0] is not None else "\n\n" if newpar else "\n")
        newpar = False
        b.sent_starts.append(len(b.tokens))
        tagged = []
        for k, (form, after, words, token_line) in enumerate(sentence):
            start, end = b.token(form, token_line - 1)
            b.words.append([line - 1 for _, line in words])
            if k + 1 < len(sentence):
                b.sep(" " if after is None else after)
            else:
                pending[0] = after if after else None
            tag = "O"
            for misc, line in words:
                key = ent.ner_key(misc)
                if key and is_tag(misc[key]):
                    b.ner_key = b.ner_key or key
                    if tag == "O":
                        tag = misc[key]
                if "Entity" in misc:
                    b.has_entity = True
                    entities(misc["Entity"], start, end, line)
            tagged.append((start, end, tag, token_line))
        decode_bio(tagged, b, repairs, {})
        b.sentences += 1
        sentence.clear()

    def entities(value: str, start: int, end: int, line: int) -> None:
        fields = docs[-1].entity_fields.split("-")
        for m in ent.ENTITY_PART.finditer(value):
            if m.group(1) is not None:
                attrs = m.group(1).split("-", len(fields) - 1)
                eid = attrs[0]
                etype = attrs[fields.index("etype")] if "etype" in fields and len(attrs) > fields.index("etype") else "entity"
                identity = attrs[fields.index("identity")] if "identity" in fields and len(attrs) > fields.index("identity") else ""
                if not eid or not etype.strip():
                    problems.add(f"Entity: mention ({m.group(1)} has an empty entity id or type", line)
                    continue
                mention = [eid, start, end, etype, identity, line, m.group(1)]
                if m.group(2):
                    docs[-1].mentions.append(tuple(mention))  # type: ignore[arg-type]
                else:
                    opened.setdefault(eid, []).append(mention)
            else:
                eid = m.group(3)
                stack = opened.get(eid)
                if not stack:
                    problems.add(f"Entity: {eid}) closes a mention that was never opened", line)
                    continue
                mention = stack.pop()
                mention[2] = end
                docs[-1].mentions.append(tuple(mention))

    def end_doc() -> None:
        flush()
        if pending[0] and docs[-1].tokens:
            docs[-1].sep(pending[0])  # SpacesAfter= on the document's last token
        pending[0] = None
        for eid, stack in opened.items():
            for mention in stack:
                problems.add(f"Entity: mention ({eid} is never closed", mention[5])
        opened.clear()

    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            range_unfinished()
            flush()
            continue
        if raw.startswith("#"):
            key, _, value = raw[1:].partition("=")
            key = key.strip()
            if key.startswith("newdoc"):
                range_unfinished()
                end_doc()
                if docs[-1].tokens:
                    fields = docs[-1].entity_fields
                    docs.append(_Doc(lineno - 1))
                    docs[-1].entity_fields = fields
                if key == "newdoc id":
                    docs[-1].name = good_name(value)
            elif key.startswith("newpar"):
                newpar = True
            elif key == "global.Entity":
                docs[-1].entity_fields = value.strip()
            continue
        cols = raw.split("\t")
        if len(cols) != 10:
            problems.add(f"expected 10 tab-separated columns (CoNLL-U), found {len(cols)}", lineno)
            continue
        ident, form, misc = cols[0], cols[1], ent.parse_misc(cols[9])
        if not CONLLU_ID.match(ident):
            problems.add(f"bad token id {ident!r}", lineno)
            continue
        if "." in ident:
            continue  # empty nodes have no surface form
        if not form:
            problems.add("empty FORM (CoNLL-U writes _ for a missing form)", lineno)
            continue
        after: str | None = "" if misc.get("SpaceAfter") == "No" else None
        if "SpacesAfter" in misc:
            after = ent.spaces_after(misc["SpacesAfter"])
            if after is None:
                problems.add(f"SpacesAfter={misc['SpacesAfter'][:40]!r}: only whitespace and the escapes "
                             r"\s \t \n \r \p \\", lineno)
                continue
        if "-" in ident:
            range_unfinished()
            first, last = (int(x) for x in ident.split("-"))
            if first > last:
                problems.add(f"bad multiword token id {ident!r} (first word after the last)", lineno)
                continue
            token: list[Any] = [form, after, [], lineno]
            sentence.append(token)
            open_range = [first, last, token, lineno]
            continue
        word = int(ident)
        if open_range is not None:
            if word == open_range[0]:
                open_range[2][2].append((misc, lineno))
                open_range[0] += 1
                if word == open_range[1]:
                    open_range = None
                continue
            range_unfinished()  # a word outside the range came before the range's words
        sentence.append([form, after, [(misc, lineno)], lineno])
    range_unfinished()
    end_doc()
    return docs


def read_lines(path: Path, lines: list[str], raw_lines: list[str], bom: bool, stem: str,
               options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Read a CoNLL-U file's lines (``raw_lines`` as in the file, kept in ``meta["conll"]``)."""
    problems = Problems(str(path))
    repairs = Repairs(str(path))
    docs = parse(lines, problems, repairs)
    if problems:
        raise InputErrors(problems.errors)
    extra = []
    for b in docs:
        for _eid, start, end, etype, _identity, line, _attrs in b.mentions:
            b.spans.append((etype, start, end, line))
        extra.append(DocAnnotations())
    layouts = layouts_for(raw_lines, docs, "conllu", bom)
    for layout, b in zip(layouts, docs, strict=True):
        if layout and b.entity_fields != DEFAULT_ENTITY_FIELDS:
            layout["entity_fields"] = b.entity_fields
    items = finish(path, stem, docs, options, extra, layouts)
    kept = [b for b in docs if b.tokens]
    for (doc, anns), b in zip(items, kept, strict=True):
        _chains(doc, anns, b.mentions)
    if not any(b.ner_key for b in docs) and not any(b.mentions for b in docs):
        options.notes.append(f"{path}: no entities found in MISC (name=, NE=, NER= or Entity=): text only")
    options.notes.extend(repairs.notes())
    return items


def _chains(doc: Document, anns: DocAnnotations, mentions: list[Mention]) -> None:
    """Coreference chains and Wikipedia links from the CorefUD entity ids."""
    by_offsets = {(s.start, s.end, s.label): s for s in anns.spans}
    chains: dict[str, list[str]] = {}
    links: dict[str, str] = {}
    for eid, start, end, etype, identity, _line, _attrs in mentions:
        span = by_offsets.get((start, end, etype))
        if span is None:
            continue
        if span.id not in chains.setdefault(eid, []):
            chains[eid].append(span.id)
        if identity and span.id not in links:
            links[span.id] = unquote(identity)
    sha = sha256_text(doc.text)
    for eid, members in chains.items():
        if len(members) > 1:
            anns.equivalences.append(Equivalence(
                id=stable_id(doc.name, sha, "coref", eid), type="Coref", members=members,
                origin="import", status="accepted", source_id=eid,
            ))
    for span_id, key in links.items():
        anns.normalizations.append(Normalization(
            id=stable_id(doc.name, sha, "norm", span_id), target=span_id, resource="Wikipedia",
            key=key, label=key.replace("_", " "), origin="import", status="accepted",
        ))


def is_conllu(lines: list[str]) -> bool:
    """True when the first token lines have 10 tab-separated columns and numeric ids."""
    seen = hits = 0
    for raw in lines:
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t")
        seen += 1
        hits += len(cols) == 10 and bool(CONLLU_ID.match(cols[0]))
        if seen >= 20:
            break
    return hits > 0 and hits * 2 >= seen


def _reparse(doc: Document, layout: dict[str, Any]) -> _Doc | None:
    """The kept lines read again: the one document they hold, if its text is the document's."""
    lines = [x[:-1] if x.endswith("\r") else x for x in layout["lines"]]
    fields = layout.get("entity_fields", DEFAULT_ENTITY_FIELDS)
    problems = Problems("")
    docs = [b for b in parse(lines, problems, Repairs(""), fields if isinstance(fields, str) else
                             DEFAULT_ENTITY_FIELDS) if b.tokens]
    if problems or len(docs) != 1 or docs[0].text() != doc.text:
        return None
    return docs[0]


def layout_tokens(doc: Document, layout: dict[str, Any]) -> tuple[list[tuple[int, int]], list[int]] | None:
    """A CoNLL-U document's own tokens and sentence starts (for a CoNLL export), or None."""
    b = _reparse(doc, layout)
    return None if b is None else (b.tokens, b.sent_starts)


# ---------------------------------------------------------------------------
# export


def export(store: Any, docs: Iterable[Document], out: IO[str], options: Any) -> Any:
    """Write documents as CoNLL-U, one ``# newdoc id`` block each.

    Returns:
        The ``LossReport``: spans left out (edge inside a token; for BIO also
        overlapping, nested, discontinuous), statuses, and every annotation
        kind CoNLL-U's MISC entity encodings cannot hold.
    """
    from tui.core.formats import LossReport

    report = LossReport()
    docs = list(docs)
    for n, doc in enumerate(docs):
        anns = store.annotations(doc.id, annotators=options.layers, statuses=options.statuses)
        layout = layout_of(doc, "conllu")
        b = _reparse(doc, layout) if layout is not None else None
        if layout is not None and b is not None:
            write_layout(doc, anns, layout, b, out, report, options.label_case, last=n + 1 == len(docs))
        else:
            if layout is not None:
                report.info.append(f"{doc.name}: the kept CoNLL-U lines do not give its text: tokens made anew")
            if text_changed(doc):
                report.info.append(f"{doc.name}: text edited since import: tokens and sentences made anew")
            write_fresh(doc, anns, out, report, options.label_case)
        report.documents += 1
    return report


def _status_loss(doc: Document, span: Span, report: Any) -> None:
    if span.status != "accepted":
        report.add("statuses (pending or rejected spans written as entities: CoNLL-U has no status column; "
                   "--status accepted leaves them out)", where(doc, f"{describe_span(span)} {span.status}"))


def write_layout(doc: Document, anns: DocAnnotations, layout: dict[str, Any], b: _Doc, out: IO[str],
                 report: Any, label_case: str | None, last: bool = True) -> None:
    """Write a document as imported, the entity items of changed tokens rewritten."""
    lines = list(layout["lines"])
    if b.has_entity:
        _write_entities(doc, anns, b, lines, report, label_case)
    else:
        _write_bio(doc, anns, b, lines, report, label_case)
    write_lines(lines, layout, out, last)


def _set_misc(lines: list[str], index: int, key: str, value: str | None) -> None:
    line = lines[index]
    cr = "\r" if line.endswith("\r") else ""
    cols = line[: len(line) - len(cr)].split("\t")
    cols[9] = ent.set_item(cols[9], key, value)
    lines[index] = "\t".join(cols) + cr


def _misc(lines: list[str], index: int) -> dict[str, str]:
    return ent.parse_misc(lines[index].rstrip("\r").split("\t")[9])


def _word_lines(b: _Doc, k: int) -> list[int]:
    """The lines of token ``k``'s words (a multiword token's range line is not one)."""
    return b.words[k] or [b.tok_lines[k]]


def _write_bio(doc: Document, anns: DocAnnotations, b: _Doc, lines: list[str], report: Any,
               label_case: str | None) -> None:
    kept, dropped = choose_layer(anns.spans)
    for span, kind in dropped:
        report.add(kind, where(doc, describe_span(span)))
    report_kinds(report, doc, anns, ("events", "relations", "equivalences", "attributes", "normalizations", "notes"))
    ranges = token_ranges(doc, b.tokens, b.sent_starts, kept, report)
    for _, _, span in ranges:
        _status_loss(doc, span, report)
    now = tag_states(len(b.tokens), [(f, k, clean_label(s.label, label_case)) for f, k, s in ranges])
    starts = {a: k for k, (a, _) in enumerate(b.tokens)}
    ends = {e: k for k, (_, e) in enumerate(b.tokens)}
    before = tag_states(len(b.tokens), [(starts[a], ends[e], label) for label, a, e, _ in b.spans])
    key = b.ner_key or "name"
    for k in sorted(changed_tokens(now, before, b.sent_starts)):
        words = _word_lines(b, k)
        holder = next((i for i in words if ent.ner_key(_misc(lines, i))), words[0])
        _set_misc(lines, holder, ent.ner_key(_misc(lines, holder)) or key, now[k][0])


def _write_entities(doc: Document, anns: DocAnnotations, b: _Doc, lines: list[str], report: Any,
                    label_case: str | None) -> None:
    """Rewrite ``Entity=`` on the tokens whose mentions changed; keep every kept mention's attributes."""
    report_kinds(report, doc, anns, ("events", "relations", "attributes", "notes"))
    spans = []
    for span in anns.spans:
        if len(span.fragments) > 1:
            report.add("discontinuous spans", where(doc, describe_span(span)))
        else:
            spans.append(span)
    starts = {a: k for k, (a, _) in enumerate(b.tokens)}
    ends = {e: k for k, (_, e) in enumerate(b.tokens)}
    # Before: the file's mentions, as token ranges, with their attribute strings.
    old: dict[tuple[int, int, str], tuple[str, str]] = {}
    for mid, a, e, etype, _identity, _line, attrs in b.mentions:
        old.setdefault((starts[a], ends[e], etype), (mid, attrs))
    used = {m[0] for m in b.mentions}
    by_id = {s.id: s for s in spans}
    chain_of: dict[str, str] = {}
    for eq in anns.equivalences:
        for m in eq.members:
            if m in by_id:
                chain_of[m] = eq.id
    eid_of_chain: dict[str, str] = {}
    now: dict[tuple[int, int, str], tuple[str, str]] = {}
    matched: dict[tuple[int, int, str], Span] = {}
    fresh = []
    for first, last, span in token_ranges(doc, b.tokens, b.sent_starts, spans, report):
        _status_loss(doc, span, report)
        etype = ent.etype_of(clean_label(span.label, label_case))
        if etype != span.label and label_case is None:
            report.add("labels changed (characters an Entity= type cannot hold replaced by _)",
                       where(doc, describe_span(span)))
        key = (first, last, etype)
        if key in old:
            now[key] = old[key]
            matched[key] = span
            if span.id in chain_of:
                eid_of_chain.setdefault(chain_of[span.id], old[key][0])
        else:
            fresh.append((key, span))
    _coref_losses(doc, anns, b, starts, ends, {s.id: k for k, s in matched.items()}, chain_of, report)
    for key, span in fresh:
        chain = chain_of.get(span.id)
        eid = eid_of_chain.get(chain) if chain else None
        if eid is None:
            eid = ent.new_entity_id(used)
            used.add(eid)
            if chain:
                eid_of_chain[chain] = eid
        now.setdefault(key, (eid, f"{eid}-{key[2]}"))
    touching_old = _touching(old)
    touching_now = _touching(now)
    for k in sorted(set(touching_old) | set(touching_now)):
        if touching_old.get(k) == touching_now.get(k):
            continue
        words = _word_lines(b, k)
        for i in words:
            _set_misc(lines, i, "Entity", None)
        mine = touching_now.get(k, set())
        openers = [(last - first, now[(first, last, t)][1], first == last)
                   for first, last, t in mine if first == k]
        closers = [(first, now[(first, last, t)][0]) for first, last, t in mine if last == k and first != k]
        if len(words) == 1:
            value = ent.entity_value(openers, closers)
            if value:
                _set_misc(lines, words[0], "Entity", value)
            continue
        head, tail = ent.entity_value(openers, []), ent.entity_value([], closers)
        if head:
            _set_misc(lines, words[0], "Entity", head)
        if tail:
            _set_misc(lines, words[-1], "Entity", tail)


def _coref_losses(doc: Document, anns: DocAnnotations, b: _Doc, starts: dict[int, int], ends: dict[int, int],
                  key_of: dict[str, tuple[int, int, str]], chain_of: dict[str, str], report: Any) -> None:
    """Coreference and link edits on the file's own mentions, which keep the file's entity ids and identity.

    A mention's entity id and Wikipedia identity are attributes in ``Entity=``
    that are written back as they were; a chain split or merged in tui, or a
    link changed or added on a mention of the file, cannot change them: loss lines.
    """
    eid_of: dict[tuple[int, int, str], str] = {}
    identity_of: dict[tuple[int, int, str], str] = {}
    for mid, a, e, etype, identity, _line, _attrs in b.mentions:
        eid_of.setdefault((starts[a], ends[e], etype), mid)
        identity_of.setdefault((starts[a], ends[e], etype), unquote(identity))
    eids_in_chain: dict[str, set[str]] = {}
    chains_of_eid: dict[str, set[str | None]] = {}
    for span_id, key in key_of.items():
        eid = eid_of[key]
        chain = chain_of.get(span_id)
        chains_of_eid.setdefault(eid, set()).add(chain)
        if chain is not None:
            eids_in_chain.setdefault(chain, set()).add(eid)
    for eids in eids_in_chain.values():
        if len(eids) > 1:
            report.add("coreference merges of the file's entities (Entity= keeps their ids)",
                       where(doc, f"entities {', '.join(sorted(eids))}"))
    for eid, chains in chains_of_eid.items():
        members = sum(1 for key in key_of.values() if eid_of[key] == eid)
        if len(chains) > 1 or (members > 1 and None in chains):
            report.add("coreference splits of the file's entities (Entity= keeps their ids)", where(doc, f"entity {eid}"))
    for norm in anns.normalizations:
        target = key_of.get(norm.target)
        if target is None or identity_of.get(target) != norm.key:
            report.add("normalisations not in the file (Entity= writes back the file's identity only)",
                       where(doc, f"{norm.resource}:{norm.key}"))


def _touching(mentions: dict[tuple[int, int, str], Any]) -> dict[int, set[tuple[int, int, str]]]:
    """Per token, the mentions that start or end at it."""
    out: dict[int, set[tuple[int, int, str]]] = {}
    for key in mentions:
        out.setdefault(key[0], set()).add(key)
        out.setdefault(key[1], set()).add(key)
    return out


def write_fresh(doc: Document, anns: DocAnnotations, out: IO[str], report: Any, label_case: str | None) -> None:
    """A document without a CoNLL-U layout: ``name=`` BIO tags, exact spacing in MISC.

    The tokens and sentences are a CoNLL import's own (its text unchanged), else the tokenizer's.
    """
    text = doc.text
    kept = span_losses(doc, anns, report)
    layout = layout_of(doc, "conll")
    bio = bio_reparse(doc, layout) if layout is not None else None
    if bio is not None:
        toks, sent_starts = bio.tokens, bio.sent_starts
        groups = [toks[a:b] for a, b in zip(sent_starts, sent_starts[1:] + [len(toks)], strict=True)]
    else:
        splits = {x for s in kept for x in trim(text, s.start, s.end)}
        toks = tokenize(text, splits)
        groups = sentences(text, toks, [trim(text, s.start, s.end) for s in kept])
        sent_starts, k = [], 0
        for g in groups:
            sent_starts.append(k)
            k += len(g)
    ranges = token_ranges(doc, toks, sent_starts, kept, report)
    states = tag_states(len(toks), [(f, k, label_losses(doc, s, report, label_case)) for f, k, s in ranges])
    if toks and text[: toks[0][0]]:
        report.add("whitespace before the first token (CoNLL-U has no place for it)", doc.name)
    out.write(f"# newdoc id = {' '.join(doc.name.split())}\n")
    index = 0
    for n, group in enumerate(groups, start=1):
        out.write(f"# sent_id = {' '.join(doc.name.split())}-{n}\n")
        out.write(f"# text = {' '.join(text[group[0][0]:group[-1][1]].split())}\n")
        for w, (a, e) in enumerate(group, start=1):
            nxt = toks[index + 1][0] if index + 1 < len(toks) else len(text)
            gap = text[e:nxt]
            misc = []
            if w < len(group):
                if gap != " ":
                    misc.append(f"SpacesAfter={ent.encode_spaces(gap)}" if gap else "SpaceAfter=No")
            elif gap != ("\n" if index + 1 < len(toks) else ""):
                if gap:
                    misc.append(f"SpacesAfter={ent.encode_spaces(gap)}")
                else:
                    report.add("sentence breaks without whitespace (a re-import puts a newline there)",
                               where(doc, str(e)))
            misc.append(f"name={states[index][0]}")
            form = text[a:e]
            out.write(f"{w}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{'|'.join(misc)}\n")
            index += 1
        out.write("\n")
