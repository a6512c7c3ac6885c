"""One line above the reader's article: a web page's title · site · author · date.

The metadata is not part of the document text (offsets are unchanged); it
comes from ``meta["web"]`` of a document imported from a saved page or a URL
(:mod:`tui.core.formats.html`). Every value is page data: each goes through
:func:`tui.app.safe.safe_text`, never markup. Documents without metadata
hide the line.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widget import Widget

from tui.app.safe import safe_text

#: The parts shown, in order, with their style.
PARTS: tuple[tuple[str, str], ...] = (("title", "bold"), ("site", ""), ("author", "italic"), ("date", ""))
SEP = " · "
#: Each part is cut to this many characters (a whole line is cut to the width).
PART_LIMIT = 120


def header_text(meta: Mapping[str, str], *, with_url: bool = False) -> Text:
    """The header line for a page's metadata (empty when it has none of the shown parts).

    Args:
        meta: the page's metadata (``title``, ``site``, ``author``, ``date``...).
        with_url: add the page's URL at the end.

    Returns:
        A one-line ``Text``, every value sanitised.
    """
    out = Text(no_wrap=True, overflow="ellipsis", end="")
    for key, style in PARTS + ((("url", "underline"),) if with_url else ()):
        value = meta.get(key)
        if not value:
            continue
        if out.plain:
            out.append(SEP, style="dim")
        out.append_text(safe_text(value, style=style, limit=PART_LIMIT))
    return out


class ArticleHeader(Widget, can_focus=False):
    """``Dockworkers walk out at Port Halden · The Meridian Courier · Ines Varga · 2024-03-14``.

    Set with :meth:`show`; hidden when the document has no web metadata. The
    library shows one (``with_url``) for the document under its cursor.
    """

    DEFAULT_CSS = """
    ArticleHeader {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $panel;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        display: none;
    }
    ArticleHeader.-shown {
        display: block;
    }
    """

    def __init__(self, *, with_url: bool = False, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        """Build the line.

        Args:
            with_url: show the page's URL after the date.
        """
        super().__init__(name=name, id=id, classes=classes)
        self.with_url = with_url
        self.text = Text()
        """The line shown (tests read its ``plain``)."""

    def show(self, meta: Mapping[str, str]) -> None:
        """Show a document's web metadata, or hide the line when there is none.

        Args:
            meta: the document's web metadata (:func:`tui.core.formats.html.web_meta`).
        """
        self.text = header_text(meta, with_url=self.with_url)
        self.set_class(bool(self.text.plain), "-shown")
        self.refresh()

    def render(self) -> Text:
        return self.text
