"""``tui stats``: annotation counts per type, annotator, status and document."""

from __future__ import annotations

import click

from tui.cli.main import common_options, open_store, say


def register(group: click.Group) -> None:
    """Add the ``stats`` command to the group."""

    @group.command("stats")
    @click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @common_options
    @click.pass_context
    def stats_cmd(ctx: click.Context, docs: tuple[str, ...], fmt: str) -> None:
        """Count annotations per kind, type, annotator, status, origin and document.

        \b
        Example:
            tui stats
            tui stats --format json --doc basra-offensive
        """
        from tui.core.review.stats import format_stats, stats, to_json

        store = open_store(ctx, readonly=True)
        try:
            data = stats(store, docs=list(docs) or None)
        finally:
            store.close()
        say(to_json(data) if fmt == "json" else format_stats(data), nl=fmt == "json")
