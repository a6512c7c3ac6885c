"""The app's modules import each other without a cycle (the reader, review, library and the rest)."""

from __future__ import annotations

import grimp


def _cycles(graph: grimp.ImportGraph, prefix: str) -> list[list[str]]:
    """Strongly connected groups of more than one module among those under ``prefix``."""
    modules = sorted(m for m in graph.modules if m.startswith(prefix))
    inside = set(modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v) & inside:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_in_the_app():
    """Screens post messages instead of importing each other back (type-checking imports count too)."""
    graph = grimp.build_graph("tui")
    assert _cycles(graph, "tui.app") == []


def test_the_cycle_check_sees_a_cycle():
    """The check is not vacuous: a module pair importing each other is reported."""
    graph = grimp.ImportGraph()
    for name in ("tui.app.a", "tui.app.b", "tui.app.c"):
        graph.add_module(name)
    graph.add_import(importer="tui.app.a", imported="tui.app.b")
    graph.add_import(importer="tui.app.b", imported="tui.app.a")
    graph.add_import(importer="tui.app.c", imported="tui.app.a")
    assert _cycles(graph, "tui.app") == [["tui.app.a", "tui.app.b"]]
