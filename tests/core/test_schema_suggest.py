"""A schema's [suggest] table: the sources the reader's `a` runs, checked with file and line."""

from __future__ import annotations

from click.testing import CliRunner

from tests.core.test_schema import BASE, line_of
from tui.cli import cli
from tui.core.schema import SuggestDefaults, check_schema_text, format_schema, parse_schema, preset

TABLE = '\n[suggest]\nsources = ["coref", "spacy"]\nmodel = "en_core_web_sm"\n'


def test_suggest_table_is_read_written_and_shown():
    """The table becomes SuggestDefaults, survives to_toml, and `schema show` lists it."""
    schema = parse_schema(BASE + TABLE, "s.toml")
    assert schema.suggest == SuggestDefaults(sources=("coref", "spacy"), model="en_core_web_sm")
    assert parse_schema(schema.to_toml()).suggest == schema.suggest
    shown = format_schema(schema)
    assert "Suggestion sources (the reader's a)\n  coref, spacy\n  spaCy model en_core_web_sm" in shown


def test_without_a_table_the_defaults_and_ace_runs_places_first():
    """No [suggest]: propagate then coref; the ACE 2005 preset: places, lexicon, propagate, coref."""
    assert parse_schema(BASE).suggest.sources == ("propagate", "coref")
    assert preset("ace2005").suggest == SuggestDefaults(sources=("places", "lexicon", "propagate", "coref"))


def test_bad_values_are_one_line_errors_with_their_line():
    """An unknown source, a bad model and an unknown key (place types are [places]'s) each name their line."""
    text = BASE + '\n[suggest]\nsources = ["coref", "wikidata"]\nmodel = 3\ncolour = "red"\nplace_type = "CITY"\n'
    errors = check_schema_text(text, "s.toml")
    got = {(e.line, e.reason.split(":")[0].split(" '")[0]) for e in errors}
    assert got == {
        (line_of(text, "sources ="), "[suggest] sources"),
        (line_of(text, "model ="), "[suggest] model must be a non-empty string (a spaCy package name or a saved "
                                   "pipeline folder)"),
        (line_of(text, "colour ="), "unknown key"),
        (line_of(text, "place_type ="), "unknown key"),
    }
    assert all("\n" not in str(e) and str(e).startswith(f"s.toml:{e.line}: ") for e in errors)
    assert "unknown source 'wikidata'" in str(errors[0])


def test_schema_check_cli_reports_the_line(tmp_path):
    """`tui schema check` prints FILE:LINE: reason and exits non-zero."""
    path = tmp_path / "s.toml"
    text = BASE + '\n[suggest]\nsources = "places"\n'
    path.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(cli, ["schema", "check", str(path)])
    assert r.exit_code == 1
    assert f"s.toml:{line_of(text, 'sources =')}: [suggest] sources must be a list of source names" in r.output
