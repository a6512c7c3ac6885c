"""The annotation model: plain dataclasses shared by the store, formats and app.

Offsets are Unicode code points into the document text (Python ``str``
indices), start inclusive, end exclusive. A span is one or more fragments.
Every annotation carries the common fields of :class:`Meta`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["accepted", "pending", "rejected"]
STATUSES: tuple[str, ...] = ("accepted", "pending", "rejected")
DOC_STATUSES: tuple[str, ...] = ("new", "in-progress", "done")
#: The longest name an importer accepts: ids, labels, types, roles, attribute names,
#: annotators, document and schema names (a hostile file can hold megabytes in one).
MAX_NAME = 4096

#: Annotation kinds, in the order exports list them. Each is also a table.
KINDS: tuple[str, ...] = (
    "spans",
    "events",
    "relations",
    "equivalences",
    "attributes",
    "normalizations",
    "notes",
)

Fragment = tuple[int, int]


@dataclass(kw_only=True, slots=True)
class Meta:
    """Fields every annotation has, whatever its kind.

    The annotation classes have ``__slots__``: a long document holds 50k+ of
    them, and slots make each a third smaller than an instance ``__dict__``.
    """

    id: str = ""
    """Globally unique id (UUIDv7); empty until the store assigns one."""
    doc_id: str = ""
    """The id of the document this annotation belongs to."""
    source_id: str | None = None
    """The id it had in an imported file (brat ``T3``), reused on export."""
    annotator: str = ""
    origin: str = "manual"
    """``manual``, ``import`` or ``suggestion:<source>``."""
    status: str = "accepted"
    created: str = ""
    modified: str = ""


@dataclass(kw_only=True, slots=True)
class Span(Meta):
    """A typed text span: an entity mention or an event trigger."""

    label: str
    fragments: list[Fragment]
    text: str = ""
    """Copy of the covered text: fragment texts joined by one space."""

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass(kw_only=True, slots=True)
class Argument:
    """One role filler of an event: ``role -> span or event id``."""

    role: str
    target: str


@dataclass(kw_only=True, slots=True)
class Event(Meta):
    """An event: type, trigger span and ordered role arguments."""

    type: str
    trigger: str
    arguments: list[Argument] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class Relation(Meta):
    """A typed binary relation; ``arguments`` holds exactly two fillers."""

    type: str
    arguments: list[Argument]


@dataclass(kw_only=True, slots=True)
class Equivalence(Meta):
    """A set of spans of one type (coreference), brat's ``*`` line."""

    type: str
    members: list[str]


@dataclass(kw_only=True, slots=True)
class Attribute(Meta):
    """A binary (``value`` is None) or valued attribute on any annotation."""

    target: str
    name: str
    value: str | None = None


@dataclass(kw_only=True, slots=True)
class Normalization(Meta):
    """A link from an annotation to a knowledge-base entry."""

    target: str
    resource: str
    key: str
    label: str = ""


@dataclass(kw_only=True, slots=True)
class Note(Meta):
    """Free text on an annotation (brat ``#`` line); text kept exactly."""

    target: str
    type: str = "AnnotatorNotes"
    text: str = ""


Annotation = Span | Event | Relation | Equivalence | Attribute | Normalization | Note

#: Dataclass per kind (table name).
KIND_CLASS: dict[str, type] = {
    "spans": Span,
    "events": Event,
    "relations": Relation,
    "equivalences": Equivalence,
    "attributes": Attribute,
    "normalizations": Normalization,
    "notes": Note,
}


def kind_of(annotation: Any) -> str:
    """Return the kind (table name) of an annotation instance."""
    for kind, cls in KIND_CLASS.items():
        if type(annotation) is cls:
            return kind
    raise TypeError(f"not an annotation: {annotation!r}")


@dataclass(kw_only=True)
class StyleRun:
    """A styled stretch of a rendered Markdown document.

    ``kind`` is one of heading, emphasis, strong, code, code_block, link,
    list_item, blockquote, table; ``attrs`` holds e.g. ``level`` or ``href``.
    """

    start: int
    end: int
    kind: str
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(kw_only=True)
class Document:
    """An article: its exact text plus what the store keeps beside it."""

    id: str = ""
    name: str
    text: str
    sha256: str = ""
    schema: str = "ace2005"
    meta: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    """The Markdown source, when the document was rendered from Markdown."""
    styles: list[StyleRun] = field(default_factory=list)
    status: dict[str, str] = field(default_factory=dict)
    """Status per annotator: new / in-progress / done."""
    created: str = ""
    modified: str = ""


@dataclass(kw_only=True)
class DocAnnotations:
    """Every annotation of one document, grouped by kind."""

    spans: list[Span] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    equivalences: list[Equivalence] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    normalizations: list[Normalization] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def all(self) -> list[Any]:
        """Every annotation, kinds in :data:`KINDS` order."""
        out: list[Any] = []
        for kind in KINDS:
            out.extend(getattr(self, kind))
        return out

    def by_id(self) -> dict[str, Any]:
        return {a.id: a for a in self.all()}
