"""``tui search``: full-text search over documents and annotations, keyword in context."""

from __future__ import annotations

import click

from tui.cli.main import common_options, open_store, say
from tui.core.termsafe import dumps


def register(group: click.Group) -> None:
    """Add the ``search`` command to the group."""

    @group.command("search")
    @click.argument("query")
    @click.option("--annotations", is_flag=True, help="Search annotations (spans) instead of document text.")
    @click.option("--type", "types", multiple=True, help="Only annotations of this type (repeatable).")
    @click.option("--layer", "layers", multiple=True,
                  help="Only annotations of this annotator (repeatable).")
    @click.option("--status", "statuses", multiple=True,
                  type=click.Choice(["accepted", "pending", "rejected"]),
                  help="Only annotations with this status (repeatable).")
    @click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
    @click.option("--context", default=40, show_default=True, type=click.IntRange(0, 500),
                  help="Characters of context either side.")
    @click.option("--limit", default=None, type=click.IntRange(1), help="At most this many hits.")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @common_options
    @click.pass_context
    def search_cmd(ctx: click.Context, query: str, annotations: bool, types: tuple[str, ...],
                   layers: tuple[str, ...], statuses: tuple[str, ...], docs: tuple[str, ...],
                   context: int, limit: int | None, fmt: str) -> None:
        """Search the corpus; print each hit with its context (keyword in context).

        QUERY uses SQLite FTS5 syntax ("a phrase", pre*, a OR b, NEAR(a b));
        anything else is searched word by word. --type, --layer and --status
        search annotations; with them QUERY may be "" to list all that match.
        Offsets are code points. Exits 1 when nothing is found.

        \b
        Example:
            tui search Basra
            tui search '"Basra offensive"' --doc basra-offensive
            tui search "" --type GPE --layer alice --status pending
        """
        from tui.core.search import format_hit, search

        store = open_store(ctx, readonly=True)
        try:
            hits = search(store, query, annotations=annotations, types=list(types) or None,
                          annotators=list(layers) or None, statuses=list(statuses) or None,
                          docs=list(docs) or None, context=context, limit=limit)
        finally:
            store.close()
        if fmt == "json":
            for hit in hits:
                say(dumps(hit.to_dict(), ensure_ascii=True))
        else:
            for hit in hits:
                say(format_hit(hit, context))
            say(f"{len(hits)} hit(s)", err=True)
        if not hits:
            ctx.exit(1)
