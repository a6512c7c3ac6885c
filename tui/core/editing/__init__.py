"""Editing: one annotator's layer of one document, and the verbs that change it.

:class:`AnnotationSession` (``session.py``) is what the reader calls for
every edit; it keeps an :class:`AnnotationIndex` (``index.py``) in step with
the store's typed change sets. The rest is split by subject, after Textual's
``_text_area.py`` over ``document/_edit.py``, ``_history.py`` and
``_document_navigator.py``: ``candidates.py`` (who may fill a role),
``picking.py`` (the role prompt's state), ``deleting.py`` (what a delete takes
along), ``attributes.py``, ``copying.py`` (layers, copy from another layer),
``results.py`` (what a verb returns). No Textual, no Rich.
"""

from tui.core.editing.candidates import MAX_FAR_CANDIDATES, filler_problem, role_candidates
from tui.core.editing.copying import annotator_counts, copy_annotations, load_layers
from tui.core.editing.index import AnnotationIndex, LiveAnnotations, contains
from tui.core.editing.picking import Pick
from tui.core.editing.results import (
    Consequence,
    Edit,
    IncompatibleFiller,
    NoChange,
    PickPurpose,
    ReadOnlyLayer,
)
from tui.core.editing.session import AnnotationSession, NewMention, Target

__all__ = [
    "MAX_FAR_CANDIDATES",
    "AnnotationIndex",
    "AnnotationSession",
    "Consequence",
    "Edit",
    "IncompatibleFiller",
    "LiveAnnotations",
    "NewMention",
    "NoChange",
    "Pick",
    "PickPurpose",
    "ReadOnlyLayer",
    "Target",
    "annotator_counts",
    "contains",
    "copy_annotations",
    "filler_problem",
    "load_layers",
    "role_candidates",
]
