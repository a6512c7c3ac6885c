"""Schemas: the ACE 2005 preset, the TOML checker, validation, printing, round trips."""

from __future__ import annotations

import copy
import subprocess
import sys
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.model import (
    Argument,
    Attribute,
    DocAnnotations,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
)
from tui.core.schema import (
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
    check_schema_text,
    fallback_color,
    format_schema,
    load_schema,
    parse_schema,
    preset,
    preset_names,
    validate,
)

ACE_EVENTS = {
    "Life": ["Be-Born", "Marry", "Divorce", "Injure", "Die"],
    "Movement": ["Transport"],
    "Transaction": ["Transfer-Ownership", "Transfer-Money"],
    "Business": ["Start-Org", "Merge-Org", "Declare-Bankruptcy", "End-Org"],
    "Conflict": ["Attack", "Demonstrate"],
    "Contact": ["Meet", "Phone-Write"],
    "Personnel": ["Start-Position", "End-Position", "Nominate", "Elect"],
    "Justice": [
        "Arrest-Jail",
        "Release-Parole",
        "Trial-Hearing",
        "Charge-Indict",
        "Sue",
        "Convict",
        "Sentence",
        "Fine",
        "Execute",
        "Extradite",
        "Acquit",
        "Appeal",
        "Pardon",
    ],
}
TIME_ROLES = [
    "Time-Within",
    "Time-Holds",
    "Time-Starting",
    "Time-Ending",
    "Time-Before",
    "Time-After",
    "Time-At-Beginning",
    "Time-At-End",
]

BASE = """\
name = "mini"
description = "A small schema for tests"

[[entities]]
name = "PER"
label = "PER"
color = "#4179c8"
hotkey = "p"
kind = "entity"
subtypes = ["Individual", "Group"]

[[entities]]
name = "GPE"
color = "#288a49"
hotkey = "g"

[[entities]]
name = "TIME"
kind = "time"

[[events]]
name = "Attack"
group = "Conflict"
label = "ATK"
color = "#c2675f"
hotkey = "a"
roles = [
  { name = "Attacker", types = ["PER", "GPE"], cardinality = "*" },
  { name = "Target", types = ["PER"], cardinality = "+" },
  { name = "Time-Within", types = ["TIME"], cardinality = "?" },
  { name = "Place", types = ["GPE"], cardinality = "1" },
]

[[events]]
name = "Report"
roles = [
  { name = "Topic", types = ["Attack"] },
  { name = "Anything" },
]

[[relations]]
name = "PHYS"
label = "PHYS"
color = "#55893b"
subtypes = ["Located"]
args = [
  { role = "Arg-1", types = ["PER"] },
  { role = "Arg-2", types = ["GPE"] },
]

[[equivalences]]
name = "Coref"

[[attributes]]
name = "Polarity"
targets = ["event"]
values = ["Positive", "Negative"]
default = "Positive"

[[attributes]]
name = "Negated"
targets = ["entity"]

[[attributes]]
name = "Sure"
targets = ["PER", "relation"]
"""


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


def edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# --------------------------------------------------------------------------
# The ACE 2005 preset


@pytest.fixture(scope="module")
def ace() -> Schema:
    return preset("ace2005")


def test_preset_is_packaged_and_listed():
    """The preset is a package resource and preset_names() lists it."""
    resource = resources.files("tui.core.schema") / "presets" / "ace2005.toml"
    assert resource.is_file()
    assert "ace2005" in preset_names()
    assert preset().name == "ace2005"
    assert check_schema_text(resource.read_text(encoding="utf-8"), "ace2005.toml") == []


def test_unknown_preset_raises_schema_error():
    """An unknown preset name is a SchemaError naming the known ones, not a KeyError."""
    with pytest.raises(SchemaError, match="ace2005"):
        preset("no-such-schema")


def test_ace_has_the_33_guideline_event_subtypes_in_their_groups(ace):
    """Exactly the 33 ACE event subtypes, spelt as the guidelines spell them, with groups."""
    assert len(ace.event_types) == 33
    got: dict[str, list[str]] = {}
    for et in ace.event_types:
        got.setdefault(et.group, []).append(et.name)
    assert got == ACE_EVENTS


