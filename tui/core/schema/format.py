"""Writing schemas out: TOML (:func:`to_toml`) and a plain-text listing (:func:`format_schema`)."""

from __future__ import annotations

from tui.core.schema.types import EventType, RelationType, Schema, SpanType

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
