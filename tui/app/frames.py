"""Record the frames an app writes, encoded as they would go to a terminal.

Headless apps (Pilot, benchmarks) skip encoding their frames; this hook
encodes each compositor update with the app's console exactly as
``App._display`` does for a real terminal, and keeps its bytes and the time
it was finished. Benchmarks measure key -> frame latency with it; the
terminal-safety tests look for document control sequences in the bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FrameRecorder:
    """Collects ``(finish_time, terminal_bytes)`` for every frame an app displays."""

    keep_text: bool = True
    times: list[float] = field(default_factory=list)
    frames: list[str] = field(default_factory=list)
    probe: Callable[[], Any] | None = None
    """Called as each frame is displayed; what it returns is kept in :attr:`states` (what the frame shows)."""
    states: list[Any] = field(default_factory=list)

    def attach(self, app: Any) -> FrameRecorder:
        """Wrap ``app._display`` so every update is encoded and recorded."""
        from textual._compositor import CompositorUpdate

        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None and not app._batch_count:
                if isinstance(renderable, CompositorUpdate):
                    text = renderable.render_segments(app.console)
                else:
                    segments = app.console.render(renderable)
                    text = app.console._render_buffer(segments)
                self.times.append(time.perf_counter())
                if self.probe is not None:
                    self.states.append(self.probe())
                if self.keep_text:
                    self.frames.append(text)
            original(screen, renderable)

        app._display = display
        return self

    def clear(self) -> None:
        self.times.clear()
        self.frames.clear()
        self.states.clear()

    @property
    def output(self) -> str:
        return "".join(self.frames)
