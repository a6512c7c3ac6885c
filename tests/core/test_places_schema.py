"""`tui suggest --source places` types from the schema's [places] table (issue 14)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tui.cli.main import cli
from tui.core.errors import TuiError
from tui.core.model import Document
from tui.core.review.suggest import suggest
from tui.core.schema import parse_schema

TEXT = "Talks in Iraq, then in Baghdad and Basra."
KINDS = '''name = "kinds"
[[entities]]
name = "COUNTRY"
[[entities]]
name = "CITY"
[[entities]]
name = "GPE"
[places]
country = "COUNTRY"
capital = "CITY"
city = "CITY"
'''


def labels(store, doc):
    return [(doc.text[s.start:s.end], s.label) for s in store.annotations(doc.id).spans]


def test_the_schema_types_each_kind_of_place(store):
    store.save_schema(parse_schema(KINDS))
    doc, _ = store.add_document(Document(name="d", text=TEXT, schema="kinds"))
    result = suggest(store, "places")
    assert labels(store, doc) == [("Iraq", "COUNTRY"), ("Baghdad", "CITY"), ("Basra", "CITY")]
    anns = store.annotations(doc.id)
    assert len(anns.normalizations) == 3 and result.added == 3


def test_type_option_wins_over_the_schema(db_path, store):
    store.save_schema(parse_schema(KINDS))
    doc, _ = store.add_document(Document(name="d", text=TEXT, schema="kinds"))
    r = CliRunner().invoke(cli, ["--db", str(db_path), "suggest", "--source", "places", "--type", "GPE"])
    assert r.exit_code == 0, r.output
    assert labels(store, doc) == [("Iraq", "GPE"), ("Baghdad", "GPE"), ("Basra", "GPE")]


def test_a_kind_the_schema_does_not_map_is_left_out_and_reported(store):
    store.save_schema(parse_schema(KINDS.replace('city = "CITY"\n', "")))
    doc, _ = store.add_document(Document(name="d", text=TEXT, schema="kinds"))
    result = suggest(store, "places")
    assert labels(store, doc) == [("Iraq", "COUNTRY"), ("Baghdad", "CITY")]
    assert result.summary().splitlines()[1:] == ["  left out: city \u00d71: no [places] type in schema kinds"]


def test_ace2005_maps_every_kind_to_gpe(store):
    doc, _ = store.add_document(Document(name="d", text=TEXT))
    suggest(store, "places")
    assert labels(store, doc) == [("Iraq", "GPE"), ("Baghdad", "GPE"), ("Basra", "GPE")]


def test_a_schema_without_places_and_without_gpe_asks_for_a_type(store):
    store.save_schema(parse_schema('name = "bare"\n[[entities]]\nname = "X"\n'))
    store.add_document(Document(name="d", text=TEXT, schema="bare"))
    with pytest.raises(TuiError, match=r"schema bare has no span type 'GPE' for places \(choose one with "
                                       r"--type, or map the kinds of place in the schema's \[places\]\)"):
        suggest(store, "places")
