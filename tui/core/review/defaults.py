"""The document's default suggestion sources, run one after another (the reader's ``a``).

The sources and their settings come from the schema's ``[suggest]`` table
(:class:`tui.core.schema.SuggestDefaults`). Each source runs through
:func:`tui.core.review.suggest.suggest`, as ``tui suggest --source`` does,
as its own logged action. A source that cannot run here (spaCy or its model
not installed, no span type for places) is skipped with the reason; the
others still run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.core.errors import TuiError
from tui.core.review.suggest import SuggestResult, load_spacy, suggest


@dataclass
class DefaultsRun:
    """What running the default sources on a document did."""

    doc_name: str
    results: list[SuggestResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(source, reason) for each source that could not run."""

    @property
    def added(self) -> int:
        """Suggestions added by every source."""
        return sum(r.added for r in self.results)

    def summary(self) -> str:
        """One line: how many suggestions each source made, and what was skipped."""
        parts = [f"{r.source} {r.added}" for r in self.results]
        parts += [f"{source} skipped ({reason})" for source, reason in self.skipped]
        return f"suggested {self.added}: " + (", ".join(parts) if parts else "no sources")


def run_defaults(store: Any, doc_name: str, *, nlp: Any = None) -> DefaultsRun:
    """Run the schema's default suggestion sources on one document.

    Args:
        store: the store; suggestions go into ``store.annotator``'s layer.
        doc_name: the document.
        nlp: an already loaded spaCy pipeline for the ``spacy`` source.

    Returns:
        The results in the order the sources ran, and the skipped sources.

    Raises:
        NotFound: no such document.
    """
    doc = store.document(doc_name)
    defaults = store.schema(doc.schema).suggest
    run = DefaultsRun(doc_name)
    for source in defaults.sources:
        try:
            pipeline = nlp
            if source == "spacy" and pipeline is None:
                pipeline = load_spacy(defaults.model)
            run.results.append(suggest(store, source, docs=[doc_name], nlp=pipeline, scope="document"))
        except TuiError as exc:
            run.skipped.append((source, str(exc)))
    return run
