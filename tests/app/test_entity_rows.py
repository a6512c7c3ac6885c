"""The entity panel's row matching (``_row_edits``): SequenceMatcher's edits, common ends matched first."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.app.widgets.entity_panel import _row_edits

rows = st.lists(st.integers(0, 4), max_size=12)


@given(rows, rows)
def test_the_edits_turn_the_rows_drawn_into_the_rows_wanted(have, wanted):
    ops = _row_edits(have, wanted)
    out: list[int] = []
    at = (0, 0)
    for tag, i1, i2, j1, j2 in ops:
        assert (i1, j1) == at  # contiguous, as SequenceMatcher's: _reconcile applies them from the end
        out += have[i1:i2] if tag == "equal" else wanted[j1:j2]
        if tag == "equal":
            assert have[i1:i2] == wanted[j1:j2]
        at = (i2, j2)
    assert at == (len(have), len(wanted))
    assert out == wanted


def test_a_tag_in_the_middle_of_a_group_is_one_insert():
    have = list(range(50))
    wanted = [*have[:20], 99, *have[20:]]
    assert [op for op in _row_edits(have, wanted) if op[0] != "equal"] == [("insert", 20, 20, 20, 21)]
