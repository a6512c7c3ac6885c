"""Python's cyclic garbage collector, run after a frame instead of inside a key's work.

CPython collects its youngest generation every 700 new container objects,
wherever the program is then. A tag allocates a few thousand (the change
set, the panel rows, the strips of a frame), so four or five collections
ran inside every tag's handler and frame, a tenth of a millisecond each;
every tenth key a middle one (about 1 ms) and now and then a full one
(12-16 ms on a 20 kB article with its panels, the frame drawn late). None
of that work has to happen before the frame the key is waiting for.

While the app runs, :class:`IdleCollector` raises the threshold of the
young generation, so the collector almost never starts on its own inside a
key, and runs the collection the interpreter would have run right after
each frame is written, when the app waits for the next key. A program that
allocates without drawing (a worker thread's import) still meets the raised
threshold, so memory stays bounded. The thresholds are put back when the
app stops (tests run many apps in one process).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

#: Young objects allowed before the collector starts on its own while the app runs.
RAISED_YOUNG_THRESHOLD = 50_000


class IdleCollector:
    """Moves the collector's work from inside a key's handling to right after the frame it draws."""

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None
        self._pending = False

    def start(self) -> None:
        """Raise the young generation's threshold (kept, to put back in :meth:`stop`)."""
        if self._saved is not None:
            return
        self._saved = saved = gc.get_threshold()
        young, middle, old = saved
        if young:  # 0: the collector is off; leave it so
            gc.set_threshold(max(young, RAISED_YOUNG_THRESHOLD), middle, old)

    def stop(self) -> None:
        """Put the thresholds back as they were before :meth:`start`."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def after_frame(self, schedule: Callable[[Callable[[], Any]], Any]) -> None:
        """A frame was written: queue a collection behind what the app has queued, if one is due.

        Args:
            schedule: queues a callback after the messages already waiting (``App.call_later``):
                a key that arrived while the frame was drawn is handled first.
        """
        if self._pending or self._saved is None or not gc.isenabled():
            return
        if gc.get_count()[0] < self._saved[0]:
            return
        self._pending = True
        schedule(self.collect)

    def collect(self) -> int:
        """Run the generation the interpreter would have collected now (see :func:`due_generation`).

        Returns:
            The generation collected.
        """
        self._pending = False
        saved = self._saved or gc.get_threshold()
        generation = due_generation(gc.get_count(), saved)
        gc.collect(generation)
        return generation


def due_generation(counts: tuple[int, int, int], thresholds: tuple[int, int, int]) -> int:
    """The generation CPython collects when its youngest is full, by its counters.

    A young collection counts one for the middle generation; when that makes
    ``thresholds[1]`` of them, the middle one is collected instead, which
    counts one for the old generation; and when that makes ``thresholds[2]``,
    the old one (a full collection).

    Args:
        counts: ``gc.get_count()``.
        thresholds: the thresholds the interpreter used before the app raised the first.

    Returns:
        0, 1 or 2.
    """
    _, middle, old = counts
    if middle + 1 < thresholds[1]:
        return 0
    return 2 if old + 1 >= thresholds[2] else 1
