"""annotation.conf read line by line the way brat reads it (``server/src/projectconfig.py``).

brat's rules, each kept here:

- ``[section]`` headers split the file; ``[spans]`` is ``[entities]``; a
  section named twice is one section (its lines joined).
- A line is ``INDENT TERMS [WHITESPACE ARGS]``: ``TERMS`` is ``Type|Alias|...``
  (the first term is the type, the others are aliases, kept but not part of
  the name); a ``!`` on a term marks the type abstract (a hierarchy node
  that cannot be used). brat's storage form replaces every character outside
  ``[A-Za-z0-9_-]`` by ``_``: tui keeps the name as written (data written by
  other tools uses it) and says in a note what brat would make of it.
- The indent is the depth: a line at depth ``n`` is a child of the last
  line at depth ``n - 1`` (brat refuses a line with no such parent).
- ``<NAME>=value`` defines a macro for the rest of *its section* (tui
  also lets a macro defined before the first section hold everywhere);
  ``<INHERIT>`` in the arguments is the parent's arguments; lines of only
  ``-`` are display separators; ``#`` starts a comment line.
- In ``[relations]``, ``<OVERLAP>`` (``Arg1:T, Arg2:T, <OVL-TYPE>:contain|equal|cross|<ANY>``)
  and the older ``ENTITY-NESTING`` (``contain`` only, ignored for a pair
  ``<OVERLAP>`` covers) say which entity spans may overlap: see :mod:`.overlap`.

Type names in arguments are resolved only after the whole file is read, so
an argument may name a type declared later or in another section. A name
declared nowhere is what brat accepts silently (it checks names only
against the data): tui keeps the conf, drops the name from the role and
says so in a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tui.core.errors import InputError
from tui.core.model import MAX_NAME

_SECTIONS = ("entities", "spans", "relations", "events", "attributes")
_SECTION_RE = re.compile(r"\[\s*([A-Za-z_-]+)\s*\]")
# brat: ^<([a-zA-Z_-]+)>=\s*(.*?)\s*$ (tui also allows blanks around '=')
_MACRO_RE = re.compile(r"<([A-Za-z0-9_-]+)>\s*=\s*(.*)")
_LINE_RE = re.compile(r"(\s*)(\S+)(?:\s+(.*))?")
_MACRO_USE = re.compile(r"<[^<>\s]*?>")
_STORAGE_BAD = re.compile(r"[^a-zA-Z0-9_-]")

#: brat's reserved ``<...>`` strings: never macros, kept as written.
RESERVED = frozenset(f"<{n}>" for n in (
    "ANY", "ENTITY", "RELATION", "EVENT", "NONE", "EMPTY", "REL-TYPE", "URL", "URLBASE", "UNICODE",
    "GLYPH-POS", "DEFAULT", "NORM", "OVERLAP", "OVL-TYPE", "INHERIT",
))
#: Relation "types" that only configure span overlap.
OVERLAP_TYPE = "<OVERLAP>"
NESTING_TYPE = "ENTITY-NESTING"
SPECIAL_RELATIONS = frozenset((OVERLAP_TYPE, NESTING_TYPE))
OVERLAP_KINDS = frozenset(("contain", "equal", "cross", "<ANY>"))

#: The longest line of a .conf file, macros expanded (real lines are well under 1 KiB).
MAX_CONF_LINE = 64 * 1024


@dataclass
class _Entry:
    """One type line of annotation.conf."""

    name: str
    args: list[str]
    line: int
    parent: str | None
    abstract: bool
    children: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    """The terms after the first (``Glycosylation|GO:0006486``: ``["GO:0006486"]``)."""


@dataclass
class OverlapRule:
    """One ``<OVERLAP>`` or ``ENTITY-NESTING`` line: Arg1 types, Arg2 types, what may happen."""

    inner: tuple[str, ...]
    outer: tuple[str, ...]
    kinds: frozenset[str]
    nesting: bool
    """An old-style ``ENTITY-NESTING`` line (``contain``), which any ``<OVERLAP>`` for the pair overrides."""
    line: int


@dataclass
class AnnotationConf:
    """The parsed content of an annotation.conf, before type names are resolved."""

    path: str
    sections: dict[str, list[_Entry]] = field(default_factory=dict)
    overlaps: list[OverlapRule] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """``path:line: text`` for what brat accepts but tui reads differently or not at all."""


def _cut(value: object, limit: int = 60) -> str:
    """``repr`` of a name from the file, cut for a one-line message."""
    r = repr(value)
    return r if len(r) <= limit else r[:limit] + "..."


def storage_form(term: str) -> str:
    """brat's ``normalize_to_storage_form``: blanks and other characters outside ``[A-Za-z0-9_-]`` become ``_``."""
    return _STORAGE_BAD.sub("_", term.replace(" ", "_"))


