"""Issue 14 (six keys per event), the core: event hotkeys, optional roles, role letters, skipping roles with no candidate."""

from __future__ import annotations

import pytest

from tests.core.test_session_roles import _at, session  # noqa: F401  (fixture)
from tui.core.editing import Pick
from tui.core.editing.picking import role_letters
from tui.core.schema import Role, SchemaError, check_schema_text, parse_schema, preset, to_toml
from tui.core.schema.hotkeys import assign_hotkeys, event_hotkeys, prefix_clash

POOL = "acfimpxz"


def _events(*entries: str) -> str:
    return 'name = "t"\n' + "\n".join(f'[[events]]\nname = "{e.split("=")[0]}"' + (f'\nhotkey = "{e.split("=")[1]}"' if "=" in e else "")
                     for e in entries)


def test_every_ace_event_type_has_a_distinct_prefix_free_hotkey():
    """33 subtypes, 33 hotkeys of one or two keys, none the start of another; the declared ones kept."""
    ace = preset()
    keys = event_hotkeys(ace)
    assert list(keys) == [t.name for t in ace.event_types] or set(keys) == {t.name for t in ace.event_types}
    assert len(keys) == 33 and len(set(keys.values())) == 33
    assert prefix_clash(list(keys.values())) is None
    assert all(1 <= len(k) <= 2 for k in keys.values())
    assert (keys["Attack"], keys["Die"], keys["Injure"], keys["Meet"]) == ("a", "d", "i", "m")
    # unique initials get one key; shared ones two, the second from the name's other words
    assert keys["Be-Born"] == "b" and keys["Fine"] == "f"
    assert (keys["Transport"], keys["Transfer-Ownership"], keys["Transfer-Money"]) == ("tr", "to", "tm")


def test_derived_hotkeys_are_deterministic_and_avoid_declared_ones():
    """An initial that a declared key takes becomes no prefix; the group's initial is tried next."""
    types = [("Meet", "Contact", "m"), ("Marry", "Life", None), ("Merge-Org", "Business", None),
             ("Elect", "Personnel", None)]
    keys = assign_hotkeys(types)
    assert keys == assign_hotkeys(list(types))
    assert keys["Meet"] == "m" and keys["Elect"] == "e"
    assert keys["Marry"] == "lm" and keys["Merge-Org"] == "bm"
    assert prefix_clash(list(keys.values())) is None


@pytest.mark.parametrize("entries,message", [
    (("Attack=a", "Arrest=a"), "duplicate hotkey 'a'"),
    (("Attack=a", "Arrest=ar"), "clashes with 'ar'"),
    (("Attack=abc", "Arrest=ab"), "clashes with 'abc'"),
])
def test_an_event_hotkey_clash_is_a_schema_error(entries, message):
    """A repeated hotkey, or one that starts another, is refused with its line."""
    errors = check_schema_text(_events(*entries))
    assert any(message in str(e) for e in errors), errors
    with pytest.raises(SchemaError):
        parse_schema(_events(*entries))


def test_optional_roles_parse_print_and_ace_marks_time_roles():
    """`optional = true` reads and writes back; ACE's eight Time-* roles are optional, the others not."""
    text = ('name = "t"\n[[entities]]\nname = "TIME"\n[[events]]\nname = "Attack"\nroles = [ { name = "Place" },'
            ' { name = "Time-Within", types = ["TIME"], cardinality = "?", optional = true } ]\n')
    schema = parse_schema(text)
    roles = schema.event_types[0].roles
    assert [r.optional for r in roles] == [False, True]
    assert parse_schema(to_toml(schema)).event_types[0].roles == roles
    assert any("must be true or false" in str(e)
               for e in check_schema_text(text.replace("optional = true", 'optional = "yes"')))
    attack = preset().event_type("Attack")
    assert attack is not None
    assert [r.name for r in attack.roles if r.optional] == [r.name for r in attack.roles if r.name.startswith("Time-")]
    assert len([r for r in attack.roles if r.optional]) == 8


def test_role_letters_prefer_the_name_and_never_repeat():
    """Attacker a, Target (no pool letter in its name) the first free, Instrument i, Place p."""
    roles = [Role("Attacker"), Role("Target"), Role("Instrument"), Role("Place")]
    assert role_letters(roles, POOL) == {"Attacker": "a", "Target": "c", "Instrument": "i", "Place": "p"}
    many = [Role(f"R{n}") for n in range(12)]
    assert len(set(role_letters(many, POOL).values())) == len(POOL)  # the pool runs out: the rest get none


def test_a_pick_holds_optional_roles_until_more_and_skips_filled_roles():
    """for_event offers the four main Attack roles; more() adds the Time-* with new letters; advance skips filled."""
    attack = preset().event_type("Attack")
    assert attack is not None
    pick = Pick.for_event("e1", attack, POOL)
    assert [r.name for r in pick.roles] == ["Attacker", "Target", "Instrument", "Place"]
    assert len(pick.held) == 8
    assert pick.role_by_letter("p") == attack.role("Place")
    pick.filled.add("Target")
    pick.filled.add("Instrument")
    assert pick.advance() and pick.role.name == "Place"
    assert pick.more() == 8 and not pick.held
    assert pick.letters["Time-Within"] == "m" and len(set(pick.letters.values())) == len(pick.letters)
    assert pick.advance() and pick.role.name == "Time-Within"


def test_prepare_role_skips_roles_with_no_candidate(session):  # noqa: F811
    """Attack with troops (PER) and Basra (GPE): Attacker offered; once troops fills it, Target and Instrument
    have none and are skipped, Place is offered; with no role left the pick is over."""
    troops = session.tag(*_at("Troops"), "PER").value
    basra = session.tag(*_at("Basra"), "GPE").value
    event = session.create_event(*_at("attacked"), "Attack").value
    pick = Pick.for_event(event.id, session.schema.event_type("Attack"), POOL)
    assert session.prepare_role(pick) and pick.role.name == "Attacker"
    assert pick.candidates[0] == troops.id
    session.fill_role(event.id, "Attacker", troops.id)
    pick.filled.add("Attacker")
    assert pick.advance()
    assert session.prepare_role(pick)
    assert pick.role.name == "Place" and pick.skipped == ["Target", "Instrument"]
    assert pick.candidates == [basra.id]
    session.fill_role(event.id, "Place", basra.id)
    pick.filled.add("Place")
    assert not pick.advance()


def test_a_mention_filling_one_role_is_not_offered_for_another(session):  # noqa: F811
    """troops fills Attacker: Target (which takes PER) no longer offers it."""
    troops = session.tag(*_at("Troops"), "PER").value
    event = session.create_event(*_at("attacked"), "Attack").value
    target = Role("Target", ("PER", "ORG", "VEH", "FAC", "WEA"))
    assert session.candidates("role", event.id, target) == [troops.id]
    session.fill_role(event.id, "Attacker", troops.id)
    assert session.candidates("role", event.id, target) == []
