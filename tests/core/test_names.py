"""Names for the next-name motion (``m``/``M``): runs of capitalised words, never an annotated one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.text import names as names_module
from tui.core.text.names import PREFIXES, names_in, next_name, overlap_checker


def names(text: str, annotated: list[tuple[int, int]] = ()) -> list[str]:
    return [text[s:e] for s, e in names_in(text, annotated=overlap_checker(annotated))]


def test_runs_of_capitalised_words():
    assert names("Fighting spread to Basra and Nasiriyah on Monday.") == [
        "Fighting", "Basra", "Nasiriyah", "Monday"]


def test_particles_join_between_capitals_only():
    text = "Osama bin Laden met Charles de Gaulle, Ludwig van der Rohe and Abu Musab al Zarqawi."
    assert names(text) == ["Osama bin Laden", "Charles de Gaulle", "Ludwig van der Rohe",
                           "Abu Musab al Zarqawi"]
    # A particle at either end is not part of the name.
    assert names("said de Gaulle") == ["Gaulle"]
    assert names("Gaulle de said") == ["Gaulle"]


def test_hyphens_apostrophes_initials_and_st():
    text = "Moqtada Al-Sadr, Nouri al-Maliki, Tip O'Neill, George W. Bush and St. Petersburg."
    assert names(text) == ["Moqtada Al-Sadr", "Nouri al-Maliki", "Tip O'Neill", "George W. Bush",
                           "St. Petersburg"]
    assert names("the talks with al-Maliki ended") == ["al-Maliki"]
    assert names("in the U.S. today") == ["U.S."]


def test_possessive_is_left_out_and_ends_the_name():
    text = "Sadr's men and Moqtada al-Sadr’s Mahdi Army"
    assert names(text) == ["Sadr", "Moqtada al-Sadr", "Mahdi Army"]


def test_sentence_initial_function_words_are_no_names():
    text = "The ministry said. In Baghdad, The Washington Post wrote. But Iraqi troops came. It was."
    assert names(text) == ["Baghdad", "Washington Post", "Iraqi"]


def test_caseless_scripts_are_skipped_quietly():
    text = "北京 和 上海。 قال المالكي في بغداد Basra"
    assert names(text) == ["Basra"]


def test_lines_and_punctuation_end_a_name():
    assert names("Basra\nBaghdad") == ["Basra", "Baghdad"]
    assert names("Basra, Baghdad") == ["Basra", "Baghdad"]


def test_annotated_runs_are_skipped_and_their_other_words_kept():
    text = "George W. Bush met Nouri al-Maliki in Basra."
    bush = text.index("Bush")
    assert names(text, [(bush, bush + 4)]) == ["George W.", "Nouri al-Maliki", "Basra"]
    # A word partly annotated is not offered; the rest of the run is.
    sadr = text.index("Maliki")
    assert names(text, [(sadr, sadr + 6)]) == ["George W. Bush", "Nouri", "Basra"]
    basra = text.index("Basra")
    assert names(text, [(0, len("George W. Bush")), (basra, basra + 5)]) == ["Nouri al-Maliki"]
    # The remainder is only what stands as a run of its own: no leading "The".
    text = "The Washington Post"
    assert names(text, [(4, len(text))]) == []


def test_next_and_previous():
    text = "Fighting in Basra. The army of Moqtada al-Sadr left."
    basra, sadr = text.index("Basra"), text.index("Moqtada")
    assert next_name(text, 1) == (basra, basra + 5)
    assert next_name(text, basra) == (basra, basra + 5)
    assert next_name(text, basra + 1) == (sadr, sadr + len("Moqtada al-Sadr"))
    assert next_name(text, sadr + 1) is None
    assert next_name(text, len(text), -1) == (sadr, sadr + len("Moqtada al-Sadr"))
    assert next_name(text, sadr, -1) == (basra, basra + 5)
    assert next_name(text, 0, -1) is None
    annotated = overlap_checker([(sadr, sadr + 7)])
    assert next_name(text, basra + 1, annotated=annotated) == (text.index("al-Sadr"), text.index(" left"))


def test_far_away_names_are_found_past_the_first_window():
    filler = "and so on " * 3000
    text = "Basra " + filler + "Najaf " + filler
    najaf = text.index("Najaf")
    assert next_name(text, 10) == (najaf, najaf + 5)
    assert next_name(text, len(text), -1) == (najaf, najaf + 5)
    assert next_name(text, najaf, -1) == (0, 5)
    # A name cut by a window edge in the middle of a long line is still whole.
    text = ("x " * 1020) + "Moqtada al-Sadr " + ("y " * 5000)
    s = text.index("Moqtada")
    assert next_name(text, s - 3) == (s, s + len("Moqtada al-Sadr"))
    assert next_name(text, len(text), -1) == (s, s + len("Moqtada al-Sadr"))


WORDS = ["Basra", "the", "The", "al-Sadr", "bin", "de", "W.", "George", "O'Neill", "Sadr's", "北京",
         "in", "In", "St.", "U.S.", "ibn", "café", "Émile", "x", "1999", "—", "école", "x-Ray", "_Basra",
         "al-", "'Basra'", "de-", "Ñandú", "el-Sisi", "Mr", "The"]
text_st = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", " ", ", ", ".\n", "  ", "\t", ". "])),
    max_size=40,
).map(lambda parts: "".join(w + sep for w, sep in parts))


@settings(max_examples=500, deadline=None)
@given(text_st, st.lists(st.tuples(st.integers(0, 400), st.integers(1, 12)), max_size=6), st.data())
def test_properties(text, raw_spans, data):
    spans = [(s, min(s + n, len(text))) for s, n in raw_spans if s < len(text)]
    annotated = overlap_checker(spans)
    found = names_in(text, annotated=annotated)
    for start, end in found:
        assert 0 <= start < end <= len(text)
        assert not any(s < end and start < e for s, e in spans), (text, spans, start, end)
        first = text[start]
        assert first.isupper() or text.startswith(PREFIXES, start)
        assert text[start:end] == text[start:end].strip()
        assert not text[start:end].endswith(("'s", "’s"))
    assert found == sorted(found)
    # The motion walks exactly these names, forward and backward, whatever the window it reads.
    pos = data.draw(st.integers(0, len(text)))
    after = [r for r in found if r[0] >= pos]
    before = [r for r in found if r[0] < pos]
    window = data.draw(st.sampled_from([1, 4, 16, 2048]))
    saved, names_module._WINDOW = names_module._WINDOW, window
    try:
        assert next_name(text, pos, 1, annotated) == (after[0] if after else None)
        assert next_name(text, pos, -1, annotated) == (before[-1] if before else None)
    finally:
        names_module._WINDOW = saved


def test_lower_case_accented_words_and_quotes():
    assert names("l'école de Paris et Émile Zola") == ["Paris", "Émile Zola"]
    assert names("the 'Basra' operation, x-Ray and _Basra") == ["Basra"]
