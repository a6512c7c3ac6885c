"""The schema's classes: span, event, relation and attribute types, :class:`Schema`, colours, TOML out.

:class:`Schema` is what :mod:`tui.core.schema.parse` builds from TOML; a type
without a declared colour gets :func:`fallback_color`. :class:`SchemaError` is
raised for every problem in a schema file. :func:`to_toml` writes a schema
back as TOML that parses to an equal one.
"""

from __future__ import annotations

import colorsys
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tui.core.errors import InputError

CARDINALITIES: tuple[str, ...] = ("1", "?", "*", "+")
"""Role cardinalities: exactly one, at most one, any number, at least one."""

SPAN_KINDS: tuple[str, ...] = ("entity", "value", "time", "trigger")
"""What a span type stands for."""

TARGET_KINDS: tuple[str, ...] = ("span", "event", "relation", "equivalence", *SPAN_KINDS)
"""Attribute targets that name a kind of annotation rather than a type."""

SUGGEST_SOURCES: tuple[str, ...] = ("places", "lexicon", "propagate", "coref", "spacy")
"""Suggestion sources a schema's ``[suggest]`` table may list (they need no file)."""


class SchemaError(InputError):
    """A problem in a schema file; ``str()`` is ``FILE:LINE: reason``."""

    path: str
    line: int | None
    reason: str

    def __init__(self, reason: str, *, path: str = "<schema>", line: int | None = None) -> None:
        super().__init__(_one_line(reason), path=path, line=line)


def _one_line(text: str) -> str:
    """Escape control characters so a message never spans lines or moves the cursor."""
    return "".join(
        ch if ch.isprintable() or ch == " " else {"\n": "\\n", "\t": "\\t"}.get(ch, _escape(ch))
        for ch in text
    )


def _escape(ch: str) -> str:
    code = ord(ch)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


# --------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class SpanType:
    """A type of text span: an entity, value or time type (or a bare trigger type)."""

    name: str
    label: str
    """Short label (a few characters) drawn beside the span."""
    color: str
    """``#rrggbb``."""
    hotkey: str | None = None
    kind: str = "entity"
    """``entity``, ``value``, ``time`` or ``trigger``."""
    subtypes: tuple[str, ...] = ()
    definition: str = ""
    """Guideline: one line saying what the type covers (shown in pickers and the inspector)."""
    example: str = ""
    """Guideline: one example sentence or phrase."""
    nominals: tuple[str, ...] = ()
    """Lexicon: common nouns whose mentions are of this type ("people", "army"), for
    ``tui suggest --source lexicon`` (:mod:`tui.core.schema.lexicon`)."""


@dataclass(frozen=True)
class Role:
    """An event role or relation argument: its name, allowed filler types, cardinality."""

    name: str
    types: tuple[str, ...] = ()
    """Span or event type names a filler may have; empty allows any."""
    cardinality: str = "*"
    """``1``, ``?``, ``*`` or ``+``."""
    definition: str = ""
    example: str = ""
    optional: bool = False
    """Not offered by the role prompt unless asked for ("more roles"): ACE's Time-* roles."""


@dataclass(frozen=True)
class EventType:
    """An event type (an ACE event subtype) with its roles."""

    name: str
    label: str
    color: str
    hotkey: str | None = None
    group: str | None = None
    """The event type's family (ACE: the event type of a subtype)."""
    roles: tuple[Role, ...] = ()
    definition: str = ""
    example: str = ""
    triggers: tuple[str, ...] = ()
    """Lexicon: words that trigger this event type ("attack", "bombing"), for
    ``tui suggest --source lexicon`` (:mod:`tui.core.schema.lexicon`)."""

    def role(self, name: str) -> Role | None:
        """Return the role called ``name``, or None.

        brat numbers repeated roles (``Org-Arg2`` is a second ``Org-Arg``;
        ``Theme2`` a second ``Theme``): a name with trailing digits falls back
        to its base role when the type has no role of the full name.
        """
        for role in self.roles:
            if role.name == name:
                return role
        base = name.rstrip("0123456789")
        if base != name and base:
            for role in self.roles:
                if role.name == base:
                    return role
        return None


