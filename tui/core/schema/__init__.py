"""Annotation schemas: the TOML format, its checker, a validator and a printer.

A schema declares span types (entities, values, time), event types with
their roles, relation types with their two arguments, equivalence types and
attributes. It is written in TOML::

    name = "ace2005"
    description = "ACE 2005 English"

    [[entities]]            # span types; the first nine get keys 1-9
    name = "PER"
    label = "PER"           # short label shown in the text (default: name)
    color = "#4179c8"       # #rrggbb (default: derived from the name)
    hotkey = "p"            # optional
    kind = "entity"         # entity | value | time | trigger
    subtypes = ["Individual", "Group"]

    [[events]]
    name = "Attack"
    group = "Conflict"      # optional
    label = "ATK"
    color = "#c2675f"
    roles = [ { name = "Attacker", types = ["PER"], cardinality = "*" } ]

    [[relations]]
    name = "PHYS"
    subtypes = ["Located", "Near"]
    args = [ { role = "Arg-1", types = ["PER"] }, { role = "Arg-2", types = ["GPE"] } ]

    [[equivalences]]
    name = "Coref"

    [[attributes]]
    name = "Polarity"
    targets = ["event"]     # kinds or type names
    values = ["Positive", "Negative"]   # none: a binary attribute
    default = "Positive"

Cardinality is ``1`` (exactly one), ``?`` (at most one), ``*`` (any number)
or ``+`` (at least one). Role ``types`` name span types or event types; an
empty list allows any filler.

Checking never stops at the first problem (:func:`check_schema_text`), and
every error names the line of the offending entry. :func:`validate` lists
where a document's annotations break a schema; it never changes them.
"""

from __future__ import annotations

import colorsys
import functools
import re
import tomllib
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from tui.core.errors import InputError
from tui.core.model import DocAnnotations, Equivalence, Event, Relation, Span, kind_of

CARDINALITIES: tuple[str, ...] = ("1", "?", "*", "+")
"""Role cardinalities: exactly one, at most one, any number, at least one."""

SPAN_KINDS: tuple[str, ...] = ("entity", "value", "time", "trigger")
"""What a span type stands for."""

TARGET_KINDS: tuple[str, ...] = ("span", "event", "relation", "equivalence", *SPAN_KINDS)
"""Attribute targets that name a kind of annotation rather than a type."""

PROBLEM_KINDS: tuple[str, ...] = (
    "unknown-type",
    "bad-trigger",
    "unknown-role",
    "wrong-filler-type",
    "missing-role",
    "cardinality",
    "unknown-attribute",
    "bad-attribute-value",
    "bad-attribute-target",
    "dangling-reference",
)
"""Every :attr:`Problem.kind` that :func:`validate` reports."""

_COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")
_HEADER_RE = re.compile(r"\s*\[\[?\s*([A-Za-z0-9_.\"'-]+)\s*\]\]?\s*(#.*)?$")
_ARRAY_HEADER_RE = re.compile(r"\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]\s*(#.*)?$")
_TOML_POS_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END_RE = re.compile(r"\s*\(at end of document\)$")

_TOP_KEYS = ("name", "description", "entities", "events", "relations", "equivalences", "attributes")
_ENTITY_KEYS = ("name", "label", "color", "hotkey", "kind", "subtypes")
_EVENT_KEYS = ("name", "group", "label", "color", "hotkey", "roles")
_ROLE_KEYS = ("name", "types", "cardinality")
_RELATION_KEYS = ("name", "label", "color", "hotkey", "subtypes", "args")
_ARG_KEYS = ("role", "types")
_EQUIV_KEYS = ("name",)
_ATTR_KEYS = ("name", "targets", "values", "default")
_SECTION_WORD = {
    "entities": "entity type",
    "events": "event type",
    "relations": "relation type",
    "equivalences": "equivalence type",
    "attributes": "attribute",
}


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


@dataclass(frozen=True)
class Role:
    """An event role or relation argument: its name, allowed filler types, cardinality."""

    name: str
    types: tuple[str, ...] = ()
    """Span or event type names a filler may have; empty allows any."""
    cardinality: str = "*"
    """``1``, ``?``, ``*`` or ``+``."""


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
    source: str = field(default="", compare=False, repr=False)
    """The TOML text this schema was parsed from (empty when built in code)."""
    _index: Any = field(default=None, init=False, compare=False, repr=False)

    def _lookup(self) -> _Index:
        # Rebuilt when a list is replaced or grows; in-place item edits are not seen.
        # (A flat tuple, not a generator: this runs for every label looked up.)
        s, e, r, a = self.span_types, self.event_types, self.relation_types, self.attributes
        key = (id(s), len(s), id(e), len(e), id(r), len(r), id(a), len(a))
        if self._index is None or self._index.key != key:
            self._index = _Index(key, self)
        return self._index

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
        tables = {"span": index.spans, "event": index.events, "relation": index.relations}
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

    def hotkeys(self) -> dict[str, str]:
        """Return ``{hotkey: type name}`` over span types, then event types."""
        keys: dict[str, str] = {}
        for t in [*self.span_types, *self.event_types]:
            if t.hotkey:
                keys.setdefault(t.hotkey, t.name)
        return keys

    def to_toml(self) -> str:
        """Return this schema as TOML that :func:`parse_schema` reads back equal."""
        return _to_toml(self)


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


