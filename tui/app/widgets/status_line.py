"""The status line under the reader: document, position, selection, mode, annotator."""

from __future__ import annotations

from tui.app.safe import safe_text
from tui.app.widgets._lines import OneLine

#: The selected text is cut to this many characters.
SELECTION_LIMIT = 40
SEP = " │ "
#: The selected annotation's description is cut to this many characters.
SELECTED_LIMIT = 70


class StatusLine(OneLine):
    """One row: ``name │ 12:5 @340 │ sel 5 “Basra” │ VISUAL │ message │ GPE “Basra” │ alice``.

    Every part that comes from a document (its name, the selected text, a
    message quoting it) is sanitized and rendered as ``Text``, never markup.
    Drawn through the Line API (:class:`~tui.app.widgets._lines.OneLine`): it
    changes on almost every key, and Textual's content pipeline cost about a
    millisecond for this one row.
    """

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._shown: tuple[object, ...] | None = None

    def show(
        self,
        *,
        document: str,
        cursor: int,
        line: int,
        column: int,
        selection_text: str | None,
        mode: str,
        annotator: str,
        message: str = "",
        selected: str = "",
    ) -> None:
        """Update the line.

        Args:
            document: the document's name.
            cursor: the cursor's code-point offset.
            line: 1-based line number of the cursor.
            column: 1-based column of the cursor.
            selection_text: the selected text, or None when nothing is selected.
            mode: e.g. ``NORMAL``, ``VISUAL``, ``ROLE Attacker``.
            annotator: who is annotating.
            message: a short note (last action, error), may quote document text.
            selected: the selected annotation described (``GPE “Basra”``), or "".
        """
        shown = (document, cursor, line, column, selection_text, mode, annotator, message, selected)
        if shown == self._shown:
            return  # asked again for the same line within one key: nothing to build or paint
        self._shown = shown
        text = safe_text(document, style="bold", limit=40)
        text.append(SEP, style="dim")
        text.append(f"{line}:{column}")
        text.append(f" @{cursor}", style="dim")
        if selection_text is not None:
            text.append(SEP, style="dim")
            text.append(f"sel {len(selection_text)} ", style="dim")
            text.append("“", style="dim")
            text.append_text(safe_text(selection_text, limit=SELECTION_LIMIT))
            text.append("”", style="dim")
        text.append(SEP, style="dim")
        text.append_text(safe_text(mode, style="bold reverse"))
        # Whose layer is shown comes before the message when it is not one's own (it
        # says why editing keys are refused); one's own name can go to the end.
        others = annotator.split()[0] != annotator
        if others:
            text.append(SEP, style="dim")
            text.append_text(safe_text(annotator, style="bold"))
        # The message next (it says why a key did nothing): a narrow terminal cuts the end.
        if message:
            text.append(SEP, style="dim")
            text.append_text(safe_text(message, style="italic", limit=120))
        if selected:
            text.append(SEP, style="dim")
            text.append_text(safe_text(selected, style="bold", limit=SELECTED_LIMIT))
        if not others:
            text.append(SEP, style="dim")
            text.append_text(safe_text(annotator))
        # the reader shows it more than once per key: repainted only on change
        self.update(text)
