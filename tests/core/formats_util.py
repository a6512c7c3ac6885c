"""Helpers for the dataset-format tests: an in-memory store and span comparison."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.core.formats import ExportOptions, ImportOptions, module
from tui.core.model import KINDS, DocAnnotations, Document
from tui.core.store import new_id
from tui.core.text.offsets import span_text


class FakeStore:
    """Just enough of Store for exporters: ``annotations(doc_id, annotators=, statuses=)``."""

    def __init__(self) -> None:
        self.docs: list[Document] = []
        self.anns: dict[str, DocAnnotations] = {}

    def add(self, doc: Document, anns: DocAnnotations) -> Document:
        doc.id = doc.id or new_id()
        for ann in anns.all():
            ann.id = ann.id or new_id()
            ann.doc_id = doc.id
            ann.annotator = ann.annotator or "alice"
            if hasattr(ann, "fragments"):
                ann.text = span_text(doc.text, ann.fragments)
        self.docs.append(doc)
        self.anns[doc.id] = anns
        return doc

    def annotations(self, doc_id: str, *, annotators: Any = None, statuses: Any = None) -> DocAnnotations:
        out = DocAnnotations()
        for kind in KINDS:
            for ann in getattr(self.anns[doc_id], kind):
                if annotators is not None and ann.annotator not in annotators:
                    continue
                if statuses is not None and ann.status not in statuses:
                    continue
                getattr(out, kind).append(ann)
        out.spans.sort(key=lambda s: (s.start, s.end, s.id))
        return out


def export_to(tmp: Path, fmt: str, store: Any, options: ExportOptions | None = None,
              suffix: str = "") -> tuple[Path, Any]:
    """Export every document of ``store`` to a file; returns the path and the loss report."""
    mod = module(fmt)
    path = tmp / f"out{suffix or mod.SUFFIXES[0]}"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        report = mod.export(store, iter(getattr(store, "docs", None) or store.iter_documents(None)), fh,
                            options or ExportOptions())
    return path, report


def import_from(path: Path, fmt: str, **kw: Any) -> tuple[list[tuple[Document, DocAnnotations]], ImportOptions]:
    """Read a file with a format's reader; returns the items and the options (with notes)."""
    options = ImportOptions(**kw)
    return module(fmt).read([path], options), options


def span_set(anns: DocAnnotations) -> set[tuple[str, tuple[tuple[int, int], ...]]]:
    """Spans as comparable ``(label, fragments)`` pairs."""
    return {(s.label, tuple(map(tuple, s.fragments))) for s in anns.spans}

