"""Errors users see: one line naming the file, the line (or byte offset) and the reason."""

from __future__ import annotations


class TuiError(Exception):
    """Base of every error the command line reports without a traceback."""


class InputError(TuiError):
    """Bad input: a file, a line in it, and the reason.

    ``str()`` gives ``path:line: reason`` (or ``path: reason`` when the
    reason already names a byte offset or there is no line).
    """

    def __init__(self, reason: str, *, path: str | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        return f"{where}: {self.reason}" if where else self.reason


class InputErrors(TuiError):
    """Several input problems found by validating before writing anything."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        head = str(errors[0]) if errors else "no errors"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(head + more)


class StoreError(TuiError):
    """A store-level refusal: read-only database, newer version, not SQLite, conflict."""


class NotFound(TuiError):
    """A document or annotation that does not exist."""
