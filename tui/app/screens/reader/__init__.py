"""The reader screen, split by subject (see :mod:`tui.app.screens.reader.screen`)."""

from tui.app.screens.reader.screen import HELP, ReaderScreen

__all__ = ["HELP", "ReaderScreen"]
