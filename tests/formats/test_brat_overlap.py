"""brat's span overlap rules (``<OVERLAP>``, ``ENTITY-NESTING``, nothing may overlap by default): a note per violation."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import DATA
from tui.cli.main import cli
from tui.core.formats import ImportOptions, read_paths

ID = DATA / "brat" / "BioNLP-ST_2011_ID"


def test_the_three_id_documents_brat_flags_get_one_note_per_pair():
    """What brat's own verify_annotations.py reports for these documents (each pair once)."""
    options = ImportOptions()
    items = read_paths([str(ID)], "brat", options=options)
    assert len(items) == 3  # imported as they are: nothing is lost
    intro = ID / "PMC2639726-01-Introduction.ann"
    res4 = ID / "PMC2639726-02-Results-04.ann"
    res3 = ID / "PMC2774163-02-Results-03.ann"
    assert options.notes == [
        f"{intro}:4: T5 (Organism) lies inside T4 (Organism); brat allows that only with "
        "<OVERLAP> Arg1:Organism, Arg2:Organism, <OVL-TYPE>:contain",
        f"{res4}:31: T31 (Protein) and T32 (Organism) have the same span; brat allows that only with "
        "<OVERLAP> Arg1:Protein, Arg2:Organism, <OVL-TYPE>:equal",
        f"{res3}:6: T6 (Protein) and T7 (Organism) have the same span; brat allows that only with "
        "<OVERLAP> Arg1:Protein, Arg2:Organism, <OVL-TYPE>:equal",
        f"{res3}:14: T14 (Protein) and T15 (Organism) have the same span; brat allows that only with "
        "<OVERLAP> Arg1:Protein, Arg2:Organism, <OVL-TYPE>:equal",
    ]


def test_cli_import_prints_the_notes_and_succeeds(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "import", "--format", "brat", str(ID)])
    assert result.exit_code == 0, result.output
    assert f"note: {ID / 'PMC2639726-01-Introduction.ann'}:4: T5 (Organism) lies inside T4 (Organism)" in result.output


TEXT = "Alice Smith met Bob Jones in Paris and London."
#       0    5    10   15   20   25   30   35   40


def _notes(tmp_path: Path, relations: str, ann: str) -> list[str]:
    folder = tmp_path / "c"
    folder.mkdir(exist_ok=True)
    (folder / "annotation.conf").write_text(
        "[entities]\nPerson\nName\nPlace\n[relations]\n" + relations
        + "\n[events]\nMeet\tAgent*:Person\n[attributes]\n", encoding="utf-8")
    (folder / "d.txt").write_text(TEXT, encoding="utf-8")
    (folder / "d.ann").write_text(ann, encoding="utf-8")
    options = ImportOptions()
    read_paths([str(folder)], "brat", options=options)
    prefix = f"{folder / 'd.ann'}:"
    assert all(n.startswith(prefix) for n in options.notes), options.notes
    return [n[len(prefix):] for n in options.notes]


CROSS = "T1\tPerson 0 11\tAlice Smith\nT2\tName 6 15\tSmith met\n"
INSIDE = "T1\tPerson 0 11\tAlice Smith\nT2\tName 6 11\tSmith\n"
EQUAL = "T1\tPerson 0 11\tAlice Smith\nT2\tName 0 11\tAlice Smith\n"


@pytest.mark.parametrize(
    ("relations", "ann", "expected"),
    [
        ("", CROSS, ["1: T1 (Person) and T2 (Name) cross; brat allows that only with "
                     "<OVERLAP> Arg1:Person, Arg2:Name, <OVL-TYPE>:cross"]),
        ("<OVERLAP>\tArg1:Name, Arg2:Person, <OVL-TYPE>:cross", CROSS, []),  # either way round
        ("<OVERLAP>\tArg1:Name, Arg2:Person, <OVL-TYPE>:contain", CROSS, ["1: T1 (Person) and T2 (Name) cross; "
                                                                          "brat allows that only with <OVERLAP> "
                                                                          "Arg1:Person, Arg2:Name, <OVL-TYPE>:cross"]),
        ("", INSIDE, ["1: T2 (Name) lies inside T1 (Person); brat allows that only with "
                      "<OVERLAP> Arg1:Name, Arg2:Person, <OVL-TYPE>:contain"]),
        ("<OVERLAP>\tArg1:Name, Arg2:Person, <OVL-TYPE>:contain", INSIDE, []),
        ("ENTITY-NESTING\tArg1:Name, Arg2:Person", INSIDE, []),
        # contain is directed: Person inside Name is not Name inside Person
        ("<OVERLAP>\tArg1:Person, Arg2:Name, <OVL-TYPE>:contain", INSIDE, [
            "1: T2 (Name) lies inside T1 (Person); brat allows that only with "
            "<OVERLAP> Arg1:Name, Arg2:Person, <OVL-TYPE>:contain"]),
        # ...unless the reverse rule says <ANY>
        ("<OVERLAP>\tArg1:Person, Arg2:Name, <OVL-TYPE>:<ANY>", INSIDE, []),
        # an <OVERLAP> rule for the pair overrides ENTITY-NESTING
        ("ENTITY-NESTING\tArg1:Name, Arg2:Person\n<OVERLAP>\tArg1:Name, Arg2:Person, <OVL-TYPE>:equal", INSIDE, [
            "1: T2 (Name) lies inside T1 (Person); brat allows that only with "
            "<OVERLAP> Arg1:Name, Arg2:Person, <OVL-TYPE>:contain"]),
        ("", EQUAL, ["1: T1 (Person) and T2 (Name) have the same span; brat allows that only with "
                     "<OVERLAP> Arg1:Person, Arg2:Name, <OVL-TYPE>:equal"]),
        ("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ANY>, <OVL-TYPE>:equal", EQUAL, []),
        ("<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>", CROSS + "T3\tPlace 0 5\tAlice\n", []),
        # spans that only touch do not overlap
        ("", "T1\tPerson 0 5\tAlice\nT2\tName 5 11\t Smith\n", []),
    ],
)
def test_overlap_rules_as_brat_applies_them(tmp_path, relations, ann, expected):
    assert _notes(tmp_path, relations, ann) == expected


