"""`tui FILE` in a real terminal: a brat `.ann` is imported (with its schema) and opened."""

from __future__ import annotations

from tests.app.test_open_file import _brat
from tests.terminal.harness import needs_tmux
from tui.core.store import Store

pytestmark = needs_tmux


def test_tui_file_ann_in_a_real_terminal(term, tmp_path):
    """`tui --db X meeting.ann` in tmux: imports, shows the article and its Person spans; q exits 0."""
    ann = _brat(tmp_path, conf=True)
    db = tmp_path / "x.db"
    term.start("--db", db, ann)
    term.wait("Alice met Bob in Paris.", "the article")
    term.wait("Person", "its Person spans")
    assert term.quit() == 0
    with Store(db, annotator="alice") as store:
        assert store.schema(store.document("meeting").schema).span_type("City") is not None
