"""Another annotator's layer is read-only in the reader: editing keys say so and change nothing.

Viewing a colleague's layer (the layers chooser) is for reading and copying:
every key that would edit is refused with a message that names the layer and
how to get back to yours, or to copy what is under the cursor into yours
(``y``). The session refuses too (:class:`~tui.core.editing.ReadOnlyLayer`),
so nothing reaches the database whichever way a verb is called; the review
screen, whose fixes edit the reviewed layer on purpose, opts out.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from tui.app.safe import safe

F = TypeVar("F", bound=Callable[..., Any])

EDITING_ACTIONS: set[str] = set()
"""The reader's actions that edit the shown layer (filled by :func:`editing`)."""


def editing(method: F) -> F:
    """Mark a reader action as an edit: on a read-only layer it is refused with a message instead.

    ``ReaderScreen.check_action`` lets these keys through on a read-only
    layer (rather than dimming them silently) so the refusal can be said.
    """
    EDITING_ACTIONS.add(method.__name__.removeprefix("action_"))

    @wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        if refuse_read_only(self):
            return None
        return method(self, *args, **kwargs)

    return run  # type: ignore[return-value]


def key_of(screen: Any, action: str) -> str:
    """How the key bound to ``action`` is shown (after remapping), or the action's name."""
    for active in screen.active_bindings.values():
        if active.binding.action == action:
            return str(screen.app.get_key_display(active.binding))
    return action


def read_only_message(screen: Any) -> str:
    """Why an edit is refused on the shown layer, and what to do instead (sanitised)."""
    layer = safe(screen.layer_name(), limit=30)
    me = safe(screen.annotator, limit=30)
    return (f"{layer}'s layer is read-only: {key_of(screen, 'layers')} → view {me} to edit yours, "
            f"or {key_of(screen, 'copy_overlay')} copies the annotation here into yours")


def refuse_read_only(screen: Any) -> bool:
    """Refuse an edit on a read-only layer (status line and a notification); True when refused."""
    session = screen.session
    if session is None or not session.read_only:
        return False
    screen.message = read_only_message(screen)
    screen._update_status()
    screen.notify(screen.message, title="Read-only layer", severity="warning", markup=False)
    return True
