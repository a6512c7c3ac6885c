"""The Textual application: opens the store and shows the reader.

``tui`` (see :mod:`tui.cli.main`) calls :func:`run_app`; tests call
:func:`make_app` and drive it with Pilot. The reader opens the document
given, else the last one this annotator opened (a setting), else the
first by name.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from textual import events
from textual._dispatch_key import dispatch_key
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.screen import Screen

from tui.app.collector import IdleCollector
from tui.app.messages import AnnotationsChanged, OpenDocument, StartReview
from tui.app.settings import Settings, load_settings, save_settings
from tui.core.store import Store

#: Database used when neither an argument nor ``TUI_DB`` names one.
DEFAULT_DB = "annotations.db"
#: How long one write of the app waits for another process's lock before the
#: reader queues it and retries on a timer (s).
APP_BUSY_TIMEOUT_S = 0.1


def last_document_key(annotator: str) -> str:
    """The setting that remembers an annotator's last opened document."""
    return f"last_document:{annotator}"


def _command_provider() -> type[Provider]:
    """The command palette provider (imported when the palette first opens)."""
    from tui.app.palette import ActionsProvider

    return ActionsProvider


class TuiApp(App[None]):
    """Read and annotate news articles; every action is committed as it happens."""

    CSS_PATH = "tui.tcss"
    TITLE = "tui"
    COMMANDS = App.COMMANDS | {_command_provider}
    """The system commands plus one command per reader action."""
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+l", "redraw", "Redraw", id="redraw", show=False,
                tooltip="Draw the whole screen again (after another program wrote over it)."),
    ]
    """Keys of every screen (``ctrl+l`` is every terminal program's redraw)."""

    def __init__(
        self,
        db_path: str | Path | None = None,
        *,
        annotator: str | None = None,
        document: str | None = None,
    ) -> None:
        """Open the store (creating the database when missing).

        Args:
            db_path: the database (default: ``$TUI_DB`` or ``./annotations.db``).
            annotator: who is working (default: ``$TUI_ANNOTATOR`` or the login name).
            document: the document to open instead of the last opened one.
        """
        super().__init__()
        self.db_path = Path(db_path or os.environ.get("TUI_DB") or DEFAULT_DB)
        # No automatic WAL checkpoints on a keystroke's commit: the reader checkpoints when idle.
        self.store: Store = Store(self.db_path, annotator=annotator, autocheckpoint=False)
        # A key never waits long for another process's lock: the reader retries on a timer.
        self.store.set_busy_timeout(APP_BUSY_TIMEOUT_S)
        # Two instances of one annotator must not tag the same words twice.
        self.store.unique_spans = True
        self.annotator: str = self.store.annotator
        self.start_document = document
        self.settings: Settings = load_settings()
        """The user's preferences (theme, panel width, measure), saved when they change."""
        self._collector = IdleCollector()

    def action_redraw(self) -> None:
        """Draw the whole screen again, every cell (after another program wrote over it)."""
        self.screen.refresh(repaint=True, layout=True)

    def initial_document(self) -> str | None:
        """The document to open: the one asked for, the last opened, or the first by name."""
        store = self.store
        if self.start_document:
            return self.start_document
        last = store.get_setting(last_document_key(self.annotator))
        if last and store.has_document(last):  # not find_document: that reads the whole text
            return last
        names = store.document_names()
        return names[0] if names else None

    def on_mount(self) -> None:
        self._collector.start()
        self._apply_keymap()
        self._restore_theme()
        from tui.app.screens.reader import ReaderScreen

        self.push_screen(ReaderScreen(self.initial_document()))

    def _restore_theme(self) -> None:
        """Use the theme chosen in an earlier run, and remember every theme chosen from now on."""
        theme = self.settings.theme
        if theme and theme in self.available_themes and theme != self.theme:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: object) -> None:
        name = getattr(theme, "name", None)
        if isinstance(name, str) and name != self.settings.theme:
            self.settings.theme = name
            save_settings(self.settings)

    def _apply_keymap(self) -> None:
        """Remap keys by binding id from ``$XDG_CONFIG_HOME/tui/keymap.toml``; a bad file is reported."""
        try:
            from tui.app.keymap import load_keymap
        except ImportError:
            return
        try:
            keymap = load_keymap()
        except Exception as exc:  # noqa: BLE001 - a bad keymap must not stop the app
            self.notify(f"keymap not applied: {exc}", severity="error", markup=False, timeout=10)
            return
        if keymap:
            self.set_keymap(keymap)
            from tui.app.keymap import unknown_ids

            unknown = unknown_ids(keymap)
            if unknown:
                self.notify(f"keymap: no binding has the id(s) {', '.join(unknown)}",
                            severity="warning", markup=False, timeout=10)

    def on_open_document(self, message: OpenDocument) -> None:
        """A screen that is not a reader asked for a document: the readers on the stack open it."""
        from tui.app.screens.reader import ReaderScreen

        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.open_document(message.name)

    def on_annotations_changed(self, message: AnnotationsChanged) -> None:
        """A screen committed annotations: hand a copy to every other reader on the stack."""
        from tui.app.screens.reader import ReaderScreen

        if message.forwarded:
            return
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen) and screen is not message.origin:
                screen.post_message(AnnotationsChanged(message.doc_id, message.description, message.changes,
                                                       forwarded=True))

    def on_start_review(self, message: StartReview) -> None:
        """Review the pending suggestions of some documents (asked by the reader or the library)."""
        from tui.app.screens.review import ReviewScreen
        from tui.core.review.queue import ReviewQueue

        queue = ReviewQueue(self.store, message.names) if message.names else None
        if queue is None or queue.total == 0:
            what = "this document has" if len(message.names) == 1 else "these documents have"
            self.notify(f"nothing to review: {what} no pending suggestions", markup=False)
            return
        screen = ReviewScreen(queue)
        screen.note = message.note
        self.push_screen(screen)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's system commands; "Keys" opens the screen's own help (its keys only, none of
        Textual's), and Screenshot says where the file went (or why not)."""
        for command in super().get_system_commands(screen):
            help_action = getattr(screen, "action_help", None)
            if command.title == "Keys" and help_action is not None:
                command = SystemCommand("Keys", "Every key of this screen, and how to annotate", help_action)
            elif command.title == "Screenshot":
                # Textual's delivers to ~/Downloads from a thread and fails silently
                # when that folder is missing (issue 13).
                command = SystemCommand(
                    "Screenshot", "Save an SVG picture of the screen in the current folder",
                    lambda: self.call_after_refresh(self.action_screenshot))
            yield command

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG of the screen (default: ``tui-screenshot-TIME.svg`` in the current folder) and say where.

        The file is written whole or not at all through the export path policy
        (:func:`tui.core.outpath.write_file`); a failure is one line naming the reason.
        """
        from tui.app.safe import safe
        from tui.core.errors import TuiError
        from tui.core.outpath import split_relative, write_file

        folder = Path(path or os.getcwd())
        try:
            name = filename or f"tui-screenshot-{time.strftime('%Y%m%d-%H%M%S')}.svg"
            split_relative(name, "screenshot file name")
            target = folder / name
            for n in range(2, 100):
                if not target.exists():
                    break
                target = folder / f"{Path(name).stem}-{n}.svg"
            svg = self.export_screenshot()
            write_file(target, lambda fh: fh.write(svg))
        except (TuiError, OSError) as exc:
            self.notify(f"screenshot not saved: {safe(str(exc), limit=200)}", severity="error", markup=False,
                        timeout=10)
            return
        self.notify(f"screenshot saved to {safe(str(target.resolve()), limit=200)}", markup=False, timeout=10)

    def on_key(self, event: events.Key) -> None:
        # Type-ahead: `t` `p` typed fast. Both keys bubble through the reader; `t`
        # reaches the app first and opens the picker, then `p` arrives here, is
        # checked against the picker's bindings (it has none for `p`) and would be
        # dropped. A key that came through the reader while another screen is on
        # top is replayed once that screen is ready.
        from tui.app.screens.reader import ReaderScreen

        top = self.screen
        if getattr(event, "_tui_via_reader", False) and isinstance(top, ReaderScreen):
            # A dimmed key says why in the status line. Here, not in the reader's own
            # on_key: the app handles keys in order (the keys before this one have
            # moved the cursor already) and runs this before App._on_key runs the binding.
            top.explain_key(event.key)
        elif getattr(event, "_tui_via_reader", False):
            event.stop()
            event.prevent_default()  # App._on_key must not also check it against the dialog
            # Replayed from the top, once the dialog has mounted and focused its input.
            self._queue_key(events.Key(event.key, event.character))

    # -- type-ahead: keys typed before a dialog is ready keep their order ----------

    _typeahead: list[events.Key] | None = None

    def _queue_key(self, key: events.Key) -> None:
        """Hold ``key`` until the next refresh, after the keys held before it."""
        if self._typeahead is None:
            self._typeahead = []
            self.call_after_refresh(self._replay_keys)
        self._typeahead.append(key)

    def _replay_keys(self) -> None:
        """Post the held keys, in the order they were typed, to the screen now on top."""
        if getattr(self.screen, "_tui_closing", False) and self._typeahead:
            self.call_after_refresh(self._replay_keys)  # a dismissed dialog not popped yet: wait for it
            return
        held, self._typeahead = self._typeahead or [], None
        for key in held:
            key._tui_replayed = True  # type: ignore[attr-defined]
            self.post_message(key)

    async def on_event(self, event: events.Event) -> None:
        # While keys are held for a dialog that is not ready yet (`/` then `Basra`
        # enter, typed fast), a key that comes next waits behind them: else an enter
        # reaching the dialog directly would submit before the held letters are in.
        if (isinstance(event, events.Key) and self._typeahead is not None
                and not event.is_forwarded and not getattr(event, "_tui_replayed", False)):
            self._typeahead.append(events.Key(event.key, event.character))
            return
        # A dialog that has been dismissed but is still on top (`/Basra` enter `3`, typed
        # fast): the `3` is for the reader below, not the closing dialog's input.
        if (isinstance(event, events.Key) and not event.is_forwarded
                and getattr(self.screen, "_tui_closing", False)):
            self._queue_key(events.Key(event.key, event.character))
            return
        if isinstance(event, events.Key) and not event.is_forwarded and self._reader_focused():
            await self._reader_key(event)
            return
        await super().on_event(event)

    def _reader_focused(self) -> bool:
        """Whether a key goes to the reader's article view, the widget that has the focus while reading."""
        from tui.app.screens.reader import ReaderScreen
        from tui.app.widgets.article_view import ArticleView

        screen = self.screen
        return isinstance(screen, ReaderScreen) and type(self.focused) is ArticleView and screen.maximized is None

    async def _reader_key(self, event: events.Key) -> None:
        """A key for the reader's article view, handled as Textual would, without its trip up the widgets.

        Textual hands a key to the focused widget, which hands it to its parent,
        up to the screen and back to the app, each in its own message loop: four
        trips through the event loop (about 1.5 ms) before the app looks the key
        up in the bindings. None of the widgets on the way handles a key (no
        ``key_*`` method, no ``on_key`` but the reader's; a test checks), so
        this does here what those trips end in: the priority bindings, the
        reader's ``on_key`` and the app's, then the bindings of the focus chain.
        """
        self.app_focus = True
        self.screen._clear_tooltip()
        if await self._check_bindings(event.key, priority=True):
            return
        event._set_forwarded()
        self.screen.on_key(event)  # type: ignore[attr-defined]
        self.on_key(event)
        if event._stop_propagation or event._no_default_action:
            return
        if not await self._check_bindings(event.key):
            await dispatch_key(self, event)

    def post_display_hook(self) -> None:
        """A frame was written: the garbage collector may run now, not inside the next key's work."""
        self._collector.after_frame(self.call_later)

    def on_unmount(self) -> None:
        self._collector.stop()
        self.close_store()

    def close_store(self) -> None:
        """Close the database connection (safe to call twice)."""
        try:
            self.store.close()
        except Exception:  # noqa: BLE001 - already closed
            pass


def make_app(
    db_path: str | Path, *, annotator: str | None = None, document: str | None = None
) -> TuiApp:
    """Build the app on a database (tests drive it with ``run_test``).

    Args:
        db_path: the database file.
        annotator: who is working.
        document: the document to open (default: the last opened one).

    Returns:
        The app, not yet running.
    """
    return TuiApp(db_path, annotator=annotator, document=document)


def run_app(db_path: str | Path, *, annotator: str | None = None, document: str | None = None) -> None:
    """Run the reader until the user quits.

    Args:
        db_path: the database file.
        annotator: who is working.
        document: the document to open (default: the last opened one).
    """
    app = make_app(db_path, annotator=annotator, document=document)
    try:
        app.run()
    finally:
        app.close_store()
    if app.return_code:
        # Textual printed what went wrong; the shell must see it too (it said 0).
        raise SystemExit(app.return_code)


def main() -> None:
    """Run the app on ``$TUI_DB`` (or ``./annotations.db``) for ``make dev``."""
    run_app(os.environ.get("TUI_DB") or DEFAULT_DB, annotator=os.environ.get("TUI_ANNOTATOR"))


if __name__ == "__main__":  # pragma: no cover
    main()
