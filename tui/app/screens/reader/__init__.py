"""The reader screen (being split by subject)."""

from tui.app.screens.reader.screen import *  # noqa: F403
from tui.app.screens.reader.screen import HELP, ReaderScreen

__all__ = ["HELP", "ReaderScreen"]
