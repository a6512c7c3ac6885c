"""The reader's ``a``: run the document's default suggestion sources, then review what they found.

The sources come from the schema's ``[suggest]`` table and run through
:func:`tui.core.review.defaults.run_defaults` (the code of ``tui suggest``).
Places builds its matcher of 180,000 names on its first run (about a
second), so the run is a thread worker owned by the screen (it goes with the
screen), on its own store connection (a SQLite connection belongs to its
thread); each source commits as its own action before the screen shows it.
The status line says "suggesting…" meanwhile, and the keys stay live.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui.app.messages import AnnotationsChanged, StartReview
from tui.app.safe import safe
from tui.app.screens.reader.readonly import editing


class SuggestingMixin:
    """The default-sources key of the reader."""

    _suggesting = False
    """A run is under way (a second ``a`` says so instead of starting another)."""

    @editing
    def action_suggest_defaults(self) -> None:
        """Run the schema's default suggestion sources on this document, then open the review."""
        if self.doc is None:
            return
        if self._suggesting:
            self._say("still suggesting…")
            return
        self._suggesting = True
        self._update_status()  # says "suggesting…" until the run ends (status.SUGGESTING_MESSAGE)
        name, path, who = self.doc.name, getattr(self.store, "path", None), self.store.annotator
        if path is None:  # an in-memory store has no second connection
            self._run_defaults(self.store, name, lambda callback, value: callback(value))
            return

        def work() -> None:
            from tui.core.store import Store

            with Store(path, annotator=who) as store:
                self._run_defaults(store, name, self.app.call_from_thread)

        self.run_worker(work, thread=True, exclusive=True, group="suggest-defaults", exit_on_error=False)

    def _run_defaults(self, store: Any, name: str, deliver: Callable[..., Any]) -> None:
        """Run the sources (on the worker's thread) and ``deliver`` the outcome to the screen's thread."""
        from tui.core.review.defaults import run_defaults

        try:
            run: Any = run_defaults(store, name)
        except Exception as exc:  # noqa: BLE001 - any failure is reported, the app keeps running
            deliver(self._suggest_failed, exc)
            return
        deliver(self._suggested, run)

    def _suggest_failed(self, exc: Exception) -> None:
        self._suggesting = False
        if not self.is_attached:
            return
        self._say(f"not suggested: {safe(str(exc), limit=120)}")
        self.notify(f"not suggested: {safe(str(exc), limit=200)}", severity="error", markup=False)

    def _suggested(self, run: Any) -> None:
        """Show what each source made, and review the document's pending suggestions."""
        self._suggesting = False
        if not self.is_attached or self.doc is None or self.doc.name != run.doc_name:
            return
        summary = safe(run.summary(), limit=200)
        self._reload(summary)
        self.notify(summary, markup=False)
        self.post_message(AnnotationsChanged(self.doc.id, "suggest", origin=self))
        self.post_message(StartReview([self.doc.name], note=summary))

    def _say(self, text: str) -> None:
        self.message = text
        self._update_status()
