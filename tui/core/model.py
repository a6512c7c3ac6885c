"""The annotation model: plain dataclasses shared by the store, formats and app.

Offsets are Unicode code points into the document text (Python ``str``
indices), start inclusive, end exclusive. A span is one or more fragments.
Every annotation carries the common fields of :class:`Meta`.

What differs by kind lives on the classes, so callers ask the annotation
instead of branching on its kind: :attr:`Meta.KIND` (its table),
:attr:`Meta.NOUN`, :meth:`Meta.references` (the ids it points to),
:attr:`Meta.type_name`, :attr:`Meta.filler_type`, :attr:`Meta.display_label`
and :meth:`Meta.describe`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

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

    KIND: ClassVar[str] = ""
    """The kind: the table name in :data:`KINDS` (``spans``, ``events``...)."""
    NOUN: ClassVar[str] = ""
    """The kind as one word in messages: ``span``, ``event``..."""
    STEP_RANK: ClassVar[int | None] = None
    """Where ``]``/``[`` visit this kind among the annotations shown at one place (lower first);
    None: not visited on its own (an event is visited as its trigger, an attribute or a note
    is shown with what it sits on)."""

    @property
    def type_name(self) -> str:
        """The name of this annotation's type: a span's label, an event's type, an attribute's name.

        Empty for a normalization, which has no type in a schema.
        """
        return ""

    @property
    def filler_type(self) -> str | None:
        """The type a role or relation argument checks this annotation by; None if it cannot fill one.

        Only spans (their label) and events (their type) fill roles.
        """
        return None

    @property
    def display_label(self) -> str:
        """A short label for lists: the type, an attribute's ``name=value``, a link's ``resource:key``."""
        return self.type_name

    def references(self) -> list[str]:
        """Return the ids this annotation points to (a new list, in field order).

        A trigger, then the role fillers of an event; a relation's two
        arguments; the members of an equivalence; the target of an
        attribute, normalization or note. A span points to nothing.
        """
        return []

    def describe(self) -> str:
        """Return ``NOUN ID (TYPE)``, e.g. ``span T1 (PER)``, for messages.

        The type is left out when there is none (a normalization).
        """
        type_name = self.type_name
        return f"{self.NOUN} {self.id} ({type_name})" if type_name else f"{self.NOUN} {self.id}"


@dataclass(kw_only=True, slots=True)
class Span(Meta):
    """A typed text span: an entity mention or an event trigger."""

    KIND: ClassVar[str] = "spans"
    NOUN: ClassVar[str] = "span"
    STEP_RANK: ClassVar[int | None] = 0

    label: str
    fragments: list[Fragment]
    text: str = ""
    """Copy of the covered text: fragment texts joined by one space."""

    @property
    def start(self) -> int:
        """The offset where the first fragment starts."""
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        """The offset where the last fragment ends."""
        return self.fragments[-1][1]

    @property
    def type_name(self) -> str:
        """The span's label."""
        return self.label

    @property
    def filler_type(self) -> str | None:
        """The span's label: a span fills roles that allow its type."""
        return self.label


@dataclass(kw_only=True, slots=True)
class Argument:
    """One role filler of an event: ``role -> span or event id``."""

    role: str
    target: str


@dataclass(kw_only=True, slots=True)
class Event(Meta):
    """An event: type, trigger span and ordered role arguments."""

    KIND: ClassVar[str] = "events"
    NOUN: ClassVar[str] = "event"

    type: str
    trigger: str
    arguments: list[Argument] = field(default_factory=list)

    @property
    def type_name(self) -> str:
        """The event type."""
        return self.type

    @property
    def filler_type(self) -> str | None:
        """The event type: an event fills roles that allow it."""
        return self.type

    def references(self) -> list[str]:
        """Return the trigger's id, then every argument's target."""
        return [self.trigger, *(a.target for a in self.arguments)]


@dataclass(kw_only=True, slots=True)
class Relation(Meta):
    """A typed binary relation; ``arguments`` holds exactly two fillers."""

    KIND: ClassVar[str] = "relations"
    NOUN: ClassVar[str] = "relation"
    STEP_RANK: ClassVar[int | None] = 1

    type: str
    arguments: list[Argument]

    @property
    def type_name(self) -> str:
        """The relation type."""
        return self.type

    def references(self) -> list[str]:
        """Return the two arguments' targets."""
        return [a.target for a in self.arguments]


@dataclass(kw_only=True, slots=True)
class Equivalence(Meta):
    """A set of spans of one type (coreference), brat's ``*`` line."""

    KIND: ClassVar[str] = "equivalences"
    NOUN: ClassVar[str] = "equivalence"
    STEP_RANK: ClassVar[int | None] = 2

    type: str
    members: list[str]

    @property
    def type_name(self) -> str:
        """The equivalence type."""
        return self.type

    def references(self) -> list[str]:
        """Return the members' ids."""
        return list(self.members)


@dataclass(kw_only=True, slots=True)
class Attribute(Meta):
    """A binary (``value`` is None) or valued attribute on any annotation."""

    KIND: ClassVar[str] = "attributes"
    NOUN: ClassVar[str] = "attribute"

    target: str
    name: str
    value: str | None = None

    @property
    def type_name(self) -> str:
        """The attribute's name."""
        return self.name

    @property
    def display_label(self) -> str:
        """``name``, or ``name=value`` for a valued attribute."""
        return self.name if self.value is None else f"{self.name}={self.value}"

    def references(self) -> list[str]:
        """Return the target's id."""
        return [self.target]


@dataclass(kw_only=True, slots=True)
class Normalization(Meta):
    """A link from an annotation to a knowledge-base entry."""

    KIND: ClassVar[str] = "normalizations"
    NOUN: ClassVar[str] = "normalization"

    target: str
    resource: str
    key: str
    label: str = ""

    @property
    def display_label(self) -> str:
        """``resource:key``."""
        return f"{self.resource}:{self.key}"

    def references(self) -> list[str]:
        """Return the target's id."""
        return [self.target]


@dataclass(kw_only=True, slots=True)
class Note(Meta):
    """Free text on an annotation (brat ``#`` line); text kept exactly."""

    KIND: ClassVar[str] = "notes"
    NOUN: ClassVar[str] = "note"

    target: str
    type: str = "AnnotatorNotes"
    text: str = ""

    @property
    def type_name(self) -> str:
        """The note type (brat's ``AnnotatorNotes``)."""
        return self.type

    def references(self) -> list[str]:
        """Return the target's id."""
        return [self.target]


Annotation = Span | Event | Relation | Equivalence | Attribute | Normalization | Note

#: Dataclass per kind (table name).
KIND_CLASS: dict[str, type] = {
    cls.KIND: cls for cls in (Span, Event, Relation, Equivalence, Attribute, Normalization, Note)
}


def kind_of(annotation: object) -> str:
    """Return the kind (table name) of an annotation instance: its class's ``KIND``.

    Raises:
        TypeError: ``annotation`` is not an instance of one of the annotation classes.
    """
    cls = type(annotation)
    kind: str = getattr(cls, "KIND", "")
    if not kind or KIND_CLASS.get(kind) is not cls:
        raise TypeError(f"not an annotation: {annotation!r}")
    return kind


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

    def web_meta(self) -> dict[str, str]:
        """A web page's metadata (``meta["web"]``: title, site, author, date, url, fetched), else empty.

        Only string values are returned: the metadata came from a page (or a JSONL file) and is data.
        """
        meta = self.meta.get(WEB_META_KEY) if isinstance(self.meta, dict) else None
        if not isinstance(meta, dict):
            return {}
        return {k: v for k, v in meta.items() if isinstance(k, str) and isinstance(v, str)}


#: The key of :attr:`Document.meta` holding a web page's metadata (:mod:`tui.core.formats.html`).
WEB_META_KEY = "web"


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
        """Every annotation by its id."""
        return {a.id: a for a in self.all()}
