"""brat's annotation.conf read as brat reads it: aliases, hierarchy, macros, special relations, every shipped conf."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DATA
from tui.core.errors import InputErrors
from tui.core.formats import ImportOptions, read_paths
from tui.core.formats.brat.annconf import parse_annotation_conf
from tui.core.formats.brat.conf import CONF_FILES, read_conf_texts, schema_from_confs

BRAT = DATA / "brat"
SHIPPED = BRAT / "shipped"
SHIPPED_CONFS = sorted(SHIPPED.rglob("annotation.conf"))


def _schema(folder: Path, notes: list[str] | None = None):
    paths = {n: folder / n for n in CONF_FILES if (folder / n).is_file()}
    if notes is None:
        return schema_from_confs("t", read_conf_texts(paths), paths)
    return schema_from_confs("t", read_conf_texts(paths), paths, None, notes)


def _conf(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "conf"
    folder.mkdir(exist_ok=True)
    (folder / "annotation.conf").write_text(text, encoding="utf-8", newline="")
    return folder


def test_the_51_shipped_confs_are_all_here():
    assert len(SHIPPED_CONFS) == 51
    assert (SHIPPED / "configurations" / "NIST-ACE-05" / "annotation.conf") in SHIPPED_CONFS


@pytest.mark.parametrize("conf", SHIPPED_CONFS, ids=lambda p: str(p.parent.relative_to(SHIPPED)))
def test_every_conf_brat_ships_loads(conf):
    """brat loads all 51; so does tui (with its visual.conf, tools.conf, kb_shortcuts.conf beside it)."""
    schema = _schema(conf.parent)
    names = [t.name for t in (*schema.span_types, *schema.event_types, *schema.relation_types)]
    assert names
    assert not [n for n in names if "|" in n or n.startswith(("!", "<")) or n == "ENTITY-NESTING"]


def test_alias_is_kept_out_of_the_type_name():
    """EPI declares ``Glycosylation|GO:0006486``: the type is Glycosylation, the GO id its alias."""
    conf = BRAT / "BioNLP-ST_2011_EPI"
    schema = _schema(conf)
    events = {e.name for e in schema.event_types}
    assert {"Glycosylation", "DNA_methylation", "Dehydroxylation", "Catalysis"} <= events
    assert not [e for e in events if "|" in e]
    parsed, errors = parse_annotation_conf((conf / "annotation.conf").read_text(encoding="utf-8"), "a.conf")
    assert errors == []
    aliases = {e.name: e.aliases for e in parsed.sections["events"]}
    assert aliases["Glycosylation"] == ["GO:0006486"] and aliases["Dehydroxylation"] == ["GO:-------"]
    assert aliases["Catalysis"] == []


def test_epi_corpus_imports_with_alias_types():
    """The EPI sample (refused with 'unknown type' errors before) imports; its events keep the plain type."""
    options = ImportOptions()
    items = read_paths([str(BRAT / "BioNLP-ST_2011_EPI")], "brat", options=options)
    assert len(items) == 7
    types = {e.type for _, anns in items for e in anns.events}
    assert {"Glycosylation", "Ubiquitination", "Catalysis", "DNA_methylation", "Methylation"} <= types
    assert options.notes == [] and options.skipped == []


def test_abstract_nodes_macros_cardinalities_inherit_and_space_indent(tmp_path):
    conf = (
        "[entities]\n"
        "Protein\n"
        "!Anatomy|Anatomical_entity\n"
        " Cell\n"            # brat: any whitespace indents, one character per level
        " Tissue|Tissue_alias\n"
        "----------\n"
        "[relations]\n"
        "ENTITY-NESTING\tArg1:Protein, Arg2:Cell\n"
        "<OVERLAP>\tArg1:Cell, Arg2:Tissue, <OVL-TYPE>:contain|equal\n"
        "Part-of\tArg1:<ANAT>, Arg2:Later_event\n"   # a macro of [events] means nothing here
        "[events]\n"
        "<ANAT>=Cell|Tissue\n"
        "!Regulation|GO:0065007\tTheme:Protein|<EVENT>, Cause?:Protein\n"
        " Positive_regulation\t<INHERIT>, Site*:<ANAT>\n"
        " Negative_regulation|GO:0048519\tTheme+:Protein, AtLoc{0-2}:<ANAT>\n"
        "Later_event\tTheme:Protein\n"
        "[attributes]\n"
        "Negation\tArg:<EVENT>\n"
    )
    folder = _conf(tmp_path, conf)
    with pytest.raises(InputErrors) as exc:
        _schema(folder)
    assert [str(e) for e in exc.value.errors] == [
        f"{folder / 'annotation.conf'}:10: undefined macro '<ANAT>' (brat's macros hold only in the section that defines them)"
    ]
    (folder / "annotation.conf").write_text(conf.replace("Arg1:<ANAT>", "Arg1:Cell|Tissue"), encoding="utf-8")
    schema = _schema(folder)
    assert [t.name for t in schema.span_types] == ["Protein", "Cell", "Tissue"]  # Anatomy is abstract
    assert [r.name for r in schema.relation_types] == ["Part-of"]  # overlap lines are no relation types
    part_of = schema.relation_types[0]
    assert part_of.args[0].types == ("Cell", "Tissue") and part_of.args[1].types == ("Later_event",)
    events = {e.name: e for e in schema.event_types}
    assert set(events) == {"Positive_regulation", "Negative_regulation", "Later_event"}
    pos = events["Positive_regulation"]
    assert pos.group == "Regulation"
    roles = {r.name: r for r in pos.roles}
    assert roles["Theme"].types == ("Protein", "Positive_regulation", "Negative_regulation", "Later_event")
    assert roles["Cause"].cardinality == "?" and roles["Site"].cardinality == "*"
    assert roles["Site"].types == ("Cell", "Tissue")
    neg = {r.name: r for r in events["Negative_regulation"].roles}
    assert neg["Theme"].cardinality == "+" and neg["AtLoc"].cardinality == "*"
    parsed, _ = parse_annotation_conf((folder / "annotation.conf").read_text(encoding="utf-8"), "a.conf")
    assert [(r.inner, r.outer, sorted(r.kinds), r.nesting) for r in parsed.overlaps] == [
        (("Protein",), ("Cell",), ["contain"], True),
        (("Cell",), ("Tissue",), ["contain", "equal"], False),
    ]


def test_undeclared_argument_types_load_with_a_note():
    """NIST-ACE-05 names 'TODO' as an argument type; brat loads it, tui too, and says what it made of it."""
    notes: list[str] = []
    folder = SHIPPED / "configurations" / "NIST-ACE-05"
    schema = _schema(folder, notes)
    near = next(r for r in schema.relation_types if r.name == "Near")
    assert near.args[0].types == () and near.args[1].types == ()
    conf = folder / "annotation.conf"
    assert notes == [
        f"{conf}:30: 'TODO' is not an entity or event type of this conf (18 argument(s) name it); brat loads "
        "the conf all the same, tui leaves the name out of those arguments (an argument left with no type "
        "takes any type)"
    ]


def test_undeclared_type_beside_declared_ones_keeps_the_declared(tmp_path):
    """BioNLP-ST-2013-CG's <ANATOMY> macro lists Organ_system, declared nowhere: the other types stay."""
    notes: list[str] = []
    schema = _schema(SHIPPED / "configurations" / "BioNLP-ST-2013-CG", notes)
    dev = next(e for e in schema.event_types if e.name == "Development")
    theme = next(r for r in dev.roles if r.name == "Theme")
    assert "Tissue" in theme.types and "Organ_system" not in theme.types
    assert any("'Organ_system' is not an entity or event type" in n for n in notes)


