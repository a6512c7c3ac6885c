"""Issue 14 schema keys: definition/example guidelines, [spacy.labels], [places]."""

from __future__ import annotations

from click.testing import CliRunner

from tui.cli.main import cli
from tui.core.schema import check_schema_text, format_schema, parse_schema, preset

GUIDED = '''name = "g"

[[entities]]
name = "PER"
definition = "A person."
example = "Ali; the gunmen"

[[entities]]
name = "GPE"

[[events]]
name = "Attack"
definition = "A violent act."
roles = [
  { name = "Attacker", types = ["PER"], definition = "Who attacks.", example = "the gunmen" },
  { name = "Place", types = ["GPE"] },
]

[[attributes]]
name = "Polarity"
targets = ["event"]
values = ["Positive", "Negative"]
definition = "Said to happen or not."

[spacy.labels]
PERSON = "PER"
NORP = "GPE"

[places]
country = "GPE"
city = "GPE"
'''


def test_guidelines_and_mappings_parse_and_round_trip():
    s = parse_schema(GUIDED)
    assert s.span_type("PER").definition == "A person."
    assert s.span_type("PER").example == "Ali; the gunmen"
    assert s.span_type("GPE").definition == ""
    attack = s.event_type("Attack")
    assert attack.definition == "A violent act."
    assert attack.role("Attacker").definition == "Who attacks."
    assert attack.role("Attacker").example == "the gunmen"
    assert s.attribute("Polarity").definition == "Said to happen or not."
    assert s.definition("PER") == "A person." and s.definition("Attack", "event") == "A violent act."
    assert s.definition("nope") == ""
    assert s.spacy_labels == {"PERSON": "PER", "NORP": "GPE"}
    assert s.place_types == {"country": "GPE", "city": "GPE"}
    again = parse_schema(s.to_toml())
    assert again == s


def test_schema_show_prints_guidelines_and_mappings():
    out = format_schema(parse_schema(GUIDED))
    assert "      A person.\n      e.g. Ali; the gunmen\n" in out
    assert "    A violent act.\n" in out and "Who attacks." in out and "e.g. the gunmen" in out
    assert "Said to happen or not." in out
    assert "spaCy labels ([spacy.labels])\n  PERSON  ->  PER\n  NORP    ->  GPE\n" in out
    assert "Place types ([places])\n  country  ->  GPE\n  city     ->  GPE\n" in out


def _errors(text: str) -> list[str]:
    return [str(e) for e in check_schema_text(text, "s.toml")]


def test_a_mapping_to_a_missing_type_is_an_error_on_its_line():
    bad = GUIDED.replace('NORP = "GPE"', 'NORP = "NAT"').replace('city = "GPE"', 'village = "GPE"')
    lines = bad.splitlines()
    norp = lines.index('NORP = "NAT"') + 1
    village = lines.index('village = "GPE"') + 1
    assert _errors(bad) == [
        f"s.toml:{norp}: [spacy.labels] maps NORP to 'NAT', which is not a span type of the schema",
        f"s.toml:{village}: unknown key 'village' in [places] (allowed: country, capital, city)",
    ]
    event_type = GUIDED.replace('country = "GPE"', 'country = "Attack"')
    country = lines.index('country = "GPE"') + 1
    assert _errors(event_type) == [
        f"s.toml:{country}: [places] maps country to 'Attack', "
        "which is not a span type of the schema"]
    assert _errors(GUIDED.replace("[spacy.labels]", "[spacy.rules]")) == [
        f"s.toml:{lines.index('[spacy.labels]') + 1}: unknown key 'rules' in [spacy] (allowed: labels)"]


def test_schema_check_reports_one_line_with_file_and_line(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(GUIDED.replace('PERSON = "PER"', 'PERSON = "Person"'), encoding="utf-8")
    r = CliRunner().invoke(cli, ["schema", "check", str(path)])
    line = GUIDED.splitlines().index('PERSON = "PER"') + 1
    assert r.exit_code == 1
    assert r.output.splitlines() == [
        f"tui: error: {path}:{line}: [spacy.labels] maps PERSON to 'Person', which is not a span type of the schema"]


def test_definition_limits():
    long = "x" * 301
    text = GUIDED.replace('definition = "A person."', f'definition = "{long}"')
    line = GUIDED.splitlines().index('definition = "A person."') + 1
    assert _errors(text) == [
        f"s.toml:{line}: definition of entity type 'PER' is 301 characters long "
        "(at most 300: a picker shows one line)"]
    assert _errors(GUIDED.replace('definition = "A person."', 'definition = "' + "x" * 300 + '"')) == []
    two_lines = GUIDED.replace('definition = "A person."', 'definition = "A\\nperson."')
    assert _errors(two_lines) == [f"s.toml:{line}: definition of entity type 'PER' must be one line"]
    role = GUIDED.replace('definition = "Who attacks."', "definition = 3")
    role_line = next(n for n, ln in enumerate(GUIDED.splitlines(), 1) if "Who attacks." in ln)
    assert _errors(role) == [f"s.toml:{role_line}: definition of role 'Attacker' of 'Attack' must be a string"]
    carriage = GUIDED.replace('example = "Ali; the gunmen"', 'example = "Ali\\rthe gunmen"')
    assert _errors(carriage) == [f"s.toml:{line + 1}: example of entity type 'PER' must be one line"]
    # Like names, a definition may hold any other character: the app shows it through its sanitiser
    # (tests/safety/test_hostile_fields.py fills it with escape sequences and markup).
    escape = GUIDED.replace('example = "Ali; the gunmen"', 'example = "\\u001b[31mred"')
    assert parse_schema(escape).span_type("PER").example == "\x1b[31mred"


def test_ace2005_has_a_definition_everywhere_and_maps_ontonotes_labels():
    ace = preset("ace2005")
    assert all(t.definition and t.example for t in ace.span_types)
    assert all(t.definition and t.example for t in ace.event_types)
    assert all(r.definition for t in ace.event_types for r in t.roles)
    assert all(a.definition for a in ace.attributes)
    assert ace.spacy_labels == {"PERSON": "PER", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "FAC",
                                "NORP": "GPE", "DATE": "TIME"}
    assert ace.place_types == {"country": "GPE", "capital": "GPE", "city": "GPE"}