def test_ace_span_types_order_kinds_and_subtypes(ace):
    """Seven entity types first, then values, then TIME, with the guideline subtypes."""
    names = [t.name for t in ace.span_types]
    assert names[:7] == ["PER", "ORG", "GPE", "LOC", "FAC", "VEH", "WEA"]
    assert names[7:] == ["Numeric", "Contact-Info", "Crime", "Job-Title", "Sentence", "TIME"]
    kinds = {t.name: t.kind for t in ace.span_types}
    assert {kinds[n] for n in names[:7]} == {"entity"}
    assert {kinds[n] for n in names[7:12]} == {"value"}
    assert kinds["TIME"] == "time"
    assert ace.span_type("PER").subtypes == ("Individual", "Group", "Indeterminate")
    assert ace.span_type("GPE").subtypes == (
        "Continent",
        "Nation",
        "State-or-Province",
        "County-or-District",
        "Population-Center",
        "GPE-Cluster",
        "Special",
    )
    assert "Medical-Science" in ace.span_type("ORG").subtypes
    assert "Subarea-Facility" in ace.span_type("FAC").subtypes
    assert ace.span_type("WEA").subtypes[-1] == "Underspecified"
    assert ace.span_type("Numeric").subtypes == ("Money", "Percent")
    assert ace.span_type("Contact-Info").subtypes == ("E-Mail", "Phone-Number", "URL")


def test_ace_span_types_have_distinct_short_labels_hotkeys_and_colours(ace):
    """Span type labels are <= 4 chars and unique; hotkeys and colours are distinct."""
    labels = [t.label for t in ace.span_types]
    assert all(1 <= len(label) <= 4 for label in labels)
    assert len(set(labels)) == len(labels)
    assert [t.hotkey for t in ace.span_types[:7]] == ["p", "o", "g", "l", "f", "v", "w"]
    assert all(t.hotkey for t in ace.span_types)
    colours = [t.color.lower() for t in [*ace.span_types, *ace.event_types, *ace.relation_types]]
    assert len(set(colours)) == len(colours)
    keys = [t.hotkey for t in [*ace.span_types, *ace.event_types] if t.hotkey]
    assert len(set(keys)) == len(keys)
    assert all(len(t.label) <= 4 for t in ace.event_types)


def _contrast(hex_colour: str, background: float) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    hi, lo = max(lum, background), min(lum, background)
    return (hi + 0.05) / (lo + 0.05)


def test_ace_colours_read_on_dark_and_light_backgrounds(ace):
    """Every type colour has contrast >= 3 against both black and white."""
    for t in [*ace.span_types, *ace.event_types, *ace.relation_types]:
        assert _contrast(t.color, 0.0) >= 3, t.name
        assert _contrast(t.color, 1.0) >= 3, t.name


def _roles(schema: Schema, event: str) -> dict[str, Role]:
    return {r.name: r for r in schema.event_type(event).roles}


def test_ace_attack_roles(ace):
    """Attack: Attacker, Target, Instrument, Place with the guideline filler types."""
    roles = _roles(ace, "Attack")
    assert list(roles)[:4] == ["Attacker", "Target", "Instrument", "Place"]
    assert roles["Attacker"].types == ("PER", "ORG", "GPE")
    assert roles["Target"].types == ("PER", "ORG", "VEH", "FAC", "WEA")
    assert roles["Instrument"].types == ("WEA", "VEH")
    assert roles["Place"].types == ("GPE", "LOC", "FAC")
    assert all(r.cardinality == "*" for n, r in roles.items() if not n.startswith("Time-"))


def test_ace_selected_event_roles(ace):
    """Roles of Die, Transport, Sentence and Extradite match the guidelines."""
    participants = {
        "Die": ["Agent", "Victim", "Instrument", "Place"],
        "Transport": ["Agent", "Artifact", "Vehicle", "Price", "Origin", "Destination"],
        "Sentence": ["Defendant", "Adjudicator", "Crime", "Sentence", "Place"],
        "Extradite": ["Agent", "Person", "Destination", "Origin", "Crime"],
        "Phone-Write": ["Entity"],
        "Appeal": ["Plaintiff", "Adjudicator", "Crime", "Place"],
    }
    for event, names in participants.items():
        assert list(_roles(ace, event)) == names + TIME_ROLES, event
    assert _roles(ace, "Die")["Victim"].cardinality == "+"
    assert _roles(ace, "Transport")["Price"].types == ("Numeric",)
    assert _roles(ace, "Sentence")["Sentence"].types == ("Sentence",)
    assert _roles(ace, "Start-Position")["Position"].types == ("Job-Title",)


def test_ace_every_event_has_the_time_roles_and_justice_has_crime(ace):
    """All 33 events take the eight optional TIME roles; Justice events take Crime."""
    for et in ace.event_types:
        roles = _roles(ace, et.name)
        for name in TIME_ROLES:
            role = roles[name]
            assert (role.name, role.types, role.cardinality, role.optional) == (name, ("TIME",), "?", True), et.name
        if et.group == "Justice":
            assert roles["Crime"].types == ("Crime",), et.name


