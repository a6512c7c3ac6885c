"""The garbage collector runs after a frame, not inside a key's work (``tui.app.collector``)."""

from __future__ import annotations

import gc

import pytest

from tests.app.conftest import reader_of
from tui.app.app import make_app
from tui.app.collector import RAISED_YOUNG_THRESHOLD, IdleCollector, due_generation

SIZE = (160, 50)


@pytest.mark.parametrize(("counts", "generation"), [
    ((700, 0, 0), 0),
    ((700, 8, 9), 0),  # the ninth young collection since the last middle one: still young
    ((700, 9, 0), 1),  # the tenth: the middle generation
    ((700, 9, 8), 1),
    ((700, 9, 9), 2),  # and the tenth middle one: a full collection
])
def test_the_generation_due_is_the_one_cpython_would_collect(counts, generation):
    assert due_generation(counts, (700, 10, 10)) == generation


def test_start_raises_the_young_threshold_and_stop_puts_the_thresholds_back():
    before = gc.get_threshold()
    collector = IdleCollector()
    collector.start()
    try:
        assert gc.get_threshold() == (max(before[0], RAISED_YOUNG_THRESHOLD), before[1], before[2])
    finally:
        collector.stop()
    assert gc.get_threshold() == before


def test_a_collector_switched_off_stays_off():
    before = gc.get_threshold()
    gc.set_threshold(0, before[1], before[2])
    try:
        collector = IdleCollector()
        collector.start()
        assert gc.get_threshold()[0] == 0
        collector.stop()
    finally:
        gc.set_threshold(*before)


async def test_the_app_collects_after_a_frame_and_puts_the_thresholds_back_on_exit(seed_db):
    before = gc.get_threshold()
    collected: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "stop":
            collected.append(info["generation"])

    async with make_app(seed_db, annotator="alice").run_test(size=SIZE) as pilot:
        assert gc.get_threshold()[0] == max(before[0], RAISED_YOUNG_THRESHOLD)
        await pilot.pause()
        # More new objects than the interpreter's own threshold, far fewer than the raised one:
        # only the app's collection after the next frame can take them.
        kept = [[i] for i in range(before[0] * 3)]
        assert gc.get_count()[0] >= before[0]
        gc.callbacks.append(seen)
        try:
            reader_of(pilot.app).refresh()
            await pilot.pause()
            await pilot.pause()
        finally:
            gc.callbacks.remove(seen)
        assert collected, "no collection after the frame"
        assert gc.get_count()[0] < before[0]
        del kept
    assert gc.get_threshold() == before
