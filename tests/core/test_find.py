"""The in-document search's matcher: smart case, the explicit case override, whole words (Unicode)."""

from __future__ import annotations

import pytest

from tui.core.text.find import SearchQuery, find_hits

TEXT = "Basra, BASRA and basra. Moqtada al-Sadr, the Sadrists; café cafés Café_1 Émile"


def found(query: SearchQuery, text: str = TEXT) -> list[str]:
    return [text[s:e] for s, e in find_hits(text, query)]


def test_smart_case_is_insensitive_for_a_lower_case_query():
    assert found(SearchQuery("basra")) == ["Basra", "BASRA", "basra"]


def test_smart_case_is_sensitive_when_the_query_has_a_capital():
    assert found(SearchQuery("Basra")) == ["Basra"]
    assert found(SearchQuery("émile")) == ["Émile"]
    assert found(SearchQuery("Émile")) == ["Émile"]
    assert found(SearchQuery("ÉMILE")) == []


@pytest.mark.parametrize("case, expected", [(True, ["basra"]), (False, ["Basra", "BASRA", "basra"])])
def test_the_explicit_case_toggle_overrides_smart_case(case, expected):
    assert found(SearchQuery("basra", case=case)) == expected
    assert found(SearchQuery("Basra", case=False)) == ["Basra", "BASRA", "basra"]


def test_whole_word():
    assert found(SearchQuery("Sadr")) == ["Sadr", "Sadr"]
    assert found(SearchQuery("Sadr", word=True)) == ["Sadr"]  # in al-Sadr, not in Sadrists
    assert found(SearchQuery("café", word=True)) == ["café"]
    assert found(SearchQuery("caf", word=True)) == []
    assert found(SearchQuery("Café", word=True)) == []  # "Café_1": _ continues a word
    # A combining accent continues the word: "cafe" is not whole in "cafe\u0301".
    assert found(SearchQuery("cafe", word=True), "cafe\u0301 cafe") == ["cafe"]
    assert find_hits("cafe\u0301 cafe", SearchQuery("cafe", word=True)) == [(6, 10)]


def test_whole_word_with_punctuation_at_the_edges_and_regexes():
    assert found(SearchQuery("basra.", word=True)) == ["basra."]
    # An edge that is no word character needs no boundary: "al-" is whole in "al-Sadr".
    assert found(SearchQuery("al-", word=True)) == ["al-"]
    assert found(SearchQuery(r"S\w+", regex=True, word=True)) == ["Sadr", "Sadrists"]
    assert found(SearchQuery(r"Sadr|Basra", regex=True, word=True)) == ["Basra", "Sadr"]


def test_invalid_regex_has_no_hits_and_compiles_with_its_own_error():
    assert find_hits(TEXT, SearchQuery("(", regex=True, word=True)) == []
    with pytest.raises(Exception, match="missing \\)"):
        SearchQuery("(", regex=True, word=True).compile()
