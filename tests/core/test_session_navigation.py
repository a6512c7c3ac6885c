"""Where the reader stands: spans under the cursor, enter's cycle, and ]/[ through every kind."""

from __future__ import annotations

import pytest

from tests.core.session_util import open_session, pos
from tui.core.editing.navigation import cycle_at, only_span_at, spans_at, step


@pytest.fixture
def session(tmp_path):
    s = open_session(tmp_path / "s.db")
    yield s
    s.store.close()


def _ids(spans):
    return [s.id for s in spans]


def test_spans_at_innermost_first_and_only_span(session):
    iraqi = session.tag(*pos("Iraqi"), "GPE").value
    troops = session.tag(pos("Iraqi")[0], pos("troops")[1], "PER").value
    basra = session.tag(*pos("Basra"), "GPE").value
    index = session.index
    assert _ids(spans_at(index, pos("Iraqi")[0])) == [iraqi.id, troops.id]
    assert _ids(spans_at(index, pos("troops")[0] + 2)) == [troops.id]
    assert spans_at(index, pos("attacked")[0]) == []
    assert only_span_at(index, pos("Iraqi")[0]) is None  # two: ambiguous
    assert only_span_at(index, pos("Basra")[0] + 4).id == basra.id
    assert only_span_at(index, pos("Basra")[1]) is None  # end-exclusive


def test_spans_at_sees_a_long_span_far_before_the_offset(session):
    long = session.tag(0, pos("city")[1], "GPE").value
    session.tag(*pos("fled"), "PER")
    assert long.id in _ids(spans_at(session.index, pos("fled")[0]))
    assert long.id not in _ids(spans_at(session.index, pos("calm")[0]))


def test_cycle_at_goes_outwards_and_wraps(session):
    iraqi = session.tag(*pos("Iraqi"), "GPE").value
    troops = session.tag(pos("Iraqi")[0], pos("troops")[1], "PER").value
    at = pos("Iraqi")[0] + 1
    assert cycle_at(session.index, at, None).id == iraqi.id
    assert cycle_at(session.index, at, iraqi.id).id == troops.id
    assert cycle_at(session.index, at, troops.id).id == iraqi.id
    assert cycle_at(session.index, pos("attacked")[0], None) is None


def test_step_from_the_cursor_is_relative_to_the_span_it_stands_on(session):
    iraqi = session.tag(*pos("Iraqi"), "GPE").value
    basra = session.tag(*pos("Basra"), "GPE").value
    monday = session.tag(*pos("Monday"), "TIME").value
    index = session.index
    # At a span's start and inside it, [ is the one before it and ] the one after.
    for at in (pos("Basra")[0], pos("Basra")[0] + 2):
        assert step(index, None, at, -1).id == iraqi.id
        assert step(index, None, at, 1).id == monday.id
    # Between spans: ] the first starting at or after the cursor, [ the last before it.
    assert step(index, None, pos("attacked")[0], 1).id == basra.id
    assert step(index, None, pos("attacked")[0], -1).id == iraqi.id
    # From a selection, wrapping past the ends.
    assert step(index, monday.id, 0, 1).id == iraqi.id
    assert step(index, iraqi.id, 0, -1).id == monday.id


def test_step_visits_relations_and_sets_after_their_span(session):
    iraqi = session.tag(*pos("Iraqi"), "GPE").value
    basra = session.tag(*pos("Basra"), "GPE").value
    basra2 = session.tag(*pos("Basra", 1), "GPE").value
    relation = session.relate(iraqi.id, "PHYS", basra.id).value
    chain = session.corefer(basra.id, "Coreference", basra2.id).value
    index = session.index
    order = [iraqi.id]
    current = iraqi.id
    for _ in range(5):
        current = step(index, current, 0, 1).id
        order.append(current)
    assert order == [iraqi.id, relation.id, basra.id, chain.id, basra2.id, iraqi.id]
    back = [basra2.id]
    current = basra2.id
    for _ in range(5):
        current = step(index, current, 0, -1).id
        back.append(current)
    assert back == [basra2.id, chain.id, basra.id, relation.id, iraqi.id, basra2.id]


def test_step_skips_rejected_and_handles_an_empty_layer(session):
    assert step(session.index, None, 0, 1) is None
    a = session.tag(*pos("Iraqi"), "GPE").value
    assert step(session.index, a.id, 0, 1).id == a.id  # the only one: itself