@pytest.mark.parametrize(
    ("conf", "line", "reason"),
    [
        ("[entities]\nA\n\t\tB\n", 3, "'B' is indented 2 but no line above is indented 1 (brat needs the parent one step less indented)"),
        ("[entities]\nA\n[relations]\n<OVERLAP>\tArg1:A, <OVL-TYPE>:cross\n", 4, "<OVERLAP> needs Arg1: and Arg2: (the two entity types)"),
        ("[entities]\n<ENTITY>=A\nA\n", 2, "<ENTITY> is reserved in brat and cannot be redefined"),
        ("[entities]\nA\n[events]\nE\tTheme:<NOPE>\n", 4, "undefined macro '<NOPE>' (brat's macros hold only in the section that defines them)"),
        ("[entities]\nA\n[relations]\nR\tArg1:A, Arg2:A, Arg3:A\n", 4, "relation type 'R' needs exactly two arguments, has 3"),
        ("[entities]\nA\n[events]\n\tE\tTheme:A\n", 4, "'E' is indented 1 but no line above is indented 0 (brat needs the parent one step less indented)"),
    ],
)
def test_bad_conf_lines_are_one_line_errors_with_file_and_line(tmp_path, conf, line, reason):
    folder = _conf(tmp_path, conf)
    (folder / "d.txt").write_text("abc", encoding="utf-8")
    (folder / "d.ann").write_text("", encoding="utf-8")
    with pytest.raises(InputErrors) as exc:
        read_paths([str(folder)], "brat", options=ImportOptions())
    assert str(exc.value.errors[0]) == f"{folder / 'annotation.conf'}:{line}: {reason}"
    assert all("\n" not in str(e) for e in exc.value.errors)


def test_inherit_doubling_is_bounded_and_odd_names_get_a_note(tmp_path):
    """<INHERIT> twice per level doubles the arguments each level: refused at the bound, one line."""
    lines = "".join("\t" * i + f"E{i}\t<INHERIT>, <INHERIT>\n" for i in range(1, 40))
    folder = _conf(tmp_path, "[entities]\nX\n[events]\nE0\tTheme:X\n" + lines)
    with pytest.raises(InputErrors) as exc:
        _schema(folder)
    first = exc.value.errors[0]
    assert str(first) == f"{folder / 'annotation.conf'}:17: arguments longer than 65536 characters (after <INHERIT>)"
    folder = _conf(tmp_path, "[entities]\nPersona_é\n[events]\nMeet\tWho:Persona_é\n")
    notes: list[str] = []
    schema = _schema(folder, notes)
    assert [t.name for t in schema.span_types] == ["Persona_é"]
    assert notes == [f"{folder / 'annotation.conf'}:2: brat would store type 'Persona_é' as 'Persona__' (it keeps "
                     "only A-Z a-z 0-9 _ - in type names); tui keeps the name as written"]


@pytest.mark.parametrize(("card", "expected"), [
    ("{" + "9" * 5000 + "}", "+"),          # int() refuses over 4,300 digits; brat reads any count
    ("{0-" + "9" * 5000 + "}", "*"),
    ("{" + "0" * 5000 + "1}", "1"),         # leading zeros: still one
    ("{0-1}", "?"),
    ("{1-}", "+"),
    ("{2}", "+"),
], ids=["5000 nines", "0 to 5000 nines", "one after 5000 zeros", "0-1", "1 or more", "2"])
def test_a_role_count_of_any_length_loads(tmp_path, card, expected):
    """A count is none, one or more, however many digits it has (found by the import property test)."""
    folder = _conf(tmp_path, f"[entities]\nPerson\n[events]\nMarry\tPerson-Arg{card}:Person\n"
                              "[relations]\n[attributes]\n")
    schema = _schema(folder)
    assert schema.event_types[0].roles[0].cardinality == expected
