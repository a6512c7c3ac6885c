"""Shared set-up for the editing-session tests: a real SQLite store with one article."""

from __future__ import annotations

from pathlib import Path

from tui.core.editing import AnnotationIndex, AnnotationSession
from tui.core.model import Document
from tui.core.schema import Schema, validate
from tui.core.store import Store

TEXT = (
    "Iraqi troops attacked Basra on Monday with tanks. "
    "The militias fled the city. "
    "Basra is calm and the army holds it."
)


def pos(sub: str, nth: int = 0) -> tuple[int, int]:
    """The extent of the ``nth`` occurrence of ``sub`` in :data:`TEXT`."""
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(sub, start + 1)
    return start, start + len(sub)


def open_session(path: Path, annotator: str = "alice", *, schema: Schema | None = None,
                 overlay: str | None = None) -> AnnotationSession:
    """A session on the article (added when missing) in the database at ``path``."""
    store = Store(path, annotator=annotator)
    doc, _ = store.add_document(Document(name="article", text=TEXT))
    return AnnotationSession(store, doc.id, annotator, schema or store.schema(doc.schema), overlay=overlay)


def problem_set(problems) -> set[tuple[str, str, str]]:
    return {(p.annotation_id, p.kind, p.message) for p in problems}


def assert_index_is_fresh(session: AnnotationSession) -> None:
    """What the session keeps incrementally equals a fresh read of the store."""
    full = session.store.annotations(session.doc.id, annotators=[session.annotator])
    index = session.index
    assert index.anns == full  # the same annotations, in the same order
    assert index.by_id == full.by_id()
    assert index.event_of_trigger == {e.trigger: e for e in full.events}
    fresh = AnnotationIndex(full, session.schema)
    assert {k: v for k, v in index.referrers.items() if v} == fresh.referrers
    assert problem_set(index.problems) == problem_set(validate(session.schema, full))
