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
    hotkey = "a"            # optional: one key or two; derived when absent (hotkeys.py)
    roles = [ { name = "Attacker", types = ["PER"], cardinality = "*" },
              { name = "Time-Within", types = ["TIME"], cardinality = "?", optional = true } ]

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

    [spacy.labels]          # tui suggest --source spacy: spaCy label -> span type
    PERSON = "PER"

    [places]                # tui suggest --source places: kind of place -> span type
    country = "GPE"

Every span type, event type, role and attribute may also carry
``definition = "..."`` and ``example = "..."`` (one line, at most 300
characters; :mod:`~tui.core.schema.guides`).

Cardinality is ``1`` (exactly one), ``?`` (at most one), ``*`` (any number)
or ``+`` (at least one). An ``optional`` role is not offered by the role
prompt unless asked for (``+``). Event hotkeys are prefix-free: one that
repeats or starts another is an error. Role ``types`` name span types or event types; an
empty list allows any filler.

Checking never stops at the first problem (:func:`check_schema_text`), and
every error names the line of the offending entry. :func:`validate` lists
where a document's annotations break a schema; it never changes them.

The package is split by subject: :mod:`~tui.core.schema.types` (the classes,
colours, TOML out), :mod:`~tui.core.schema.check` (checking TOML with line numbers),
:mod:`~tui.core.schema.parse` (text, files, presets in ``presets/``),
:mod:`~tui.core.schema.format` (the text listing) and
:mod:`~tui.core.schema.validate`. Import the names from here.
"""

from tui.core.schema.format import format_schema
from tui.core.schema.parse import (
    MAX_SCHEMA_BYTES,
    check_schema_text,
    load_schema,
    parse_schema,
    preset,
    preset_names,
)
from tui.core.schema.types import (
    CARDINALITIES,
    SPAN_KINDS,
    SUGGEST_SOURCES,
    TARGET_KINDS,
    TYPE_PALETTE,
    AttributeDef,
    EventType,
    RelationType,
    Role,
    Schema,
    SchemaError,
    SpanType,
    SuggestDefaults,
    distinct_colors,
    fallback_color,
    to_toml,
)
from tui.core.schema.validate import PROBLEM_KINDS, Problem, validate

__all__ = [
    "CARDINALITIES",
    "MAX_SCHEMA_BYTES",
    "PROBLEM_KINDS",
    "SPAN_KINDS",
    "SUGGEST_SOURCES",
    "TARGET_KINDS",
    "AttributeDef",
    "EventType",
    "Problem",
    "RelationType",
    "Role",
    "Schema",
    "SchemaError",
    "SpanType",
    "SuggestDefaults",
    "TYPE_PALETTE",
    "check_schema_text",
    "distinct_colors",
    "fallback_color",
    "format_schema",
    "load_schema",
    "parse_schema",
    "preset",
    "preset_names",
    "to_toml",
    "validate",
]
