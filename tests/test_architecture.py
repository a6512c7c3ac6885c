"""The architecture stays true: layer contracts, no import cycles, no giant modules.

docs/ARCHITECTURE.md describes the layers; the contracts themselves are the
``[tool.importlinter]`` tables in pyproject.toml, run here one by one so a
failure names the contract and the imports that break it.

The cycle checks use grimp (import-linter's graph) directly, twice: between
modules (a package's ``__init__`` is a module too) and between the children of
every package (``tui.app.screens`` and ``tui.app.widgets`` as wholes, as
import-linter's ``acyclic_siblings`` does). Every import statement counts, the
ones inside functions included: an import deferred into a function is still a
dependency, and so is one under ``if TYPE_CHECKING:`` (a type needed from a
module that builds on you is a protocol, as ``store.transaction.TransactionHost``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tui"

#: No source module under tui/ is longer than this (issue 12).
MAX_MODULE_LINES = 800
#: The reader screen module stays below this: its subjects live in sibling modules.
MAX_READER_SCREEN_LINES = 500
#: The reader screen module, in the package layout first, then the single-file one it replaces.
READER_SCREEN_CANDIDATES = ("tui/app/screens/reader/screen.py", "tui/app/screens/reader.py")


def _contract_ids() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [c["id"] for c in config["tool"]["importlinter"]["contracts"]]


def test_contracts_are_configured() -> None:
    """The contracts this file promises exist (a renamed id must not silently drop one)."""
    assert {"core-no-ui", "layers", "core-layers", "app-layers"} <= set(_contract_ids())


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    """The import graph of tui/, without the imports that only run for type checkers."""
    return grimp.build_graph("tui", cache_dir=None, exclude_type_checking_imports=False)


@pytest.mark.parametrize("contract", _contract_ids())
def test_import_contract(contract: str) -> None:
    """One import-linter contract is kept; if not, the message is import-linter's report."""
    # A subprocess: import-linter prints through its own console and sets global state.
    code = (
        "import sys\n"
        "from importlinter.cli import lint_imports\n"
        f"sys.exit(lint_imports(config_filename='pyproject.toml', limit_to_contracts=({contract!r},),"
        " no_cache=True, no_logo=True))\n"
    )
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    report = done.stdout + done.stderr
    broken = report.split("Broken contracts", 1)[-1].strip("-\n ")
    if done.returncode != 0:
        pytest.fail(f"import-linter contract {contract!r} is broken:\n{broken}", pytrace=False)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(root: str) -> None:
        # Iterative, so a deep import chain cannot hit the recursion limit.
        nonlocal counter
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if not child.startswith("tui"):
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for module in sorted(graph.modules):
        if module.startswith("tui") and module not in index:
            visit(module)
    return sorted(found)


def _one_cycle(graph: grimp.ImportGraph, component: list[str]) -> list[str]:
    """A shortest import path from the component's first module back to itself."""
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph.find_modules_directly_imported_by(node) & members):
                if child == start:
                    back = [node]
                    while back[-1] != start:
                        back.append(previous[back[-1]])
                    return [*reversed(back), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return component  # unreachable for a strongly connected component


def _describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    """The component, one shortest cycle in it, and every import between its modules with its line."""
    members = set(component)
    lines = [f"cycle among {len(component)} modules: {' -> '.join(_one_cycle(graph, component))}",
             "  the imports between them:"]
    for importer in component:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            lines.append(f"    {importer} -> {imported}  ({_where(graph, importer, imported)})")
    return "\n".join(lines)


def _where(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    return "; ".join(f"line {d['line_number']}: {d['line_contents'].strip()}"
                     for d in graph.get_import_details(importer=importer, imported=imported))


def test_no_import_cycles_between_modules(graph: grimp.ImportGraph) -> None:
    """No module of tui/ reaches itself through imports (function-level ones included)."""
    components = _cycles(graph)
    if components:
        pytest.fail("import cycles in tui/:\n" + "\n".join(_describe(graph, c) for c in components),
                    pytrace=False)


def test_no_import_cycles_between_siblings(graph: grimp.ImportGraph) -> None:
    """In every package, its subpackages and modules, each taken whole, import each other acyclically.

    This is stricter than the module check: ``screens.reader -> reader_extras`` and
    ``reader_extras -> screens.stats`` make ``tui.app.screens`` and ``tui.app.reader_extras``
    a cycle even though no single module reaches itself.
    """
    report = []
    for package in sorted(m for m in graph.modules if m.startswith("tui") and graph.find_children(m)):
        breakers = graph.nominate_cycle_breakers(package)
        if not breakers:
            continue
        level = package.count(".") + 1  # where the child's name sits in a module path
        report.append(f"{package}: its children import each other in a cycle; it would be broken by "
                      f"removing {len(breakers)} import(s):")
        for importer, imported in sorted(breakers):
            pair = f".{importer.split('.')[level]} -> .{imported.split('.')[level]}"
            report.append(f"  {pair}: {importer} -> {imported}  "
                          f"({_where(graph, importer, imported)})")
    if report:
        pytest.fail("import cycles between sibling packages/modules in tui/:\n" + "\n".join(report),
                    pytrace=False)


def _lines(path: Path) -> int:
    # Newlines, as `wc -l` counts them.
    return path.read_bytes().count(b"\n")


def test_no_module_over_800_lines() -> None:
    """Every source module under tui/ has at most 800 lines."""
    over = sorted((n, p.relative_to(ROOT).as_posix()) for p in PACKAGE.rglob("*.py")
                  if (n := _lines(p)) > MAX_MODULE_LINES)
    listing = "\n".join(f"  {name}: {n} lines" for n, name in reversed(over))
    if over:
        pytest.fail(f"modules over {MAX_MODULE_LINES} lines (split them by subject):\n{listing}",
                    pytrace=False)


def test_reader_screen_module_under_500_lines() -> None:
    """The reader screen module is under 500 lines: the screen wires, its subjects live beside it."""
    path = next((ROOT / c for c in READER_SCREEN_CANDIDATES if (ROOT / c).is_file()), None)
    if path is None:
        pytest.fail(f"no reader screen module at {' or '.join(READER_SCREEN_CANDIDATES)}", pytrace=False)
    n = _lines(path)
    if n >= MAX_READER_SCREEN_LINES:
        pytest.fail(f"{path.relative_to(ROOT).as_posix()}: {n} lines, the limit is under "
                    f"{MAX_READER_SCREEN_LINES}", pytrace=False)
