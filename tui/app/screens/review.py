"""Review mode: the reader, walking pending suggestions with one key per decision.

:class:`ReviewScreen` *is* a reader (a subclass), so the article shows the
current item selected and every reader key still works to fix it before
deciding: tag keys retype, ``=`` re-spans, ``u`` undoes. On top it adds
priority keys, so they work whichever panel has focus: ``a`` accept, ``x``
reject, ``space`` skip, ``backspace`` back to the previous decision, and a
bar with the progress and the count per decision. ``A`` / ``X`` accept or
reject in bulk: a one-line chooser (:class:`~tui.app.dialogs.bulk.BulkDialog`)
takes the items of the document with the same text and type, the same type,
or all the remaining ones, decided as one action. Decisions go through
:class:`tui.core.review.queue.ReviewQueue`: ordinary logged store actions.

Accepting a suggested event that has no arguments yet (a propagated trigger,
a trigger word of the schema's lexicon) opens the role prompt on it, as
``E`` and a type do: its roles are filled from the mentions near the trigger
(a pending one may fill a role: it is decided when the review reaches it),
``escape`` (or the last role) ends the prompt, and the review goes on from
the next item. While the prompt is open the decision keys are the prompt's
(``a`` and ``x`` are role letters there).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from tui.app import lifetime
from tui.app.dialogs.bulk import BulkDialog
from tui.app.messages import AnnotationsChanged
from tui.app.safe import safe
from tui.app.screens.reader import HELP as READER_HELP
from tui.app.screens.reader import ReaderScreen
from tui.app.screens.reader.bindings import READER_BINDINGS, ROLE_LETTERS, TEAM_HELP
from tui.core.editing import Pick
from tui.core.errors import TuiError
from tui.core.model import Event
from tui.core.review.queue import BULK_SCOPES, ReviewQueue

REVIEW_HELP = """\
## Review

The current suggestion is selected in the article. `a` accepts it, `x`
rejects it, `space` leaves it pending and moves on, `backspace` takes back
the previous decision. `A` (accept) and `X` (reject) decide in bulk: `t`
(or `enter`, or the same key again) every pending item of the document with
the same text and type, `l` every one of the type, `d` every remaining one;
`escape` decides nothing. A bulk decision is one step for `backspace` and `u`. Fix an item first with the reader's keys: a tag key
(`1`-`9`, `t`) retypes it, `v` + motions then `=` moves its boundaries.
`u` undoes, `escape` (or `q`) ends the review.

