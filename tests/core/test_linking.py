"""Offline entity linking for `@` (issue 14): ranked places from the shipped packages, no network."""

from __future__ import annotations

from tui.core.review.linking import (
    LinkCandidate,
    LinkIndex,
    link_candidates,
    link_index,
    short_population,
)


def test_an_exact_alternate_name_comes_first():
    """"Basra" (an alternate name of GeoNames' Basrah) gives geonames:99532 first, with country and population."""
    best = link_candidates("Basra")[0]
    assert best.reference == "geonames:99532"
    assert best.row.startswith("geonames:99532 Basrah, IQ, pop ")
    assert best.label == "Basrah, IQ"


def test_prefix_and_fuzzy_find_the_place_and_case_does_not_matter():
    """A prefix ("basr") and a misspelling ("Bgdad") still rank the right city first."""
    assert link_candidates("basr")[0].reference == "geonames:99532"
    assert link_candidates("Bgdad")[0].reference == "geonames:98182"
    assert link_candidates("Nasiriya")[0].name == "Nasiriyah"


def test_countries_carry_their_iso_code_as_places_suggestions_do():
    """Iraq and the short form U.S. are countries with their ISO 3166 id."""
    assert link_candidates("Iraq")[0].reference == "iso3166:IQ"
    assert link_candidates("U.S.")[0].reference == "iso3166:US"
    assert link_candidates("Iraq")[0].row.startswith("iso3166:IQ Iraq, country, pop ")


def test_ranking_exact_then_prefix_then_fuzzy_ties_by_population():
    """In a small index: exact names first, then prefixes, then fuzzy matches; the bigger population first."""
    def c(key: str, name: str, pop: int) -> tuple[LinkCandidate, tuple[str, ...]]:
        return LinkCandidate("geonames", key, name, "XX", pop, "city"), (name,)

    index = LinkIndex([c("1", "Springfield", 100), c("2", "Spring", 10), c("3", "Spring", 50),
                       c("4", "Sprang", 1000), c("5", "Springvale", 5000)])
    assert [x.key for x in index.lookup("spring")] == ["3", "2", "5", "1"]
    assert [x.key for x in index.lookup("sprng")] == ["5", "4", "1", "3", "2"]  # all fuzzy: by population
    assert index.lookup("   ") == []


def test_the_index_is_built_once():
    """The index is cached per process: a second lookup reuses it."""
    assert link_index() is link_index()


def test_short_population():
    assert [short_population(n) for n in (2_600_000, 980_400, 15_000, 12)] == ["2.6M", "980k", "15k", "12"]