def parse_annotation_conf(text: str, path: str) -> tuple[AnnotationConf, list[InputError]]:
    """Split an annotation.conf into sections of type lines (see the module doc).

    Args:
        text: the file's text.
        path: its name, for errors.

    Returns:
        The parsed file and the problems found (each with file and line).
    """
    conf = AnnotationConf(path)
    errors: list[InputError] = []
    macros: dict[str, dict[str, str]] = {}  # per section, as in brat
    section: str | None = None
    # per section: the last entry and its arguments at each depth (brat's last_node_at_depth)
    at_depth: dict[str, dict[int, tuple[str, list[str]]]] = {}

    def err(lineno: int, reason: str) -> None:
        errors.append(InputError(reason, path=path, line=lineno))

    for lineno, raw in enumerate(text.splitlines(), 1):
        body = raw.strip()
        if not body or body.startswith("#") or re.fullmatch(r"-+", body):
            continue
        m = _SECTION_RE.fullmatch(body)
        if m:
            section = m.group(1).lower()
            if section not in _SECTIONS:
                err(lineno, f"unknown section [{m.group(1)}]")
                section = None
                continue
            # brat's newer [spans] section is the same as [entities]
            section = "entities" if section == "spans" else section
            conf.sections.setdefault(section, [])
            continue
        m = _MACRO_RE.fullmatch(body)
        if m:
            key = f"<{m.group(1)}>"
            if key in RESERVED:
                err(lineno, f"{key} is reserved in brat and cannot be redefined")
            else:
                macros.setdefault(section or "", {})[key] = m.group(2).strip()
            continue
        if section is None:
            err(lineno, "type line outside a section")
            continue
        line = raw.rstrip()
        too_long = len(line) > MAX_CONF_LINE
        in_force = {**macros.get("", {}), **macros.get(section, {})}
        for key, value in in_force.items():
            if too_long:
                break
            line = line.replace(key, value)
            # macros whose values name later macros grow exponentially: stop at the bound
            too_long = len(line) > MAX_CONF_LINE
        if too_long:
            err(lineno, f"line longer than {MAX_CONF_LINE} characters (after macros)")
            continue
        undefined = [u for u in _MACRO_USE.findall(line) if u not in RESERVED]
        if undefined:
            err(lineno, f"undefined macro {_cut(undefined[0])} (brat's macros hold only in the section that defines them)")
            continue
        lm = _LINE_RE.fullmatch(line)
        if lm is None:  # (cannot happen: the line is not blank)
            err(lineno, "cannot read the line")
            continue
        indent, terms_s, args_s = lm.groups()
        terms = [t.strip() for t in terms_s.split("|") if t.strip()]
        if not terms:
            err(lineno, f"empty type name in {_cut(terms_s)}")
            continue
        abstract = any(t.startswith("!") for t in terms)
        terms = [t[1:] if t.startswith("!") else t for t in terms]
        name = terms[0]
        if not name:
            err(lineno, f"empty type name in {_cut(terms_s)}")
            continue
        if len(name) > MAX_NAME:
            err(lineno, f"type name of {len(name)} characters (at most {MAX_NAME})")
            continue
        stored = name if name in SPECIAL_RELATIONS else storage_form(name)
        if stored != name:
            conf.notes.append(f"{path}:{lineno}: brat would store type {_cut(name)} as {_cut(stored)} "
                              "(it keeps only A-Z a-z 0-9 _ - in type names); tui keeps the name as written")
        args = [a.strip() for a in (args_s or "").split(",") if a.strip()]
        depth = len(indent)
        levels = at_depth.setdefault(section, {})
        if depth and depth - 1 not in levels:
            err(lineno, f"{_cut(name)} is indented {depth} but no line above is indented {depth - 1} "
                "(brat needs the parent one step less indented)")
            continue
        if "<INHERIT>" in args:
            if not depth:
                err(lineno, f"{_cut(name)}: <INHERIT> on a line without a parent")
                continue
            inherited = levels[depth - 1][1]
            args = [x for a in args for x in (inherited if a == "<INHERIT>" else [a])]
            if sum(len(a) + 2 for a in args) > MAX_CONF_LINE:  # <INHERIT> twice a level doubles per level
                err(lineno, f"arguments longer than {MAX_CONF_LINE} characters (after <INHERIT>)")
                continue
        parent = levels[depth - 1][0] if depth else None
        levels[depth] = (name, args)
        for deeper in [d for d in levels if d > depth]:
            del levels[deeper]
        if section == "relations" and name in SPECIAL_RELATIONS:
            rule = _overlap_rule(name, args, lineno, path, conf, err)
            if rule is not None:
                conf.overlaps.append(rule)
            continue
        conf.sections[section].append(_Entry(name, args, lineno, parent, abstract, aliases=terms[1:]))
    return conf, errors