# --------------------------------------------------------------------------
# Finding lines in the source


class _Locator:
    """Maps entries of a schema's TOML text back to line numbers (1-based)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[int] = []
        self.arrays: dict[str, list[int]] = {}
        for i, line in enumerate(self.lines):
            if _HEADER_RE.match(line):
                self.headers.append(i)
                m = _ARRAY_HEADER_RE.match(line)
                if m:
                    self.arrays.setdefault(m.group(1), []).append(i)

    def _range(self, section: str | None, index: int | None) -> tuple[int, int]:
        if section is None:
            return 0, self.headers[0] if self.headers else len(self.lines)
        starts = self.arrays.get(section, [])
        if index is None or index >= len(starts):
            return 0, len(self.lines)
        start = starts[index]
        end = next((h for h in self.headers if h > start), len(self.lines))
        return start, end

    def entry(self, section: str, index: int) -> int | None:
        """Return the header line of entry ``index`` of ``[[section]]``."""
        starts = self.arrays.get(section, [])
        if index < len(starts):
            return starts[index] + 1
        return self.key(section)

    def key(self, key: str) -> int | None:
        """Return the line of a top-level ``key = ...`` or ``[key]`` header."""
        pat = re.compile(rf"\s*(\[\[?\s*)?[\"']?{re.escape(key)}[\"']?\s*(=|\]\]?)")
        for i, line in enumerate(self.lines):
            if pat.match(line):
                return i + 1
        return None

    def find(self, section: str | None, index: int | None, *patterns: str) -> int | None:
        """Find patterns in turn inside an entry, each after the previous one.

        Returns the line of the last pattern found, else the entry's header.
        """
        start, end = self._range(section, index)
        found: int | None = None
        pos = start
        for pattern in patterns:
            rx = re.compile(pattern)
            hit = next((i for i in range(pos, end) if rx.search(self.lines[i])), None)
            if hit is None:
                break
            found = pos = hit
        if found is not None:
            return found + 1
        if section is not None and index is not None:
            return self.entry(section, index)
        return None


def _key_pat(key: str) -> str:
    return rf"(^|[{{,\s])[\"']?{re.escape(key)}[\"']?\s*="


def _str_pat(value: str) -> str:
    return rf"[\"']{re.escape(value)}[\"']"


def _pair_pat(key: str, value: str) -> str:
    return _key_pat(key) + r"\s*" + _str_pat(value)


# --------------------------------------------------------------------------
# Parsing and checking


class _LazyLine:
    """A line number worked out only if an error needs it (a valid schema never asks)."""

    __slots__ = ("_fn", "_args")

    def __init__(self, fn: Any, *args: Any) -> None:
        self._fn = fn
        self._args = args

    def __call__(self) -> int | None:
        return self._fn(*self._args)

    def __format__(self, spec: str) -> str:
        return format(self(), spec)


class _Checker:
    """Builds a :class:`Schema` from TOML text, collecting every problem."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.errors: list[SchemaError] = []
        self.attribute_targets: list[tuple[int, str, tuple[str, ...]]] = []
        """Every attribute's targets, checked once all types are known."""

    @functools.cached_property
    def loc(self) -> _Locator:
        """Line numbers are only needed for errors, so the text is scanned on the first one."""
        return _Locator(self.text)

    def loc_key(self, key: str) -> int | None:
        return self.loc.key(key)

    def _find(self, section: str | None, index: int | None, *patterns: str) -> _LazyLine:
        return _LazyLine(lambda: self.loc.find(section, index, *patterns))

    def error(self, line: int | _LazyLine | None, reason: str) -> None:
        if isinstance(line, _LazyLine):
            line = line()
        self.errors.append(SchemaError(reason, path=self.path, line=line))

    # -- field helpers ----------------------------------------------------

    def _where(self, section: str, index: int, key: str | None = None) -> _LazyLine:
        if key is None:
            return _LazyLine(lambda: self.loc.entry(section, index))
        return self._find(section, index, _key_pat(key))

    def _unknown_keys(
        self, table: dict[str, Any], allowed: tuple[str, ...], what: str, line_of: Any
    ) -> None:
        for key in table:
            if key not in allowed:
                self.error(
                    line_of(key),
                    f"unknown key '{key}' in {what} (allowed: {', '.join(allowed)})",
                )

    def _string(
        self, value: Any, what: str, line: int | None, *, empty_ok: bool = False
    ) -> str | None:
        if not isinstance(value, str):
            self.error(line, f"{what} must be a string, not {_toml_type(value)}")
            return None
        if not value and not empty_ok:
            self.error(line, f"{what} must not be empty")
            return None
        return value

    def _strings(self, value: Any, what: str, line: int | None) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.error(line, f"{what} must be a list of non-empty strings")
            return None
        seen: set[str] = set()
        for v in value:
            if v in seen:
                self.error(line, f"{what} lists '{v}' twice")
                return None
            seen.add(v)
        return tuple(value)

    def _tables(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(self.loc.key(key), f"'{key}' must be an array of tables ([[{key}]])")
            return []
        return value

    def _common(
        self, section: str, index: int, table: dict[str, Any], allowed: tuple[str, ...]
    ) -> tuple[str | None, str, str, str | None]:
        """Check name, label, color and hotkey; return them (name None if unusable)."""
        word = _SECTION_WORD[section]
        name_raw = table.get("name")
        if name_raw is None:
            self.error(self._where(section, index), f"{word} #{index + 1} has no 'name'")
            name = None
        else:
            name = self._string(name_raw, f"{word} name", self._where(section, index, "name"))
        label_for = name or f"#{index + 1}"
        self._unknown_keys(
            table,
            allowed,
            f"{word} '{label_for}'",
            lambda k: self._where(section, index, k),
        )
        label = name or ""
        if "label" in table:
            got = self._string(
                table["label"],
                f"label of {word} '{label_for}'",
                self._where(section, index, "label"),
            )
            label = got if got is not None else label
        color = fallback_color(name or "")
        if "color" in table:
            raw = table["color"]
            line = self._where(section, index, "color")
            if not isinstance(raw, str) or not _COLOR_RE.fullmatch(raw):
                self.error(line, f"colour of {word} '{label_for}' must be #rrggbb, not {raw!r}")
            else:
                color = raw
        hotkey = None
        if "hotkey" in table:
            line = self._where(section, index, "hotkey")
            got = self._string(table["hotkey"], f"hotkey of {word} '{label_for}'", line)
            if got is not None and (any(c.isspace() for c in got)):
                self.error(line, f"hotkey of {word} '{label_for}' must not contain spaces")
            elif got is not None:
                hotkey = got
        return name, label, color, hotkey

    def _role(
        self,
        section: str,
        index: int,
        owner: str,
        raw: Any,
        key_name: str,
        allowed: tuple[str, ...],
    ) -> Role | None:
        """Check one inline role / argument table."""
        what = "role" if key_name == "name" else "argument"
        entry_line = self._where(section, index, "roles" if what == "role" else "args")
        if not isinstance(raw, dict):
            self.error(
                entry_line, f"each {what} of '{owner}' must be a table {{ {key_name} = ... }}"
            )
            return None
        role_name = raw.get(key_name)
        if role_name is None:
            self.error(entry_line, f"a {what} of '{owner}' has no '{key_name}'")
            return None
        if self._string(role_name, f"{what} name in '{owner}'", entry_line) is None:
            return None
        line = self._find(section, index, _pair_pat(key_name, role_name))
        for key in raw:
            if key not in allowed:
                self.error(
                    self._find(section, index, _pair_pat(key_name, role_name), _key_pat(key)),
                    f"unknown key '{key}' in {what} '{role_name}' of '{owner}'"
                    f" (allowed: {', '.join(allowed)})",
                )
        types: tuple[str, ...] = ()
        if "types" in raw:
            got = self._strings(raw["types"], f"types of {what} '{role_name}' of '{owner}'", line)
            types = got if got is not None else ()
        cardinality = "1" if what == "argument" else "*"
        if "cardinality" in raw:
            card = raw["cardinality"]
            if card == 1 and not isinstance(card, bool):
                card = "1"
            if card not in CARDINALITIES:
                self.error(
                    self._find(
                        section, index, _pair_pat(key_name, role_name), _key_pat("cardinality")
                    ),
                    f"cardinality of role '{role_name}' of '{owner}' must be one of"
                    f" 1 ? * +, not {card!r}",
                )
            else:
                cardinality = card
        return Role(role_name, types, cardinality)

    # -- sections -----------------------------------------------------------

    def run(self) -> Schema | None:
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            self.error(*_toml_error(exc, self.text))
            return None
        except RecursionError:  # tomllib recurses once per nested array or inline table
            self.error(_deep_line(self.text), "invalid TOML: arrays or tables nested too deeply")
            return None

        self._unknown_keys(
            data, _TOP_KEYS, "the schema", lambda k: self.loc.key(k) or self.loc.entry(k, 0)
        )
        name = ""
        if "name" not in data:
            self.error(1, "the schema has no 'name'")
        else:
            name = self._string(data["name"], "schema name", _LazyLine(self.loc_key, "name")) or ""
        description = ""
        if "description" in data:
            description = (
                self._string(
                    data["description"], "description", _LazyLine(self.loc_key, "description"), empty_ok=True
                )
                or ""
            )

        spans = self._entities(self._tables(data, "entities"))
        events = self._events(self._tables(data, "events"))
        relations = self._relations(self._tables(data, "relations"))
        equivalences = self._equivalences(self._tables(data, "equivalences"))
        attributes = self._attributes(self._tables(data, "attributes"))

        span_names = {t.name for _, t in spans}
        event_names = {t.name for _, t in events}
        fillers = span_names | event_names
        for i, et in events:
            for role in et.roles:
                for t in role.types:
                    if t not in fillers:
                        self.error(
                            self._find("events", i, _pair_pat("name", role.name), _str_pat(t)),
                            f"role '{role.name}' of event type '{et.name}' refers to"
                            f" undeclared type '{t}'",
                        )
        for i, rt in relations:
            for arg in rt.args:
                for t in arg.types:
                    if t not in fillers:
                        self.error(
                            self._find("relations", i, _pair_pat("role", arg.name), _str_pat(t)),
                            f"argument '{arg.name}' of relation type '{rt.name}' refers to"
                            f" undeclared type '{t}'",
                        )
        self._check_hotkeys(spans, events, relations)
        type_names = fillers | {t.name for _, t in relations} | {n for _, n in equivalences}
        for i, owner, targets in self.attribute_targets:
            for target in targets:
                if target not in TARGET_KINDS and target not in type_names:
                    self.error(
                        self._find("attributes", i, _key_pat("targets"), _str_pat(target)),
                        f"attribute '{owner}' targets '{target}', which is neither a kind"
                        f" ({', '.join(TARGET_KINDS)}) nor a declared type",
                    )

        if self.errors:
            return None
        return Schema(
            name=name,
            description=description,
            span_types=[t for _, t in spans],
            event_types=[t for _, t in events],
            relation_types=[t for _, t in relations],
            equivalence_types=[n for _, n in equivalences],
            attributes=[a for _, a in attributes],
            source=self.text,
        )

    def _duplicate(self, seen: dict[str, int], section: str, index: int, name: str) -> bool:
        if name in seen:
            self.error(
                self._where(section, index),
                f"duplicate {_SECTION_WORD[section]} '{name}'"
                f" (first declared on line {self._where(section, seen[name])})",
            )
            return True
        seen[name] = index
        return False

    def _entities(self, tables: list[dict[str, Any]]) -> list[tuple[int, SpanType]]:
        out: list[tuple[int, SpanType]] = []
        seen: dict[str, int] = {}
        for i, t in enumerate(tables):
            name, label, color, hotkey = self._common("entities", i, t, _ENTITY_KEYS)
            owner = name or f"#{i + 1}"
            kind = "entity"
            if "kind" in t:
                if t["kind"] not in SPAN_KINDS:
                    self.error(
                        self._where("entities", i, "kind"),
                        f"kind of entity type '{owner}' must be one of {', '.join(SPAN_KINDS)},"
                        f" not {t['kind']!r}",
                    )
                else:
                    kind = t["kind"]
            subtypes: tuple[str, ...] = ()
            if "subtypes" in t:
                subtypes = (
                    self._strings(
                        t["subtypes"],
                        f"subtypes of '{owner}'",
                        self._where("entities", i, "subtypes"),
                    )
                    or ()
                )
            if name is None or self._duplicate(seen, "entities", i, name):
                continue
            out.append((i, SpanType(name, label, color, hotkey, kind, subtypes)))
        return out

    def _events(self, tables: list[dict[str, Any]]) -> list[tuple[int, EventType]]:
        out: list[tuple[int, EventType]] = []
        seen: dict[str, int] = {}
        for i, t in enumerate(tables):
            name, label, color, hotkey = self._common("events", i, t, _EVENT_KEYS)
            owner = name or f"#{i + 1}"
            group = None
            if "group" in t:
                group = self._string(
                    t["group"], f"group of event type '{owner}'", self._where("events", i, "group")
                )
            roles: list[Role] = []
            raw_roles = t.get("roles", [])
            if not isinstance(raw_roles, list):
                self.error(
                    self._where("events", i, "roles"),
                    f"roles of event type '{owner}' must be a list of tables",
                )
                raw_roles = []
            role_names: set[str] = set()
            for raw in raw_roles:
                role = self._role("events", i, owner, raw, "name", _ROLE_KEYS)
                if role is None:
                    continue
                if role.name in role_names:
                    self.error(
                        self._find("events", i, _pair_pat("name", role.name)),
                        f"event type '{owner}' declares role '{role.name}' twice",
                    )
                    continue
                role_names.add(role.name)
                roles.append(role)
            if name is None or self._duplicate(seen, "events", i, name):
                continue
            out.append((i, EventType(name, label, color, hotkey, group, tuple(roles))))
        return out

    def _relations(self, tables: list[dict[str, Any]]) -> list[tuple[int, RelationType]]:
        out: list[tuple[int, RelationType]] = []
        seen: dict[str, int] = {}
        for i, t in enumerate(tables):
            name, label, color, hotkey = self._common("relations", i, t, _RELATION_KEYS)
            owner = name or f"#{i + 1}"
            subtypes: tuple[str, ...] = ()
            if "subtypes" in t:
                subtypes = (
                    self._strings(
                        t["subtypes"],
                        f"subtypes of '{owner}'",
                        self._where("relations", i, "subtypes"),
                    )
                    or ()
                )
            raw_args = t.get("args")
            args: list[Role] = []
            if not isinstance(raw_args, list) or len(raw_args) != 2:
                self.error(
                    self._where("relations", i, "args" if "args" in t else None),
                    f"relation type '{owner}' needs 'args' with exactly two arguments",
                )
            else:
                for raw in raw_args:
                    arg = self._role("relations", i, owner, raw, "role", _ARG_KEYS)
                    if arg is not None:
                        args.append(arg)
                if len(args) == 2 and args[0].name == args[1].name:
                    self.error(
                        self._where("relations", i, "args"),
                        f"the two arguments of relation type '{owner}' have the same role"
                        f" '{args[0].name}'",
                    )
            if name is None or self._duplicate(seen, "relations", i, name) or len(args) != 2:
                continue
            out.append((i, RelationType(name, label, color, hotkey, subtypes, (args[0], args[1]))))
        return out

    def _equivalences(self, tables: list[dict[str, Any]]) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        seen: dict[str, int] = {}
        for i, t in enumerate(tables):
            raw = t.get("name")
            self._unknown_keys(
                t,
                _EQUIV_KEYS,
                f"equivalence type '{raw}'",
                lambda k, i=i: self._where("equivalences", i, k),
            )
            if raw is None:
                self.error(
                    self._where("equivalences", i), f"equivalence type #{i + 1} has no 'name'"
                )
                continue
            name = self._string(raw, "equivalence name", self._where("equivalences", i, "name"))
            if name is None or self._duplicate(seen, "equivalences", i, name):
                continue
            out.append((i, name))
        return out

    def _attributes(self, tables: list[dict[str, Any]]) -> list[tuple[int, AttributeDef]]:
        out: list[tuple[int, AttributeDef]] = []
        seen: dict[str, int] = {}
        for i, t in enumerate(tables):
            raw = t.get("name")
            owner = raw if isinstance(raw, str) else f"#{i + 1}"
            self._unknown_keys(
                t,
                _ATTR_KEYS,
                f"attribute '{owner}'",
                lambda k, i=i: self._where("attributes", i, k),
            )
            name = None
            if raw is None:
                self.error(self._where("attributes", i), f"attribute #{i + 1} has no 'name'")
            else:
                name = self._string(raw, "attribute name", self._where("attributes", i, "name"))
            targets: tuple[str, ...] | None = ()
            if "targets" not in t:
                self.error(
                    self._where("attributes", i),
                    f"attribute '{owner}' has no 'targets' (say what it applies to)",
                )
            else:
                line = self._where("attributes", i, "targets")
                targets = self._strings(t["targets"], f"targets of attribute '{owner}'", line)
                if targets == ():
                    self.error(line, f"attribute '{owner}' has an empty 'targets' list")
            values: tuple[str, ...] | None = ()
            if "values" in t:
                values = self._strings(
                    t["values"],
                    f"values of attribute '{owner}'",
                    self._where("attributes", i, "values"),
                )
            default = None
            if "default" in t:
                line = self._where("attributes", i, "default")
                default = self._string(t["default"], f"default of attribute '{owner}'", line)
                if default is not None and values is not None and default not in values:
                    self.error(
                        line,
                        f"default '{default}' of attribute '{owner}' is not one of its values"
                        if values
                        else f"binary attribute '{owner}' cannot have a default",
                    )
                    default = None
            if targets:
                self.attribute_targets.append((i, owner, targets))
            if name is None or not targets or values is None:
                continue
            if self._duplicate(seen, "attributes", i, name):
                continue
            out.append((i, AttributeDef(name, targets, values, default)))
        return out

    def _check_hotkeys(
        self,
        spans: list[tuple[int, SpanType]],
        events: list[tuple[int, EventType]],
        relations: list[tuple[int, RelationType]],
    ) -> None:
        seen: dict[str, str] = {}
        entries: list[tuple[str, int, SpanType | EventType | RelationType]] = [
            *(("entities", i, t) for i, t in spans),
            *(("events", i, t) for i, t in events),
            *(("relations", i, t) for i, t in relations),
        ]
        for section, i, t in entries:
            if t.hotkey is None:
                continue
            line = self._where(section, i, "hotkey")
            if t.hotkey in "123456789" and len(t.hotkey) == 1:
                self.error(
                    line,
                    f"hotkey '{t.hotkey}' of '{t.name}' is reserved"
                    " (1-9 pick the first nine span types)",
                )
            elif t.hotkey in seen:
                self.error(
                    line,
                    f"duplicate hotkey '{t.hotkey}': '{t.name}' and '{seen[t.hotkey]}'",
                )
            else:
                seen[t.hotkey] = t.name


def _toml_type(value: Any) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def _toml_error(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int | None, str]:
    """Turn tomllib's message into (line, reason)."""
    message = str(exc)
    m = _TOML_POS_RE.search(message)
    if m:
        return int(m.group(1)), f"invalid TOML: {message[: m.start()]} (column {m.group(2)})"
    m = _TOML_END_RE.search(message)
    if m:
        return max(
            1, len(text.splitlines())
        ), f"invalid TOML: {message[: m.start()]} (at end of file)"
    return None, f"invalid TOML: {message}"


def _deep_line(text: str, limit: int = 100) -> int:
    """The line where brackets first nest ``limit`` deep (strings not told apart: for a message only)."""
    depth, line = 0, 1
    for ch in text:
        if ch == "\n":
            line += 1
        elif ch in "[{":
            depth += 1
            if depth >= limit:
                return line
        elif ch in "]}":
            depth -= 1
    return 1


#: The largest schema file read (a schema with every embedded brat conf is a few KiB).
MAX_SCHEMA_BYTES = 16 * 1024 * 1024


def check_schema_text(text: str, path: str = "<schema>") -> list[SchemaError]:
    """Check a schema's TOML text and report every problem found.

    Args:
        text: the TOML source.
        path: the file name used in the errors.

    Returns:
        The errors in line order; empty when the schema is valid.
    """
    checker = _Checker(text, path)
    checker.run()
    return sorted(checker.errors, key=lambda e: (e.line is None, e.line or 0))


def parse_schema(text: str, path: str = "<schema>") -> Schema:
    """Parse a schema from TOML text.

    Args:
        text: the TOML source.
        path: the file name used in errors.

    Returns:
        The schema, with ``source`` set to ``text``.

    Raises:
        SchemaError: the first problem :func:`check_schema_text` finds.
    """
    checker = _Checker(text, path)
    schema = checker.run()
    if schema is None:
        errors = sorted(checker.errors, key=lambda e: (e.line is None, e.line or 0))
        raise errors[0]
    return schema


def _read_text(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SchemaError(
            f"not UTF-8 (bad byte at offset {exc.start})", path=path, line=line
        ) from None


def load_schema(path: str | Path) -> Schema:
    """Read and parse a schema file.

    Args:
        path: a UTF-8 TOML file.

    Returns:
        The schema.

    Raises:
        SchemaError: the file cannot be read or is not a valid schema.
    """
    name = str(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SCHEMA_BYTES + 1)  # never more: a schema is small
    except OSError as exc:
        raise SchemaError(exc.strerror or str(exc), path=name) from None
    if len(data) > MAX_SCHEMA_BYTES:
        raise SchemaError(f"larger than {MAX_SCHEMA_BYTES // 2**20} MiB: not a schema", path=name)
    return parse_schema(_read_text(data, name), name)


def _presets_dir() -> Any:
    return resources.files("tui.core.schema") / "presets"


def preset_names() -> list[str]:
    """Return the names of the packaged schemas, sorted."""
    return sorted(
        p.name[: -len(".toml")] for p in _presets_dir().iterdir() if p.name.endswith(".toml")
    )


def preset(name: str = "ace2005") -> Schema:
    """Return a packaged schema, parsed afresh.

    Args:
        name: a name from :func:`preset_names`.

    Returns:
        The schema.

    Raises:
        SchemaError: no preset has that name.
    """
    names = preset_names()
    if name not in names:
        raise SchemaError(f"unknown schema preset '{name}' (known: {', '.join(names)})", path=name)
    resource = _presets_dir() / f"{name}.toml"
    return parse_schema(
        _read_text(resource.read_bytes(), f"presets/{name}.toml"), f"presets/{name}.toml"
    )


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


def _to_toml(schema: Schema) -> str:
    lines = [f"name = {_q(schema.name)}", f"description = {_q(schema.description)}"]

    def common(t: SpanType | EventType | RelationType) -> None:
        lines.append(f"name = {_q(t.name)}")
        lines.append(f"label = {_q(t.label)}")
        lines.append(f"color = {_q(t.color)}")
        if t.hotkey is not None:
            lines.append(f"hotkey = {_q(t.hotkey)}")

    for st in schema.span_types:
        lines += ["", "[[entities]]"]
        common(st)
        lines.append(f"kind = {_q(st.kind)}")
        lines.append(f"subtypes = {_qs(st.subtypes)}")
    for et in schema.event_types:
        lines += ["", "[[events]]"]
        common(et)
        if et.group is not None:
            lines.append(f"group = {_q(et.group)}")
        lines.append("roles = [")
        for role in et.roles:
            lines.append(
                f"  {{ name = {_q(role.name)}, types = {_qs(role.types)},"
                f" cardinality = {_q(role.cardinality)} }},"
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
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Printing


def _table(rows: list[list[str]], indent: str) -> list[str]:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [cell.ljust(w) for cell, w in zip(r, widths, strict=True)]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def format_schema(schema: Schema) -> str:
    """Return a plain-text, column-aligned listing of a schema (``tui schema show``).

    Args:
        schema: the schema to list.

    Returns:
        Text ending in a newline.
    """
    out = [f"{schema.name}: {schema.description}" if schema.description else schema.name]

    out += ["", f"Span types ({len(schema.span_types)})"]
    if schema.span_types:
        rows = [["#", "key", "name", "label", "kind", "colour", "subtypes"]]
        for n, st in enumerate(schema.span_types, 1):
            rows.append(
                [
                    str(n) if n <= 9 else "",
                    st.hotkey or "",
                    st.name,
                    st.label,
                    st.kind,
                    st.color,
                    ", ".join(st.subtypes),
                ]
            )
        out += _table(rows, "  ")

    out += [
        "",
        f"Event types ({len(schema.event_types)})  cardinality: 1 one, ? optional, * any, + one or more",
    ]
    groups: dict[str | None, list[EventType]] = {}
    for et in schema.event_types:
        groups.setdefault(et.group, []).append(et)
    role_width = max((len(r.name) for et in schema.event_types for r in et.roles), default=0)
    for group, members in groups.items():
        indent = "  "
        if group is not None:
            out.append(f"  {group}")
            indent = "    "
        for et in members:
            key = f"  key {et.hotkey}" if et.hotkey else ""
            out.append(f"{indent}{et.name}  ({et.label}, {et.color}){key}")
            for role in et.roles:
                types = " ".join(role.types) if role.types else "(any)"
                out.append(
                    f"{indent}    {role.name.ljust(role_width)}  {role.cardinality}  {types}"
                )

    out += ["", f"Relation types ({len(schema.relation_types)})"]
    for rt in schema.relation_types:
        key = f"  key {rt.hotkey}" if rt.hotkey else ""
        out.append(f"  {rt.name}  ({rt.label}, {rt.color}){key}")
        if rt.subtypes:
            out.append(f"      subtypes: {', '.join(rt.subtypes)}")
        rows = [[arg.name, " ".join(arg.types) if arg.types else "(any)"] for arg in rt.args]
        out += _table(rows, "      ")

    out += ["", f"Equivalence types ({len(schema.equivalence_types)})"]
    out += [f"  {name}" for name in schema.equivalence_types]

    out += ["", f"Attributes ({len(schema.attributes)})"]
    if schema.attributes:
        rows = []
        for ad in schema.attributes:
            if ad.values:
                values = ", ".join(f"{v} (default)" if v == ad.default else v for v in ad.values)
            else:
                values = "(binary)"
            rows.append([ad.name, "on " + ", ".join(ad.targets), values])
        out += _table(rows, "  ")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# Validating annotations


@dataclass(frozen=True)
class Problem:
    """One way an annotation breaks the schema; ``kind`` is in :data:`PROBLEM_KINDS`."""

    annotation_id: str
    kind: str
    message: str


def _type_of(target: Any) -> str | None:
    """The type name a filler is checked by: a span's label, an event's type."""
    if isinstance(target, Span):
        return target.label
    if isinstance(target, Event):
        return target.type
    return None


def _describe(target: Any) -> str:
    kind = kind_of(target)[:-1]
    type_name = _type_of(target) or getattr(target, "type", None) or getattr(target, "name", "")
    return f"{kind} {target.id} ({type_name})" if type_name else f"{kind} {target.id}"


def _filler_error(types: tuple[str, ...], target: Any) -> str | None:
    """Why ``target`` cannot fill a role allowing ``types`` (None if it can)."""
    type_name = _type_of(target)
    if type_name is None:
        return f"{_describe(target)} is not a span or an event"
    if types and type_name not in types:
        return f"{_describe(target)} is not one of {', '.join(types)}"
    return None


def validate(schema: Schema, ann: DocAnnotations) -> list[Problem]:
    """List where a document's annotations break the schema.

    Rejected annotations are not checked (references to them still resolve).
    Nothing is changed or dropped.

    Args:
        schema: the schema to check against.
        ann: every annotation of one document.

    Returns:
        Problems in annotation order (kinds in :data:`tui.core.model.KINDS` order).
    """
    problems: list[Problem] = []
    by_id = ann.by_id()
    # A span stays a trigger while any event (even a rejected one) names it,
    # so rejecting an event does not also flag its trigger span.
    triggers = {e.trigger for e in ann.events}

    def add(annotation: Any, kind: str, message: str) -> None:
        problems.append(Problem(annotation.id, kind, _one_line(message)))

    def resolve(annotation: Any, ref: str, what: str) -> Any:
        target = by_id.get(ref)
        if target is None:
            add(annotation, "dangling-reference", f"{what} {ref!r} is not in this document")
        return target

    for span in ann.spans:
        if span.status == "rejected":
            continue
        st = schema.span_type(span.label)
        if span.id in triggers:
            if schema.event_type(span.label) is None and (st is None or st.kind != "trigger"):
                add(span, "unknown-type", f"trigger label '{span.label}' is not an event type")
        elif st is None:
            if schema.event_type(span.label) is not None:
                add(
                    span,
                    "unknown-type",
                    f"'{span.label}' is an event type, but no event has this span as trigger",
                )
            else:
                add(span, "unknown-type", f"unknown span type '{span.label}'")

    for event in ann.events:
        if event.status == "rejected":
            continue
        et = schema.event_type(event.type)
        if et is None:
            add(event, "unknown-type", f"unknown event type '{event.type}'")
        trigger = resolve(event, event.trigger, "trigger")
        if trigger is not None:
            if not isinstance(trigger, Span):
                add(event, "bad-trigger", f"trigger {_describe(trigger)} is not a span")
            elif trigger.label != event.type:
                add(
                    event,
                    "bad-trigger",
                    f"trigger span {trigger.id} is labelled '{trigger.label}', not '{event.type}'",
                )
        counts: Counter[str] = Counter()
        for arg in event.arguments:
            target = resolve(event, arg.target, f"{arg.role} argument")
            if et is None:
                continue
            role = et.role(arg.role)
            if role is None:
                add(event, "unknown-role", f"event type '{et.name}' has no role '{arg.role}'")
                continue
            counts[role.name] += 1
            if target is not None:
                why = _filler_error(role.types, target)
                if why:
                    add(event, "wrong-filler-type", f"{role.name}: {why}")
        if et is not None:
            for role in et.roles:
                n = counts[role.name]
                if n == 0 and role.cardinality in ("1", "+"):
                    add(event, "missing-role", f"{et.name} needs a {role.name} argument")
                elif n > 1 and role.cardinality in ("1", "?"):
                    add(
                        event,
                        "cardinality",
                        f"{et.name} allows at most one {role.name} argument, has {n}",
                    )

    for relation in ann.relations:
        if relation.status == "rejected":
            continue
        _validate_relation(schema, relation, add, resolve)

    for equiv in ann.equivalences:
        if equiv.status == "rejected":
            continue
        _validate_equivalence(schema, equiv, add, resolve)

    for attr in ann.attributes:
        if attr.status == "rejected":
            continue
        target = resolve(attr, attr.target, "target")
        ad = schema.attribute(attr.name)
        if ad is None:
            add(attr, "unknown-attribute", f"unknown attribute '{attr.name}'")
            continue
        if ad.values:
            if attr.value is None:
                add(attr, "bad-attribute-value", f"{ad.name} needs a value: {', '.join(ad.values)}")
            elif attr.value not in ad.values:
                add(
                    attr,
                    "bad-attribute-value",
                    f"{ad.name} cannot be '{attr.value}' (allowed: {', '.join(ad.values)})",
                )
        elif attr.value is not None:
            add(attr, "bad-attribute-value", f"{ad.name} is binary and takes no value")
        if target is not None and not set(ad.targets) & _target_tokens(schema, target, triggers):
            add(
                attr,
                "bad-attribute-target",
                f"{ad.name} applies to {', '.join(ad.targets)}, not to {_describe(target)}",
            )

    for other in [*ann.normalizations, *ann.notes]:
        if other.status != "rejected":
            resolve(other, other.target, "target")
    return problems


def _validate_relation(schema: Schema, relation: Relation, add: Any, resolve: Any) -> None:
    rt = schema.relation_type(relation.type)
    targets = [resolve(relation, a.target, f"{a.role} argument") for a in relation.arguments]
    if rt is None:
        add(relation, "unknown-type", f"unknown relation type '{relation.type}'")
        return
    if len(relation.arguments) != 2:
        add(
            relation,
            "cardinality",
            f"relation has {len(relation.arguments)} arguments, '{rt.name}' needs 2",
        )
        return
    given = [a.role for a in relation.arguments]
    expected = [r.name for r in rt.args]
    if sorted(given) == sorted(expected):
        pairs = [(rt.args[expected.index(role)], t) for role, t in zip(given, targets, strict=True)]
    else:
        pairs = list(zip(rt.args, targets, strict=True))
        for role, arg in zip(given, rt.args, strict=True):
            if role != arg.name:
                add(
                    relation,
                    "unknown-role",
                    f"'{rt.name}' has no argument '{role}' (expected {arg.name})",
                )
    for arg, target in pairs:
        if target is not None:
            why = _filler_error(arg.types, target)
            if why:
                add(relation, "wrong-filler-type", f"{arg.name}: {why}")


def _validate_equivalence(schema: Schema, equiv: Equivalence, add: Any, resolve: Any) -> None:
    if equiv.type not in schema.equivalence_types:
        add(equiv, "unknown-type", f"unknown equivalence type '{equiv.type}'")
    labels: list[str] = []
    for ref in equiv.members:
        target = resolve(equiv, ref, "member")
        if target is None:
            continue
        if isinstance(target, Span):
            labels.append(target.label)
        else:
            add(equiv, "wrong-filler-type", f"member {_describe(target)} is not a span")
    distinct = sorted(set(labels))
    if len(distinct) > 1:
        add(equiv, "wrong-filler-type", f"members have different types: {', '.join(distinct)}")


def _target_tokens(schema: Schema, target: Any, triggers: set[str]) -> set[str]:
    """What an attribute target counts as: its kind, span kind and type name."""
    tokens = {kind_of(target)[:-1]}
    type_name = _type_of(target) or getattr(target, "type", None)
    if type_name:
        tokens.add(type_name)
    if isinstance(target, Span):
        if target.id in triggers:
            tokens.add("trigger")
        else:
            st = schema.span_type(target.label)
            if st is not None:
                tokens.add(st.kind)
    return tokens
