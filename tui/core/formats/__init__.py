"""Formats in and out. Each format is a module of functions over paths or files.

:func:`read_paths` turns files into ``(Document, DocAnnotations)`` pairs,
validated before anything is written; :func:`module` finds a format's
reader and writer. Callers do not string these steps together themselves:
the import and export workflows (:mod:`tui.core.workflows.importing`,
:mod:`tui.core.workflows.exporting`) do, for the CLI and the app alike.

A format module registered in :data:`FORMATS` provides, as it can:

- ``read(paths: list[Path], options: ImportOptions) -> list[tuple[Document, DocAnnotations]]``
  (raises :class:`InputErrors` naming file, line and reason; writes nothing);
- ``export(store, docs: Iterable[Document], out: Path | IO[str], options: ExportOptions) -> LossReport``;
- ``SUFFIXES``: file suffixes that ``auto`` maps to it, and ``FOLDER = True``
  if it is a folder of files (brat) that needs ``--out DIR``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.errors import InputError, InputErrors
from tui.core.model import DocAnnotations, Document

if TYPE_CHECKING:
    from tui.core.schema import Schema

#: Format name -> module (under tui.core.formats) implementing it.
FORMATS: dict[str, str] = {
    "html": "html",
    "text": "text",
    "markdown": "text",
    # doccano before jsonl: both read .jsonl, and only doccano's sniff tells them apart
    "doccano": "doccano",
    "jsonl": "jsonl",
    "brat": "brat",
    "conll": "conll",
    "conllu": "conllu",
    "spacy": "spacy_docbin",
    "labelstudio": "labelstudio",
}


def available(direction: str) -> list[str]:
    """Format names that can be imported (``read``) or exported (``export``)."""
    names = []
    for name in FORMATS:
        mod = module(name)
        if hasattr(mod, "read" if direction == "read" else "export"):
            names.append(name)
    return names


def module(name: str) -> Any:
    """The module implementing a format."""
    if name not in FORMATS:
        raise InputError(f"unknown format {name!r} (one of: {', '.join(FORMATS)})")
    return importlib.import_module(f"tui.core.formats.{FORMATS[name]}")


@dataclass
class ImportOptions:
    """Options every importer accepts (an importer ignores what it cannot use)."""

    schema: str = "ace2005"
    as_suggestions: bool = False
    lenient: bool = False
    offsets: str | None = None
    """``codepoint`` or ``utf16`` for formats whose offsets may be either."""
    fmt: str = "auto"
    skipped: list[str] = field(default_factory=list)
    """Filled by lenient importers: one line per item left out."""
    notes: list[str] = field(default_factory=list)
    """Filled by importers: repairs made, schema inferred, and so on."""
    schema_in_force: Schema | None = None
    """A schema the user gave (``--schema``): importers check types against it."""
    found_schemas: list[Schema] = field(default_factory=list)
    """Filled by importers whose input describes its own schema (brat ``.conf``
    files, or one inferred from the data): the documents are bound to these,
    so they must be stored with them."""


@dataclass
class ExportOptions:
    """Options every exporter accepts."""

    layers: list[str] | None = None
    statuses: list[str] | None = None
    offsets: str | None = None
    label_case: str | None = None
    strict: bool = False
    lang: str = "xx"
    """The spaCy language whose tokenizer the spaCy exporter uses."""
    shape: str | None = None
    """doccano's record shape, ``label`` or ``entities``; None: what the documents need."""


@dataclass
class LossReport:
    """What an export could not carry: counts per kind and the first few items."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)
    """What the export chose that is not a loss (doccano's record shape): printed as ``note:``."""
    documents: int = 0

    MAX_EXAMPLES = 5

    def add(self, kind: str, example: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        ex = self.examples.setdefault(kind, [])
        if len(ex) < self.MAX_EXAMPLES:
            ex.append(example)

    @property
    def lossless(self) -> bool:
        return not self.counts

    def lines(self) -> list[str]:
        out = []
        for kind, n in sorted(self.counts.items()):
            out.append(f"lost {n} {kind}: " + "; ".join(self.examples.get(kind, [])))
        out.extend(self.notes)
        return out


def detect_format(path: Path) -> str:
    """Guess a format from a path: its extension, or what a folder holds."""
    if path.is_dir():
        files = [p for p in path.rglob("*") if p.is_file()]
        if any(p.suffix == ".ann" for p in files) and "brat" in FORMATS:
            return "brat"
        if "html" in FORMATS and any(p.suffix.lower() in (".html", ".htm", ".xhtml") for p in files):
            return "html"  # pages, and the folder's .txt and .md files beside them
        return "text"
    suffix = path.suffix.lower()
    for name in FORMATS:
        mod = module(name)
        if suffix in getattr(mod, "SUFFIXES", ()):
            sniff = getattr(mod, "sniff", None)
            if sniff is None or sniff(path):
                return name
    if suffix == ".jsonl":
        return "jsonl"
    if suffix in (".md", ".markdown"):
        return "markdown"
    return "text"


def read_paths(
    paths: Iterable[str | Path], fmt: str = "auto", *, schema: str = "ace2005",
    options: ImportOptions | None = None,
) -> list[tuple[Document, DocAnnotations]]:
    """Read every path in the given format; all problems are collected first.

    Raises:
        InputErrors: one entry per problem (file, line or byte offset, reason).
    """
    opts = options or ImportOptions(schema=schema)
    opts.schema = schema if options is None else opts.schema
    items: list[tuple[Document, DocAnnotations]] = []
    errors: list[InputError] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            errors.append(InputError("no such file or directory", path=str(path)))
            continue
        kind = detect_format(path) if fmt == "auto" else fmt
        opts.fmt = fmt
        try:
            mod = module(kind)
            if not hasattr(mod, "read"):
                raise InputError(f"format {kind!r} cannot be imported", path=str(path))
            items.extend(mod.read([path], opts))
        except InputErrors as exc:
            errors.extend(exc.errors)
        except InputError as exc:
            errors.append(exc)
    seen: dict[str, str] = {}
    for doc, _ in items:
        if doc.name in seen and seen[doc.name] != doc.text:
            errors.append(InputError(f"two different files give the document name {doc.name!r}"))
        seen[doc.name] = doc.text
    if errors:
        raise InputErrors(errors)
    if opts.as_suggestions:
        for _, anns in items:
            for ann in anns.all():
                ann.status = "pending"
                if not ann.origin.startswith("suggestion:"):
                    ann.origin = f"suggestion:{kind}"
    return items
