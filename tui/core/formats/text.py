"""Plain text and Markdown files in, as documents.

A document's name is its path relative to the imported folder, with ``/``
separators and without extension; a single file gives its stem.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from tui.core.errors import InputError
from tui.core.model import Document
from tui.core.text.offsets import decode_utf8

T = TypeVar("T")  # what one file reads into, as each format defines it

TEXT_SUFFIXES = (".txt", ".text")
MARKDOWN_SUFFIXES = (".md", ".markdown")
#: Files larger than this are refused rather than loaded (a 5 MB article is large).
MAX_BYTES = 64 * 1024 * 1024


def collect(paths: Iterable[str | Path], suffixes: tuple[str, ...]) -> list[tuple[Path, str]]:
    """Expand files and folders into ``(file, document name)`` pairs.

    Folders are walked recursively in sorted order and keep only files with
    one of ``suffixes``; a file named directly is taken whatever its suffix.

    Raises:
        InputError: a path that does not exist.
    """
    out: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.suffix.lower() in suffixes and not f.name.startswith("."):
                    rel = f.relative_to(path).with_suffix("")
                    out.append((f, rel.as_posix()))
        elif path.is_file():
            out.append((path, path.stem))
        else:
            raise InputError("no such file or directory", path=str(path))
    return out


def read_each(paths: Iterable[str | Path], suffixes: tuple[str, ...],
              read_one: Callable[[Path, str], list[T]]) -> list[T]:
    """Read every file of :func:`collect` with ``read_one(path, name)``, collecting every problem.

    Raises:
        InputErrors: all problems of all files, each with file and line.
    """
    from tui.core.errors import InputErrors

    items: list[T] = []
    errors: list[InputError] = []
    for f, name in collect(paths, suffixes):
        try:
            items.extend(read_one(f, name))
        except InputErrors as exc:
            errors.extend(exc.errors)
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise InputErrors(errors)
    return items


def read_bytes(path: Path, max_bytes: int = MAX_BYTES, *, allow_empty: bool = False,
               what: str = "for one document", binary: bool = False) -> bytes:
    """Read a file, refusing huge, empty (unless ``allow_empty``) and binary ones with a clear reason.

    One ``open``, ``fstat`` and ``read`` on a descriptor: a corpus of small
    files (brat: two per document) spends much of its import time here.
    The size is checked before reading, and reading stops one byte past the
    limit (a file that grows while it is read is refused too).

    Args:
        path: the file.
        max_bytes: the largest size accepted.
        allow_empty: return ``b""`` for an empty file instead of refusing it.
        what: what the limit is for, in the message (``for one document``).
        binary: the format is binary: a NUL byte is not a reason to refuse.

    Raises:
        InputError: unreadable, too large, empty or binary, naming the file.
    """
    try:
        fd = os.open(path, _READ)
    except OSError as exc:
        raise InputError(exc.strerror or "cannot read", path=str(path)) from None
    try:
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise _too_large(path, size, max_bytes, what)
        chunks, got = [], 0
        while True:
            chunk = os.read(fd, max(size - got, 0) + 65536)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            if got > max_bytes:  # not a regular file, or one still growing
                raise _too_large(path, got, max_bytes, what)
    except OSError as exc:
        raise InputError(exc.strerror or "cannot read", path=str(path)) from None
    finally:
        os.close(fd)
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if not data:
        if allow_empty:
            return data
        raise InputError("empty file", path=str(path))
    nul = -1 if binary else data.find(b"\x00", 0, 8192)
    if nul >= 0:
        raise InputError(f"binary file (NUL byte at byte {nul})", path=str(path))
    return data


def _too_large(path: Path, size: int, max_bytes: int, what: str) -> InputError:
    return InputError(
        f"file is {size / 2**20:.1f} MiB, larger than the {max_bytes / 2**20:.0f} MiB limit {what}",
        path=str(path),
    )


_READ = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def read_document(path: Path, name: str, fmt: str = "auto", schema: str = "ace2005") -> Document:
    """Read one text or Markdown file into a document.

    Args:
        path: the file.
        name: the document name.
        fmt: ``text``, ``markdown`` or ``auto`` (by suffix).
        schema: the schema the document is bound to.
    """
    text = decode_utf8(read_bytes(path), str(path))
    if fmt == "auto":
        fmt = "markdown" if path.suffix.lower() in MARKDOWN_SUFFIXES else "text"
    if fmt == "markdown":
        from tui.core.text.markdown import render_markdown

        rendered, styles = render_markdown(text)
        return Document(name=name, text=rendered, source=text, styles=styles, schema=schema)
    return Document(name=name, text=text, schema=schema)


SUFFIXES = TEXT_SUFFIXES + MARKDOWN_SUFFIXES


def read(paths: list[Path], options: object) -> list[tuple[Document, object]]:
    """Registry entry: text and Markdown files or folders of them.

    Raises:
        InputErrors: every unreadable file, each with its reason.
    """
    from tui.core.model import DocAnnotations

    fmt = getattr(options, "fmt", "auto")
    fmt = fmt if fmt in ("text", "markdown") else "auto"
    schema = getattr(options, "schema", "ace2005")
    return read_each(paths, SUFFIXES, lambda f, name: [(read_document(f, name, fmt, schema), DocAnnotations())])
