"""The article view: a Line-API reader with cursor, selection, highlights and search hits.

The widget is :class:`~.view.ArticleView` (reactives, loading, wrapping);
its parts live beside it: :mod:`.highlights` (what is drawn over the text
and its index), :mod:`.motions` (cursor, selection, keys, mouse) and
:mod:`.rendering` (one strip per visible row).
"""

from tui.app.widgets.article_view.highlights import INDEX_BLOCK, Highlight, _hl_key
from tui.app.widgets.article_view.view import ArticleView

__all__ = ["INDEX_BLOCK", "ArticleView", "Highlight", "_hl_key"]
