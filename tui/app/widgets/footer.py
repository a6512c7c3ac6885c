"""A footer that restyles its keys in place when only their enabled state changed."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui.app import lifetime


class QuickFooterKey(FooterKey):
    """A footer key that keeps what it drew for each look it has had.

    Rendering a key is slow in Textual (its component styles are resolved
    through the whole DOM, ~0.5 ms a key), and the reader flips keys between
    enabled and dimmed on many keys (a tag selects the new span: Delete,
    Attrs, Note... light up; undo dims them again). The line drawn depends
    only on the key's size, its inline text style (the dimming), hover and
    its classes; anything else that restyles it (theme, CSS) calls
    :meth:`notify_style_update`, which forgets every look.
    """

    _looks: dict[tuple, Any] | None = None
    _drawn: dict[tuple, list[Strip]] | None = None
    """Rows drawn (after Textual's styling: background, padding) per look and crop."""

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._looks = None
        self._drawn = None

    def _look(self) -> tuple:
        return (self.size, str(self.styles.text_style), self.mouse_hover, frozenset(self.classes))

    def render_lines(self, crop: Region) -> list[Strip]:
        # A key flipped back to a look it had (a tag enables Delete, undo dims it)
        # is drawn as it was: Textual's styling of a row costs more than the row.
        look = (*self._look(), crop)
        drawn = self._drawn
        if drawn is None:
            drawn = self._drawn = {}
        strips = drawn.get(look)
        if strips is None:
            strips = drawn[look] = super().render_lines(crop)
        return strips

    def _render_content(self) -> None:
        look = self._look()
        looks = self._looks
        if looks is None:
            looks = self._looks = {}
        cached = looks.get(look)
        if cached is None:
            super()._render_content()
            looks[look] = self._render_cache
        else:
            self._render_cache = cached
            self._dirty_regions.clear()


class QuickFooter(Footer):
    """Textual's :class:`Footer`, minus a full rebuild on every cursor move.

    The reader enables and dims keys as the cursor moves (``Tag`` and
    ``Event`` need a word under the cursor, ``Delete`` a selected annotation).
    Every change makes the stock footer recompose: remove and re-mount a
    widget per key, then lay them out again, ~30 ms on a 2-core machine,
    longer than the rest of a key's work. When the keys shown are the same
    and only some became enabled or disabled, this footer toggles the
    ``-disabled`` class of those keys instead; anything else (another screen,
    a remapped key, a new binding) recomposes as before. The picture is the
    same either way.
    """

    _signature: tuple | None = None
    _enabled: dict[str, bool] | None = None
    _needed = 0
    """Cells every key and the palette key would take (0: not composed yet)."""
    _fitted_width = 0

    def _state(self) -> tuple[tuple, dict[str, bool]]:
        """What the footer shows (keys, actions, labels) and which actions are enabled."""
        bindings = self.screen.active_bindings
        signature = tuple(
            (binding.key, binding.action, binding.description, binding.group, tooltip,
             binding.tooltip)
            for (_node, binding, _enabled, tooltip) in bindings.values()
            if binding.show
        )
        palette = bindings.get(self.app.COMMAND_PALETTE_BINDING)
        signature += (
            self.show_command_palette,
            self.app.ENABLE_COMMAND_PALETTE,
            None if palette is None else (palette.binding.key, palette.binding.action),
        )
        enabled: dict[str, bool] = {}
        for _node, binding, is_enabled, _tooltip in bindings.values():
            # The footer shows the first binding of each action.
            enabled.setdefault(binding.action, is_enabled)
        return signature, enabled

    def compose(self) -> ComposeResult:
        self._signature, self._enabled = self._state() if self._bindings_ready else (None, None)
        for widget in self._fitted(list(super().compose())):
            if type(widget) is FooterKey:
                # Footer.compose builds plain FooterKeys; the subclass only adds a cache.
                widget.__class__ = QuickFooterKey
                # Footer binds each key's ``compact`` to its own; at mount that binding
                # sets the key's value and class once from its default and once from
                # the footer's, each a restyle of the key (a third of the reader's
                # start-up frame went there). This footer's ``compact`` never changes
                # after it is built: give each key its final state before it mounts.
                # (Only the keys it binds: the palette key keeps its own default.)
                if widget._reactive_connect:
                    widget._reactive_connect = None
                    widget.set_reactive(FooterKey.compact, self.compact)
                    widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def on_mount(self, event: events.Mount) -> None:
        # Footer.on_mount subscribes to the screen's bindings signal for a call on the
        # footer's own loop, after the screen has drawn the key that changed them: a
        # second frame. The reader publishes once per key, after its handler, so the
        # keys can be restyled then, in the key's frame (the stock path, a recompose,
        # runs on the footer's loop, as before).
        event.prevent_default()
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed, immediate=True)

    @staticmethod
    def _cells(widget: Any) -> int:
        """Cells a (non-compact) key takes: `` k Description ``; the palette key adds its border."""
        if not isinstance(widget, FooterKey):
            return 0
        cells = cell_len(widget.key_display) + 2 + (cell_len(widget.description) + 1 if widget.description else 0)
        return cells + (2 if widget.has_class("-command-palette") else 0)

    def _fitted(self, widgets: list[Any]) -> list[Any]:
        """The keys that fit the footer's width: when they do not all fit, the most useful.

        The screen may rank its footer actions, most useful first, in
        ``FOOTER_PRIORITY``; unranked keys come after the ranked ones. The keys
        kept stay in their usual order, and the palette key always stays.
        """
        width = self.size.width
        self._fitted_width = width
        self._needed = sum(self._cells(w) for w in widgets)
        if not width or self._needed <= width:
            return widgets
        ranking = list(getattr(self.screen, "FOOTER_PRIORITY", ()))
        room = width - sum(self._cells(w) for w in widgets if w.has_class("-command-palette"))
        keys = [w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")]

        def rank(widget: FooterKey) -> int:
            return ranking.index(widget.action) if widget.action in ranking else len(ranking)

        kept: set[int] = set()
        for widget in sorted(keys, key=rank):
            cells = self._cells(widget)
            if cells <= room:
                kept.add(id(widget))
                room -= cells
        return [w for w in widgets if not isinstance(w, FooterKey) or w.has_class("-command-palette")
                or id(w) in kept]

    def on_resize(self, event: events.Resize) -> None:
        """Narrower or wider: keep the keys that fit (only when not all of them did, or do)."""
        width = event.size.width
        if self._needed and width != self._fitted_width and min(width, self._fitted_width) < self._needed:
            self._fitted_width = width
            lifetime.later(self, self.recompose)

    def bindings_changed(self, screen: Any) -> None:
        if (
            self._bindings_ready
            and self._signature is not None
            and screen.app.app_focus
            and self.is_attached
            and screen is self.screen
        ):
            signature, enabled = self._state()
            if signature == self._signature:
                if enabled == self._enabled:
                    return  # one action refreshes the bindings several times
                self._enabled = enabled
                # A walk, not a CSS query: a query matches its selector against
                # every descendant's styles (~0.3 ms a key press).
                for key in self.walk_children(FooterKey):
                    disabled = not enabled.get(key.action, not key._disabled)
                    if disabled != key._disabled:
                        key._disabled = disabled  # what a click checks
                        # What the ``-disabled`` class does, as an inline style: toggling
                        # the class re-matches the whole stylesheet (~0.7 ms a key);
                        # an inline style only repaints the key.
                        key.styles.text_style = "dim" if disabled else "none"
                        # The key would tell the screen to repaint it from its own message
                        # loop, usually after the screen has drawn the rest of this key
                        # press: a second frame. Telling it now (what the key's idle
                        # handler does) puts both in one frame.
                        key._check_refresh()
                return
        # The stock way (a recompose), from the footer's own loop as Textual does it: a
        # recompose run from the screen's would bind its keys to the screen.
        lifetime.next_tick(self, super().bindings_changed, screen)
