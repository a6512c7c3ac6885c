"""`tui suggest --source lexicon`: trigger words and nominal heads shipped with the schema (issue 14)."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from tui.cli.main import cli
from tui.core.model import Document, Span
from tui.core.review.lexicon import build_lexicon, inflections, lexicon_hits
from tui.core.review.queue import ReviewQueue
from tui.core.review.suggest import suggest
from tui.core.schema import check_schema_text, format_schema, parse_schema, preset, validate

MINI = '''name = "lex"
[[entities]]
name = "PER"
nominals = ["people", "bomber", "gunman", "officer"]
[[entities]]
name = "ORG"
nominals = ["army", "police"]
[[entities]]
name = "WEA"
nominals = ["bomb", "car bomb"]
[[entities]]
name = "CREW"
nominals = ["police", "officer"]
[[events]]
name = "Attack"
triggers = ["attack", "bombing", "opened fire"]
roles = [{ name = "Attacker", types = ["PER", "ORG"] }]
[[events]]
name = "Die"
triggers = ["die", "kill"]
roles = [{ name = "Victim", types = ["PER"] }]
'''


def _doc(store, text, schema="lex"):
    if schema == "lex":
        store.save_schema(parse_schema(MINI, "lex.toml"))
    doc, _ = store.add_document(Document(name="d", text=text, schema=schema))
    return doc


def _pending(store, doc):
    anns = store.annotations(doc.id, statuses=["pending"])
    triggers = {e.trigger: e.type for e in anns.events}
    spans = sorted((s.start, s.text, s.label) for s in anns.spans if s.id not in triggers)
    events = sorted((anns.by_id()[t].start, anns.by_id()[t].text, typ) for t, typ in triggers.items())
    return [(t, lab) for _, t, lab in spans], [(t, typ) for _, t, typ in events]


def test_triggers_become_pending_events_and_nominals_pending_spans(store):
    """A trigger hit is a pending event of its type with its trigger (no bare span); a nominal a pending span."""
    doc = _doc(store, "The bombing killed people. An army officer said the army would attack.")
    result = suggest(store, "lexicon")
    spans, events = _pending(store, doc)
    assert events == [("bombing", "Attack"), ("killed", "Die"), ("attack", "Attack")]
    assert spans == [("people", "PER"), ("army", "ORG"), ("army", "ORG")]
    assert result.added == 6 and result.events == 3
    anns = store.annotations(doc.id)
    assert all(e.arguments == [] and e.origin == "suggestion:lexicon" for e in anns.events)
    assert {p.kind for p in validate(store.schema("lex"), anns)} <= {"missing-role"}


def test_inflected_forms_are_suggested(store):
    """Plurals and verb forms of a one-word entry are hits; a trigger phrase only as written."""
    doc = _doc(store, "Two bombers and three gunmen attacked; attacks went on and two died. They opened fire.")
    suggest(store, "lexicon")
    spans, events = _pending(store, doc)
    assert spans == [("bombers", "PER"), ("gunmen", "PER")]
    assert events == [("attacked", "Attack"), ("attacks", "Attack"), ("died", "Die"), ("opened fire", "Attack")]
    assert "dying" in inflections("die", verb=True) and "hitting" in inflections("hit", verb=True)
    assert inflections("opened fire", verb=True) == {"opened fire"}
    assert inflections("car bomb", verb=False) == {"car bomb", "car bombs"}
    assert "bombed" not in inflections("bomb", verb=False)  # a nominal takes only its plural


def test_a_trigger_inside_a_longer_annotated_span_is_not_suggested(store):
    """ "attack" inside the accepted name "the attack helicopter unit" is left out; the "attack" outside is not."""
    text = "Soldiers of the attack helicopter unit said the attack began at dawn."
    doc = _doc(store, text)
    start = text.index("the attack helicopter unit")
    store.add(Span(label="ORG", fragments=[(start, start + len("the attack helicopter unit"))], doc_id=doc.id))
    result = suggest(store, "lexicon")
    _, events = _pending(store, doc)
    assert events == [("attack", "Attack")]
    anns = store.annotations(doc.id, statuses=["pending"])
    assert [anns.by_id()[e.trigger].start for e in anns.events] == [text.rindex("attack")]
    assert result.inside == 1


def test_a_word_listed_under_two_types_is_suggested_under_neither(store):
    """ "police" (ORG and CREW, both as written) is never suggested and is reported; the left-out count says why."""
    doc = _doc(store, "The police arrived. Police were there.")
    result = suggest(store, "lexicon")
    assert _pending(store, doc) == ([], [])
    assert result.left_out == {("police", "listed under CREW and ORG"): 2}
    assert "left out: police \u00d72: listed under CREW and ORG" in result.summary()


def test_the_written_entry_wins_over_another_types_inflection(store):
    """ "bombing" is written under Attack and only an inflection of nothing else; "officer" under two types is neither."""
    lex = build_lexicon(parse_schema(MINI))
    assert lex.forms["bombing"] == ("Attack", True)
    assert lex.ambiguous["officer"] == ("CREW", "PER") and lex.ambiguous["officers"] == ("CREW", "PER")
    both = parse_schema(MINI.replace('triggers = ["attack", "bombing", "opened fire"]',
                                     'triggers = ["attack", "bombs", "opened fire"]'))
    # "bombs": written under Attack, the plural of WEA's "bomb": the written entry wins
    assert build_lexicon(both).forms["bombs"] == ("Attack", True)


def test_case_sentence_starts_titles_hyphens_and_longest_match(store):
    """Capitalised only at a sentence start; a title before a name and a name's first word are left out;
    a hyphen joins words; the longest phrase wins."""
    text = ('People fled. The People Army denied it. An army Colonel Ali spoke. "Bombing is wrong," '
            "one said. A car-bomb and a car bomb went off.")
    doc = _doc(store, text)
    result = suggest(store, "lexicon")
    spans, events = _pending(store, doc)
    assert spans == [("People", "PER"), ("car bomb", "WEA")]
    assert events == [("Bombing", "Attack")]
    assert result.left_out[("army", "a title before a name")] == 1


def test_event_type_named_like_a_span_type_is_still_an_event(store):
    """ACE 2005 has a value type and an event type "Sentence": "sentenced" is a pending Sentence event."""
    doc, _ = store.add_document(Document(name="d", text="He was sentenced on Monday. The police came."))
    result = suggest(store, "lexicon")
    _, events = _pending(store, doc)
    assert events == [("sentenced", "Sentence")]
    assert ("police", "listed under ORG and PER") in result.left_out


def test_rerun_adds_nothing_and_a_rejected_suggestion_stays_rejected(store):
    """A re-run adds no duplicate; an event rejected in review (with its trigger) is never proposed again."""
    doc = _doc(store, "The bombing killed people.")
    first = suggest(store, "lexicon")
    queue = ReviewQueue(store, docs=["d"])
    assert queue.current is not None and queue.current.kind == "events"  # event and trigger: one item
    queue.decide("reject")
    again = suggest(store, "lexicon")
    assert first.added == 3 and again.added == 0
    assert again.rejected == 1 and again.existing == 2
    assert _pending(store, doc) == ([("people", "PER")], [("killed", "Die")])


def test_accepting_a_lexicon_event_accepts_its_trigger(store):
    """Review decides a suggested event and its trigger as one item."""
    doc = _doc(store, "The bombing was loud.")
    suggest(store, "lexicon")
    queue = ReviewQueue(store, docs=["d"])
    queue.decide("accept")
    anns = store.annotations(doc.id, statuses=["accepted"])
    assert [(e.type, anns.by_id()[e.trigger].text) for e in anns.events] == [("Attack", "bombing")]
    assert queue.finished


def test_ace2005_lexicon_on_a_short_story(store):
    """The ACE 2005 preset ships a lexicon: common nouns and triggers of a short story are suggested."""
    text = ("Dozens of people were killed when a suicide bomber attacked a market. "
            "Witnesses said soldiers fought the attackers.")
    doc, _ = store.add_document(Document(name="d", text=text))
    suggest(store, "lexicon")
    spans, events = _pending(store, doc)
    assert ("people", "PER") in spans and ("bomber", "PER") in spans and ("attackers", "PER") in spans
    assert ("market", "FAC") in spans and ("soldiers", "PER") in spans
    assert ("killed", "Die") in events and ("attacked", "Attack") in events and ("fought", "Attack") in events
    shown = format_schema(preset())
    assert "Trigger words (triggers, for the lexicon source)\n  Be-Born: born" in shown


def test_schema_without_a_lexicon_says_so(store):
    """A schema listing no words: nothing added, and the report says why."""
    store.save_schema(parse_schema('name = "bare"\n[[entities]]\nname = "PER"\n'))
    store.add_document(Document(name="d", text="people", schema="bare"))
    result = suggest(store, "lexicon")
    assert result.added == 0 and result.left_out == {("bare", "the schema lists no triggers or nominals"): 1}


def test_malformed_lexicon_entries_are_one_line_errors_naming_file_and_line():
    """A list that is no list, an entry with a control character, a repeated or too long entry: file, line, reason."""
    cases = {
        'nominals = "people"': "nominals of entity type 'PER' must be a list of words or phrases, not a str",
        'nominals = ["peo\\u001bple"]': "is not a word or phrase",
        'nominals = ["people", "people"]': "'people' is listed twice",
        'nominals = ["a b c d e"]': "is not a word or phrase",
        'nominals = [""]': "an entry is empty",
        'nominals = [3]': "3 is not a string",
        f'nominals = ["{"x" * 61}"]': "is 61 characters long (at most 60)",
    }
    for line, reason in cases.items():
        errors = check_schema_text(f'name = "bad"\n[[entities]]\nname = "PER"\n{line}\n', "bad.toml")
        assert len(errors) == 1, (line, errors)
        message = str(errors[0])
        assert message.startswith("bad.toml:4: ") and reason in message and "\n" not in message
        assert "\x1b" not in message
    errors = check_schema_text('name = "bad"\n[[events]]\nname = "Attack"\ntriggers = ["at  tack"]\n', "bad.toml")
    assert [str(e) for e in errors] == [
        "bad.toml:4: triggers of event type 'Attack': 'at  tack' is not a word or phrase (letters and digits, "
        "a hyphen inside a word, one space between words, at most 4 words)"]


def test_importing_with_a_malformed_lexicon_fails_and_changes_nothing(tmp_path, db_path):
    """`tui import --schema bad.toml`: one error line naming the file, a non-zero exit, the database unchanged."""
    article = tmp_path / "a.txt"
    article.write_text("people died\n", encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(cli, ["--db", str(db_path), "import", str(article)])
    assert ok.exit_code == 0, ok.output
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[[entities]]\nname = "PER"\nnominals = ["people", 7]\n', encoding="utf-8")

    def snapshot():
        with sqlite3.connect(db_path) as conn:
            return [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                    for t in ("documents", "spans", "events", "schemas")]

    before = snapshot()
    other = tmp_path / "b.txt"
    other.write_text("the bombing\n", encoding="utf-8")
    r = runner.invoke(cli, ["--db", str(db_path), "import", "--schema", str(bad), str(other)])
    assert r.exit_code != 0
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and str(bad) in lines[0] and "nominals of entity type 'PER': 7 is not a string" in lines[0]
    assert snapshot() == before
    check = runner.invoke(cli, ["schema", "check", str(bad)])
    assert check.exit_code != 0 and "7 is not a string" in check.output


def test_suggest_lexicon_from_the_command_line(db_path, tmp_path):
    """`tui suggest --source lexicon` reports per type and the events among them."""
    article = tmp_path / "a.txt"
    article.write_text("The police said the bombing killed people.\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db_path), "import", str(article)]).exit_code == 0
    r = runner.invoke(cli, ["--db", str(db_path), "suggest", "--source", "lexicon"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "lexicon: 3 suggestion(s) added in 1 document(s) (Attack 1, Die 1, PER 1), 2 of them event(s); "
        "0 already present, 0 previously rejected",
        "  left out: police \u00d71: listed under ORG and PER",
    ]
    hits, _ = lexicon_hits("people", build_lexicon(preset()))
    assert [(h.label, h.event) for h in hits] == [("PER", False)]
