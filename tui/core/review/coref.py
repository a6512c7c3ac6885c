"""Same-name coreference suggestions (``suggest --source coref``) and accepting them.

A pending coreference link is a pending :class:`~tui.core.model.Equivalence`
of two members, ``[first member of the chain, mention]``, with the chain's
type and ``origin = "suggestion:coref"``: no new table, the equivalences'
own status says it is pending. Review accepts it by adding the mention to the
chain (the suggestion goes, the chain grows, one logged action) and rejects it
by marking it rejected, which is what keeps it from being suggested again.

A mention is suggested for a chain (an accepted coreference set of the layer)
when it is an accepted span of the layer in no live set of that type, with the
label of a member whose text is the mention's text, or starts or ends with it
on a word boundary ("Sadr" for "Muqtada al-Sadr", "Muqtada" for it too).

A **new chain** is suggested (issue 14: most chains of a news story are a
full name and its later short forms) when a mention of no live set is a
strictly shorter form of an earlier mention of the same label, itself in no
live set and not suggested for another: ``[the longer name, mention]``, of
the schema's first equivalence type. Accepting the first such link makes the
pair a chain (:func:`accept_link`, "the chain is gone" case); each next one
with the same longer name then joins it. A rejected one is never suggested
again, like any other link.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from tui.core.model import DocAnnotations, Equivalence, Span

#: The origin of coreference suggestions.
ORIGIN = "suggestion:coref"


@dataclass(frozen=True)
class CorefCandidate:
    """A mention to add to a chain."""

    chain: Equivalence | None
    """The chain to join; None: a new chain with :attr:`anchor`."""
    mention: Span
    anchor: Span | None = None
    """For a new chain: the earlier, longer name the mention is a short form of."""
    type: str = ""
    """For a new chain: its equivalence type."""


def shorter_form(member: str, mention: str) -> bool:
    """True when ``mention`` is ``member``, or its start or end on a word boundary.

    Args:
        member: the text of a chain's member ("Muqtada al-Sadr").
        mention: the text of an unlinked mention ("Sadr").

    Returns:
        Whether the mention names the member (case-sensitive, but for the mention's first
        letter, which may be capitalised: "Al-Sayed" at a sentence start for "Hassan al-Sayed").
    """
    mention = mention.strip()
    member = member.strip()
    if _shorter(member, mention):
        return True
    lowered = mention[:1].lower() + mention[1:]
    return lowered != mention and _shorter(member, lowered)


def _shorter(member: str, mention: str) -> bool:
    if not mention or len(mention) > len(member):
        return False
    if mention == member:
        return True
    if member.endswith(mention) and not _word(member[-len(mention) - 1]) and _word(mention[0]):
        return True
    return member.startswith(mention) and not _word(member[len(mention)]) and _word(mention[-1])


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def candidates(anns: DocAnnotations, annotator: str,
               new_chain_type: str | None = None) -> tuple[list[CorefCandidate], int, int]:
    """The same-name links to suggest in one document's layer.

    Args:
        anns: the document's annotations (every layer or only ``annotator``'s).
        annotator: the layer.
        new_chain_type: the equivalence type of new chains (a full name and its short
            forms, none of them in a set yet); None suggests links to existing chains only.

    Returns:
        ``(candidates, existing, rejected)``: links to add, and how many were
        left out because the same link is already pending or was rejected.
    """
    spans = {s.id: s for s in anns.spans if s.annotator == annotator}
    sets = [e for e in anns.equivalences if e.annotator == annotator]
    chains = [e for e in sets if e.status == "accepted"]
    linked: dict[str, set[str]] = {}
    """Equivalence type -> spans in a live set of that type (not rejected, not a suggested link)."""
    for e in sets:
        if e.status != "rejected" and not (e.origin == ORIGIN and e.status == "pending"):
            linked.setdefault(e.type, set()).update(e.members)
    decided: dict[tuple[str, str], str] = {}
    """(chain member, mention) -> status of a coreference suggestion between them."""
    for e in sets:
        if e.origin == ORIGIN and len(e.members) == 2 and e.status != "accepted":
            key = (e.members[0], e.members[1])
            if decided.get(key) != "rejected":
                decided[key] = e.status
    triggers = {ev.trigger for ev in anns.events}
    out: list[CorefCandidate] = []
    existing = rejected = 0
    taken: set[str] = set()
    matched: set[str] = set()
    """Mentions that name a chain (suggested, pending or rejected for it): no new chain for them."""
    for chain in chains:
        members = [spans[m] for m in chain.members if m in spans and spans[m].status == "accepted"]
        if not members:
            continue
        for span in spans.values():
            if (span.status != "accepted" or span.id in taken or span.id in triggers
                    or span.id in linked.get(chain.type, set())):
                continue
            if not any(m.label == span.label and shorter_form(m.text, span.text) for m in members):
                continue
            matched.add(span.id)
            status = next((decided[(m, span.id)] for m in chain.members if (m, span.id) in decided), None)
            if status == "rejected":
                rejected += 1
                continue
            if status is not None:
                existing += 1
                continue
            taken.add(span.id)
            out.append(CorefCandidate(chain, span))
    if new_chain_type is not None:
        fresh, more_existing, more_rejected = _new_chains(
            spans, triggers | matched | linked.get(new_chain_type, set()), decided, new_chain_type)
        out += fresh
        existing += more_existing
        rejected += more_rejected
    out.sort(key=lambda c: (c.mention.start, c.mention.end, c.mention.id))
    return out, existing, rejected


def _new_chains(spans: dict[str, Span], busy: set[str], decided: dict[tuple[str, str], str],
                type_name: str) -> tuple[list[CorefCandidate], int, int]:
    """Links that start new chains: each free mention to the first earlier, longer free name it shortens."""
    free = sorted((s for s in spans.values() if s.status == "accepted" and s.id not in busy),
                  key=lambda s: (s.start, s.end, s.id))
    out: list[CorefCandidate] = []
    existing = rejected = 0
    mentions: set[str] = set()
    """Spans suggested as a short form (not an anchor of another chain then)."""
    for i, span in enumerate(free):
        anchor = next((a for a in free[:i] if a.id not in mentions and a.label == span.label
                       and a.end <= span.start and len(a.text.strip()) > len(span.text.strip())
                       and shorter_form(a.text, span.text)), None)
        if anchor is None:
            continue
        status = decided.get((anchor.id, span.id))
        mentions.add(span.id)
        if status == "rejected":
            rejected += 1
        elif status is not None:
            existing += 1
        else:
            out.append(CorefCandidate(None, span, anchor, type_name))
    return out, existing, rejected


def suggestion(candidate: CorefCandidate, annotator: str) -> Equivalence:
    """The pending equivalence proposing ``candidate``: ``[chain's first member, mention]``
    (a new chain: ``[the longer name, mention]``)."""
    if candidate.chain is None:
        assert candidate.anchor is not None
        first, type_name = candidate.anchor.id, candidate.type
    else:
        first, type_name = candidate.chain.members[0], candidate.chain.type
    return Equivalence(type=type_name, members=[first, candidate.mention.id],
                       doc_id=candidate.mention.doc_id, annotator=annotator, origin=ORIGIN, status="pending")


def is_link_suggestion(ann: Any) -> bool:
    """True for a pending coreference link proposed by this source."""
    return isinstance(ann, Equivalence) and ann.origin == ORIGIN and len(ann.members) == 2


def accept_link(tx: Any, link: Equivalence) -> Merged | None:
    """Accept a coreference suggestion: the mention joins the chain, the suggestion goes.

    When the chain is gone (deleted since), the suggestion itself becomes an
    accepted set of two.

    Args:
        tx: the open store transaction.
        link: the pending suggestion (re-read from the store).

    Returns:
        What :func:`restore_link` needs to take it back without the log, or
        None when the suggestion was only marked accepted.
    """
    anchor, mention = link.members
    chain = next((e for _k, e in tx.store.referrers(link.doc_id, anchor)
                  if isinstance(e, Equivalence) and e.id != link.id and e.type == link.type
                  and e.annotator == link.annotator and e.status == "accepted"), None)
    if chain is None:
        link.status = "accepted"
        tx.update(link)
        return None
    saved = replace(link, members=list(link.members))
    tx.delete(link.id)
    grew = mention not in chain.members
    if grew:
        chain.members = [*chain.members, mention]
        tx.update(chain)
    return Merged(saved, chain.id, mention if grew else None)


@dataclass(frozen=True)
class Merged:
    """An accepted link merged into its chain: enough to restore both."""

    link: Equivalence
    """The suggestion as it was (pending)."""
    chain_id: str
    mention: str | None
    """The mention added to the chain (None: it was in it already)."""


def restore_link(tx: Any, merged: Merged) -> None:
    """Take back :func:`accept_link`: the suggestion pending again, the chain without the mention."""
    chain = tx.store.find(merged.chain_id)
    if merged.mention is not None and isinstance(chain, Equivalence) and merged.mention in chain.members:
        chain.members = [m for m in chain.members if m != merged.mention]
        tx.update(chain)
    if tx.store.find(merged.link.id) is None and all(tx.store.find(m) is not None for m in merged.link.members):
        tx.add(replace(merged.link, members=list(merged.link.members)))