@dataclass(frozen=True)
class RelationType:
    """A binary relation type; ``args`` are its two arguments (cardinality ``1``)."""

    name: str
    label: str
    color: str
    hotkey: str | None = None
    subtypes: tuple[str, ...] = ()
    args: tuple[Role, Role] = (Role("Arg-1", (), "1"), Role("Arg-2", (), "1"))


@dataclass(frozen=True)
class AttributeDef:
    """An attribute: what it may sit on, and its values (none: binary)."""

    name: str
    targets: tuple[str, ...]
    """Annotation kinds (:data:`TARGET_KINDS`) or type names."""
    values: tuple[str, ...] = ()
    default: str | None = None
    definition: str = ""
    example: str = ""


@dataclass(frozen=True)
class SuggestDefaults:
    """A schema's ``[suggest]`` table: the suggestion sources the reader's ``a`` runs."""

    sources: tuple[str, ...] = ("propagate", "coref")
    """Source names from :data:`SUGGEST_SOURCES`, run in this order."""
    model: str | None = None
    """The spaCy pipeline (package name or saved folder) for the ``spacy`` source."""


@dataclass
class Schema:
    """A parsed schema. Treat it as read-only: lookups are indexed on first use."""

    name: str
    description: str = ""
    span_types: list[SpanType] = field(default_factory=list)
    event_types: list[EventType] = field(default_factory=list)
    relation_types: list[RelationType] = field(default_factory=list)
    equivalence_types: list[str] = field(default_factory=list)
    attributes: list[AttributeDef] = field(default_factory=list)
    suggest: SuggestDefaults = field(default_factory=SuggestDefaults)
    """The default suggestion sources (``[suggest]``)."""
    spacy_labels: dict[str, str] = field(default_factory=dict)
    """``[spacy.labels]``: spaCy entity label -> span type of this schema (issue 14)."""
    place_types: dict[str, str] = field(default_factory=dict)
    """``[places]``: place kind (country, capital, city) -> span type, for place suggestions."""
    source: str = field(default="", compare=False, repr=False)
    """The TOML text this schema was parsed from (empty when built in code)."""
    # Typed Any, not _Index: tests resolve these hints in the package namespace, where _Index is not.
    _index: Any = field(default=None, init=False, compare=False, repr=False)

    def _lookup(self) -> _Index:
        # Rebuilt when a list is replaced or grows; in-place item edits are not seen.
        # (A flat tuple, not a generator: this runs for every label looked up.)
        s, e, r, a = self.span_types, self.event_types, self.relation_types, self.attributes
        key = (id(s), len(s), id(e), len(e), id(r), len(r), id(a), len(a))
        index: _Index | None = self._index
        if index is None or index.key != key:
            index = self._index = _Index(key, self)
        return index

    def span_type(self, name: str) -> SpanType | None:
        """Return the span type called ``name``, or None."""
        return self._lookup().spans.get(name)

    def event_type(self, name: str) -> EventType | None:
        """Return the event type called ``name``, or None."""
        return self._lookup().events.get(name)

    def relation_type(self, name: str) -> RelationType | None:
        """Return the relation type called ``name``, or None."""
        return self._lookup().relations.get(name)

    def attribute(self, name: str) -> AttributeDef | None:
        """Return the attribute called ``name``, or None."""
        return self._lookup().attributes.get(name)

    def _find(self, name: str, kind: str | None) -> SpanType | EventType | RelationType | None:
        index = self._lookup()
        tables: dict[str, Mapping[str, SpanType | EventType | RelationType]] = {
            "span": index.spans,
            "event": index.events,
            "relation": index.relations,
        }
        if kind is not None:
            return tables[kind].get(name)
        for table in tables.values():
            found = table.get(name)
            if found is not None:
                return found
        return None

    def color(self, label: str, kind: str | None = None) -> str:
        """Return the colour of a span label, event type or relation type.

        Args:
            label: the type name.
            kind: ``"span"``, ``"event"`` or ``"relation"`` to pick one
                namespace (ACE has both a value type and an event type
                ``Sentence``); by default span types win, then events.

        Returns:
            ``#rrggbb``; for an unknown name, a stable colour derived from it.
        """
        found = self._find(label, kind)
        return found.color if found is not None else fallback_color(label)

    def short_label(self, label: str, kind: str | None = None) -> str:
        """Return the short label of a type (see :meth:`color` for ``kind``).

        Returns:
            The declared label, or the name cut to four characters when unknown.
        """
        found = self._find(label, kind)
        return found.label if found is not None else label[:4]

    def definition(self, name: str, kind: str | None = None) -> str:
        """Return the guideline definition of a span, event or relation type ("" when none).

        Args:
            name: the type name.
            kind: ``"span"``, ``"event"`` or ``"relation"`` (see :meth:`color`).
        """
        found = self._find(name, kind)
        return getattr(found, "definition", "") if found is not None else ""

    def hotkeys(self) -> dict[str, str]:
        """Return ``{hotkey: type name}`` over span types, then event types."""
        keys: dict[str, str] = {}
        types: list[SpanType | EventType] = [*self.span_types, *self.event_types]
        for t in types:
            if t.hotkey:
                keys.setdefault(t.hotkey, t.name)
        return keys

    def to_toml(self) -> str:
        """Return this schema as TOML that :func:`parse_schema` reads back equal."""
        return to_toml(self)


