"""The stats screen: agreement between annotators and annotation counts, with bar charts.

Shows, for the open document (``c`` switches to the whole corpus), what
``tui agree`` and ``tui stats`` print: span F1 per annotator pair (exact
and overlap, labelled and not, and per label), token-level Cohen's kappa
and Krippendorff's alpha, the ACE-style event scores, then counts per
type, annotator and status. The numbers come from
:func:`tui.core.review.agreement.agreement` and :func:`tui.core.review.stats.stats`;
bars are Unicode blocks (:mod:`tui.app.widgets.bar_chart`).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.app.safe import safe
from tui.app.widgets.bar_chart import bar_rows
from tui.core.errors import TuiError
from tui.core.review.agreement import AgreementReport, agreement
from tui.core.review.stats import stats


def annotators_in(store: Any, doc_id: str | None) -> list[str]:
    """Annotators with accepted spans in a document (or anywhere, for None), by name.

    Args:
        store: the store.
        doc_id: the document, or None for the corpus.

    Returns:
        Sorted annotator names.
    """
    return store.span_annotators(doc_id, status="accepted")


def agreement_text(report: AgreementReport) -> Text:
    """The agreement report as bar charts (F1, kappa, alpha, event scores).

    Args:
        report: from :func:`tui.core.review.agreement.agreement`.

    Returns:
        The rendered text.
    """
    out = Text()
    out.append("Agreement", style="bold underline")
    out.append(f"  annotators {', '.join(safe(a, limit=20) for a in report.annotators)}"
               f" · {len(report.documents)} document(s) · accepted annotations\n\n", style="dim")
    for pair, modes in report.spans.items():
        a, b = pair.split("|", 1)
        out.append(f"Spans: {safe(a, limit=20)} (reference) vs {safe(b, limit=20)} — F1\n", style="bold")
        rows, notes = [], []
        for mode in ("exact", "overlap"):
            for kind, name in (("labeled", "labelled"), ("unlabeled", "unlabelled")):
                score = modes[mode][kind]
                rows.append((f"{mode} {name}", score.f1))
                notes.append(f"P {_f(score.precision)} R {_f(score.recall)} ref {score.ref} pred {score.pred}")
        out.append_text(bar_rows(rows, note=notes))
        per_label = modes["exact"]["per_label"]
        if per_label:
            out.append("  per label (exact, labelled):\n", style="dim")
            out.append_text(bar_rows(
                [(label, s.f1) for label, s in per_label.items()],
                note=[f"ref {s.ref} pred {s.pred}" for s in per_label.values()], style="cyan"))
        out.append("\n")
    tokens = report.tokens
    out.append(f"Tokens ({tokens['count']}): chance-corrected agreement\n", style="bold")
    rows = [("Krippendorff's alpha", tokens["krippendorff_alpha"])]
    rows += [(f"kappa {pair.replace('|', ' vs ')}", k) for pair, k in tokens["cohen_kappa"].items()]
    out.append_text(bar_rows(rows, style="magenta"))
    if tokens["per_label"]:
        out.append("  alpha per label (label vs the rest):\n", style="dim")
        out.append_text(bar_rows([(label, s["krippendorff_alpha"]) for label, s in tokens["per_label"].items()],
                                 style="magenta"))
    out.append("\n")
    for pair, scores in report.events.items():
        if not any(s.ref or s.pred for s in scores.values()):
            continue
        a, b = pair.split("|", 1)
        out.append(f"Events: {safe(a, limit=20)} (reference) vs {safe(b, limit=20)} — F1\n", style="bold")
        out.append_text(bar_rows(
            [(name.replace("_", " "), s.f1) for name, s in scores.items()],
            note=[f"ref {s.ref} pred {s.pred}" for s in scores.values()], style="yellow"))
        out.append("\n")
    return out


def counts_text(data: dict[str, Any]) -> Text:
    """Counts per type, annotator and status as bar charts.

    Args:
        data: from :func:`tui.core.review.stats.stats`.

    Returns:
        The rendered text.
    """
    out = Text()
    out.append("Counts", style="bold underline")
    out.append(f"  {data['documents']} document(s), {data['annotations']} annotation(s)"
               " (rejected not counted)\n\n", style="dim")
    sections = [("per kind", data["per_kind"])]
    sections += [(f"per type ({kind})", counts) for kind, counts in data["per_type"].items()]
    sections += [("per annotator", data["per_annotator"]), ("per status", data["per_status"]),
                 ("per origin", data["per_origin"])]
    for title, counts in sections:
        if not counts:
            continue
        out.append(f"{title}\n", style="bold")
        out.append_text(bar_rows(list(counts.items()), scores=False, style="blue"))
        out.append("\n")
    return out


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


class StatsScreen(Screen[None]):
    """Agreement and counts for the open document or the corpus, as terminal bar charts."""

    DEFAULT_CSS = """
    StatsScreen { layout: vertical; }
    StatsScreen #stats-title { height: 1; padding: 0 1; background: $panel; }
    StatsScreen #stats-scroll { height: 1fr; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Back", id="stats-close", tooltip="Back to the reader."),
        Binding("c", "toggle_scope", "Document/corpus", id="stats-scope",
                tooltip="Switch between the open document and the whole corpus."),
        Binding("j,down", "scroll_by(1)", "Down", show=False),
        Binding("k,up", "scroll_by(-1)", "Up", show=False),
        Binding("pagedown,space", "scroll_by(20)", "Page down", show=False),
        Binding("pageup", "scroll_by(-20)", "Page up", show=False),
    ]
    """Keys of the stats screen."""

    HELP = """\
### Stats
Agreement between the annotators with accepted spans (span F1, exact and
overlap; token kappa and alpha; event trigger and argument scores), then
counts per type, annotator and status. `c` switches between this document
and the corpus; `escape` goes back.
"""

    def __init__(self, document: str | None = None, *, store: Any = None) -> None:
        """Create the screen.

        Args:
            document: the document's name (None: the corpus).
            store: the store (default: the app's).
        """
        super().__init__()
        self._store = store
        self.document = document
        self.corpus = document is None
        self.report: AgreementReport | None = None
        """The agreement report shown (None with fewer than two annotators)."""
        self.counts: dict[str, Any] = {}
        self.text = Text()
        """Everything shown, as one Text (tests read its ``plain``)."""

    @property
    def store(self) -> Any:
        """The project store."""
        return self._store if self._store is not None else self.app.store  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="stats-title")
        with VerticalScroll(id="stats-scroll"):
            yield Static(Text(""), id="stats-body")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_stats()
        self.query_one("#stats-scroll").focus()

    def refresh_stats(self) -> None:
        """Compute the report and counts for the current scope and draw them."""
        store = self.store
        docs = None if self.corpus or self.document is None else [self.document]
        doc_id = store.document(self.document).id if docs else None
        names = annotators_in(store, doc_id)
        body = Text()
        self.report = None
        if len(names) >= 2:
            try:
                self.report = agreement(store, names, docs=docs)
            except TuiError as exc:
                body.append(safe(str(exc), limit=200) + "\n\n", style="red")
            if self.report is not None:
                body.append_text(agreement_text(self.report))
        else:
            body.append("Agreement needs accepted spans from two annotators"
                        + (" in this document" if docs else "")
                        + f" (found: {', '.join(safe(n, limit=20) for n in names) or 'none'}).\n\n", style="dim")
        self.counts = stats(store, docs=docs)
        body.append_text(counts_text(self.counts))
        self.text = body
        scope = "corpus" if docs is None else f"document {safe(self.document or '', limit=60)}"
        self.query_one("#stats-title", Static).update(Text.assemble(("Stats ", "bold"), scope))
        self.query_one("#stats-body", Static).update(body)

    def action_toggle_scope(self) -> None:
        """Switch between the document and the corpus."""
        if self.document is None:
            return
        self.corpus = not self.corpus
        self.refresh_stats()

    def action_scroll_by(self, lines: int) -> None:
        """Scroll the report."""
        scroll = self.query_one("#stats-scroll", VerticalScroll)
        scroll.scroll_to(y=scroll.scroll_y + lines, animate=False)

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)
