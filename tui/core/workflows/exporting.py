"""Export stored documents in a format: select, write complete or not at all, report losses.

The one export path: ``tui export`` (and any screen that exports) calls
:func:`export_documents`. It picks the documents (names, a document status),
the annotations (layers, statuses; by default every status for our lossless
JSONL and accepted ones for dataset formats), and writes them through the
format's exporter: a file through :func:`tui.core.outpath.write_file`
(written beside and renamed over it), a folder format through
:class:`~tui.core.outpath.OutputFolder` (inside the exporter), or an open
text stream. What the format could not carry comes back as a loss report.

Example:
    outcome = export_documents(store, ExportRequest(fmt="conll"), Path("out.conll"))
    for line in outcome.losses:
        print("loss:", line)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING, Literal, TypeVar

from tui.core.errors import TuiError
from tui.core.formats import ExportOptions, LossReport, module
from tui.core.model import Document
from tui.core.workflows import RequestError

if TYPE_CHECKING:
    from tui.core.store import Store

_T = TypeVar("_T")
#: Wraps the documents as they are written, to show progress: ``progress(docs, total)``.
Progress = Callable[[Iterable[_T], int], Iterable[_T]]
#: Annotation statuses a request may ask for; ``all`` means no filter.
Status = Literal["accepted", "pending", "rejected", "all"]


@dataclass(frozen=True)
class ExportRequest:
    """What to export and how (the options of ``tui export``)."""

    fmt: str = "jsonl"
    """A format of :data:`tui.core.formats.FORMATS` that has an exporter."""
    docs: tuple[str, ...] = ()
    """Only these documents (names or ids); empty: all."""
    layers: tuple[str, ...] = ()
    """Only these annotators' annotations; empty: every layer."""
    status: Status | None = None
    """Which annotations; None: ``all`` for JSONL, ``accepted`` for the others."""
    doc_status: Literal["new", "in-progress", "done"] | None = None
    """Only documents with this status for the store's annotator."""
    offsets: Literal["codepoint", "utf16"] | None = None
    """Offset unit, for formats that may use either."""
    label_case: Literal["upper"] | None = None
    """Change label case (CoNLL)."""
    strict: bool = False
    """Fail, writing nothing, if the format cannot carry everything."""
    shape: Literal["label", "entities"] | None = None
    """doccano's record shape for every line; None: ``entities`` if any document needs it."""

    def statuses(self) -> list[str] | None:
        """The annotation statuses to export (None: all), the default applied."""
        status = self.status or ("all" if self.fmt == "jsonl" else "accepted")
        return None if status == "all" else [status]


@dataclass
class ExportOutcome:
    """What an export wrote and what it lost."""

    fmt: str
    report: LossReport
    """Counts and examples of what the format could not carry, plus notes."""
    documents: list[str] = field(default_factory=list)
    """Names of the documents written, in order."""

    @property
    def losses(self) -> list[str]:
        """One line per kind lost (with examples), then the format's notes."""
        return self.report.lines()

    @property
    def info(self) -> list[str]:
        """What the export chose, not lost (doccano's record shape)."""
        return list(self.report.info)

    @property
    def lossless(self) -> bool:
        """True when the format carried everything."""
        return self.report.lossless


def exporter(fmt: str) -> ModuleType:
    """The module that exports ``fmt``.

    Raises:
        InputError: an unknown format name.
        RequestError: a format that cannot be exported (option ``--format``).
    """
    mod: ModuleType = module(fmt)
    if not hasattr(mod, "export"):
        raise RequestError(f"format {fmt!r} cannot be exported", option="--format")
    return mod


def writes_folder(fmt: str) -> bool:
    """Whether the format writes a folder of files (brat), which needs a folder path."""
    return bool(getattr(exporter(fmt), "FOLDER", False))


def select_documents(store: Store, request: ExportRequest, *,
                     progress: Progress[Document] | None = None) -> Iterator[Document]:
    """The documents a request exports, read one at a time, by name order.

    Every name asked for is looked up now, so a missing one is an error
    before anything is written.

    Raises:
        NotFound: a requested document that does not exist.
    """
    names = list(request.docs) or None
    if names:
        for name in names:
            store.document(name)
    selected: Iterable[Document] = store.iter_documents(names)
    if progress is not None:
        total = len(names) if names else len(store.document_names())
        selected = progress(selected, total)
    if request.doc_status is None:
        return iter(selected)
    return (d for d in selected if d.status.get(store.annotator, "new") == request.doc_status)


#: Formats that carry a web page's metadata (``meta["web"]``) and its HTML; the others report them lost.
KEEPS_WEB_META = ("jsonl",)


def _report_pages(report: LossReport, pages: list[str]) -> None:
    for name in pages:
        report.add("web page metadata and HTML (title, site, author, date, URL; kept by jsonl)", name)


def export_documents(store: Store, request: ExportRequest, out: Path | IO[str], *,
                     progress: Progress[Document] | None = None) -> ExportOutcome:
    """Write the request's documents to ``out``.

    Args:
        store: the open store (read-only is enough).
        request: what to export.
        out: a file path (written in one step: complete or absent), a folder
            path for a folder format, or an open text stream.
        progress: wraps the documents as they are written.

    Returns:
        The documents written and the loss report.

    Raises:
        RequestError: a format without an exporter, or a folder format given a stream.
        NotFound: a requested document that does not exist; nothing was written.
        TuiError: with ``strict``, what the format would lose; nothing was written.
        ExportWriteError, UnsafePath, PathCollision: the output could not be written.
    """
    mod = exporter(request.fmt)
    options = ExportOptions(layers=list(request.layers) or None, statuses=request.statuses(),
                            offsets=request.offsets, label_case=request.label_case, strict=request.strict,
                            shape=request.shape)
    folder = bool(getattr(mod, "FOLDER", False))
    if folder and not isinstance(out, Path):
        raise RequestError(f"{request.fmt} writes a folder: give --out DIR", option="--out")
    selected = select_documents(store, request, progress=progress)
    written: list[str] = []
    pages: list[str] = []  # documents read from web pages, whose metadata and HTML only JSONL carries

    def docs() -> Iterator[Document]:
        for doc in selected:
            written.append(doc.name)
            if request.fmt not in KEEPS_WEB_META and isinstance(doc.meta, dict) and doc.meta.get("web"):
                pages.append(doc.name)
            yield doc

    if folder and isinstance(out, Path):  # (a stream was refused above)
        report: LossReport = mod.export(store, docs(), out, options)
        _report_pages(report, pages)
        return ExportOutcome(fmt=request.fmt, report=report, documents=written)
    holder: list[LossReport] = []

    def write(fh: IO[str]) -> None:
        holder.append(mod.export(store, docs(), fh, options))
        _report_pages(holder[0], pages)
        if request.strict and not holder[0].lossless:
            raise TuiError("--strict: " + "; ".join(holder[0].lines()))

    if isinstance(out, Path):
        from tui.core.outpath import write_file

        write_file(out, write)
    else:
        write(out)
    return ExportOutcome(fmt=request.fmt, report=holder[0], documents=written)