def test_ace_relations_equivalence_and_attributes(ace):
    """ACE relation types and subtypes, Coref, and the event and mention attributes."""
    relations = {r.name: r.subtypes for r in ace.relation_types}
    assert relations == {
        "PHYS": ("Located", "Near"),
        "PART-WHOLE": ("Geographical", "Subsidiary", "Artifact"),
        "PER-SOC": ("Business", "Family", "Lasting-Personal"),
        "ORG-AFF": (
            "Employment",
            "Ownership",
            "Founder",
            "Student-Alum",
            "Sports-Affiliation",
            "Investor-Shareholder",
            "Membership",
        ),
        "ART": ("User-Owner-Inventor-Manufacturer",),
        "GEN-AFF": ("Citizen-Resident-Religion-Ethnicity", "Org-Location"),
    }
    for rt in ace.relation_types:
        assert [a.name for a in rt.args] == ["Arg-1", "Arg-2"]
        assert all(a.cardinality == "1" for a in rt.args)
    assert ace.relation_type("PER-SOC").args[1].types == ("PER",)
    assert ace.equivalence_types == ["Coref"]
    attrs = {a.name: a for a in ace.attributes}
    assert attrs["Polarity"].values == ("Positive", "Negative")
    assert attrs["Tense"].values == ("Past", "Present", "Future", "Unspecified")
    assert attrs["Genericity"].values == ("Specific", "Generic")
    assert attrs["Modality"].values == ("Asserted", "Other")
    for name in ("Polarity", "Tense", "Genericity", "Modality"):
        assert attrs[name].targets == ("event",)
        assert attrs[name].default in attrs[name].values
    assert attrs["Mention"] == AttributeDef("Mention", ("entity",), ("NAM", "NOM", "PRO"), None,
                                            attrs["Mention"].definition)


# --------------------------------------------------------------------------
# Lookups


def test_lookups_colour_label_and_hotkeys():
    """Lookups find declared types; unknown names get a stable fallback colour."""
    s = parse_schema(BASE)
    assert s.span_type("PER").label == "PER"
    assert s.span_type("GPE").label == "GPE"  # label defaults to the name
    assert s.span_type("nope") is None
    assert s.event_type("Attack").group == "Conflict"
    assert s.relation_type("PHYS").args[0] == Role("Arg-1", ("PER",), "1")
    assert s.attribute("Negated").values == ()
    assert s.color("Attack") == "#c2675f"
    assert s.color("PHYS") == "#55893b"
    assert s.color("Unknown-Type") == fallback_color("Unknown-Type")
    assert s.color("TIME") == fallback_color("TIME")  # no colour given
    assert s.short_label("Attack") == "ATK"
    assert s.short_label("Mystery") == "Myst"
    assert s.hotkeys() == {"p": "PER", "g": "GPE", "a": "Attack"}


def test_colour_and_label_can_pick_a_namespace(ace):
    """ACE's value type and event type 'Sentence' are told apart by kind."""
    assert ace.color("Sentence") == ace.span_type("Sentence").color
    assert ace.color("Sentence", "event") == ace.event_type("Sentence").color
    assert ace.color("Sentence", "event") != ace.color("Sentence", "span")
    assert ace.short_label("Sentence", "event") == ace.event_type("Sentence").label


