"""The inspector: everything about the selected annotation.

Its text, type (label and colour from the schema), status, origin and
annotator, its arguments or members, the attributes, notes and
normalisations on it, what uses it, its history from the operation log
(who, what, when) and its schema problems. The reader passes all of it in;
the panel never touches the store.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget

from tui.app.safe import safe_text
from tui.app.widgets._lines import TextLines
from tui.app.widgets._text import AnnotationIndex, PanelHeader, swatch
from tui.core.model import (
    Attribute,
    DocAnnotations,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
    kind_of,
)

#: The selected span's text is cut to this many characters.
TEXT_LIMIT = 300
#: Other texts (fillers, members, notes) are cut to this many.
SHORT_LIMIT = 60
#: Only the latest entries of a long history are listed.
HISTORY_LIMIT = 20

EMPTY_HINT = "Nothing selected. ] and [ select the next and previous annotation; enter in a panel chooses one."


class InspectorBody(TextLines):
    """The inspector's text: rows drawn through the Line API, scrolled without re-laying out the screen.

    Its text changes with every selection. ``Static`` asked for a layout (a
    reflow and repaint of the whole screen) whenever the new text might have
    another height, and took 2-3 ms to draw a dozen rows through Textual's
    content pipeline; here a text of another height moves the scroll bar only.
    """

class InspectorPanel(Widget, can_focus=False):
    """Shows one annotation in full; :meth:`show` with ``None`` shows a hint."""

    DEFAULT_CSS = """
    InspectorPanel {
        height: 1fr;
        layout: vertical;
    }
    InspectorPanel > #inspector-panel-header {
        height: 1;
        padding: 0 1;
        text-style: bold;
    }
    InspectorPanel > InspectorBody {
        height: 1fr;
        padding: 0 1;
    }
    """

    HELP = """\
