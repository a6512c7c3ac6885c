"""``tui keys``: every binding with its id, keys (after keymap.toml), owner and description."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tui.cli.main import cli


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def _json(env):
    r = run("keys", "--format", "json", env=env)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_json_lists_tag_1_with_its_key_owner_and_stable_fields(tmp_path):
    rows = _json({"XDG_CONFIG_HOME": str(tmp_path)})
    by_id = {r["id"]: r for r in rows if r["id"]}
    tag1 = by_id["tag-1"]
    assert tag1["keys"] == ["1"]
    assert tag1["default_keys"] == ["1"]
    assert tag1["owner"].startswith("tui.app.screens.reader.")
    assert tag1["description"] or tag1["tooltip"]
    assert set(tag1) == {"id", "keys", "default_keys", "owner", "action", "description", "tooltip"}
    # Every binding id the keymap accepts is listed.
    # (Less the ids of test classes, e.g. tests/app/test_keymap.py's, when those ran first.)
    from textual.binding import Binding
    from textual.dom import DOMNode

    from tui.app.keymap import _declared_bindings, known_binding_ids

    in_tests = {b.id for cls, b in _declared_bindings(DOMNode, Binding) if cls.__module__.startswith("tests.")}
    assert known_binding_ids() - in_tests <= set(by_id)
    assert by_id["quit"]["keys"]


def test_keymap_toml_remap_shows(tmp_path):
    (tmp_path / "tui").mkdir()
    (tmp_path / "tui" / "keymap.toml").write_text('[keys]\ntag-1 = "ctrl+t,x"\nno-such-id = "z"\n')
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    tag1 = next(r for r in _json(env) if r["id"] == "tag-1")
    assert tag1["keys"] == ["ctrl+t", "x"]
    assert tag1["default_keys"] == ["1"]
    r = run("keys", env=env)
    line = next(ln for ln in r.output.splitlines() if ln.startswith("tag-1 "))
    assert "ctrl+t,x" in line.split()
    assert "no binding has the id no-such-id" in r.output or "no key binding has the id no-such-id" in r.output


def test_text_output_is_a_table(tmp_path):
    r = run("keys", env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0].split() == ["ID", "KEYS", "OWNER", "DESCRIPTION"]
    # Columns line up: every row's owner starts where the header's OWNER does.
    col = lines[0].index("OWNER")
    assert all(ln[col - 2:col] == "  " and ln[col] != " " for ln in lines[1:])
    tag1 = next(ln for ln in lines if ln.startswith("tag-1 "))
    assert tag1.split()[1] == "1"


def test_broken_keymap_is_one_line_error(tmp_path):
    (tmp_path / "tui").mkdir()
    (tmp_path / "tui" / "keymap.toml").write_text('[keys]\ntag-1 = 3\n')
    r = CliRunner().invoke(cli, ["keys"], env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert r.exit_code == 1
    assert r.output.strip().splitlines() == [
        f"tui: error: {tmp_path / 'tui' / 'keymap.toml'}:2: tag-1: keys must be a string such as \"t,ctrl+t\", not int"]