def test_fallback_colour_is_stable_and_readable():
    """The fallback colour is deterministic, #rrggbb, and readable on both backgrounds."""
    for name in ("X", "Foo", "Contact-Info", "日本"):
        c = fallback_color(name)
        assert c == fallback_color(name)
        assert len(c) == 7 and c.startswith("#")
        assert _contrast(c, 0.0) >= 3 and _contrast(c, 1.0) >= 3
    assert fallback_color("Foo") != fallback_color("Bar")
    assert subprocess.run(
        [sys.executable, "-c", "from tui.core.schema import fallback_color as f; print(f('Foo'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip() == fallback_color("Foo")


def test_schema_module_does_not_import_textual_or_rich():
    """Importing tui.core.schema pulls in neither textual nor rich."""
    code = (
        "import sys, tui.core.schema as s; s.format_schema(s.preset());"
        "print('textual' in sys.modules or 'rich' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------
# Checking schema files


def test_base_schema_is_valid():
    """The test schema itself has no problems (so each error below comes from its edit)."""
    assert check_schema_text(BASE, "mini.toml") == []


def _one_error(text: str) -> SchemaError:
    errors = check_schema_text(text, "s.toml")
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def test_syntax_error_names_the_line():
    """A TOML syntax error reports tomllib's line."""
    text = edit('hotkey = "g"', 'hotkey = "g')
    err = _one_error(text)
    assert err.line == line_of(text, 'hotkey = "g')
    assert "invalid TOML" in err.reason
    assert str(err) == f"s.toml:{err.line}: {err.reason}"


def test_missing_schema_name():
    """A schema without a top-level name is an error on line 1."""
    err = _one_error(edit('name = "mini"\n', ""))
    assert err.line == 1
    assert "'name'" in err.reason


def test_entry_without_name():
    """An entity table without a name is reported at its header."""
    text = edit('name = "TIME"\n', "")
    err = check_schema_text(text)[0]  # then the TIME role type is undeclared too
    assert err.line == line_of(text, "[[entities]]", 3)
    assert "no 'name'" in err.reason


def test_duplicate_type_name():
    """A second entity type with the same name is reported at its own entry."""
    text = edit('name = "GPE"', 'name = "PER"')
    errors = check_schema_text(text, "s.toml")
    dup = [e for e in errors if "duplicate entity type 'PER'" in e.reason]
    assert len(dup) == 1
    assert dup[0].line == line_of(text, "[[entities]]", 2)
    assert f"line {line_of(text, '[[entities]]', 1)}" in dup[0].reason


def test_span_type_and_event_type_may_share_a_name():
    """A span type and an event type may share a name (ACE's Sentence)."""
    text = edit('name = "Report"', 'name = "GPE"')
    assert check_schema_text(text) == []


def test_role_type_must_be_declared():
    """A role filler type that names no declared type is reported at that role."""
    text = edit('types = ["PER", "GPE"]', 'types = ["PER", "ORG"]')
    err = _one_error(text)
    assert err.line == line_of(text, '"Attacker"')
    assert "undeclared type 'ORG'" in err.reason


def test_relation_argument_type_must_be_declared():
    """A relation argument type that names no declared type is reported at that argument."""
    text = edit('{ role = "Arg-2", types = ["GPE"] }', '{ role = "Arg-2", types = ["LOC"] }')
    err = _one_error(text)
    assert err.line == line_of(text, '"Arg-2"')
    assert "'LOC'" in err.reason


def test_bad_cardinality():
    """A cardinality outside 1 ? * + is reported at its role."""
    text = edit('cardinality = "+"', 'cardinality = "many"')
    err = _one_error(text)
    assert err.line == line_of(text, '"many"')
    assert "cardinality" in err.reason


def test_integer_one_is_accepted_as_cardinality():
    """``cardinality = 1`` (an integer) means exactly one."""
    s = parse_schema(edit('cardinality = "1"', "cardinality = 1"))
    assert s.event_type("Attack").role("Place").cardinality == "1"


def test_bad_colour():
    """A colour that is not #rrggbb is reported at its line."""
    text = edit('color = "#288a49"', 'color = "green"')
    err = _one_error(text)
    assert err.line == line_of(text, '"green"')
    assert "#rrggbb" in err.reason


def test_duplicate_hotkey():
    """Two types with one hotkey: the second is reported, naming both."""
    text = edit('hotkey = "a"', 'hotkey = "p"')
    err = _one_error(text)
    assert err.line == line_of(text, 'hotkey = "p"', 2)
    assert "'Attack'" in err.reason and "'PER'" in err.reason


def test_digit_hotkeys_are_reserved():
    """Hotkeys 1-9 are kept for the first nine span types."""
    text = edit('hotkey = "g"', 'hotkey = "3"')
    err = _one_error(text)
    assert err.line == line_of(text, 'hotkey = "3"')
    assert "reserved" in err.reason


def test_attribute_without_targets():
    """An attribute with no targets is reported at its entry."""
    text = edit('targets = ["entity"]\n', "")
    err = _one_error(text)
    assert err.line == line_of(text, "[[attributes]]", 2)
    assert "targets" in err.reason


def test_attribute_target_must_be_a_kind_or_type():
    """An attribute target naming nothing known is an error."""
    text = edit('targets = ["entity"]', 'targets = ["entitty"]')
    err = _one_error(text)
    assert err.line == line_of(text, '"entitty"')


def test_attribute_default_must_be_a_value():
    """A default outside the attribute's values is an error at the default line."""
    text = edit('default = "Positive"', 'default = "Maybe"')
    err = _one_error(text)
    assert err.line == line_of(text, '"Maybe"')


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ('description = "A small', 'descripton = "A small', "descripton"),
        ('kind = "entity"', 'knd = "entity"', "knd ="),
        ('cardinality = "?"', 'cardinalty = "?"', "cardinalty"),
        ('{ role = "Arg-1", types = ["PER"] }', '{ role = "Arg-1", type = ["PER"] }', "type ="),
        ('name = "Coref"', 'name = "Coref"\ntype = "x"', 'type = "x"'),
    ],
)
def test_unknown_keys_are_errors(old, new, needle):
    """A misspelt key at any level is reported at its own line."""
    text = edit(old, new)
    errors = check_schema_text(text, "s.toml")
    assert any(e.line == line_of(text, needle) and "unknown key" in e.reason for e in errors), [
        str(e) for e in errors
    ]


def test_bad_kind_and_relation_arity():
    """A span kind outside the list, and a relation with one argument, are errors."""
    text = edit('kind = "time"', 'kind = "date"')
    assert _one_error(text).line == line_of(text, '"date"')
    text = edit('  { role = "Arg-2", types = ["GPE"] },\n', "")
    assert "exactly two" in _one_error(text).reason


def test_all_problems_are_reported_in_line_order_and_parse_raises_the_first():
    """check_schema_text lists every problem; parse_schema raises the first by line."""
    text = BASE
    text = edit('color = "#288a49"', 'color = "#28"', text)
    text = edit('cardinality = "+"', 'cardinality = "2"', text)
    text = edit('targets = ["entity"]\n', "", text)
    errors = check_schema_text(text, "s.toml")
    assert [e.line for e in errors] == [
        line_of(text, '"#28"'),
        line_of(text, 'cardinality = "2"'),
        line_of(text, "[[attributes]]", 2),
    ]
    with pytest.raises(SchemaError) as exc:
        parse_schema(text, "s.toml")
    assert str(exc.value) == str(errors[0])
    assert exc.value.path == "s.toml"


def test_load_schema_reads_files_and_reports_problems(tmp_path):
    """load_schema parses a UTF-8 file (BOM allowed) and names the file in errors."""
    good = tmp_path / "good.toml"
    good.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert load_schema(good) == parse_schema(BASE)
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'name = "x"\ndescription = "\xff"\n')
    with pytest.raises(SchemaError) as exc:
        load_schema(bad)
    assert exc.value.line == 2 and str(exc.value).startswith(f"{bad}:2:")
    with pytest.raises(SchemaError) as exc:
        load_schema(tmp_path / "missing.toml")
    assert str(exc.value).startswith(str(tmp_path / "missing.toml"))


