"""Every key in the README's key table is pressed by a real-terminal test.

The README's ``### Keys`` table names binding ids in its second column
(``word-next``, ``tag-1``…``tag-9``, ``cursor-*``). Each test in
``tests/terminal`` says which ids it presses with ``@covers(...)``; this reads
those marks from the source (no test is run) and fails, naming the ids, while
a key of the table has no test that presses it in tmux — or while the table
names an id that no binding has.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tui.app.keymap import known_binding_ids

HERE = Path(__file__).resolve().parent
README = HERE.parents[1] / "README.md"


def readme_key_rows() -> list[str]:
    """The second column of every row of the README's key table."""
    text = README.read_text(encoding="utf-8")
    start = text.index("### Keys")
    rows: list[str] = []
    in_table = False
    for line in text[start:].splitlines()[1:]:
        if line.startswith("|"):
            in_table = True
            cells = [c.strip() for c in line.strip("|").split("|")]
            if len(cells) >= 2 and not set(cells[1]) <= set("-: "):
                rows.append(cells[1])
        elif in_table:
            break
    assert rows[0] == "binding id", rows[:1]
    return rows[1:]


def readme_binding_ids(known: set[str]) -> set[str]:
    """The binding ids the table names, with ``a``…``b`` ranges and ``x-*`` expanded."""
    ids: set[str] = set()
    for cell in readme_key_rows():
        for m in re.finditer(r"`([\w-]+?-)(\d+)`…`\1(\d+)`", cell):
            ids.update(f"{m.group(1)}{n}" for n in range(int(m.group(2)), int(m.group(3)) + 1))
        for token in re.findall(r"`([^`]+)`", cell):
            if token.endswith("-*"):
                matched = {k for k in known if k.startswith(token[:-1])}
                assert matched, f"README names {token}, which matches no binding"
                ids |= matched
            else:
                ids.add(token)
    return ids


def covered_ids() -> dict[str, list[str]]:
    """``{binding id: [tests]}`` from every ``covers(...)`` mark in tests/terminal."""
    out: dict[str, list[str]] = {}
    for path in sorted(HERE.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for deco in node.decorator_list:
                if (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Name)
                        and deco.func.id == "covers"):
                    for arg in deco.args:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            out.setdefault(arg.value, []).append(f"{path.name}::{node.name}")
    return out


def test_the_table_names_only_real_bindings():
    known = known_binding_ids()
    unknown = sorted(readme_binding_ids(known) - known)
    assert not unknown, f"the README's key table names ids no binding has: {unknown}"


def test_every_key_of_the_table_is_pressed_in_a_real_terminal():
    known = known_binding_ids()
    missing = sorted(readme_binding_ids(known) - set(covered_ids()))
    assert not missing, (
        f"{len(missing)} keys of the README's table have no tmux test (@covers): {missing}")


def test_covers_names_real_bindings():
    known = known_binding_ids()
    stale = {k: v for k, v in covered_ids().items() if k not in known}
    assert not stale, f"covers() names ids no binding has: {stale}"
