"""Workflows: the steps of one user task, strung together once for every caller.

:mod:`.importing` turns files into stored documents (``tui import``,
``tui FILE``); :mod:`.exporting` writes stored documents in a format
(``tui export``). Each takes a typed request and the open store and returns
a typed outcome (documents, annotation counts, losses, notes) that the caller
shows in its own way: the CLI prints it, a screen would notify. Nothing here
prints, reads options from a shared dict, or imports Textual or Rich.
"""

from __future__ import annotations

from tui.core.errors import TuiError


class RequestError(TuiError):
    """A request that cannot be carried out as asked (a bad format name, a folder format to a stream).

    Attributes:
        option: the command-line option the request came from (``--format``,
            ``--out``), so the CLI can report it as a usage error.
    """

    def __init__(self, message: str, *, option: str) -> None:
        self.option = option
        super().__init__(message)