class _Index:
    """Name lookups for one state of a :class:`Schema`."""

    def __init__(self, key: tuple[Any, ...], schema: Schema) -> None:
        self.key = key
        self.spans = {t.name: t for t in reversed(schema.span_types)}
        self.events = {t.name: t for t in reversed(schema.event_types)}
        self.relations = {t.name: t for t in reversed(schema.relation_types)}
        self.attributes = {a.name: a for a in reversed(schema.attributes)}


# --------------------------------------------------------------------------
# Colours


def _luminance(r: float, g: float, b: float) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@lru_cache(maxsize=1024)
def fallback_color(name: str) -> str:
    """Return a stable ``#rrggbb`` for a name no schema colours.

    The hue comes from a CRC of the name; the lightness is chosen so the
    relative luminance is about 0.19, readable on dark and light backgrounds.

    Args:
        name: any type name.

    Returns:
        The same colour for the same name, in every process.
    """
    hue = (zlib.crc32(name.encode("utf-8")) % 360) / 360
    low, high = 0.0, 1.0
    for _ in range(30):
        mid = (low + high) / 2
        if _luminance(*colorsys.hls_to_rgb(hue, mid, 0.55)) < 0.19:
            low = mid
        else:
            high = mid
    r, g, b = colorsys.hls_to_rgb(hue, (low + high) / 2, 0.55)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


#: Channel levels of the inferred-type palette: xterm-256 cube levels (0, 135, 255),
#: so each colour is its own 256-colour quantisation, and far enough apart that
#: the app's soft fill (the colour blended about half-way into a dark or light
#: background) still lands on distinct cube levels (0 -> 0, 135 -> 95, 255 -> 135
#: on a dark background).
_PALETTE_LEVELS = (0, 135, 255)


def _palette_order() -> tuple[str, ...]:
    """The palette's colours, each as far as possible (RGB) from those before it."""
    colours = [
        (r, g, b)
        for r in _PALETTE_LEVELS for g in _PALETTE_LEVELS for b in _PALETTE_LEVELS
        if not r == g == b  # greys: xterm and Rich quantise them to the grey ramp
    ]
    order = [(255, 0, 0)]
    colours.remove(order[0])
    while colours:
        def distance(c: tuple[int, int, int]) -> int:
            return min(sum((a - b) ** 2 for a, b in zip(c, o, strict=True)) for o in order)

        best = max(colours, key=lambda c: (distance(c), c))
        order.append(best)
        colours.remove(best)
    return tuple(f"#{r:02x}{g:02x}{b:02x}" for r, g, b in order)


TYPE_PALETTE: tuple[str, ...] = _palette_order()
"""Colours for types no configuration colours (24, most distinct first): xterm-256 cube
colours, so they stay distinct in a 256-colour terminal."""


