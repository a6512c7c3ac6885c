"""Import files as documents: read and validate everything, then write it all in one action.

The one import path: ``tui import``, ``tui FILE`` / ``tui open FILE`` and the
app all call :func:`import_files`. It reads every path (format detected or
given), binds the documents to their schema (``--schema``, or the schema a
brat folder's ``annotation.conf`` describes, which is then stored with them),
and writes documents, schemas and annotations in one logged action. Nothing
is written when any file is bad: every problem is raised together first.

Example:
    outcome = import_files(store, ImportRequest(paths=(Path("seeds"),)))
    print(outcome.summary())
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from tui.core.formats import FORMATS, ImportOptions, read_paths
from tui.core.model import DocAnnotations, Document
from tui.core.schema import Schema, load_schema
from tui.core.workflows import RequestError

if TYPE_CHECKING:
    from tui.core.store import Store
    from tui.core.text.reanchor import ReanchorReport

#: One document read from a file, with its annotations.
Item = tuple[Document, DocAnnotations]
_T = TypeVar("_T")
#: Wraps the items as they are written, to show progress: ``progress(items, total)``.
Progress = Callable[[Iterable[_T], int], Iterable[_T]]
#: The schema documents are bound to when the request names none and the format brings none.
DEFAULT_SCHEMA = "ace2005"


@dataclass(frozen=True)
class ImportRequest:
    """What to import and how (the options of ``tui import``)."""

    paths: tuple[Path, ...]
    """Files or folders."""
    urls: tuple[str, ...] = ()
    """Web pages to fetch and read as articles (``http``/``https``; :mod:`tui.core.formats.html`)."""
    fetch_timeout: float = 20.0
    """Seconds one URL's fetch may take, all told."""
    fetch_max_bytes: int = 10 * 2**20
    """The largest page fetched."""
    fmt: str = "auto"
    """A name of :data:`tui.core.formats.FORMATS`, or ``auto`` (by extension and content)."""
    schema: str | None = None
    """A stored or preset schema name, or a schema TOML file (stored with the documents)."""
    as_suggestions: bool = False
    """Annotations come in as pending suggestions."""
    lenient: bool = False
    """Skip (and list) what breaks the schema instead of failing."""
    offsets: Literal["codepoint", "utf16"] | None = None
    """Offset unit of the input, for formats that may use either."""
    update: bool = False
    """Re-import documents whose text changed, moving their annotations."""

    @property
    def label(self) -> str:
        """The action's name in the operation log (``import a.txt b.txt``)."""
        return "import " + " ".join([p.name for p in self.paths] + list(self.urls))


@dataclass
class ReadBatch:
    """What reading the files gave, before anything is written."""

    items: list[Item]
    """The documents with their annotations, bound to their schema."""
    schemas: list[Schema] = field(default_factory=list)
    """Schemas to store with the documents (a ``--schema`` file, brat ``.conf`` files)."""
    notes: list[str] = field(default_factory=list)
    """Repairs made, schemas inferred, and the like: one line each."""
    skipped: list[str] = field(default_factory=list)
    """What a lenient import left out: one line each, with file and line."""


@dataclass
class ImportOutcome:
    """What an import did."""

    documents: list[str] = field(default_factory=list)
    """Names of the documents read, in file order (new and unchanged)."""
    doc_ids: list[str] = field(default_factory=list)
    """Their ids in the store, in the same order."""
    documents_added: int = 0
    documents_unchanged: int = 0
    annotations_added: int = 0
    annotations_unchanged: int = 0
    schemas_saved: list[str] = field(default_factory=list)
    """Names of the schemas stored by this import."""
    notes: list[str] = field(default_factory=list)
    """Repairs made, schemas inferred, and the like: one line each."""
    skipped: list[str] = field(default_factory=list)
    """What a lenient import left out: one line each."""
    reanchored: list[ReanchorReport] = field(default_factory=list)
    """With ``update``: one report per document whose text changed."""

    def summary(self) -> str:
        """One line: documents imported and unchanged, annotations added."""
        return (
            f"{self.documents_added} document(s) imported, {self.documents_unchanged} unchanged; "
            f"{self.annotations_added} annotation(s) added"
            + (f", {self.annotations_unchanged} already present" if self.annotations_unchanged else "")
        )


