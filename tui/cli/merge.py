"""``tui merge``: bring other analysts' databases into this one."""

from __future__ import annotations

import click

from tui.cli.main import common_options, open_store, say


def register(group: click.Group) -> None:
    """Add the ``merge`` command to the group."""

    @group.command("merge")
    @click.argument("others", nargs=-1, required=True, type=click.Path(dir_okay=False))
    @common_options
    @click.pass_context
    def merge_cmd(ctx: click.Context, others: tuple[str, ...]) -> None:
        """Merge other databases: documents by name and sha256, annotations by id.

        Nothing here is overwritten: an annotation with the same id and other
        content, or a document with the same name and another text, is
        reported as a conflict and left out. One action (undo takes it back).
        Exits 2 when there were conflicts.

        \b
        Example:
            tui merge bob.db carol.db
            tui --db team.db merge alice.db bob.db
        """
        from tui.core.review.merge import merge

        store = open_store(ctx)
        try:
            report = merge(store, list(others))
        finally:
            store.close()
        for conflict in report.conflicts:
            say(f"conflict: {_printable(str(conflict))}", err=True)
        say(report.summary())
        if report.conflicts:
            ctx.exit(2)


def _printable(s: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in s)
