"""Horizontal bar charts drawn with Unicode blocks, as ``rich.text.Text``.

Enough for agreement scores (0..1) and counts in a terminal without a
plotting dependency: each row is ``label  ████████▍      value``, with
eighth-cell resolution. Labels come from data (type and annotator names)
and are sanitised; nothing is parsed as markup.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from tui.core.text.graphemes import sanitize

_EIGHTHS = "▏▎▍▌▋▊▉"


def bar(value: float, maximum: float, width: int) -> str:
    """A bar of ``value / maximum`` of ``width`` cells (eighths for the last cell), padded to ``width``.

    Args:
        value: the value (negative values draw nothing).
        maximum: the value of a full bar (<= 0 draws nothing).
        width: cells.

    Returns:
        Exactly ``width`` characters.
    """
    if maximum <= 0 or value <= 0:
        return " " * width
    eighths = round(8 * width * min(value, maximum) / maximum)
    full, part = divmod(eighths, 8)
    out = "█" * full + (_EIGHTHS[part - 1] if part else "")
    return out + " " * (width - len(out))


def fmt_score(x: float | None) -> str:
    """A score with three decimals, ``n/a`` when undefined (as ``tui agree`` prints it)."""
    return "n/a" if x is None else f"{x:.3f}"


def bar_rows(
    rows: Iterable[tuple[str, float | None]],
    *,
    maximum: float | None = None,
    width: int = 30,
    label_width: int = 24,
    style: str = "green",
    scores: bool = True,
    note: Iterable[str] | None = None,
) -> Text:
    """Rows of ``label  bar  value``, one per line.

    Args:
        rows: ``(label, value)``; None is drawn as ``n/a`` with no bar.
        maximum: the value of a full bar (default: 1.0 for scores, else the largest value).
        width: cells of the bar.
        label_width: cells of the label column (longer labels are cut).
        style: the bar's style.
        scores: format values as scores (three decimals) instead of integers.
        note: an extra dim note per row (e.g. ``ref 5 pred 4``).

    Returns:
        The chart, one line per row, each ending with a newline.
    """
    rows = list(rows)
    notes = list(note) if note is not None else [""] * len(rows)
    if maximum is None:
        maximum = 1.0 if scores else max((v or 0 for _, v in rows), default=0) or 1
    text = Text()
    for (label, value), extra in zip(rows, notes, strict=True):
        name = sanitize(str(label), single_line=True)
        if len(name) > label_width:
            name = name[: label_width - 1] + "…"
        text.append("  " + name.ljust(label_width) + " ")
        text.append(bar(value or 0, maximum, width), style=style)
        shown = fmt_score(value) if scores else ("n/a" if value is None else str(int(value)))
        text.append(f" {shown:>7}", style="bold")
        if extra:
            text.append(f"  {extra}", style="dim")
        text.append("\n")
    return text