def _overlap_rule(name: str, args: list[str], lineno: int, path: str, conf: AnnotationConf,
                  err: Callable[[int, str], None]) -> OverlapRule | None:
    """An ``<OVERLAP>``/``ENTITY-NESTING`` line as a rule (None: brat ignores it too)."""
    found: dict[str, tuple[str, ...]] = {}
    kinds: set[str] = set()
    has_kind = False
    for a in args:
        key, sep, value = a.partition(":")
        if not sep:
            err(lineno, f"{name}: bad argument {_cut(a)} (expected KEY:VALUE)")
            return None
        if key == "<OVL-TYPE>":
            has_kind = True
            kinds.update(v for v in value.split("|") if v)
        elif key in ("Arg1", "Arg2"):
            found[key] = tuple(t.strip() for t in value.split("|") if t.strip())
    if "Arg1" not in found or "Arg2" not in found:
        err(lineno, f"{name} needs Arg1: and Arg2: (the two entity types)")
        return None
    if name == NESTING_TYPE:
        return OverlapRule(found["Arg1"], found["Arg2"], frozenset(("contain",)), True, lineno)
    if not has_kind:
        conf.notes.append(f"{path}:{lineno}: <OVERLAP> without <OVL-TYPE>: ignored, as brat does")
        return None
    unknown = sorted(kinds - OVERLAP_KINDS)
    if unknown:
        conf.notes.append(f"{path}:{lineno}: <OVL-TYPE> value(s) {', '.join(map(_cut, unknown))} "
                          "mean nothing to brat (contain, equal, cross, <ANY>)")
    return OverlapRule(found["Arg1"], found["Arg2"], frozenset(kinds & OVERLAP_KINDS), False, lineno)


def _count(digits: str) -> int:
    """A brat count's digits as 0, 1 or 2 (more than one), however many digits there are.

    ``int()`` refuses a string of over 4,300 digits (a ValueError), and brat
    (Python's unbounded integers) reads any: only none, one or more matters here.
    """
    digits = digits.lstrip("0")
    return 0 if not digits else 1 if digits == "1" else 2


def _cardinality(card: str | None) -> str:
    """brat's ``?``, ``*``, ``+``, ``{n}``, ``{n-m}`` as one of ``1 ? * +``."""
    if not card:
        return "1"
    if card in ("?", "*", "+"):
        return card
    low_s, _, high_s = card.strip("{}").partition("-")
    low = _count(low_s)
    high = _count(high_s) if high_s else (low if "-" not in card else None)
    if low == 0:
        return "?" if high == 1 else "*"
    return "1" if low == 1 and high == 1 else "+"


class _Resolver:
    """Turns type names, hierarchy nodes and brat's <ENTITY>-style macros into type lists."""

    def __init__(self, conf: AnnotationConf) -> None:
        self.kind: dict[str, str] = {}
        self.entries: dict[str, _Entry] = {}
        for section in ("entities", "events", "relations"):
            for e in conf.sections.get(section, []):
                self.kind.setdefault(e.name, section)
                self.entries.setdefault(e.name, e)
                if e.parent and e.parent in self.entries and e.name not in self.entries[e.parent].children:
                    self.entries[e.parent].children.append(e.name)
        self.entities = _concrete(conf.sections.get("entities", []))
        self.events = _concrete(conf.sections.get("events", []))
        self.relations = _concrete(conf.sections.get("relations", []))

    def expand(self, name: str) -> list[str] | None:
        """Concrete types a name stands for (None: unknown name)."""
        if name == "<ENTITY>":
            return list(self.entities)
        if name == "<EVENT>":
            return list(self.events)
        if name == "<RELATION>":
            return list(self.relations)
        if name == "<ANY>":
            return []
        if name not in self.entries:
            return None
        out: list[str] = []
        todo, seen = [name], {name}
        while todo:  # the node and everything under it, each once (a name declared twice may loop)
            entry = self.entries[todo.pop(0)]
            if not entry.abstract:
                out.append(entry.name)
            for child in entry.children:
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return out


def _concrete(entries: list[_Entry]) -> list[str]:
    seen: dict[str, None] = {}
    for e in entries:
        if not e.abstract:
            seen.setdefault(e.name, None)
    return list(seen)
