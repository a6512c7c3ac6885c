"""Agreement metrics against published worked examples and hand-computed small cases."""

from __future__ import annotations

import pytest

from tui.core.errors import TuiError
from tui.core.model import Argument, Document, Event, Relation, Span
from tui.core.review.agreement import (
    PRF,
    agreement,
    cohen_kappa,
    krippendorff_alpha,
    overlap_prf,
    prf,
    token_labels,
    tokenize,
)


def test_cohen_kappa_wikipedia_worked_example():
    """Wikipedia's example: 50 proposals, 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> kappa 0.4."""
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_krippendorff_alpha_published_nominal_example_with_missing_data():
    """Krippendorff (2011), 4 coders x 12 units with missing values, nominal: alpha = 0.743."""
    n = None
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    assert krippendorff_alpha(data) == pytest.approx(0.743, abs=5e-4)


def test_small_hand_computed_kappa_and_alpha():
    """PER O PER O GPE vs PER O O O LOC: kappa = (0.6-0.32)/0.68, alpha = 1 - 9*4/64."""
    a = ["PER", "O", "PER", "O", "GPE"]
    b = ["PER", "O", "O", "O", "LOC"]
    assert cohen_kappa(a, b) == pytest.approx((0.6 - 0.32) / 0.68)
    assert krippendorff_alpha([a, b]) == pytest.approx(1 - 9 * 4 / 64)
    assert krippendorff_alpha([a, a]) == 1.0
    assert cohen_kappa(["O", "O"], ["O", "O"]) is None  # undefined: one category throughout
    assert krippendorff_alpha([["O", "O"], ["O", None]]) is None


def test_prf_exact_and_overlap_by_hand():
    """ref PER(0,5) ORG(10,15); pred PER(0,5) PER(10,14) LOC(20,25)."""
    ref = [("d", ((0, 5),), "PER"), ("d", ((10, 15),), "ORG")]
    pred = [("d", ((0, 5),), "PER"), ("d", ((10, 14),), "PER"), ("d", ((20, 25),), "LOC")]
    exact = prf(ref, pred)
    assert (exact.precision, exact.recall) == pytest.approx((1 / 3, 1 / 2))
    assert exact.f1 == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))
    labeled = overlap_prf(ref, pred, True)
    assert (labeled.precision, labeled.recall) == pytest.approx((1 / 3, 1 / 2))
    unlabeled = overlap_prf(ref, pred, False)
    assert (unlabeled.precision, unlabeled.recall) == pytest.approx((2 / 3, 1.0))
    assert PRF().f1 is None


def test_tokenizer_and_token_labels():
    """Words and punctuation are tokens; the longest covering span labels a token."""
    text = "Ann's car, in New York."
    toks = tokenize(text)
    assert [text[s:e] for s, e in toks] == ["Ann", "'", "s", "car", ",", "in", "New", "York", "."]
    spans = [Span(label="PER", fragments=[(0, 3)]), Span(label="GPE", fragments=[(14, 22)]),
             Span(label="CITY", fragments=[(18, 22)])]
    assert token_labels(toks, spans) == ["PER", "O", "O", "O", "O", "O", "GPE", "GPE", "O"]


@pytest.fixture
def two_layers(store):
    """Ann saw Bob in Rome; alice: PER Ann, PER Bob, GPE Rome; bob: PER Ann, LOC Rome (pending ORG ignored)."""
    doc, _ = store.add_document(Document(name="d", text="Ann saw Bob in Rome"))
    for label, s, e, who in [("PER", 0, 3, "alice"), ("PER", 8, 11, "alice"), ("GPE", 15, 19, "alice"),
                             ("PER", 0, 3, "bob"), ("LOC", 15, 19, "bob")]:
        store.add(Span(label=label, fragments=[(s, e)], doc_id=doc.id, annotator=who))
    store.add(Span(label="ORG", fragments=[(4, 7)], doc_id=doc.id, annotator="bob", status="pending"))
    return doc


