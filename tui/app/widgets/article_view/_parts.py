"""What the article view's parts share, spelled out for the type checker.

:class:`~.view.ArticleView` is made of mixins (:mod:`.highlights`,
:mod:`.motions`, :mod:`.rendering`) that use each other's state and helpers.
For mypy each mixin derives from :class:`ViewParts`, which declares that
state (as ``ArticleView.__init__`` sets it) and the helpers one part calls
in another; at run time ``ViewParts`` is ``object`` and adds nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.style import Style
    from textual.cache import LRUCache
    from textual.reactive import reactive
    from textual.scroll_view import ScrollView
    from textual.strip import Strip
    from textual.timer import Timer

    from tui.app.widgets.article_view.highlight import Highlight
    from tui.core.model import StyleRun
    from tui.core.text.wrapping import LabelIndex, Row, RowMap

    class ViewParts(ScrollView):
        """The state and helpers of the article view, as its parts see them."""

        cursor: reactive[int] = reactive(0)
        selected_id: reactive[str | None] = reactive(None)
        show_labels: reactive[bool] = reactive(False)
        _text: str
        _runs: list[StyleRun]
        _run_index: dict[int, list[int]]
        _markers: dict[int, int]
        _hl_keys: dict[tuple[Any, ...], Highlight]
        _hl_index: dict[int, list[tuple[int, int, Highlight]]]
        _hl_versions: dict[int, int]
        _hl_by_id: dict[str, tuple[Highlight, ...] | list[Highlight]]
        _hits: list[tuple[int, int]]
        _hit_index: dict[int, list[int]]
        _hits_version: int
        _map: RowMap | None
        _map_width: int
        _anchor: int | None
        _visual: bool
        _goal_col: int | None
        _hover_id: str | None
        _drag_origin: int | None
        _dragged: bool
        _line_starts: list[int] | None
        _epoch: int
        _strip_cache: LRUCache[tuple[object, ...], Strip]
        _style_cache: dict[tuple[object, ...], Style]
        _component_cache: dict[str, Style]
        _width_cache: dict[str, int]
        _prewrap_scheduled: bool
        _label_index: LabelIndex | None
        _start_marks: dict[Highlight, int]
        _prefetch_timer: Timer | None
        _selection_memo: tuple[Any, ...]
        _base_style: Style | None
        on_moved: Callable[[], None] | None

        @property
        def selection(self) -> tuple[int, int] | None: ...
        def highlights_at(self, offset: int) -> list[Highlight]: ...
        def _highlights_near(self, lo: int, hi: int) -> list[Highlight]: ...
        def _label_points(self, row: Row) -> dict[int, int]: ...
        def _lead_points(self, row: Row) -> dict[int, list[Highlight]]: ...
        def _cell_width(self, cluster: str) -> int: ...
        def _rebuild_map(self, keep_view: bool = False) -> None: ...
        def _sync_virtual_size(self) -> None: ...
        def _schedule_prewrap(self) -> None: ...
        def _schedule_prefetch(self) -> None: ...
        def _set_cursor(self, offset: int) -> None: ...
        def _max_cursor(self) -> int: ...
        def _refresh_span(self, start: int, end: int) -> None: ...
else:
    ViewParts = object
