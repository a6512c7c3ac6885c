"""Delayed callbacks that die with their screen.

Textual runs a callback queued with ``call_later``, ``call_next``,
``call_after_refresh``, ``set_timer`` or ``set_interval`` whenever its turn
comes, even if the screen that queued it was dismissed meanwhile:
``call_after_refresh`` is even forwarded to whatever screen is on top then,
and a dismissed screen keeps processing its queue while its widgets are
being removed. A reader callback that then looks up its article view meets
``NoMatches`` and the app exits with a traceback (the review race: about
one review in ten ended that way).

Every delayed callback of the reader and its widgets is therefore queued
through these functions, which wrap it in a check that its node is still
live: attached to the app, and its screen still on the screen stack (a
screen under a dialog is live; a dismissed one is not, from the moment it
is popped, before its widgets go).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from textual._context import NoActiveAppError
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.timer import Timer


def is_live(node: MessagePump) -> bool:
    """Whether a screen or widget may still act: attached, its screen on the app's stack.

    Args:
        node: a screen or a widget.

    Returns:
        False once the node's screen was dismissed (even while its widgets are
        still being removed), once the node was removed, or once the app exits.
    """
    try:
        app = node.app
    except NoActiveAppError:
        return False
    if not node.is_attached:
        return False
    if isinstance(node, Screen):
        screen: Any = node
    else:
        screen = _screen_of(node)
        if screen is None:
            return False
    return screen in app.screen_stack


def _screen_of(node: MessagePump) -> Screen | None:
    """The screen a widget lives on (None when it has none any more)."""
    parent: Any = node
    while parent is not None and not isinstance(parent, Screen):
        parent = parent._parent
    return parent


def guarded(node: MessagePump, callback: Callable[..., Any]) -> Callable[..., Any]:
    """``callback`` wrapped so that it does nothing once ``node`` is no longer live.

    Args:
        node: the screen or widget whose lifetime bounds the callback.
        callback: what to run.

    Returns:
        A callable with the same arguments; it returns None when skipped.
    """

    @wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        if is_live(node):
            return callback(*args, **kwargs)
        return None

    return run


def later(node: MessagePump, callback: Callable[..., Any], *args: Any) -> bool:
    """``node.call_later``, skipped if the node's screen ended first.

    Args:
        node: the screen or widget queueing the callback.
        callback: what to run once the node's queue is processed.
        *args: its arguments.

    Returns:
        Whether it was queued.
    """
    return node.call_later(guarded(node, callback), *args)


def next_tick(node: MessagePump, callback: Callable[..., Any], *args: Any) -> None:
    """``node.call_next``, skipped if the node's screen ended first.

    Args:
        node: the screen or widget queueing the callback.
        callback: what to run after the current message.
        *args: its arguments.
    """
    node.call_next(guarded(node, callback), *args)


def after_refresh(node: MessagePump, callback: Callable[..., Any], *args: Any) -> bool:
    """``node.call_after_refresh``, skipped if the node's screen ended first.

    Args:
        node: the screen or widget queueing the callback.
        callback: what to run after the next refresh (on whatever screen is on top then).
        *args: its arguments.

    Returns:
        Whether it was queued.
    """
    return node.call_after_refresh(guarded(node, callback), *args)


def timer(node: MessagePump, delay: float, callback: Callable[..., Any], *, name: str | None = None) -> Timer:
    """``node.set_timer``, skipped if the node's screen ended first.

    Args:
        node: the screen or widget owning the timer (Textual stops it when the node closes).
        delay: seconds.
        callback: what to run.
        name: the timer's name, for debugging.

    Returns:
        The timer (stop it to cancel).
    """
    return node.set_timer(delay, guarded(node, callback), name=name)


def interval(node: MessagePump, seconds: float, callback: Callable[..., Any], *, name: str | None = None) -> Timer:
    """``node.set_interval``, skipped once the node's screen ended.

    Args:
        node: the screen or widget owning the timer.
        seconds: the period.
        callback: what to run each period.
        name: the timer's name, for debugging.

    Returns:
        The timer.
    """
    return node.set_interval(seconds, guarded(node, callback), name=name)
