"""Checking a schema's TOML text, every problem with its line (``_Checker``).

The checker never stops at the first problem; line numbers are found (by
:class:`_Locator`) only when an error needs one, so a valid schema is never
scanned for them. :mod:`tui.core.schema.parse` wraps it.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable
from typing import Any

from tui.core.schema.guides import GUIDE_KEYS, PLACE_KINDS, guide_text, mapping, spacy_table
from tui.core.schema.lexicon import word_list
from tui.core.schema.suggest_table import check_suggest
from tui.core.schema.types import (
    CARDINALITIES,
    SPAN_KINDS,
    TARGET_KINDS,
    AttributeDef,
    EventType,
    RelationType,
    Role,
    Schema,
    SchemaError,
    SpanType,
    fallback_color,
)

_COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")
_HEADER_RE = re.compile(r"\s*\[\[?\s*([A-Za-z0-9_.\"'-]+)\s*\]\]?\s*(#.*)?$")
_ARRAY_HEADER_RE = re.compile(r"\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]\s*(#.*)?$")
_TOML_POS_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END_RE = re.compile(r"\s*\(at end of document\)$")

_TOP_KEYS: tuple[str, ...] = ("name", "description", "entities", "events", "relations", "equivalences", "attributes",
                             "suggest")
_ENTITY_KEYS: tuple[str, ...] = ("name", "label", "color", "hotkey", "kind", "subtypes")
_EVENT_KEYS: tuple[str, ...] = ("name", "group", "label", "color", "hotkey", "roles")
_ROLE_KEYS: tuple[str, ...] = ("name", "types", "cardinality", "optional")
_RELATION_KEYS = ("name", "label", "color", "hotkey", "subtypes", "args")
_ARG_KEYS = ("role", "types")
_EQUIV_KEYS = ("name",)
_ATTR_KEYS: tuple[str, ...] = ("name", "targets", "values", "default")
# Issue 14: guidelines on types, roles and attributes; label mappings (tui/core/schema/guides.py).
_TOP_KEYS += ("spacy", "places")
_ENTITY_KEYS += GUIDE_KEYS
_EVENT_KEYS += GUIDE_KEYS
_ROLE_KEYS += GUIDE_KEYS
_ATTR_KEYS += GUIDE_KEYS
# Issue 14: the lexicon of the lexicon suggestion source (tui/core/schema/lexicon.py).
_ENTITY_KEYS += ("nominals",)
_EVENT_KEYS += ("triggers",)
_SECTION_WORD = {
    "entities": "entity type",
    "events": "event type",
    "relations": "relation type",
    "equivalences": "equivalence type",
    "attributes": "attribute",
}


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

    def __init__(self, fn: Callable[..., int | None], *args: object) -> None:
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
        """Return the line of a top-level ``key``, or None."""
        return self.loc.key(key)

    def _find(self, section: str | None, index: int | None, *patterns: str) -> _LazyLine:
        return _LazyLine(lambda: self.loc.find(section, index, *patterns))

    def error(self, line: int | _LazyLine | None, reason: str) -> None:
        """Record a problem at ``line`` (worked out now if it is lazy)."""
        if isinstance(line, _LazyLine):
            line = line()
        self.errors.append(SchemaError(reason, path=self.path, line=line))

    # -- field helpers ----------------------------------------------------

    def _where(self, section: str, index: int, key: str | None = None) -> _LazyLine:
        if key is None:
            return _LazyLine(lambda: self.loc.entry(section, index))
        return self._find(section, index, _key_pat(key))

    def _unknown_keys(
        self,
        table: dict[str, Any],
        allowed: tuple[str, ...],
        what: str,
        line_of: Callable[[str], int | _LazyLine | None],
    ) -> None:
        for key in table:
            if key not in allowed:
                self.error(
                    line_of(key),
                    f"unknown key '{key}' in {what} (allowed: {', '.join(allowed)})",
                )

    def _string(
        self, value: Any, what: str, line: int | _LazyLine | None, *, empty_ok: bool = False
    ) -> str | None:
        if not isinstance(value, str):
            self.error(line, f"{what} must be a string, not {_toml_type(value)}")
            return None
        if not value and not empty_ok:
            self.error(line, f"{what} must not be empty")
            return None
        return value

    def _strings(self, value: Any, what: str, line: int | _LazyLine | None) -> tuple[str, ...] | None:
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
        optional = False
        if "optional" in raw:
            if not isinstance(raw["optional"], bool):
                self.error(
                    self._find(section, index, _pair_pat(key_name, role_name), _key_pat("optional")),
                    f"optional of role '{role_name}' of '{owner}' must be true or false,"
                    f" not {raw['optional']!r}",
                )
            else:
                optional = raw["optional"]
        definition, example = self._guides(section, index, raw, f"{what} '{role_name}' of '{owner}'",
                                           (key_name, role_name))
        return Role(role_name, types, cardinality, definition, example, optional)

    def _guides(self, section: str, index: int, table: dict[str, Any], owner: str,
                role: tuple[str, str] | None = None) -> tuple[str, str]:
        """The ``definition`` and ``example`` of an entry (or of a role in it), checked."""
        out = []
        for key in GUIDE_KEYS:
            if key not in table:
                out.append("")
                continue
            line = (self._where(section, index, key) if role is None
                    else self._find(section, index, _pair_pat(*role), _key_pat(key)))
            out.append(guide_text(table[key], f"{key} of {owner}", line, self.error))
        return out[0], out[1]

    def _lexicon(self, section: str, index: int, table: dict[str, Any], key: str, owner: str) -> tuple[str, ...]:
        """An entry's ``triggers`` or ``nominals`` list, checked (empty when absent or bad)."""
        if key not in table:
            return ()
        return word_list(table[key], key, owner, self._where(section, index, key), self.error)

    # -- sections -----------------------------------------------------------

    def run(self) -> Schema | None:
        """Check the whole text: the schema, or None when :attr:`errors` holds a problem."""
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
        suggest = check_suggest(data.get("suggest", {}), self.text, self.error)
        type_names = fillers | {t.name for _, t in relations} | {n for _, n in equivalences}
        for i, owner, targets in self.attribute_targets:
            for target in targets:
                if target not in TARGET_KINDS and target not in type_names:
                    self.error(
                        self._find("attributes", i, _key_pat("targets"), _str_pat(target)),
                        f"attribute '{owner}' targets '{target}', which is neither a kind"
                        f" ({', '.join(TARGET_KINDS)}) nor a declared type",
                    )

        spacy_labels = spacy_table(data.get("spacy"), self.text, span_names, self.error)
        place_types = mapping(data.get("places"), "places", self.text, span_names, self.error, PLACE_KINDS)

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
            suggest=suggest,
            spacy_labels=spacy_labels,
            place_types=place_types,
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
            guides = self._guides("entities", i, t, f"entity type '{owner}'")
            nominals = self._lexicon("entities", i, t, "nominals", f"entity type '{owner}'")
            if name is None or self._duplicate(seen, "entities", i, name):
                continue
            out.append((i, SpanType(name, label, color, hotkey, kind, subtypes, *guides, nominals)))
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
            guides = self._guides("events", i, t, f"event type '{owner}'")
            triggers = self._lexicon("events", i, t, "triggers", f"event type '{owner}'")
            if name is None or self._duplicate(seen, "events", i, name):
                continue
            out.append((i, EventType(name, label, color, hotkey, group, tuple(roles), *guides, triggers)))
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
                functools.partial(self._where, "equivalences", i),
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
                functools.partial(self._where, "attributes", i),
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
            guides = self._guides("attributes", i, t, f"attribute '{owner}'")
            if targets:
                self.attribute_targets.append((i, owner, targets))
            if name is None or not targets or values is None:
                continue
            if self._duplicate(seen, "attributes", i, name):
                continue
            out.append((i, AttributeDef(name, targets, values, default, *guides)))
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
        # The E picker reads a hotkey key by key: an event hotkey that starts another
        # could never pick its own type (tui.core.schema.hotkeys).
        event_keys = {t.hotkey: (i, t.name) for i, t in events if t.hotkey}
        for i, t in events:
            if t.hotkey is None:
                continue
            for other, (_, name) in event_keys.items():
                if other != t.hotkey and other.startswith(t.hotkey):
                    self.error(self._where("events", i, "hotkey"),
                               f"hotkey '{t.hotkey}' of '{t.name}' clashes with '{other}' of '{name}':"
                               " a key cannot both pick a type and start another's hotkey")


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