# --------------------------------------------------------------------------
# Round trips and printing


def test_to_toml_round_trips_presets_and_base():
    """to_toml output parses back to an equal schema."""
    for schema in (preset(), parse_schema(BASE)):
        text = schema.to_toml()
        again = parse_schema(text)
        assert again == schema
        assert again.source == text


def test_to_toml_round_trips_awkward_strings():
    """Quotes, backslashes, newlines, control characters and non-ASCII survive."""
    odd = 'a"b\\c\nd\te\x00f\x7fg — 中文 \U0001f600'
    schema = Schema(
        name=odd,
        description=odd,
        span_types=[SpanType(odd, odd, "#ABCDEF", "ä", "value", (odd, "x"))],
        event_types=[EventType(odd, "E", "#000000", None, None, (Role(odd, (odd,), "1"),))],
        relation_types=[
            RelationType("R", "R", "#123456", None, (), (Role("a", (), "1"), Role("b", (), "1")))
        ],
        equivalence_types=[odd],
        attributes=[AttributeDef(odd, (odd,), (odd, "v"), "v")],
    )
    assert parse_schema(schema.to_toml()) == schema


def test_errors_are_one_line_even_for_odd_names():
    """Control characters in names are escaped so an error stays on one line."""
    text = edit('name = "GPE"', 'name = "G\\nP\\u0007E"')
    text = edit('color = "#288a49"', 'color = "x"', text)
    [err] = [e for e in check_schema_text(text, "s.toml") if "colour" in e.reason]
    assert "\n" not in str(err) and "\x07" not in str(err)
    assert "G\\nP\\x07E" in str(err)


names = st.text(min_size=1, max_size=8)


@st.composite
def schemas(draw) -> Schema:
    span_names = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    event_names = draw(st.lists(names, max_size=4, unique=True))
    relation_names = draw(st.lists(names, max_size=3, unique=True))
    keys = iter(draw(st.permutations(list("abcdefghijklmnopqrstuvwxyz"))))
    colour = st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True)
    fillers = sorted(set(span_names) | set(event_names))

    def hotkey() -> str | None:
        return next(keys) if draw(st.booleans()) else None

    spans = [
        SpanType(
            n,
            draw(names),
            draw(colour),
            hotkey(),
            draw(st.sampled_from(SPAN_KINDS)),
            tuple(draw(st.lists(names, max_size=3, unique=True))),
        )
        for n in span_names
    ]
    events = []
    for n in event_names:
        role_names = draw(st.lists(names, max_size=4, unique=True))
        roles = tuple(
            Role(
                r,
                tuple(draw(st.lists(st.sampled_from(fillers), unique=True, max_size=3))),
                draw(st.sampled_from(CARDINALITIES)),
            )
            for r in role_names
        )
        group = draw(st.none() | names)
        events.append(EventType(n, draw(names), draw(colour), hotkey(), group, roles))
    relations = []
    for n in relation_names:
        a, b = draw(st.lists(names, min_size=2, max_size=2, unique=True))
        args = tuple(
            Role(r, tuple(draw(st.lists(st.sampled_from(fillers), unique=True))), "1")
            for r in (a, b)
        )
        subtypes = tuple(draw(st.lists(names, max_size=3, unique=True)))
        relations.append(RelationType(n, draw(names), draw(colour), hotkey(), subtypes, args))
    equivalences = draw(st.lists(names, max_size=2, unique=True))
    target_pool = sorted({*TARGET_KINDS, *fillers, *relation_names, *equivalences})
    attributes = []
    for n in draw(st.lists(names, max_size=3, unique=True)):
        targets = tuple(draw(st.lists(st.sampled_from(target_pool), min_size=1, unique=True)))
        values = tuple(draw(st.lists(names, max_size=3, unique=True)))
        default = draw(st.none() | st.sampled_from(values)) if values else None
        attributes.append(AttributeDef(n, targets, values, default))
    return Schema(
        name=draw(names),
        description=draw(st.text(max_size=20)),
        span_types=spans,
        event_types=events,
        relation_types=relations,
        equivalence_types=equivalences,
        attributes=attributes,
    )


