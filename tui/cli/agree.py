"""``tui agree``: inter-annotator agreement (spans, tokens, events)."""

from __future__ import annotations

import click

from tui.cli.main import common_options, open_store, say


def register(group: click.Group) -> None:
    """Add the ``agree`` command to the group."""

    @group.command("agree")
    @click.option("--annotators", required=True, help="Comma-separated layers to compare: A,B[,C...].")
    @click.option("--doc", "docs", multiple=True,
                  help="Only this document (repeatable; default: those the annotators worked on).")
    @click.option("--status", "statuses", multiple=True, type=click.Choice(["accepted", "pending", "rejected"]),
                  help="Which annotations count (repeatable; default: accepted).")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @common_options
    @click.pass_context
    def agree_cmd(ctx: click.Context, annotators: str, docs: tuple[str, ...], statuses: tuple[str, ...],
                  fmt: str) -> None:
        """Agreement between annotators' layers.

        Span precision/recall/F1 (exact and overlap, with and without
        labels, per label); Cohen's kappa (each pair) and Krippendorff's alpha
        (nominal, all) on token labels; event trigger and argument
        identification and classification (ACE-style). The first annotator
        of each pair is the reference.

        \b
        Example:
            tui agree --annotators alice,bob
            tui agree --annotators alice,bob,carol --doc basra-offensive --format json
        """
        from tui.core.review.agreement import agreement

        names = [a.strip() for a in annotators.split(",") if a.strip()]
        store = open_store(ctx, readonly=True)
        try:
            report = agreement(store, names, docs=list(docs) or None, statuses=list(statuses) or None)
        finally:
            store.close()
        say(report.to_json() if fmt == "json" else report.format_text(), nl=fmt == "json")