def test_event_triggers_and_discontinuous_spans(tmp_path):
    """Triggers are not entities (brat does not check them); fragments count by their extent and set."""
    ann = ("T1\tPerson 0 11\tAlice Smith\nT2\tMeet 6 15\tSmith met\nE1\tMeet:T2 Agent:T1\n"
           "T3\tPlace 29 34;39 45\tParis London\nT4\tPlace 35 38\tand\n")
    # T4 sits in the gap of T3's fragments: inside T3's extent, not inside any fragment: they cross
    assert _notes(tmp_path, "", ann) == [
        "4: T3 (Place) and T4 (Place) cross; brat allows that only with <OVERLAP> Arg1:Place, Arg2:Place, <OVL-TYPE>:cross"
    ]


def test_many_violations_are_capped_with_a_count(tmp_path):
    spans = "".join(f"T{i + 1}\tPerson 0 {i + 2}\t{TEXT[:i + 2]}\n" for i in range(9))  # 9 nested: 36 pairs
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "annotation.conf").write_text("[entities]\nPerson\n[relations]\n[events]\n[attributes]\n",
                                            encoding="utf-8")
    (folder / "d.txt").write_text(TEXT, encoding="utf-8")
    (folder / "d.ann").write_text(spans, encoding="utf-8")
    options = ImportOptions()
    read_paths([str(folder)], "brat", options=options)
    assert len(options.notes) == 21
    assert options.notes[0] == (f"{folder / 'd.ann'}:1: T1 (Person) lies inside T2 (Person); brat allows that "
                                "only with <OVERLAP> Arg1:Person, Arg2:Person, <OVL-TYPE>:contain")
    assert options.notes[-1] == (f"... and 16 more pair(s) of spans brat's overlap rules forbid "
                                 f"({folder / 'annotation.conf'})")


def test_generated_conf_lets_brat_accept_what_tui_allows(tmp_path):
    """tui lets spans nest, cross and coincide: a generated annotation.conf says so with <OVERLAP> ... <ANY>.

    (brat's verify_annotations.py, run on this export: no error with the line, 6 pairs flagged without it.)
    """
    from tui.core.formats import ExportOptions, brat
    from tui.core.model import DocAnnotations, Document, Span
    from tui.core.store import Store

    text = "Alice Smith met Bob Jones in Paris."
    store = Store(tmp_path / "g.db", annotator="alice")
    spans = [("PER", 0, 11), ("PER", 6, 15), ("GPE", 6, 11), ("ORG", 0, 11)]
    anns = DocAnnotations(spans=[Span(id=f"s{i}", label=lab, fragments=[(a, b)], text=text[a:b])
                                 for i, (lab, a, b) in enumerate(spans)])
    store.import_documents([(Document(name="d", text=text, schema="ace2005"), anns)], action="test")
    out = tmp_path / "out"
    brat.export(store, store.iter_documents(), out, ExportOptions())
    conf = out / "annotation.conf"
    assert "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n" in conf.read_text(encoding="utf-8")
    options = ImportOptions()
    read_paths([str(out)], "brat", options=options)
    assert options.notes == []
    conf.write_text(conf.read_text(encoding="utf-8").replace("<OVERLAP>", "# <OVERLAP>"), encoding="utf-8")
    options = ImportOptions()
    read_paths([str(out)], "brat", options=options)
    ann = out / "d.ann"
    assert [n.split(": ", 1)[1].split(";")[0] for n in options.notes] == [
        "T1 (PER) and T2 (ORG) have the same span",
        "T3 (GPE) lies inside T1 (PER)",
        "T1 (PER) and T4 (PER) cross",
        "T3 (GPE) lies inside T2 (ORG)",
        "T2 (ORG) and T4 (PER) cross",
        "T3 (GPE) lies inside T4 (PER)",
    ]
    assert all(n.startswith(f"{ann}:") for n in options.notes)
