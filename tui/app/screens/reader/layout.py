"""The reader's layout: how the article and the side panels share the terminal (a mixin of the reader).

- Below :data:`PANELS_MIN_TERMINAL` columns the side panels are folded away
  and the article takes the whole width; at that width and above they show.
  ``\\`` shows or hides them whatever the width (the choice holds until the
  terminal crosses the threshold again).
- The article's text rows are at most the user's measure wide (default 100
  cells) and the column is centred in the room the panels leave.
- ``|`` cycles the panels' width through :data:`PANEL_PRESETS`; the width and
  the measure are preferences (:mod:`tui.app.settings`), kept between runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events

from tui.app.settings import Settings, save_settings

if TYPE_CHECKING:
    from textual.widget import Widget

    from tui.app.widgets.article_view import ArticleView

#: Terminals narrower than this fold the side panels away (the article needs the room).
PANELS_MIN_TERMINAL = 100
#: The article keeps at least this many columns when the panels are shown in a narrow terminal.
ARTICLE_MIN = 40
#: The narrowest the panels get, whatever the terminal.
PANEL_MIN = 24
#: Widths ``|`` cycles through.
PANEL_PRESETS = (32, 40, 48, 60, 72)
#: Cells of the article view that are not text: padding (1 + 1), the scrollbar
#: gutter (2) and the one column the wrap keeps free for the cursor on a break.
ARTICLE_CHROME = 5


class LayoutMixin:
    """Panels folded or shown by width and by key, a capped and centred reading column."""

    if TYPE_CHECKING:
        app: Any
        size: Any
        view: ArticleView

        def query_one(self, selector: str) -> Widget: ...

        def refresh(self, *args: Any, **kwargs: Any) -> Any: ...

    _panels_choice: bool | None = None
    """Shown (True) or hidden (False) by ``\\``; None: by the terminal's width."""
    _layout_wide: bool | None = None

    @property
    def layout_settings(self) -> Settings:
        """The user's layout preferences (the app's, or defaults without one)."""
        settings = getattr(self.app, "settings", None)
        if not isinstance(settings, Settings):
            settings = Settings()
            try:
                self.app.settings = settings
            except AttributeError:
                pass
        return settings

    @property
    def panels_shown(self) -> bool:
        """Whether the side panels are on screen."""
        return bool(self.query_one("#side-panels").display)

    def on_resize(self, event: events.Resize) -> None:
        """The terminal changed size: fold or show the panels, fit their width."""
        was = self.panels_shown
        self._apply_layout(event.size.width)
        if self.panels_shown != was:
            self._after_panels_change()

    def _apply_layout(self, width: int | None = None) -> None:
        """Lay the article and the panels out for a terminal ``width`` columns wide."""
        width = width if width is not None else self.size.width
        if not width:
            return
        wide = width >= PANELS_MIN_TERMINAL
        if self._layout_wide is not None and wide != self._layout_wide:
            self._panels_choice = None  # crossing the threshold: the width decides again
        self._layout_wide = wide
        settings = self.layout_settings
        side = self.query_one("#side-panels")
        shown = self._panels_choice if self._panels_choice is not None else wide
        panel_width = max(PANEL_MIN, min(settings.panel_width, width - ARTICLE_MIN))
        side.styles.width = panel_width
        side.display = shown and any(child.display for child in side.children)
        self.view.styles.max_width = settings.measure + ARTICLE_CHROME

    def action_toggle_panels(self) -> None:
        """Show or hide the side panels (folded by default in narrow terminals)."""
        side = self.query_one("#side-panels")
        show = not side.display
        if show and not any(child.display for child in side.children):
            for child in side.children:  # every panel was hidden one by one: show them all
                child.display = True
        self._panels_choice = show
        self._apply_layout()
        self._after_panels_change()

    def action_panel_width(self) -> None:
        """Make the side panels the next preset width (wider, then back to the narrowest)."""
        settings = self.layout_settings
        current = settings.panel_width
        settings.panel_width = next((w for w in PANEL_PRESETS if w > current), PANEL_PRESETS[0])
        save_settings(settings)
        if not self.panels_shown:
            self._panels_choice = True
        self._apply_layout()
        self._after_panels_change()
        shown = self.query_one("#side-panels").styles.width
        fits = "" if shown is None or shown.value >= settings.panel_width else f" ({int(shown.value)} fit)"
        self._say(f"panels {settings.panel_width} columns{fits}")

    def _say(self, message: str) -> None:
        """Hook: show a short message in the status line (the reader's)."""

    def _after_panels_change(self) -> None:
        """Hook: the panels appeared, went or changed width (the reader redraws the inspector)."""
