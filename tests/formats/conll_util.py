"""Helpers for the CoNLL round-trip tests: import into a real store, export, compare."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import DATA
from tui.core.store import Store
from tui.core.workflows.exporting import ExportRequest, export_documents
from tui.core.workflows.importing import ImportRequest, import_files

CONLL = DATA / "conll"
CORPORA = Path("/work/shared/corpora")


def fmt_of(path: Path) -> str:
    return "conllu" if path.suffix == ".conllu" else "conll"


def import_into(tmp: Path, path: Path, name: str = "db") -> Store:
    store = Store(tmp / f"{name}.db", annotator="alice")
    import_files(store, ImportRequest(paths=(path,)))
    return store


def export_of(store: Store, tmp: Path, fmt: str, name: str = "out", **kw) -> tuple[bytes, list[str]]:
    out = tmp / f"{name}.{fmt}"
    outcome = export_documents(store, ExportRequest(fmt=fmt, **kw), out)
    return out.read_bytes(), outcome.report.lines() + outcome.report.info