Accepting a suggested event with no arguments opens its **role prompt**
(as after `E`): fill the roles (a role's letter, `tab`/`enter`, `s` skips),
`escape` ends it, and the review goes on with the next item.

"""

#: Cells of the progress bar.
BAR_WIDTH = 30
_VERBS = {"accept": "accepted", "reject": "rejected", "skip": "skipped"}


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """A Unicode block bar ``done / total`` wide ``width`` cells (eighths for the last cell).

    Args:
        done: items done.
        total: all items.
        width: cells.

    Returns:
        Exactly ``width`` characters.
    """
    if total <= 0:
        return "░" * width
    eighths = round(8 * width * min(done, total) / total)
    full, part = divmod(eighths, 8)
    bar = "█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")
    return bar + "░" * (width - len(bar))


class ReviewBar(Static):
    """Progress (done / total), the count per decision and the current item."""

    DEFAULT_CSS = """
    ReviewBar {
        dock: top;
        height: 2;
        padding: 0 1;
        background: $panel;
    }
    """

    def show(self, queue: ReviewQueue, current: str) -> None:
        """Draw the queue's state.

        Args:
            queue: the review queue.
            current: a (sanitised) description of the current item.
        """
        done, total = queue.progress
        text = Text()
        text.append("REVIEW ", style="bold")
        text.append(progress_bar(done, total), style="green")
        text.append(f" {done}/{total}  ", style="bold")
        text.append(f"✓ {queue.counts['accept']} accepted  ", style="green")
        text.append(f"✗ {queue.counts['reject']} rejected  ", style="red")
        text.append(f"→ {queue.counts['skip']} skipped  ", style="dim")
        text.append(current)
        text.append("\n")
        for key, what in (("a", "accept"), ("x", "reject"), ("A X", "all…"), ("space", "skip"), ("backspace", "back"),
                          ("1-9/t", "retype"), ("v =", "re-span"), ("u", "undo"), ("esc", "end review")):
            text.append(f" {key} ", style="bold reverse")
            text.append(f" {what}  ", style="dim")
        self.update(text)


class ReviewScreen(ReaderScreen):
    """The reader in review mode: one key per decision on each pending item, in document order."""

    HELP = REVIEW_HELP + READER_HELP
    EDITS_OTHER_LAYERS = True
    """Fixing an item (tag keys, ``=``) edits the reviewed annotator's layer on purpose."""

    BINDINGS = [
        Binding("a", "review('accept')", "Accept", id="review-accept", priority=True,
                tooltip="Accept the current suggestion and go to the next."),
        Binding("x", "review('reject')", "Reject", id="review-reject", priority=True,
                tooltip="Reject the current suggestion and go to the next."),
        Binding("A", "review_bulk('accept')", "Accept all…", id="review-accept-all", priority=True,
                tooltip="Accept this and the items like it (same text, same type, or the whole document)."),
        Binding("X", "review_bulk('reject')", "Reject all…", id="review-reject-all", priority=True,
                tooltip="Reject this and the items like it (same text, same type, or the whole document)."),
        Binding("space", "review('skip')", "Skip", id="review-skip", priority=True,
                tooltip="Leave the current suggestion pending and go to the next."),
        Binding("backspace", "review_back", "Back", id="review-back", priority=True,
                tooltip="Take back the previous decision and return to it."),
        Binding("escape", "review_escape", "End review", id="review-close", priority=True,
                tooltip="Clear the selection, finish role filling, or end the review."),
        Binding("q", "close_review", "End review", id="review-quit", show=False,
                tooltip="End the review (every decision is already saved)."),
        # A screen's binding of a key replaces its base class's bindings of that key: the role
        # letters a and x are declared again, so that with the role prompt open (the decision
        # keys decline then) they still fill their roles.
        *[b for b in READER_BINDINGS if isinstance(b, Binding) and b.id in ("role-letter-a", "role-letter-x")],
    ]
    """Decision keys (priority: they work whichever panel has focus); the reader's keys stay."""

    def __init__(self, queue: ReviewQueue, *, store: Any = None) -> None:
        """Review the items of a queue.

        Args:
            queue: the pending items to walk (built by the caller, not empty).
            store: the store (default: the app's).
        """
        first = queue.current
        super().__init__(first.doc_name if first else None, store=store)
        self.queue = queue
        if first is not None:
            self.shown_layer = first.annotator
        self.last_decision = ""
        self.note = ""
        """A line for the status line once the first item is shown (what the suggestion run made)."""
        self.roles_of: str | None = None
        """The event just accepted whose role prompt is open (the review resumes when it closes)."""

    def compose(self) -> ComposeResult:
        yield ReviewBar(id="review-bar")
        yield from super().compose()

    def on_mount(self) -> None:
        # The reader's on_mount (which opens the document) runs after this one.
        lifetime.later(self, self.show_current)

    # -- state ------------------------------------------------------------------------

    def describe_item(self) -> Text:
        """The current item, sanitised, for the bar."""
        item = self.queue.current
        if item is None:
            return Text("review finished · backspace goes back · escape ends", style="bold")
        ann = self.by_id.get(item.ann_id)
        what = self.describe(ann) if ann is not None else item.label
        text = Text()
        text.append(safe(what, limit=60), style="bold")
        text.append(f"  {safe(item.origin, limit=30)} · {safe(item.annotator, limit=20)}", style="dim")
        if self.doc is not None and len(self.queue.docs or []) != 1:
            text.append(f" · {safe(item.doc_name, limit=30)}", style="dim")
        return text

    def show_current(self) -> None:
        """Bring the current item into the article, selected, and redraw the bar."""
        item = self.queue.current
        if item is not None:
            if self.doc is None or self.doc.id != item.doc_id:
                self.shown_layer = item.annotator
                self.open_document(item.doc_name)
            elif self.layer_name() != item.annotator:
                self.shown_layer = item.annotator
                self._reload()
            if item.ann_id in self.by_id:
                self._select(item.ann_id)
        else:
            self.selected_id = None
        if self.note:
            self.message, self.note = self.note, ""
        self._update_bar()
        self._update_status()
        self.refresh_bindings()

    def _update_bar(self) -> None:
        if self.is_mounted:
            self.query_one("#review-bar", ReviewBar).show(self.queue, self.describe_item())

    def _mode(self) -> str:
        if self.pick is not None or self.view.selection is not None:
            return super()._mode()
        done, total = self.queue.progress
        return f"REVIEW {done}/{total}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.pick is not None and action in ("review", "review_bulk", "review_back"):
            return None  # the role prompt owns the keys (a and x are role letters) until it closes
        if action in ("review", "review_bulk"):
            return True if self.queue.current is not None else None
        if action == "review_back":
            return True if self.queue.done > 0 else None
        if action in ("review_escape", "close_review", "help"):
            return True
        if action in ("library", "review_start", "layers", "corpus_search", "adjudicate", "next_document",
                      "previous_document", "done_next", "import_document"):
            return None  # one thing at a time: end the review first
        return super().check_action(action, parameters)

    # -- decisions ----------------------------------------------------------------------

    def action_review(self, decision: str) -> None:
        """Accept, reject or skip the current item, then show the next."""
        item = self.queue.current
        if item is None:
            self.app.bell()
            return
        ann = self.by_id.get(item.ann_id)
        what = self.describe(ann) if ann is not None else item.label
        try:
            self.queue.decide(decision)
        except TuiError as exc:
            self.notify(f"not saved: {exc}", severity="error", markup=False)
            return
        self._decided(item.doc_id, decision, f"{_VERBS[decision]} {safe(what, limit=60)}",
                      f"review: {decision} {item.label}")
        if decision == "accept" and item.kind == "events":
            self._fill_roles(item.ann_id)

    def _fill_roles(self, event_id: str) -> None:
        """Open the role prompt on an event just accepted, when it has no arguments and its type has roles."""
        event = self.by_id.get(event_id)
        et = self.schema.event_type(event.type) if isinstance(event, Event) and self.schema else None
        if not isinstance(event, Event) or event.arguments or et is None or not et.roles:
            return
        self.roles_of = event_id
        self._start_pick(Pick.for_event(event_id, et, ROLE_LETTERS))

    def action_review_bulk(self, decision: str) -> None:
        """Open the bulk chooser for accepting (``A``) or rejecting (``X``) items like the current one."""
        item = self.queue.current
        if item is None:
            self.app.bell()
            return
        counts = {scope: len(self.queue.bulk_matches(scope)) for scope in BULK_SCOPES}
        action = f"review_bulk('{decision}')"
        again = {key for key, active in self.active_bindings.items() if active.binding.action == action}

        def chosen(scope: str | None) -> None:
            if scope is None or self.queue.current is not item:
                return
            try:
                self.queue.decide_many(decision, scope)
            except TuiError as exc:
                self.notify(f"not saved: {exc}", severity="error", markup=False)
                return
            n = counts[scope]
            self._decided(item.doc_id, decision, f"{_VERBS[decision]} {n} × {safe(item.label, limit=30)}",
                          f"review: {decision} {n} × {item.label}")

        self.app.push_screen(BulkDialog(decision, again, item.text, item.label, counts), chosen)

    def _decided(self, doc_id: str, decision: str, message: str, description: str) -> None:
        """Show a decision: the article, the next item, and the end of the review."""
        self.last_decision = decision
        self._reload(message)
        if decision != "skip" and self.doc is not None:
            self.post_message(AnnotationsChanged(doc_id, description, origin=self))
        self.show_current()
        if self.queue.finished:
            c = self.queue.counts
            self.notify(f"review finished: {c['accept']} accepted, {c['reject']} rejected, "
                        f"{c['skip']} skipped", markup=False)

    def action_review_back(self) -> None:
        """Take back the previous decision and make its item current again."""
        try:
            item = self.queue.back()
        except TuiError as exc:
            self.notify(f"cannot go back: {exc}", severity="error", markup=False)
            return
        if item is None:
            return
        self._reload(f"back to {safe(item.label, limit=30)}")
        self.show_current()

    def action_review_escape(self) -> None:
        """Escape: finish role filling, else clear the selection, else end the review."""
        if self.pick is not None:
            self.action_pick_done()
        elif self.view.selection is not None:
            self.view.clear_selection()
        else:
            self.action_close_review()

    def action_close_review(self) -> None:
        """End the review (every decision is already committed)."""
        # The readers under it re-read their layer when they are shown again.
        self.post_message(AnnotationsChanged(None, "review", origin=self))
        self.dismiss(None)

    def action_help(self) -> None:
        """Every key of the review screen and how to review."""
        from tui.app.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.help_bindings(), REVIEW_HELP + READER_HELP + TEAM_HELP))

    def _end_pick(self, *, report: bool) -> None:
        """Close the prompt; after an accepted event's roles, the review resumes at its current item."""
        resume = self.pick is not None and self.pick.source_id == self.roles_of
        super()._end_pick(report=report)
        if resume:
            self.roles_of = None
            self.show_current()

    # -- keep the bar current after the reader's own actions (fixes, undo) ----------------------

    def _reload(self, message: str | None = None, **kwargs: Any) -> None:
        super()._reload(message, **kwargs)
        self._update_bar()