def test_agreement_report_from_the_store(store, two_layers):
    """Span scores, token kappa and alpha come out of the layers as computed by hand."""
    rep = agreement(store, ["alice", "bob"])
    pair = rep.spans["alice|bob"]
    assert (pair["exact"]["labeled"].matched_pred, pair["exact"]["labeled"].pred) == (1, 2)
    assert (pair["exact"]["labeled"].matched_ref, pair["exact"]["labeled"].ref) == (1, 3)
    assert (pair["exact"]["unlabeled"].matched_pred, pair["exact"]["unlabeled"].ref) == (2, 3)
    assert pair["exact"]["per_label"]["PER"].recall == pytest.approx(0.5)
    assert pair["exact"]["per_label"]["GPE"].precision is None
    assert rep.tokens["count"] == 5
    assert rep.tokens["cohen_kappa"]["alice|bob"] == pytest.approx((0.6 - 0.32) / 0.68)
    assert rep.tokens["krippendorff_alpha"] == pytest.approx(1 - 9 * 4 / 64)
    # per label: PER vs not-PER: alice T F T F F, bob T F F F F
    assert rep.tokens["per_label"]["PER"]["cohen_kappa"]["alice|bob"] == pytest.approx(
        cohen_kappa([1, 0, 1, 0, 0], [1, 0, 0, 0, 0]))
    d = rep.to_dict()
    assert d["spans"]["alice|bob"]["exact"]["labeled"]["precision"] == 0.5
    text = rep.format_text()
    assert "Cohen's kappa alice vs bob: 0.412" in text and "Krippendorff's alpha (nominal): 0.438" in text
    with_pending = agreement(store, ["alice", "bob"], statuses=["accepted", "pending"])
    assert with_pending.spans["alice|bob"]["exact"]["labeled"].pred == 3


def test_event_scores_ace_style(store):
    """Triggers by offsets (then type); arguments by trigger+type+filler (then role)."""
    doc, _ = store.add_document(Document(name="e", text="Troops attacked Basra after fighting."))

    def layer(who, role, extra):
        troops = store.add(Span(label="PER", fragments=[(0, 6)], doc_id=doc.id, annotator=who))
        basra = store.add(Span(label="GPE", fragments=[(16, 21)], doc_id=doc.id, annotator=who))
        trig = store.add(Span(label="Attack", fragments=[(7, 15)], doc_id=doc.id, annotator=who))
        store.add(Event(type="Attack", trigger=trig.id, doc_id=doc.id, annotator=who, arguments=[
            Argument(role="Attacker", target=troops.id), Argument(role=role, target=basra.id)]))
        if extra:
            t2 = store.add(Span(label="Attack", fragments=[(28, 36)], doc_id=doc.id, annotator=who))
            store.add(Event(type="Attack", trigger=t2.id, doc_id=doc.id, annotator=who))

    layer("alice", "Place", False)
    layer("bob", "Target", True)
    ev = agreement(store, ["alice", "bob"]).events["alice|bob"]
    assert (ev["trigger_identification"].precision, ev["trigger_identification"].recall) == (0.5, 1.0)
    assert ev["trigger_classification"].matched_pred == 1
    assert (ev["argument_identification"].precision, ev["argument_identification"].recall) == (1.0, 1.0)
    assert (ev["argument_classification"].precision, ev["argument_classification"].recall) == (0.5, 0.5)


def test_three_annotators_pairs_and_errors(store, two_layers):
    """Three annotators give three pairs and one alpha; fewer than two is an error."""
    store.add(Span(label="PER", fragments=[(0, 3)], doc_id=two_layers.id, annotator="carol"))
    rep = agreement(store, ["alice", "bob", "carol"], docs=["d"])
    assert list(rep.spans) == ["alice|bob", "alice|carol", "bob|carol"]
    assert rep.tokens["krippendorff_alpha"] is not None
    with pytest.raises(TuiError, match="two different annotators"):
        agreement(store, ["alice", "alice"])


def test_relation_does_not_break_layers(store, two_layers):
    spans = store.annotations(two_layers.id, annotators=["alice"]).spans
    store.add(Relation(type="PHYS", doc_id=two_layers.id, arguments=[
        Argument(role="Arg1", target=spans[0].id), Argument(role="Arg2", target=spans[2].id)]))
    assert agreement(store, ["alice", "bob"]).tokens["count"] == 5
