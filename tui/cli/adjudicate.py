"""``tui adjudicate``: list and decide disagreements between annotators, into a gold layer."""

from __future__ import annotations

import click

from tui.cli.main import common_options, open_store, say
from tui.core.termsafe import dumps


def register(group: click.Group) -> None:
    """Add the ``adjudicate`` command to the group."""

    @group.command("adjudicate")
    @click.option("--annotators", required=True, help="Comma-separated layers to compare: A,B[,C...].")
    @click.option("--doc", "doc", required=True, help="The document.")
    @click.option("--auto", "auto_", is_flag=True, help="Take everything all annotators agree on.")
    @click.option("--take", default=None,
                  help="Decide the remaining disagreements: an annotator's name, all, or none.")
    @click.option("--item", "item_numbers", multiple=True, type=click.IntRange(1),
                  help="With --take: only this disagreement, by its number in the listing (repeatable).")
    @click.option("--target", default="gold", show_default=True, help="The layer decisions go into.")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @common_options
    @click.pass_context
    def adjudicate_cmd(ctx: click.Context, annotators: str, doc: str, auto_: bool, take: str | None,
                       item_numbers: tuple[int, ...], target: str, fmt: str) -> None:
        """Adjudicate a document: copy chosen versions into the target layer.

        Without --auto or --take, lists the remaining disagreements,
        numbered, with each annotator's version. Decisions are logged
        actions (undo works) and copies get origin "adjudication".

        \b
        Example:
            tui adjudicate --annotators alice,bob --doc basra-offensive
            tui adjudicate --annotators alice,bob --doc basra-offensive --auto
            tui adjudicate --annotators alice,bob --doc basra-offensive --take alice --item 2
            tui adjudicate --annotators alice,bob --doc basra-offensive --take all
        """
        from tui.core.errors import TuiError
        from tui.core.review import adjudicate as adj

        names = [a.strip() for a in annotators.split(",") if a.strip()]
        if item_numbers and take is None:
            raise TuiError("--item needs --take NAME|all|none")
        store = open_store(ctx, readonly=not (auto_ or take))
        try:
            taken = 0
            if auto_:
                taken, _ = adj.auto(store, doc, names, target=target)
                say(f"took {taken} agreed item(s) into {target}")
            remaining = adj.disagreements(store, doc, names, target=target)
            if take is not None:
                chosen = remaining
                if item_numbers:
                    bad = [n for n in item_numbers if n > len(remaining)]
                    if bad:
                        raise TuiError(f"--item {bad[0]}: there are {len(remaining)} disagreement(s)")
                    chosen = [remaining[n - 1] for n in item_numbers]
                if chosen:
                    with store.action(f"adjudicate: take {take} ({len(chosen)})", chosen[0].doc_id):
                        for it in chosen:
                            adj.take(store, it, take, target=target)
                say(f"took {take} for {len(chosen)} disagreement(s) into {target}")
                remaining = adj.disagreements(store, doc, names, target=target)
        finally:
            store.close()
        if fmt == "json":
            say(dumps([
                {"number": n, "kind": it.kind, "start": it.start, "end": it.end, "text": it.text,
                 "versions": {a: it.summary_of(a) for a in it.annotators}}
                for n, it in enumerate(remaining, 1)
            ], ensure_ascii=True, indent=2))
        else:
            for n, it in enumerate(remaining, 1):
                versions = "; ".join(f"{_p(a)}: {_p(it.summary_of(a))}" for a in it.annotators)
                say(f"{n:>3}. {it.kind} {it.start}-{it.end} {_p(it.text)!s}  {versions}")
            say(f"{len(remaining)} disagreement(s) remaining")


def _p(s: str) -> str:
    from tui.core.search import printable

    return printable(s)
