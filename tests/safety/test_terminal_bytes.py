"""Document text can never control the terminal: capture every byte the app writes.

The article below carries ANSI CSI/OSC sequences (colour, clear screen,
alternate screen, window title, OSC 8 hyperlink, OSC 52 clipboard), BEL,
NUL, C1 controls, bidi overrides and Textual/Rich markup. The app is driven
through the places document text appears (reader, panels, inspector,
pickers, role prompt, help, notifications, search prompt) while a
FrameRecorder encodes every frame exactly as it would go to a terminal.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from tui.app.app import make_app
from tui.app.frames import FrameRecorder
from tui.cli.main import cli
from tui.core.model import Document, Span
from tui.core.store import Store

EVIL = (
    "Basra \x1b[31mred\x1b[0m and \x1b[2J clear \x1b[?1049h alt \x1b]0;pwned title\x07 "
    "\x1b]8;;file:///etc/passwd\x1b\\link\x1b]8;;\x1b\\ \x1b]52;c;ZWNobyBwd25lZA==\x07 "
    "bell\x07 nul\x00 csi\x9b31m c1\x85 \u202eevil\u202c [@click=app.quit]quit[/] "
    "[link=file:///etc/passwd]x[/link] [/] [bold]b[/bold] end.\n"
    "Second paragraph mentions Basra again.\n"
)
#: Byte sequences from the document that must never reach the terminal.
FORBIDDEN = [
    "\x1b[31mred", "\x1b[2J clear", "\x1b[?1049h alt", "\x1b]0;pwned", "\x1b]8;;file:///etc/passwd",
    "\x1b]52;c;", "\x07", "\x00", "\x9b", "\x85", "\u202e", "\u202c", "file:///etc/passwd\x1b",
]


def _db(tmp_path):
    path = tmp_path / "evil.db"
    s = Store(path, annotator="alice")
    doc, _ = s.add_document(Document(name="evil\x1b[2Jname", text=EVIL))
    for word in ("Basra", "[@click=app.quit]quit[/]", "[link=file:///etc/passwd]x[/link]", "evil"):
        start = EVIL.index(word)
        s.add(Span(doc_id=doc.id, label="PER", fragments=[(start, start + len(word))]))
    s.close()
    return path


async def test_no_document_sequence_reaches_the_terminal(tmp_path):
    """Reader, panels, inspector, pickers, help and notifications write no byte of the document's controls."""
    db = _db(tmp_path)
    app = make_app(db, annotator="alice")
    rec = FrameRecorder()
    rec.attach(app)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        for keys in (["right_square_bracket"], ["right_square_bracket"], ["right_square_bracket"],
                     ["t"], ["escape"], ["question_mark"], ["escape"], ["slash"], *[[c] for c in "evil"],
                     ["enter"], ["A"], ["escape"], ["colon"], ["escape"], ["u"], ["ctrl+r"], ["o"], ["escape"]):
            await pilot.press(*keys)
            await pilot.pause()
        assert app.is_running, "markup in the document must not run actions (e.g. app.quit)"
    out = rec.output
    assert out, "the recorder saw no frames"
    for seq in FORBIDDEN:
        assert seq not in out, f"document sequence {seq!r} reached the terminal"
    # markup lookalikes are shown literally, not interpreted
    assert "[@click=app.quit]" in out or "[@click=app.quit" in out
    # the database still holds the exact text
    s = Store(db, annotator="alice")
    assert s.document("evil\x1b[2Jname").text == EVIL
    s.close()


def test_cli_exports_to_a_terminal_are_inert(tmp_path):
    """`tui export` and `tui list` print no raw control sequence from documents."""
    db = _db(tmp_path)
    r = CliRunner().invoke(cli, ["--db", str(db), "export", "--format", "jsonl"])
    assert r.exit_code == 0
    for seq in FORBIDDEN:
        assert seq not in r.output
    assert json.loads(r.output)["text"] == EVIL
    r = CliRunner().invoke(cli, ["--db", str(db), "list"])
    assert "\x1b" not in r.output and "evil\\x1b[2Jname" in r.output