@settings(max_examples=150, deadline=None)
@given(schemas())
def test_to_toml_round_trip_property(schema):
    """Any valid schema survives to_toml -> parse_schema unchanged."""
    assert parse_schema(schema.to_toml()) == schema


def test_format_schema_lists_every_type(ace):
    """The printout names every span, event, relation type, role, attribute and subtype."""
    out = format_schema(ace)
    for t in ace.span_types:
        assert f"  {t.name}  " in out
    for et in ace.event_types:
        assert f"    {et.name}  ({et.label}, {et.color})" in out
    for group in ACE_EVENTS:
        assert f"\n  {group}\n" in out
    for rt in ace.relation_types:
        assert f"  {rt.name}  " in out
        assert ", ".join(rt.subtypes) in out
    assert "Positive (default), Negative" in out
    assert "Time-At-Beginning  ?  TIME" in out
    assert "Coref" in out
    assert out.endswith("\n")


def test_format_schema_aligns_columns():
    """Span type rows and role rows are column-aligned."""
    out = format_schema(parse_schema(BASE)).splitlines()
    rows = [line for line in out if line.startswith("  ") and "#" in line and "entity" in line]
    rows += [line for line in out if " time " in line]
    assert len({row.index("#", 4) for row in rows}) == 1, rows
    role_rows = [line for line in out if line.strip().split(" ")[0] in {"Attacker", "Target"}]
    assert len({row.index("PER") for row in role_rows}) == 1, role_rows
    assert "(binary)" in "\n".join(out)


# --------------------------------------------------------------------------
# Validating annotations


def span(id: str, label: str, start: int = 0, **kw) -> Span:
    return Span(id=id, label=label, fragments=[(start, start + 3)], **kw)


def clean_doc() -> DocAnnotations:
    """A document that follows BASE exactly."""
    return DocAnnotations(
        spans=[
            span("p1", "PER"),
            span("p2", "PER", 10),
            span("g1", "GPE", 20),
            span("t1", "TIME", 30),
            span("tr1", "Attack", 40),
            span("tr2", "Report", 50),
        ],
        events=[
            Event(
                id="e1",
                type="Attack",
                trigger="tr1",
                arguments=[
                    Argument(role="Attacker", target="g1"),
                    Argument(role="Target", target="p1"),
                    Argument(role="Target", target="p2"),
                    Argument(role="Time-Within", target="t1"),
                    Argument(role="Place", target="g1"),
                ],
            ),
            Event(
                id="e2",
                type="Report",
                trigger="tr2",
                arguments=[
                    Argument(role="Topic", target="e1"),
                    Argument(role="Anything", target="e1"),
                    Argument(role="Anything", target="t1"),
                ],
            ),
        ],
        relations=[
            Relation(
                id="r1",
                type="PHYS",
                arguments=[
                    Argument(role="Arg-2", target="g1"),
                    Argument(role="Arg-1", target="p1"),
                ],
            )
        ],
        equivalences=[Equivalence(id="q1", type="Coref", members=["p1", "p2"])],
        attributes=[
            Attribute(id="a1", target="e1", name="Polarity", value="Negative"),
            Attribute(id="a2", target="p1", name="Negated"),
            Attribute(id="a3", target="r1", name="Sure"),
            Attribute(id="a4", target="p2", name="Sure"),
        ],
        normalizations=[Normalization(id="n1", target="g1", resource="Wikidata", key="Q1")],
        notes=[Note(id="c1", target="e1", text="ok")],
    )


@pytest.fixture(scope="module")
def mini() -> Schema:
    return parse_schema(BASE)


def problems(schema: Schema, doc: DocAnnotations) -> list[tuple[str, str]]:
    return [(p.annotation_id, p.kind) for p in validate(schema, doc)]


def test_clean_document_has_no_problems(mini):
    """A document that follows the schema (swapped relation args included) validates clean."""
    assert validate(mini, clean_doc()) == []


def test_validate_never_mutates(mini):
    """validate() leaves the annotations exactly as they were."""
    doc = clean_doc()
    doc.spans.append(span("x", "Nope"))
    doc.events[0].arguments.append(Argument(role="Bogus", target="zzz"))
    before = copy.deepcopy(doc)
    assert validate(mini, doc)
    assert doc == before


