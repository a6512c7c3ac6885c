"""brat's configuration files in and out of a :class:`~tui.core.schema.Schema`.

brat describes a project with ``annotation.conf`` (entity, relation and event
types, attributes), ``visual.conf`` (labels and colours) and
``kb_shortcuts.conf`` (one key per type), looked up from a document's folder
upwards. :func:`find_confs` applies that rule, :func:`schema_from_confs`
turns the files into a schema, :func:`~tui.core.formats.brat.conf_write.confs_for_export` gives them back.

The original files are kept *inside* the schema's TOML source, as comment
lines holding each file line as a JSON string (``#brat| "Person\\n"``):
comments survive the store (it keeps the source text), need no new schema
field, and give byte-identical files on export. A schema edited and saved
from its objects loses those comments, and export then generates the files
from the schema instead.

Without any ``annotation.conf``, :func:`infer_schema` builds a schema from the
annotations themselves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.errors import InputError
from tui.core.formats.brat.annconf import (
    _SECTION_RE,
    _cardinality,
    _cut,
    _Entry,
    _Resolver,
    parse_annotation_conf,
)
from tui.core.model import DocAnnotations
from tui.core.schema import (
    AttributeDef,
    EventType,
    RelationType,
    Role,
    Schema,
    SchemaError,
    SpanType,
    distinct_colors,
    fallback_color,
    parse_schema,
)
from tui.core.text.offsets import decode_utf8

#: The configuration files kept with a schema, in the order they are written.
CONF_FILES: tuple[str, ...] = ("annotation.conf", "visual.conf", "kb_shortcuts.conf", "tools.conf")

_EMBED_HEAD = "#brat-conf "
_EMBED_LINE = "#brat| "
_ARG_RE = re.compile(r"(?P<role>[^:?*+{}]+?)(?P<card>[?*+]|\{\d+(?:-\d*)?\})?:(?P<types>.+)")
_HEX3 = re.compile(r"#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])")
_HEX6 = re.compile(r"#[0-9a-fA-F]{6}")

#: CSS colour names brat configurations use, as #rrggbb (others fall back to a derived colour).
NAMED_COLORS: dict[str, str] = {
    "black": "#000000", "white": "#ffffff", "red": "#ff0000", "green": "#008000",
    "blue": "#0000ff", "yellow": "#ffff00", "orange": "#ffa500", "purple": "#800080",
    "pink": "#ffc0cb", "brown": "#a52a2a", "gray": "#808080", "grey": "#808080",
    "cyan": "#00ffff", "magenta": "#ff00ff", "lime": "#00ff00", "navy": "#000080",
    "teal": "#008080", "olive": "#808000", "maroon": "#800000", "silver": "#c0c0c0",
    "gold": "#ffd700", "violet": "#ee82ee", "indigo": "#4b0082", "salmon": "#fa8072",
    "khaki": "#f0e68c", "tan": "#d2b48c", "coral": "#ff7f50", "tomato": "#ff6347",
    "orchid": "#da70d6", "plum": "#dda0dd", "turquoise": "#40e0d0", "beige": "#f5f5dc",
    "lightgreen": "#90ee90", "lightblue": "#add8e6", "lightgray": "#d3d3d3",
    "lightgrey": "#d3d3d3", "lightpink": "#ffb6c1", "lightyellow": "#ffffe0",
    "darkgreen": "#006400", "darkblue": "#00008b", "darkred": "#8b0000",
    "darkorange": "#ff8c00", "darkgray": "#a9a9a9", "darkgrey": "#a9a9a9",
    "skyblue": "#87ceeb", "steelblue": "#4682b4", "royalblue": "#4169e1",
    "palegreen": "#98fb98", "yellowgreen": "#9acd32", "greenyellow": "#adff2f",
    "hotpink": "#ff69b4", "deeppink": "#ff1493", "firebrick": "#b22222",
    "chocolate": "#d2691e", "sienna": "#a0522d", "wheat": "#f5deb3",
}


# --------------------------------------------------------------------------
# Finding the files


def find_confs(doc_dir: Path, root: Path) -> dict[str, Path]:
    """Find each configuration file the way brat does: nearest folder upwards.

    Each file is looked up on its own, in the document's folder, then its
    parents up to ``root`` (the folder named on the command line), then
    ``root``'s own parents.

    Args:
        doc_dir: the folder holding the document's ``.txt``/``.ann``.
        root: the imported folder (kept for the order of the walk).

    Returns:
        ``{file name: path}`` for every file found.
    """
    found: dict[str, Path] = {}
    start = doc_dir.resolve()
    for folder in (start, *start.parents):
        for name in CONF_FILES:
            if name not in found and (folder / name).is_file():
                found[name] = folder / name
        if len(found) == len(CONF_FILES):
            break
    return found


# --------------------------------------------------------------------------
# annotation.conf


# --------------------------------------------------------------------------
# visual.conf and kb_shortcuts.conf


@dataclass
class Visual:
    """Labels and colours from visual.conf, hotkeys from kb_shortcuts.conf."""

    labels: dict[str, list[str]] = field(default_factory=dict)
    drawing: dict[str, dict[str, str]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    """Type name (lower case) -> key."""


def parse_visual_conf(text: str, visual: Visual) -> None:
    """Read the [labels] and [drawing] sections of a visual.conf into ``visual``."""
    section = None
    for raw in text.splitlines():
        body = raw.strip()
        if not body or body.startswith("#"):
            continue
        m = _SECTION_RE.fullmatch(body)
        if m:
            section = m.group(1).lower()
            continue
        if section == "labels":
            forms = [f.strip() for f in body.split("|")]
            if forms and forms[0]:
                visual.labels[forms[0]] = forms[1:]
        elif section == "drawing":
            parts = body.split(None, 1)
            settings: dict[str, str] = {}
            for item in (parts[1] if len(parts) > 1 else "").split(","):
                key, sep, value = item.strip().partition(":")
                if sep:
                    settings[key.strip()] = value.strip()
            visual.drawing[parts[0]] = settings


def parse_kb_shortcuts(text: str, visual: Visual) -> None:
    """Read ``KEY TYPE`` lines of a kb_shortcuts.conf into ``visual.keys``."""
    for raw in text.splitlines():
        body = raw.strip()
        if not body or body.startswith("#"):
            continue
        parts = body.split(None, 1)
        if len(parts) == 2:
            visual.keys.setdefault(parts[1].strip().lower(), parts[0])


def css_color(value: str | None) -> str | None:
    """A brat colour (``#rgb``, ``#rrggbb`` or a CSS name) as ``#rrggbb``, or None."""
    if not value:
        return None
    value = value.strip()
    if _HEX6.fullmatch(value):
        return value.lower()
    m = _HEX3.fullmatch(value)
    if m:
        return "#" + "".join(c * 2 for c in m.groups()).lower()
    return NAMED_COLORS.get(value.lower())


# --------------------------------------------------------------------------
# Building the schema


def read_conf_texts(paths: dict[str, Path]) -> dict[str, str]:
    """Read the configuration files found, strictly as UTF-8 (BOM kept).

    Raises:
        InputError: a file that cannot be read or decoded.
    """
    texts: dict[str, str] = {}
    for name in CONF_FILES:
        if name in paths:
            try:
                data = paths[name].read_bytes()
            except OSError as exc:
                raise InputError(exc.strerror or "cannot read", path=str(paths[name])) from None
            texts[name] = decode_utf8(data, str(paths[name]))
    return texts


def schema_from_confs(
    name: str,
    texts: dict[str, str],
    paths: dict[str, Path],
    inferred: Schema | None = None,
    notes: list[str] | None = None,
) -> Schema:
    """Build a schema from brat configuration files.

    Args:
        name: the schema name.
        texts: ``{file name: text}``; ``annotation.conf`` may be missing when
            ``inferred`` gives the types instead.
        paths: where each file came from (for errors and the description).
        inferred: the types to use when there is no annotation.conf.
        notes: receives ``file:line: ...`` for what brat accepts in the
            annotation.conf but tui reads differently (undeclared argument
            types, type names brat rewrites, ignored overlap lines).

    Returns:
        The schema; its ``source`` is TOML carrying the original files.

    Raises:
        InputErrors: problems in annotation.conf, each with file and line.
    """
    from tui.core.errors import InputErrors

    visual = Visual()
    if "visual.conf" in texts:
        parse_visual_conf(texts["visual.conf"], visual)
    if "kb_shortcuts.conf" in texts:
        parse_kb_shortcuts(texts["kb_shortcuts.conf"], visual)
    if "annotation.conf" in texts:
        schema = _schema_from_annotation_conf(
            name, texts["annotation.conf"], str(paths["annotation.conf"]), visual, notes
        )
    else:
        base = inferred or Schema(name=name)
        schema = _restyle(base, visual)
    where = sorted({str(p.parent) for p in paths.values()})
    schema.description = f"brat configuration ({', '.join(n for n in CONF_FILES if n in texts)}) from {', '.join(where)}"
    toml = schema.to_toml()
    source = toml + embed_confs(texts)
    try:
        parsed = parse_schema(source, f"<schema {name}>")
    except SchemaError as exc:
        conf_path = str(paths.get("annotation.conf", next(iter(paths.values()), name)))
        raise InputErrors([InputError(f"cannot be used as a schema: {exc.reason[:300]}", path=conf_path)]) from None
    return parsed


def _restyle(schema: Schema, visual: Visual) -> Schema:
    """Apply visual.conf labels/colours and shortcuts to a schema's types."""
    used: set[str] = set()
    # Types visual.conf does not colour share one palette, so no two of them look
    # alike in a 256-colour terminal (issue 13: colours by name collided).
    uncoloured = [
        (t.name, key)
        for types, key in ((schema.span_types, "bgColor"), (schema.event_types, "bgColor"),
                           (schema.relation_types, "color"))
        for t in types
        if css_color(visual.drawing.get(t.name, {}).get(key)) is None
    ]
    spread = dict(zip(uncoloured, distinct_colors(len(uncoloured)), strict=True))

    def style(tname: str, color_key: str) -> tuple[str, str, str | None]:
        forms = visual.labels.get(tname, [])
        label = forms[-1] if forms else tname
        color = css_color(visual.drawing.get(tname, {}).get(color_key)) or spread[(tname, color_key)]
        key = visual.keys.get(tname.lower())
        if key is not None and (key in used or (len(key) == 1 and key in "123456789") or any(c.isspace() for c in key)):
            key = None
        if key is not None:
            used.add(key)
        return label, color, key

    spans = []
    for st in schema.span_types:
        label, color, key = style(st.name, "bgColor")
        spans.append(SpanType(st.name, label, color, key, st.kind, st.subtypes))
    events = []
    for et in schema.event_types:
        label, color, key = style(et.name, "bgColor")
        events.append(EventType(et.name, label, color, key, et.group, et.roles))
    relations = []
    for rt in schema.relation_types:
        label, color, key = style(rt.name, "color")
        relations.append(RelationType(rt.name, label, color, key, rt.subtypes, rt.args))
    return Schema(
        name=schema.name,
        description=schema.description,
        span_types=spans,
        event_types=events,
        relation_types=relations,
        equivalence_types=list(schema.equivalence_types),
        attributes=list(schema.attributes),
    )


def _schema_from_annotation_conf(name: str, text: str, path: str, visual: Visual,
                                 notes: list[str] | None = None) -> Schema:
    from tui.core.errors import InputErrors

    conf, errors = parse_annotation_conf(text, path)
    res = _Resolver(conf)
    # names no section declares (or relation names, which cannot fill an argument):
    # brat loads such a conf; tui drops the name from the role (name -> [first line, uses])
    undeclared: dict[str, list[int]] = {}

    def types_of(spec: str, line: int, what: str) -> tuple[str, ...]:
        out: list[str] = []
        for tname in spec.split("|"):
            tname = tname.strip()
            got = res.expand(tname)
            if got is None or (got and all(res.kind.get(t) == "relations" for t in got)):
                undeclared.setdefault(tname, [line, 0])[1] += 1
                continue
            if not got and tname == "<ANY>":
                return ()
            out.extend(t for t in got if t not in out and res.kind.get(t) != "relations")
        return tuple(out)

    spans = [SpanType(n, n, fallback_color(n)) for n in res.entities]
    events: list[EventType] = []
    seen_events: set[str] = set()
    for e in conf.sections.get("events", []):
        if e.abstract or e.name in seen_events:
            continue
        seen_events.add(e.name)
        roles: list[Role] = []
        for arg in e.args:
            m = _ARG_RE.fullmatch(arg)
            if m is None:
                errors.append(InputError(f"event type {_cut(e.name)}: bad argument {_cut(arg)} (expected ROLE:TYPE)", path=path, line=e.line))
                continue
            role = m.group("role").strip()
            types = types_of(m.group("types"), e.line, f"role {_cut(role)} of {_cut(e.name)}")
            if any(r.name == role for r in roles):
                continue
            roles.append(Role(role, types, _cardinality(m.group("card"))))
        group = _top_group(e, res)
        events.append(EventType(e.name, e.name, fallback_color(e.name), None, group, tuple(roles)))

    relations: dict[str, RelationType] = {}
    equivalences: list[str] = []
    for e in conf.sections.get("relations", []):
        if e.name.startswith("<") or e.abstract:
            continue  # <OVERLAP> rules and hierarchy nodes stay in the kept file only
        plain = [a for a in e.args if not a.startswith("<")]
        special = [a for a in e.args if a.startswith("<")]
        if any(re.sub(r"\s", "", a).lower() in ("<rel-type>:symmetric-transitive",) for a in special):
            if e.name not in equivalences:
                equivalences.append(e.name)
        args: list[Role] = []
        for arg in plain:
            m = _ARG_RE.fullmatch(arg)
            if m is None:
                errors.append(InputError(f"relation type {_cut(e.name)}: bad argument {_cut(arg)} (expected ROLE:TYPE)", path=path, line=e.line))
                continue
            args.append(Role(m.group("role").strip(), types_of(m.group("types"), e.line, f"argument of {_cut(e.name)}"), "1"))
        if len(args) != 2:
            if not errors or errors[-1].line != e.line:
                errors.append(InputError(f"relation type {_cut(e.name)} needs exactly two arguments, has {len(args)}", path=path, line=e.line))
            continue
        if args[0].name == args[1].name:
            errors.append(InputError(f"relation type {_cut(e.name)}: both arguments are called {_cut(args[0].name)}", path=path, line=e.line))
            continue
        old = relations.get(e.name)
        if old is not None:
            # brat lets a type be declared again with other argument types (Equiv per entity type)
            merged = tuple(
                Role(a.name, tuple(dict.fromkeys((*a.types, *b.types))) if a.types and b.types else (), "1")
                for a, b in zip(old.args, args, strict=True)
            )
            relations[e.name] = RelationType(e.name, e.name, old.color, None, (), (merged[0], merged[1]))
        else:
            relations[e.name] = RelationType(e.name, e.name, fallback_color(e.name), None, (), (args[0], args[1]))

    attributes: list[AttributeDef] = []
    for e in conf.sections.get("attributes", []):
        if any(a.name == e.name for a in attributes):
            continue
        targets: list[str] = []
        values: list[str] = []
        has_arg = False
        for item in e.args:
            key, sep, value = item.partition(":")
            key = key.strip()
            if not sep:
                errors.append(InputError(f"attribute {_cut(e.name)}: bad setting {_cut(item)} (expected KEY:VALUE)", path=path, line=e.line))
                continue
            if key == "Arg":
                has_arg = True
                for t in value.split("|"):
                    t = t.strip()
                    token = {"<EVENT>": "event", "<ENTITY>": "entity", "<RELATION>": "relation"}.get(t)
                    if t == "<ANY>":
                        new = ["span", "event", "relation"]
                    elif token:
                        new = [token]
                    else:
                        got = res.expand(t)
                        if got is None:
                            errors.append(InputError(f"attribute {_cut(e.name)} applies to undeclared type {_cut(t)}", path=path, line=e.line))
                            continue
                        new = got
                    targets.extend(x for x in new if x not in targets)
            elif key == "Value":
                values.extend(v.strip() for v in value.split("|") if v.strip() and v.strip() not in values)
        if not has_arg:
            errors.append(InputError(f"attribute {_cut(e.name)} has no Arg: (what it applies to)", path=path, line=e.line))
            continue
        if targets:
            attributes.append(AttributeDef(e.name, tuple(targets), tuple(values)))

    if errors:
        raise InputErrors(errors)
    if notes is not None:
        notes.extend(conf.notes)
        for tname, (line, uses) in undeclared.items():
            notes.append(f"{path}:{line}: {_cut(tname)} is not an entity or event type of this conf "
                         f"({uses} argument(s) name it); brat loads the conf all the same, tui leaves the "
                         "name out of those arguments (an argument left with no type takes any type)")
    base = Schema(
        name=name,
        span_types=spans,
        event_types=events,
        relation_types=list(relations.values()),
        equivalence_types=equivalences,
        attributes=attributes,
    )
    return _restyle(base, visual)


def _top_group(entry: _Entry, res: _Resolver) -> str | None:
    """The event's family: its nearest ancestor in the [events] hierarchy."""
    return entry.parent if entry.parent and res.kind.get(entry.parent) == "events" else None


# --------------------------------------------------------------------------
# Keeping the files in the schema source


def embed_confs(texts: dict[str, str]) -> str:
    """TOML comment lines that carry the files byte for byte (see the module doc)."""
    if not texts:
        return ""
    out = ["", "# Original brat configuration files, kept so that export writes them back unchanged."]
    for name in CONF_FILES:
        if name in texts:
            out.append(_EMBED_HEAD + name)
            out.extend(_EMBED_LINE + json.dumps(line) for line in texts[name].splitlines(keepends=True))
    return "\n".join(out) + "\n"


def extract_confs(source: str) -> dict[str, str]:
    """The files :func:`embed_confs` put into a schema source."""
    texts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in source.split("\n"):
        if line.startswith(_EMBED_HEAD):
            current = texts.setdefault(line[len(_EMBED_HEAD):].strip(), [])
        elif line.startswith(_EMBED_LINE) and current is not None:
            try:
                current.append(json.loads(line[len(_EMBED_LINE):]))
            except (json.JSONDecodeError, TypeError):
                current = None
        else:
            current = None
    return {name: "".join(parts) for name, parts in texts.items()}


# --------------------------------------------------------------------------
# Inference


_ROLE_NUM = re.compile(r"^(.*?\D)(\d+)$")


def base_role(role: str, known: Iterable[str]) -> str:
    """brat's numbered roles: ``Org-Arg2`` counts as ``Org-Arg`` when that role exists."""
    known = set(known)
    if role in known:
        return role
    m = _ROLE_NUM.match(role)
    if m and m.group(1) in known:
        return m.group(1)
    return role


def infer_schema(name: str, docs: Iterable[DocAnnotations]) -> Schema:
    """A schema with every type, role and attribute the annotations use.

    Roles are optional-and-repeatable (``*``) and allow the filler types
    seen; numbered roles (``Theme2``) fold into their base when it occurs.

    Args:
        name: the schema name.
        docs: the annotations of each document.

    Returns:
        The schema (types in order of first use).
    """
    span_labels: dict[str, None] = {}
    event_roles: dict[str, dict[str, dict[str, None]]] = {}
    relations: dict[str, tuple[str, str, dict[str, None], dict[str, None]]] = {}
    equivalences: dict[str, None] = {}
    attributes: dict[str, tuple[dict[str, None], dict[str, None]]] = {}
    for anns in docs:
        by_id = anns.by_id()
        triggers = {e.trigger for e in anns.events}
        for s in anns.spans:
            if s.id not in triggers:
                span_labels.setdefault(s.label, None)

        def type_name(target_id: str, by_id: dict = by_id) -> str | None:
            t = by_id.get(target_id)
            return (t.type_name or None) if t is not None else None

        for e in anns.events:
            roles = event_roles.setdefault(e.type, {})
            for arg in e.arguments:
                filler = type_name(arg.target)
                types = roles.setdefault(arg.role, {})
                if filler:
                    types.setdefault(filler, None)
        for r in anns.relations:
            a1, a2 = r.arguments
            entry = relations.setdefault(r.type, (a1.role, a2.role, {}, {}))
            for arg, types in ((a1, entry[2]), (a2, entry[3])):
                filler = type_name(arg.target)
                if filler:
                    types.setdefault(filler, None)
        for q in anns.equivalences:
            equivalences.setdefault(q.type, None)
        for at in anns.attributes:
            targets, values = attributes.setdefault(at.name, ({}, {}))
            target = by_id.get(at.target)
            kind = target.NOUN if target is not None and target.KIND in ("spans", "events", "relations") else None
            if kind:
                targets.setdefault(kind, None)
            if at.value is not None:
                values.setdefault(at.value, None)
    fillers = set(span_labels) | set(event_roles)
    events = []
    for etype, roles in event_roles.items():
        folded: dict[str, dict[str, None]] = {}
        for role, types in roles.items():
            b = base_role(role, [r for r in roles if r != role])
            folded.setdefault(b, {}).update(types)
        events.append(EventType(etype, etype, fallback_color(etype), None, None, tuple(
            Role(r, tuple(t for t in types if t in fillers), "*") for r, types in folded.items()
        )))
    rels = []
    for rtype, (r1, r2, t1, t2) in relations.items():
        if r1 == r2:
            r1, r2 = "Arg1", "Arg2"
        rels.append(RelationType(rtype, rtype, fallback_color(rtype), None, (), (
            Role(r1, tuple(t for t in t1 if t in fillers), "1"),
            Role(r2, tuple(t for t in t2 if t in fillers), "1"),
        )))
    attrs = [
        AttributeDef(n, tuple(t) or ("span", "event", "relation"), tuple(v))
        for n, (t, v) in attributes.items()
    ]
    colours = iter(distinct_colors(len(span_labels) + len(events) + len(rels)))
    spans = [SpanType(s, s, next(colours)) for s in span_labels]
    events = [EventType(e.name, e.label, next(colours), e.hotkey, e.group, e.roles) for e in events]
    rels = [RelationType(r.name, r.label, next(colours), r.hotkey, r.subtypes, r.args) for r in rels]
    return Schema(
        name=name,
        description="inferred from brat annotations (no annotation.conf found)",
        span_types=spans,
        event_types=events,
        relation_types=rels,
        equivalence_types=list(equivalences),
        attributes=attrs,
    )


def merge_schemas(base: Schema, extra: Schema) -> Schema:
    """``base`` widened with every type, role, filler type and value ``extra`` uses.

    Export uses it so that a generated annotation.conf covers the exported
    data even where the data strays from the document's schema.

    Args:
        base: the schema the documents are bound to.
        extra: a schema inferred from the exported annotations.

    Returns:
        A new schema; ``base`` is unchanged.
    """
    def widen(role: Role, types: tuple[str, ...]) -> Role:
        if not role.types:
            return role
        more = tuple(t for t in types if t not in role.types)
        return Role(role.name, role.types + more, role.cardinality) if more else role

    spans = list(base.span_types)
    names = {t.name for t in spans}
    spans += [t for t in extra.span_types if t.name not in names]
    events = []
    extra_events = {e.name: e for e in extra.event_types}
    for et in base.event_types:
        add = extra_events.pop(et.name, None)
        if add is None:
            events.append(et)
            continue
        roles = list(et.roles)
        for r in add.roles:
            i = next((k for k, old in enumerate(roles) if old.name == base_role(r.name, [o.name for o in roles])), None)
            if i is None:
                roles.append(Role(r.name, r.types, "*"))
            else:
                roles[i] = widen(roles[i], r.types)
        events.append(EventType(et.name, et.label, et.color, et.hotkey, et.group, tuple(roles)))
    events += list(extra_events.values())
    relations = []
    extra_rel = {r.name: r for r in extra.relation_types}
    for rt in base.relation_types:
        add_rel = extra_rel.pop(rt.name, None)
        if add_rel is not None and [a.name for a in add_rel.args] == [a.name for a in rt.args]:
            rt = RelationType(rt.name, rt.label, rt.color, rt.hotkey, rt.subtypes,
                              (widen(rt.args[0], add_rel.args[0].types), widen(rt.args[1], add_rel.args[1].types)))
        relations.append(rt)
    relations += list(extra_rel.values())
    equivalences = list(base.equivalence_types)
    equivalences += [e for e in extra.equivalence_types if e not in equivalences]
    attributes = []
    extra_attr = {a.name: a for a in extra.attributes}
    for ad in base.attributes:
        add_attr = extra_attr.pop(ad.name, None)
        if add_attr is not None:
            values = ad.values + tuple(v for v in add_attr.values if v not in ad.values) if ad.values else ad.values
            targets = ad.targets + tuple(t for t in add_attr.targets if t not in ad.targets)
            ad = AttributeDef(ad.name, targets, values, ad.default)
        attributes.append(ad)
    attributes += list(extra_attr.values())
    return Schema(
        name=base.name, description=base.description, span_types=spans, event_types=events,
        relation_types=relations, equivalence_types=equivalences, attributes=attributes,
    )
