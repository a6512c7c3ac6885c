"""brat's span overlap rules, checked the way brat's ``verify_annotations.py`` checks them.

brat (``verify_entity_overlap``) looks at every pair of text-bound
annotations whose type is an entity type (event triggers are not checked)
and whose extents overlap (``first start < other's last end`` and
``last end > other's first start``). The pair is

- *equal* when both have the same set of fragments: allowed only when an
  ``<OVERLAP>`` rule for the two types, either way round, says ``equal`` or ``<ANY>``;
- *contained* when every fragment of one lies inside a fragment of the
  other: allowed when a rule with ``Arg1`` = the inner type and ``Arg2`` =
  the outer type says ``contain`` or ``<ANY>`` (or, the old way, an
  ``ENTITY-NESTING`` line says so and no ``<OVERLAP>`` rule covers the
  pair), or the reverse rule says ``<ANY>``;
- *crossing* otherwise: allowed only with ``cross`` or ``<ANY>``, either way round.

A rule's argument matches a type when it names it, is ``<ANY>``, or is
``<ENTITY>``/``<EVENT>`` and the type is one. Without any rule nothing
may overlap. brat shows each violation as an error on the document; tui
imports the document and reports each one as a note (see the reader).
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.formats.brat.annconf import AnnotationConf, OverlapRule

#: brat's fallback list of types it treats as entities even when the conf does not declare them.
_LIKELY_ENTITIES = frozenset((
    "Protein", "Entity", "Organism", "Chemical", "Two-component-system", "Regulon-operon",
    "Protein_family_or_group", "DNA_domain_or_region", "Protein_domain_or_region", "Amino_acid_monomer",
    "Carbohydrate", "Cell_type", "Drug_or_compound", "Gene_or_gene_product", "Tissue",
    "Other_pharmaceutical_agent",
))
#: Pairs of spans looked at before the check gives up (a pathological file of nested spans is quadratic).
MAX_PAIRS = 5_000_000


@dataclass(frozen=True)
class Box:
    """A text-bound annotation as the check sees it."""

    sid: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    line: int


class OverlapRules:
    """The overlap configuration of one annotation.conf."""

    def __init__(self, conf: AnnotationConf) -> None:
        self.rules: list[OverlapRule] = list(conf.overlaps)
        self.entities = {e.name for e in conf.sections.get("entities", [])}
        self.events = {e.name for e in conf.sections.get("events", [])}
        self._cache: dict[tuple[str, str], frozenset[str]] = {}

    def is_entity(self, t: str) -> bool:
        """brat's ``is_physical_entity_type``."""
        if t in self.entities or t in self.events:
            return t in self.entities
        return t in _LIKELY_ENTITIES

    def _matches(self, arg: tuple[str, ...], t: str) -> bool:
        return any(a == t or a == "<ANY>" or (a == "<ENTITY>" and t in self.entities)
                   or (a == "<EVENT>" and t in self.events) for a in arg)

    def kinds(self, inner: str, outer: str) -> frozenset[str]:
        """brat's ``overlap_types(inner, outer)``."""
        key = (inner, outer)
        got = self._cache.get(key)
        if got is None:
            hits = [r for r in self.rules if self._matches(r.inner, inner) and self._matches(r.outer, outer)]
            new = [r for r in hits if not r.nesting]
            if new:
                got = frozenset().union(*(r.kinds for r in new))
            else:
                got = frozenset(("contain",)) if hits else frozenset()
            self._cache[key] = got
        return got

    def may_contain(self, inner: str, outer: str) -> bool:
        return bool(self.kinds(inner, outer) & {"contain", "<ANY>"}) or "<ANY>" in self.kinds(outer, inner)

    def may_be(self, kind: str, t1: str, t2: str) -> bool:
        return bool((self.kinds(t1, t2) | self.kinds(t2, t1)) & {kind, "<ANY>"})


def _contains(outer: Box, inner: Box) -> bool:
    return all(any(s <= os and oe <= e for s, e in outer.fragments) for os, oe in inner.fragments)


def violations(rules: OverlapRules, boxes: list[Box]) -> tuple[list[tuple[Box, str]], bool]:
    """Every overlapping pair brat would report, as ``(the box met first in the file, message)``.

    Args:
        rules: the conf's overlap rules.
        boxes: the document's text-bound annotations.

    Returns:
        The violations in file order, and whether the check stopped at :data:`MAX_PAIRS`.
    """
    ents = [b for b in boxes if b.fragments and rules.is_entity(b.type)]
    ext = sorted(((min(s for s, _ in b.fragments), max(e for _, e in b.fragments), b) for b in ents),
                 key=lambda x: (x[0], x[2].line))
    found: list[tuple[Box, str]] = []
    looked = 0
    for i, (s1, e1, a) in enumerate(ext):
        for s2, e2, b in ext[i + 1:]:
            if s2 >= e1:
                break
            looked += 1
            if looked > MAX_PAIRS:
                return sorted(found, key=lambda f: f[0].line), True
            if not (s2 < e1 and e2 > s1):
                continue
            first, second = (a, b) if a.line <= b.line else (b, a)
            pair = f"{first.sid} ({first.type}) and {second.sid} ({second.type})"
            if set(a.fragments) == set(b.fragments):
                if not rules.may_be("equal", a.type, b.type):
                    found.append((first, f"{pair} have the same span; brat allows that only with "
                                  f"<OVERLAP> Arg1:{first.type}, Arg2:{second.type}, <OVL-TYPE>:equal"))
            elif _contains(b, a) or _contains(a, b):
                inner, outer = (a, b) if _contains(b, a) else (b, a)
                if not rules.may_contain(inner.type, outer.type):
                    found.append((first, f"{inner.sid} ({inner.type}) lies inside {outer.sid} ({outer.type}); "
                                  f"brat allows that only with <OVERLAP> Arg1:{inner.type}, Arg2:{outer.type}, "
                                  "<OVL-TYPE>:contain"))
            elif not rules.may_be("cross", a.type, b.type):
                found.append((first, f"{pair} cross; brat allows that only with "
                              f"<OVERLAP> Arg1:{first.type}, Arg2:{second.type}, <OVL-TYPE>:cross"))
    return sorted(found, key=lambda f: f[0].line), False
