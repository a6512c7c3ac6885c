"""A schema as plain, column-aligned text for people: :func:`format_schema` (``tui schema show``).

The TOML writer, :func:`~tui.core.schema.types.to_toml`, lives beside the classes
(:meth:`Schema.to_toml` calls it), so the two modules import in one direction only.
"""

from __future__ import annotations

from tui.core.schema.types import AttributeDef, EventType, Role, Schema, SpanType

# --------------------------------------------------------------------------
# Printing


def _table(rows: list[list[str]], indent: str) -> list[str]:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [cell.ljust(w) for cell, w in zip(r, widths, strict=True)]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def _guide(t: SpanType | EventType | Role | AttributeDef, indent: str) -> list[str]:
    """The guideline lines of an entry: its definition, then its example."""
    out = [f"{indent}{t.definition}"] if t.definition else []
    return out + ([f"{indent}e.g. {t.example}"] if t.example else [])


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
        guided = [st for st in schema.span_types if st.definition or st.example]
        if guided:
            out += ["", "  Definitions"]
            for st in guided:
                out += [f"    {st.name}", *_guide(st, "      ")]

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
            out += _guide(et, indent + "  ")
            for role in et.roles:
                types = " ".join(role.types) if role.types else "(any)"
                out.append(
                    f"{indent}    {role.name.ljust(role_width)}  {role.cardinality}  {types}"
                )
                out += _guide(role, indent + "      ")

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
        for ad in schema.attributes:
            if ad.definition or ad.example:
                out += [f"  {ad.name}", *_guide(ad, "    ")]

    sg = schema.suggest
    out += ["", "Suggestion sources (the reader's a)", f"  {', '.join(sg.sources) or '(none)'}"]
    if "spacy" in sg.sources or sg.model:
        out.append(f"  spaCy model {sg.model or '(none: the spacy source is skipped)'}")
    if schema.spacy_labels:
        out += ["", "spaCy labels ([spacy.labels])"]
        out += _table([[k, "->", v] for k, v in schema.spacy_labels.items()], "  ")
    if schema.place_types:
        out += ["", "Place types ([places])"]
        out += _table([[k, "->", v] for k, v in schema.place_types.items()], "  ")
    nominals = [f"  {st.name}: {', '.join(st.nominals)}" for st in schema.span_types if st.nominals]
    triggers = [f"  {et.name}: {', '.join(et.triggers)}" for et in schema.event_types if et.triggers]
    for title, listed in (("Nominal heads (nominals, for the lexicon source)", nominals),
                          ("Trigger words (triggers, for the lexicon source)", triggers)):
        if listed:
            out += ["", title, *listed]
    return "\n".join(out) + "\n"