def check_format(fmt: str) -> None:
    """Refuse a format name that is neither ``auto`` nor a known format.

    Raises:
        RequestError: naming the known formats (option ``--format``).
    """
    if fmt != "auto" and fmt not in FORMATS:
        raise RequestError(f"{fmt!r} is not one of auto, {', '.join(FORMATS)}", option="--format")


def resolve_schema(store: Store, spec: str) -> Schema:
    """The schema a ``--schema`` value names: a TOML file, else a stored or preset name.

    Raises:
        SchemaError: a bad file or an unknown name.
    """
    if Path(spec).is_file():
        return load_schema(spec)
    schema: Schema = store.schema(spec)
    return schema


def read_files(store: Store, request: ImportRequest) -> ReadBatch:
    """Read and validate every file of the request; writes nothing.

    Args:
        store: the open store (only read: a ``--schema`` name is looked up in it).
        request: what to import.

    Returns:
        The documents bound to their schema, and the schemas to store with them.

    Raises:
        RequestError: an unknown format name.
        InputErrors: every problem of every file, each with file and line.
        SchemaError: a bad ``--schema``.
    """
    check_format(request.fmt)
    given = resolve_schema(store, request.schema) if request.schema else None
    options = ImportOptions(
        schema=given.name if given is not None else DEFAULT_SCHEMA,
        as_suggestions=request.as_suggestions,
        lenient=request.lenient,
        offsets=request.offsets,
        schema_in_force=given,
    )
    items = _read_all(request, options)
    schemas: list[Schema] = []
    if given is not None:
        for doc, _ in items:  # the request's schema wins over what a format found
            doc.schema = given.name
        if request.schema is not None and Path(request.schema).is_file():
            schemas.append(given)
    schemas.extend(options.found_schemas)
    return ReadBatch(items=items, schemas=schemas, notes=list(options.notes), skipped=list(options.skipped))


def _read_all(request: ImportRequest, options: ImportOptions) -> list[Item]:
    """The request's files, then its URLs, every problem of both raised together."""
    from tui.core.errors import InputError, InputErrors

    if request.urls and request.fmt not in ("auto", "html"):
        raise RequestError(f"a URL is read as a web page: --format {request.fmt} cannot apply to it",
                           option="--format")
    errors: list[InputError] = []
    items: list[Item] = []
    try:
        items = read_paths(request.paths, request.fmt, options=options) if request.paths else []
    except InputErrors as exc:
        errors.extend(exc.errors)
    if request.urls:
        from tui.core.fetch import FetchLimits
        from tui.core.formats.html import read_url

        limits = FetchLimits(timeout=request.fetch_timeout, max_bytes=request.fetch_max_bytes)
        names = {doc.name: doc.text for doc, _ in items}
        for url in request.urls:
            try:
                doc = read_url(url, limits, options.schema, options.notes)
            except InputError as exc:
                errors.append(exc)
                continue
            if names.get(doc.name, doc.text) != doc.text:
                errors.append(InputError(f"two different pages give the document name {doc.name!r}", path=url))
            names[doc.name] = doc.text
            items.append((doc, DocAnnotations()))
    if errors:
        raise InputErrors(errors)
    return items