def distinct_colors(count: int) -> list[str]:
    """``count`` colours for types without a configured colour, pairwise distinct up to 24.

    A type's colour from :func:`fallback_color` depends on its name alone, so
    several types easily share one 256-colour cell; colours for a whole schema
    are taken from :data:`TYPE_PALETTE` in order instead (past 24 they repeat).

    Args:
        count: how many types need a colour.

    Returns:
        ``#rrggbb`` colours, the most distinct first.
    """
    return [TYPE_PALETTE[i % len(TYPE_PALETTE)] for i in range(count)]


# --------------------------------------------------------------------------
# Writing TOML


def _q(s: str) -> str:
    """A TOML basic string."""
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _qs(items: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(_q(x) for x in items) + "]"


def to_toml(schema: Schema) -> str:
    """Return ``schema`` as TOML that :func:`~tui.core.schema.parse_schema` reads back equal.

    Args:
        schema: the schema to write.

    Returns:
        The TOML text.
    """
    lines = [f"name = {_q(schema.name)}", f"description = {_q(schema.description)}"]

    def common(t: SpanType | EventType | RelationType) -> None:
        lines.append(f"name = {_q(t.name)}")
        lines.append(f"label = {_q(t.label)}")
        lines.append(f"color = {_q(t.color)}")
        if t.hotkey is not None:
            lines.append(f"hotkey = {_q(t.hotkey)}")

    def guide(t: SpanType | EventType | AttributeDef) -> None:
        if t.definition:
            lines.append(f"definition = {_q(t.definition)}")
        if t.example:
            lines.append(f"example = {_q(t.example)}")

    def role_guide(r: Role) -> str:
        return (f", definition = {_q(r.definition)}" if r.definition else "") + (
            f", example = {_q(r.example)}" if r.example else "")

    for st in schema.span_types:
        lines += ["", "[[entities]]"]
        common(st)
        lines.append(f"kind = {_q(st.kind)}")
        lines.append(f"subtypes = {_qs(st.subtypes)}")
        guide(st)
        if st.nominals:
            lines.append(f"nominals = {_qs(st.nominals)}")
    for et in schema.event_types:
        lines += ["", "[[events]]"]
        common(et)
        if et.group is not None:
            lines.append(f"group = {_q(et.group)}")
        guide(et)
        if et.triggers:
            lines.append(f"triggers = {_qs(et.triggers)}")
        lines.append("roles = [")
        for role in et.roles:
            lines.append(
                f"  {{ name = {_q(role.name)}, types = {_qs(role.types)},"
                f" cardinality = {_q(role.cardinality)}"
                + (", optional = true" if role.optional else "") + f"{role_guide(role)} }},"
            )
        lines.append("]")
    for rt in schema.relation_types:
        lines += ["", "[[relations]]"]
        common(rt)
        lines.append(f"subtypes = {_qs(rt.subtypes)}")
        lines.append("args = [")
        for arg in rt.args:
            lines.append(f"  {{ role = {_q(arg.name)}, types = {_qs(arg.types)} }},")
        lines.append("]")
    for eq in schema.equivalence_types:
        lines += ["", "[[equivalences]]", f"name = {_q(eq)}"]
    for ad in schema.attributes:
        lines += ["", "[[attributes]]", f"name = {_q(ad.name)}", f"targets = {_qs(ad.targets)}"]
        lines.append(f"values = {_qs(ad.values)}")
        if ad.default is not None:
            lines.append(f"default = {_q(ad.default)}")
        guide(ad)
    if schema.suggest != SuggestDefaults():
        lines += ["", "[suggest]", f"sources = {_qs(schema.suggest.sources)}"]
        if schema.suggest.model is not None:
            lines.append(f"model = {_q(schema.suggest.model)}")
    if schema.spacy_labels:
        lines += ["", "[spacy.labels]"]
        lines += [f"{_q(k)} = {_q(v)}" for k, v in schema.spacy_labels.items()]
    if schema.place_types:
        lines += ["", "[places]"]
        lines += [f"{_q(k)} = {_q(v)}" for k, v in schema.place_types.items()]
    return "\n".join(lines) + "\n"