def test_unknown_span_type(mini):
    """A span whose label is no span type is unknown-type."""
    doc = clean_doc()
    doc.spans.append(span("x", "ORG"))
    assert problems(mini, doc) == [("x", "unknown-type")]


def test_orphan_trigger_label_is_unknown(mini):
    """A span labelled with an event type but used by no event is flagged."""
    doc = clean_doc()
    doc.spans.append(span("x", "Attack"))
    [p] = validate(mini, doc)
    assert (p.annotation_id, p.kind) == ("x", "unknown-type")
    assert "trigger" in p.message


def test_trigger_span_needs_an_event_type_label(mini):
    """A trigger span labelled with an entity type is flagged, and so is its event."""
    doc = clean_doc()
    doc.spans[4].label = "PER"
    assert problems(mini, doc) == [("tr1", "unknown-type"), ("e1", "bad-trigger")]


def test_unknown_event_type(mini):
    """An event of an undeclared type is unknown-type (its trigger too)."""
    doc = clean_doc()
    doc.spans[5].label = "Meet"
    doc.events[1].type = "Meet"
    assert problems(mini, doc) == [("tr2", "unknown-type"), ("e2", "unknown-type")]


def test_trigger_that_is_not_a_span(mini):
    """An event whose trigger is another event is a bad trigger."""
    doc = clean_doc()
    doc.events[1].trigger = "e1"
    doc.spans.pop(5)
    assert problems(mini, doc) == [("e2", "bad-trigger")]


def test_unknown_role(mini):
    """An argument under a role the event type lacks is unknown-role."""
    doc = clean_doc()
    doc.events[0].arguments.append(Argument(role="Victim", target="p1"))
    assert problems(mini, doc) == [("e1", "unknown-role")]


def test_wrong_filler_type(mini):
    """A filler of the wrong type is flagged; events fill roles only when listed."""
    doc = clean_doc()
    doc.events[0].arguments[1] = Argument(role="Target", target="g1")
    doc.events[0].arguments.append(Argument(role="Attacker", target="e2"))
    doc.events[1].arguments.append(Argument(role="Topic", target="e2"))  # Report, not Attack
    doc.events[1].arguments.append(Argument(role="Anything", target="r1"))  # not span/event
    got = validate(mini, doc)
    assert [(p.annotation_id, p.kind) for p in got] == [("e1", "wrong-filler-type")] * 2 + [
        ("e2", "wrong-filler-type")
    ] * 2
    assert "not one of PER" in got[0].message
    assert "not a span or an event" in got[3].message


def test_missing_mandatory_roles(mini):
    """Missing '+' and '1' roles are missing-role."""
    doc = clean_doc()
    doc.events[0].arguments = [Argument(role="Attacker", target="p1")]
    got = validate(mini, doc)
    assert [(p.kind, p.message) for p in got] == [
        ("missing-role", "Attack needs a Target argument"),
        ("missing-role", "Attack needs a Place argument"),
    ]


def test_cardinality_too_many(mini):
    """Two fillers for a '?' or a '1' role are cardinality problems; '+' and '*' allow many."""
    doc = clean_doc()
    doc.events[0].arguments += [
        Argument(role="Time-Within", target="t1"),
        Argument(role="Place", target="g1"),
        Argument(role="Attacker", target="p2"),
    ]
    assert problems(mini, doc) == [("e1", "cardinality"), ("e1", "cardinality")]


def test_relation_problems(mini):
    """Unknown relation type, wrong argument types, unknown role names, wrong arity."""
    doc = clean_doc()
    doc.relations += [
        Relation(id="r2", type="PART-WHOLE", arguments=[Argument(role="Arg-1", target="g1")]),
        Relation(
            id="r3",
            type="PHYS",
            arguments=[Argument(role="Arg-1", target="g1"), Argument(role="Arg-2", target="p1")],
        ),
        Relation(
            id="r4",
            type="PHYS",
            arguments=[Argument(role="Arg1", target="p1"), Argument(role="Arg2", target="g1")],
        ),
        Relation(id="r5", type="PHYS", arguments=[Argument(role="Arg-1", target="p1")]),
    ]
    assert problems(mini, doc) == [
        ("r2", "unknown-type"),
        ("r3", "wrong-filler-type"),
        ("r3", "wrong-filler-type"),
        ("r4", "unknown-role"),
        ("r4", "unknown-role"),
        ("r5", "cardinality"),
    ]


def test_equivalence_problems(mini):
    """Unknown equivalence type, non-span members and mixed member types are flagged."""
    doc = clean_doc()
    doc.equivalences += [
        Equivalence(id="q2", type="Same", members=["p1", "p2"]),
        Equivalence(id="q3", type="Coref", members=["p1", "g1", "e1"]),
    ]
    assert problems(mini, doc) == [
        ("q2", "unknown-type"),
        ("q3", "wrong-filler-type"),
        ("q3", "wrong-filler-type"),
    ]