def user_path(text: str, cwd: Path | None = None) -> Path:
    """A file or folder typed by a user (the app's import prompt), checked before anything is read.

    ``~`` is the home folder; a relative path is taken from ``cwd`` (default:
    the current folder), as ``tui FILE`` takes it. Spaces are part of the name.

    Args:
        text: what was typed.
        cwd: the folder relative paths start from.

    Returns:
        The path (absolute).

    Raises:
        InputError: nothing typed, a NUL in it, or no such file or folder.
    """
    from tui.core.errors import InputError

    typed = text.strip()
    if not typed:
        raise InputError("type the path of a file or folder to import")
    if "\x00" in typed:
        raise InputError("a path cannot hold a NUL character")
    path = Path(os.path.expanduser(typed))
    if not path.is_absolute():
        path = (cwd or Path.cwd()) / path
    try:
        exists = path.exists()
    except OSError as exc:  # too long, permission denied on a parent
        raise InputError(exc.strerror or "cannot be read", path=typed) from None
    if not exists:
        raise InputError("no such file or folder", path=typed)
    return path


def complete_path(text: str, cwd: Path | None = None, *, shown: Callable[[str], bool] = lambda _n: True) -> str | None:
    """The first completion of a partly typed path (for a prompt's suggestion), or None.

    Args:
        text: what was typed so far (``~`` and relative paths as :func:`user_path`).
        cwd: the folder relative paths start from.
        shown: whether a file name may be offered (the app refuses names it cannot show safely).

    Returns:
        ``text`` extended to the first matching entry, by name (folders end with ``/``),
        or None when nothing matches or the folder cannot be read.
    """
    if not text or "\x00" in text:
        return None
    head, _, prefix = text.rpartition("/")
    folder_text = head + "/" if _ else ""
    folder = Path(os.path.expanduser(folder_text or "."))
    if not folder.is_absolute():
        folder = (cwd or Path.cwd()) / folder
    try:
        names = sorted(e.name + ("/" if e.is_dir() else "") for e in os.scandir(folder)
                       if e.name.startswith(prefix) and (prefix.startswith(".") or not e.name.startswith(".")))
    except OSError:
        return None
    for name in names:
        if name != prefix and shown(name):
            return folder_text + name
    return None


def import_files(store: Store, request: ImportRequest, *, progress: Progress[Item] | None = None) -> ImportOutcome:
    """Read the request's files and store them: all or nothing, one logged action.

    Args:
        store: the open store (writable).
        request: what to import.
        progress: wraps the items while they are written (the CLI shows a bar).

    Returns:
        Documents, annotation counts, schemas stored, notes and skipped lines.

    Raises:
        RequestError: an unknown format name.
        InputErrors: every problem of every file; nothing was written.
        SchemaError: a bad ``--schema``; nothing was written.
        StoreError: the store refused (read-only, a name with another text).
    """
    batch = read_files(store, request)
    return store_batch(store, batch, request, progress=progress)


def store_batch(store: Store, batch: ReadBatch, request: ImportRequest, *,
                progress: Progress[Item] | None = None) -> ImportOutcome:
    """Write what :func:`read_files` gave, in one action (its schemas first: the documents name them).

    Args:
        store: the open store (writable).
        batch: the documents and schemas read.
        request: the request they were read for (its label and ``update``).
        progress: wraps the items while they are written.

    Returns:
        What was written.
    """
    from tui.core.text.reanchor import update_changed

    outcome = ImportOutcome(notes=list(batch.notes), skipped=list(batch.skipped))
    items: Iterable[Item] = batch.items
    with store.action(request.label):
        for schema in batch.schemas:
            store.save_schema(schema)
            outcome.schemas_saved.append(schema.name)
        if request.update:  # changed texts first, so import_documents then sees them unchanged
            outcome.reanchored = update_changed(store, batch.items)
        if progress is not None:
            items = progress(batch.items, len(batch.items))
        result = store.import_documents(items, action=request.label)
    outcome.documents = [doc.name for doc, _ in batch.items]
    outcome.doc_ids = list(result.doc_ids)
    outcome.documents_added = result.documents_added
    outcome.documents_unchanged = result.documents_unchanged
    outcome.annotations_added = result.annotations_added
    outcome.annotations_unchanged = result.annotations_unchanged
    return outcome