### Inspector
The selected annotation: text, type, status, its schema problems (⚠),
arguments, attributes, notes, normalisation, what uses it, and its history
(who did what, when).
"""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.content = Text(EMPTY_HINT, style="dim")
        """What the panel shows now (tests read its ``plain``)."""

    def compose(self) -> ComposeResult:
        yield PanelHeader(Text("Inspector", style="bold"), id="inspector-panel-header")
        yield InspectorBody(self.content, id="inspector-panel-body")

    def show(
        self,
        ann: Any | None,
        anns: DocAnnotations,
        schema: Any,
        history: list[Any],
        problems: list[Any],
        *,
        by_id: dict[str, Any] | None = None,
        index: AnnotationIndex | None = None,
    ) -> None:
        """Show an annotation (or the hint when ``ann`` is None).

        Args:
            ann: the selected annotation, of any kind.
            anns: every annotation of the document (for fillers, attributes, notes).
            schema: the document's schema (labels, colours).
            history: ``store.history(ann.id)``: operations, oldest first.
            problems: schema problems; those naming ``ann`` are listed.
            by_id: ``anns`` indexed by id, when the caller keeps one (building
                it costs milliseconds on a long document).
            index: the live annotations, when the caller keeps them: what refers
                to ``ann`` is then looked up, not searched for (the cost no
                longer grows with the document).
        """
        if index is not None:
            by_id = index.by_id
        self.content = (
            Text(EMPTY_HINT, style="dim")
            if ann is None
            else _describe(ann, anns, schema, history, problems, by_id, index)
        )
        self.query_one("#inspector-panel-body", InspectorBody).update(self.content)


# -- building the text ---------------------------------------------------------


def _describe(ann: Any, anns: DocAnnotations, schema: Any, history: list[Any], problems: list[Any],
              by_id: dict[str, Any] | None = None, index: AnnotationIndex | None = None) -> Text:
    if by_id is None:
        by_id = anns.by_id()
    if index is not None:
        is_trigger = ann.id in index.event_of_trigger
        # What refers to ann, in id order: each kind's list is in id order too, so
        # filtering these gives what filtering the whole lists gives.
        referring = [by_id[r] for r in sorted(index.referrers.get(ann.id, ())) if r in by_id]
        refs: _Refs | DocAnnotations = _Refs(referring)
    else:
        is_trigger = any(e.trigger == ann.id for e in anns.events)
        refs = anns
    out = Text()

    def line(*parts: Text | str | tuple[str, str]) -> None:
        for part in parts:
            if isinstance(part, Text):
                out.append_text(part)
            elif isinstance(part, tuple):
                out.append(part[0], style=part[1])
            else:
                out.append(part)
        out.append("\n")

    def section(title: str) -> None:
        out.append("\n")
        line((title, "bold underline"))

    kind = kind_of(ann)[:-1]
    type_name = _type_name(ann)
    type_kind = {"span": "span", "event": "event", "relation": "relation"}.get(kind)
    if isinstance(ann, Span) and is_trigger:
        kind, type_kind = "trigger", "event"
    if type_name:
        color = schema.color(type_name, type_kind) if schema is not None and type_kind else "#888888"
        short = schema.short_label(type_name, type_kind) if schema is not None and type_kind else type_name
        title = swatch(color)
        title.append_text(safe_text(type_name, style="bold"))
        if short != type_name:
            title.append(" ")
            title.append_text(safe_text(short, style="dim"))
        line(title, (f"  {kind}", "dim"))
        definition = schema.definition(type_name, type_kind) if schema is not None and type_kind else ""
        if definition:  # the schema's guideline (at most 300 characters): data, sanitised, wrapped
            line(safe_text(definition, style="italic dim", limit=TEXT_LIMIT))
    else:
        line((kind, "bold"))

    if isinstance(ann, Span):
        line(_quoted(ann.text, TEXT_LIMIT))
        where = "; ".join(f"{s}–{e}" for s, e in ann.fragments)
        parts = f" ({len(ann.fragments)} fragments)" if len(ann.fragments) > 1 else ""
        line(("at ", "dim"), where, (parts, "dim"))
    elif isinstance(ann, Event):
        line(("trigger ", "dim"), _ref(by_id.get(ann.trigger), ann.trigger))
    line(*_status_parts(ann))
    ident = Text("id ", style="dim")
    ident.append_text(safe_text(ann.id))
    if ann.source_id:
        ident.append(" · source ", style="dim")
        ident.append_text(safe_text(ann.source_id))
    line(ident)

    # Problems come first: they are what the analyst must act on.
    own = [p for p in problems if p.annotation_id == ann.id]
    for p in own:
        line(("⚠ ", "bold red"), safe_text(p.message, style="red"))

    if isinstance(ann, Event):
        section("Arguments")
        et = schema.event_type(ann.type) if schema is not None else None
        roles = [r.name for r in et.roles] if et else []
        roles += [a.role for a in ann.arguments if a.role not in roles]
        for role in roles:
            args = [a for a in ann.arguments if a.role == role]
            spec = et.role(role) if et else None
            if not args:
                if spec is not None and spec.cardinality in ("1", "+"):
                    line("  ", safe_text(role, style="bold"), " — ", ("✗ missing", "bold red"))
                continue
            for arg in args:
                line("  ", safe_text(role, style="bold"), " ", _ref(by_id.get(arg.target), arg.target, schema))
    elif isinstance(ann, Relation):
        section("Arguments")
        for arg in ann.arguments:
            line("  ", safe_text(arg.role, style="bold"), " ", _ref(by_id.get(arg.target), arg.target, schema))
    elif isinstance(ann, Equivalence):
        section(f"Members ({len(ann.members)})")
        for member in ann.members:
            line("  ", _ref(by_id.get(member), member, schema))
    elif isinstance(ann, Attribute | Normalization | Note):
        section("On")
        line("  ", _ref(by_id.get(ann.target), ann.target, schema))
        if isinstance(ann, Note):
            line("  ", safe_text(ann.text, limit=TEXT_LIMIT))
        elif isinstance(ann, Normalization):
            line("  ", _norm(ann))
        else:
            line("  ", _attr(ann))

    attrs = [a for a in refs.attributes if a.target == ann.id and a.status != "rejected"]
    if attrs:
        section("Attributes")
        for attr in attrs:
            line("  ", _attr(attr))
    notes = [n for n in refs.notes if n.target == ann.id and n.status != "rejected"]
    if notes:
        section("Notes")
        for note in notes:
            kind = Text() if note.type == "AnnotatorNotes" else safe_text(note.type + " ", style="dim")
            line("  ", kind, safe_text(note.text, limit=TEXT_LIMIT))
    norms = [n for n in refs.normalizations if n.target == ann.id and n.status != "rejected"]
    if norms:
        section("Normalisation")
        for norm in norms:
            line("  ", _norm(norm))

    used = _used_by(ann, refs)
    if used:
        section("Used by")
        for text in used:
            line("  ", text)

    if history:
        section("History")
        shown = history[-HISTORY_LIMIT:]
        if len(history) > len(shown):
            line((f"  … {len(history) - len(shown)} earlier", "dim"))
        for op in shown:
            line(*_history_parts(op, ann.id))

    out.rstrip()
    return out


def _type_name(ann: Any) -> str:
    if isinstance(ann, Span):
        return ann.label
    if isinstance(ann, Event | Relation | Equivalence):
        return ann.type
    if isinstance(ann, Attribute):
        return ann.name
    if isinstance(ann, Note):
        return ann.type
    return ""


def _quoted(text: str, limit: int) -> Text:
    out = Text("“", style="dim")
    out.append_text(safe_text(text, limit=limit))
    out.append("”", style="dim")
    return out


def _ref(target: Any, target_id: str, schema: Any = None) -> Text:
    """One line naming another annotation: a span's text and label, or an event's type."""
    if isinstance(target, Span):
        out = Text("? ", style="bold") if target.status == "pending" else Text()
        out.append_text(safe_text(target.text, limit=SHORT_LIMIT))
        label = schema.short_label(target.label, "span") if schema is not None else target.label
        out.append(" ")
        out.append_text(safe_text(label, style="dim"))
        return out
    if target is None:
        return safe_text(f"{target_id} (not in this document)", style="bold red")
    return safe_text(f"{kind_of(target)[:-1]} {_type_name(target)}")


def _attr(attr: Attribute) -> Text:
    out = safe_text(attr.name, style="bold")
    if attr.value is not None:
        out.append(" = ")
        out.append_text(safe_text(attr.value))
    return out


def _norm(norm: Normalization) -> Text:
    out = safe_text(f"{norm.resource}:{norm.key}", style="bold")
    if norm.label:
        out.append(" ")
        out.append_text(safe_text(norm.label, limit=SHORT_LIMIT))
    return out


def _status_parts(ann: Any) -> list[Text | tuple[str, str]]:
    style = {"pending": "bold italic", "rejected": "strike"}.get(ann.status, "")
    return [
        (ann.status, style),
        (" · ", "dim"),
        safe_text(ann.origin),
        (" · ", "dim"),
        safe_text(ann.annotator or "?"),
    ]


class _Refs:
    """The annotations referring to one annotation, split by kind like ``DocAnnotations``."""

    def __init__(self, referring: list[Any]) -> None:
        self.events = [a for a in referring if isinstance(a, Event)]
        self.relations = [a for a in referring if isinstance(a, Relation)]
        self.equivalences = [a for a in referring if isinstance(a, Equivalence)]
        self.attributes = [a for a in referring if isinstance(a, Attribute)]
        self.normalizations = [a for a in referring if isinstance(a, Normalization)]
        self.notes = [a for a in referring if isinstance(a, Note)]


def _used_by(ann: Any, anns: DocAnnotations | _Refs) -> list[Text]:
    out: list[Text] = []
    for event in anns.events:
        if event.status == "rejected":
            continue
        if event.trigger == ann.id:
            out.append(safe_text(f"trigger of event {event.type}"))
        for arg in event.arguments:
            if arg.target == ann.id:
                out.append(safe_text(f"{arg.role} of event {event.type}"))
    for rel in anns.relations:
        if rel.status == "rejected":
            continue
        for arg in rel.arguments:
            if arg.target == ann.id:
                out.append(safe_text(f"{arg.role} of relation {rel.type}"))
    for eq in anns.equivalences:
        if eq.status != "rejected" and ann.id in eq.members:
            out.append(safe_text(f"member of {eq.type} set ({len(eq.members)})"))
    return out


def _history_parts(op: Any, ann_id: str) -> list[Text | tuple[str, str]]:
    verb = "changed"
    for change in getattr(op, "changes", []) or []:
        if ann_id in (change.get("bulk") or ()):
            # An import logs only the ids it inserted.
            verb = "created"
            break
        row = change.get("before") or change.get("after") or {}
        if row.get("id") != ann_id:
            continue
        if change.get("before") is None:
            verb = "created"
        elif change.get("after") is None:
            verb = "deleted"
        break
    when = (op.time or "").replace("T", " ").rstrip("Z")[:19]
    parts: list[Text | tuple[str, str]] = [
        ("  " + when + " ", "dim"),
        safe_text(op.annotator, style="bold"),
        " ",
        (verb, ""),
        (" · ", "dim"),
        safe_text(op.action, limit=SHORT_LIMIT),
    ]
    if op.state != "done":
        parts.append((f" ({op.state})", "italic"))
    return parts