def test_attribute_problems(mini):
    """Unknown attribute, bad or missing values, and targets of the wrong kind."""
    doc = clean_doc()
    doc.attributes += [
        Attribute(id="b1", target="e1", name="Tense", value="Past"),
        Attribute(id="b2", target="e1", name="Polarity", value="Maybe"),
        Attribute(id="b3", target="e1", name="Polarity"),
        Attribute(id="b4", target="p1", name="Negated", value="yes"),
        Attribute(id="b5", target="t1", name="Negated"),  # TIME is kind "time"
        Attribute(id="b6", target="g1", name="Sure"),  # GPE is not listed
        Attribute(id="b7", target="tr1", name="Negated"),  # a trigger, not an entity
    ]
    assert problems(mini, doc) == [
        ("b1", "unknown-attribute"),
        ("b2", "bad-attribute-value"),
        ("b3", "bad-attribute-value"),
        ("b4", "bad-attribute-value"),
        ("b5", "bad-attribute-target"),
        ("b6", "bad-attribute-target"),
        ("b7", "bad-attribute-target"),
    ]


def test_dangling_references(mini):
    """References to ids not in the document are dangling, wherever they are."""
    doc = clean_doc()
    doc.events[0].arguments.append(Argument(role="Attacker", target="gone1"))
    doc.events[1].trigger = "gone2"
    doc.spans.pop(5)
    doc.relations[0].arguments[0] = Argument(role="Arg-2", target="gone3")
    doc.equivalences[0].members.append("gone4")
    doc.attributes.append(Attribute(id="b1", target="gone5", name="Negated"))
    doc.normalizations[0].target = "gone6"
    doc.notes[0].target = "gone7"
    got = validate(mini, doc)
    assert [(p.annotation_id, p.kind) for p in got] == [
        ("e1", "dangling-reference"),
        ("e2", "dangling-reference"),
        ("r1", "dangling-reference"),
        ("q1", "dangling-reference"),
        ("b1", "dangling-reference"),
        ("n1", "dangling-reference"),
        ("c1", "dangling-reference"),
    ]
    assert all(f"'gone{i}'" in p.message for i, p in enumerate(got, 1))


def test_rejected_annotations_are_not_validated(mini):
    """Rejected annotations are skipped; references to them still resolve."""
    doc = clean_doc()
    doc.spans.append(span("x", "Nope", status="rejected"))
    doc.events.append(Event(id="e9", type="Nope", trigger="zz", status="rejected"))
    doc.attributes.append(Attribute(id="b1", target="x", name="Nope", status="rejected"))
    doc.spans[1].status = "rejected"  # p2 is still a Target of e1 and in q1
    assert validate(mini, doc) == []
    doc.spans[-1].status = "pending"
    assert problems(mini, doc) == [("x", "unknown-type")]


def test_ace_preset_validates_a_small_attack(ace):
    """An ACE Attack with a typed attacker, place and time is clean; a PER place is not."""
    doc = DocAnnotations(
        spans=[
            span("s1", "GPE"),
            span("s2", "Attack", 10),
            span("s3", "LOC", 20),
            span("s4", "TIME", 30),
        ],
        events=[
            Event(
                id="e1",
                type="Attack",
                trigger="s2",
                arguments=[
                    Argument(role="Attacker", target="s1"),
                    Argument(role="Place", target="s3"),
                    Argument(role="Time-Within", target="s4"),
                ],
            )
        ],
        attributes=[Attribute(id="a1", target="e1", name="Modality", value="Asserted")],
    )
    assert validate(ace, doc) == []
    doc.spans[2].label = "PER"
    assert problems(ace, doc) == [("e1", "wrong-filler-type")]


def test_numbered_roles_count_as_their_base_role():
    """brat's Org-Arg2 / Theme2 are repeats of Org-Arg / Theme, not unknown roles."""
    from tui.core.model import Argument, DocAnnotations, Event, Span

    schema = preset("ace2005")
    trig = Span(id="t", label="Attack", fragments=[(0, 1)])
    a = Span(id="a", label="PER", fragments=[(2, 3)])
    b = Span(id="b", label="ORG", fragments=[(4, 5)])
    ev = Event(id="e", type="Attack", trigger="t",
               arguments=[Argument(role="Attacker", target="a"), Argument(role="Attacker2", target="b")])
    assert validate(schema, DocAnnotations(spans=[trig, a, b], events=[ev])) == []
    ev.arguments[1] = Argument(role="Nonsense2", target="b")
    kinds = [p.kind for p in validate(schema, DocAnnotations(spans=[trig, a, b], events=[ev]))]
    assert kinds == ["unknown-role"]
