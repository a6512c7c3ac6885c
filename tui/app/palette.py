"""Command palette provider: every action of the current screen, by name.

``ctrl+p`` lists every binding of the screen the palette was opened from
(the focused widget's, the screen's and the app's, shown in the footer or
not) with its description and keys, so every action is reachable by name.
Add it to an app or screen with ``COMMANDS = App.COMMANDS | {ActionsProvider}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.app.screens.help import group_title, key_groups


class ActionsProvider(Provider):
    """Offers each action bound on the screen under the palette, with its keys."""

    def _commands(self) -> Iterator[tuple[str, str, Any]]:
        """Yield ``(name, help, callback)`` for each distinct action, in binding order."""
        screen = self.screen
        app = self.app
        seen: set[tuple[int, str]] = set()
        by_node: dict[tuple[int, str], list[str]] = {}
        entries: list[tuple[Any, Any, bool]] = []
        for active in screen.active_bindings.values():
            node, binding, enabled = active[0], active[1], bool(active[2])
            key = (id(node), binding.action)
            by_node.setdefault(key, []).append(app.get_key_display(binding))
            if key in seen:
                continue
            seen.add(key)
            entries.append((node, binding, enabled))
        # Reuse the help screen's wording so palette and help say the same thing.
        for node, binding, enabled in entries:
            keys = " ".join(dict.fromkeys(by_node[(id(node), binding.action)]))
            row = key_groups([binding])[0].rows[0]
            name = row.description
            help_text = f"{keys} · {group_title(node)}"
            if binding.id:
                help_text += f" · id {binding.id}"
            if row.tooltip and row.tooltip != name:
                help_text = f"{row.tooltip} ({help_text})"
            if not enabled:
                help_text += " · not available now"
            yield name, help_text, partial(app.run_action, binding.action, node)

    async def discover(self) -> Hits:
        """Every action, before anything is typed."""
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Actions whose name (or keys and group) fuzzily match what was typed.

        Args:
            query: the palette's input.
        """
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score <= 0:
                # Let "ctrl+z" or "reader" find an action too, ranked below name matches.
                score = matcher.match(help_text) * 0.5
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, text=name, help=help_text)
