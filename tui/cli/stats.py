"""``tui stats``: annotation counts per type, annotator, status and document; ``--time``: time on task."""

from __future__ import annotations

import click

from tui.cli.main import common_options, open_store, say


def register(group: click.Group) -> None:
    """Add the ``stats`` command to the group."""

    @group.command("stats")
    @click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @click.option("--time", "timing", is_flag=True,
                  help="Time on task per annotator (seconds per annotation and per document) "
                       "from the operation log, instead of the counts.")
    @click.option("--idle", "idle", type=click.FloatRange(min=0), default=300, show_default=True,
                  metavar="SECONDS",
                  help="With --time: a gap between two actions longer than this is idle time, not counted.")
    @common_options
    @click.pass_context
    def stats_cmd(ctx: click.Context, docs: tuple[str, ...], fmt: str, timing: bool, idle: float) -> None:
        """Count annotations per kind, type, annotator, status, origin and document.

        With --time: each annotator's time on task, from the times of their
        actions in the operation log. It is the sum of the gaps between
        consecutive actions on documents; a gap longer than --idle seconds
        (default 300, five minutes) is a pause and is not counted, and the
        first action after a pause counts nothing, so the figures are a lower
        bound. A gap counts for the document of the action that ends it.
        Imports, merges and corpus-wide runs are not counted; undone actions
        are. Seconds per annotation divide that time by the annotator's
        accepted annotations on the documents they worked on.

        \b
        Example:
            tui stats
            tui stats --format json --doc basra-offensive
            tui stats --time --idle 600
        """
        store = open_store(ctx, readonly=True)
        try:
            if timing:
                from tui.core.review.timing import format_time_report, time_on_task

                report = time_on_task(store, docs=list(docs) or None, idle_seconds=idle)
            else:
                from tui.core.review.stats import stats

                data = stats(store, docs=list(docs) or None)
        finally:
            store.close()
        if timing:
            from tui.core.termsafe import dumps

            say(dumps(report.to_dict(), indent=2) if fmt == "json" else format_time_report(report),
                nl=fmt == "json")
        else:
            from tui.core.review.stats import format_stats, to_json

            say(to_json(data) if fmt == "json" else format_stats(data), nl=fmt == "json")
