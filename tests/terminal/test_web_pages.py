"""Web pages in a real terminal: the reader's header line and the library's detail line (issue 15)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import DATA
from tests.terminal.harness import Terminal, covers, needs_tmux, terminal, wait_db
from tests.webserver import page, serve
from tui.core.model import Document
from tui.core.store import Store

pytestmark = needs_tmux

STRIKE = DATA / "html" / "harbour-strike.html"
HEADER = "Dockworkers walk out at Port Halden as talks stall · The Meridian Courier · Ines Varga · 2024-03-14"
NO_PROXY = {"no_proxy": "127.0.0.1,localhost", "NO_PROXY": "127.0.0.1,localhost"}
HOSTILE_META = {
    "title": "\x1b]0;pwned\x07\x1b[2J[bold red]Owned[/] \u202etxt",
    "site": "Site\x9b2J",
    "author": "[link=file:///etc]Evil[/link]\x00",
    "date": "2024-01-01",
    "url": "https://x.example/\x1b[5m",
}


def test_page_opened_from_the_command_line_shows_its_header(term, tmp_path):
    """`tui page.html` imports it and opens it: title · site · author · date above the article, not in it."""
    db = tmp_path / "a.db"
    term.start("--db", db, STRIKE)
    screen = term.wait_ready("About 1,200 dockworkers at Port Halden")
    header = screen.split("\n")[0]
    assert header.strip() == HEADER
    term.wait("1:1", "the cursor at the article's first character")  # the header holds no offset
    term.press("o")
    term.wait("harbour-strike", "the library")
    term.wait(HEADER + " · https://courier.example/business/2024/03/14/port-halden…",
              "the library's detail line for the page under the cursor, cut to the width")
    term.press("Escape")
    term.wait_ready("About 1,200 dockworkers")
    assert term.quit() == 0


def test_hostile_metadata_is_shown_as_data(term, tmp_path: Path):
    """Escapes, markup, bidi, C1 and NUL in a page's metadata are drawn visibly and never act."""
    db = tmp_path / "a.db"
    with Store(db, annotator="alice") as store:
        store.add_document(Document(name="hostile", text="Plain article text.\n", meta={"web": HOSTILE_META}))
        store.add_document(Document(name="other", text="Another article.\n"))
    term.start("--db", db, "hostile")
    screen = term.wait_ready("Plain article text.")
    header = screen.split("\n")[0]
    assert header.strip() == ("␛]0;pwned␇␛[2J[bold red]Owned[/] �txt · Site�2J · "
                              "[link=file:///etc]Evil[/link]␀ · 2024-01-01")
    assert term.tmux("display", "-p", "-t", term.session, "#{pane_title}").stdout.strip() != "pwned"
    term.press("o")
    term.wait("https://x.example/␛[5m", "the URL in the library's detail line, escaped")
    term.press("Down")
    term.wait(lambda s: "[bold red]Owned" not in s.split("\n")[-3] and "x.example" not in s,
              "the detail line follows the cursor to a document without metadata")


@covers("import-document")
def test_a_url_typed_at_import_is_fetched_and_opened(tmp_path: Path):
    """I, a URL of the local server, enter: the page is fetched in a worker, stored and opened with its
    header; the library filters by its title; a missing page is one error line naming URL and status,
    and nothing is stored."""
    db = tmp_path / "a.db"
    with Store(db, annotator="alice") as store:
        store.add_document(Document(name="alpha", text="Alpha report from Mosul.\n"))
    routes = {"/news/strike.html": page(STRIKE.read_bytes())}
    with serve(routes) as srv, terminal(tmp_path, env=NO_PROXY) as term:
        term.start("--db", db, "alpha")
        term.wait_ready("Alpha report from Mosul")
        term.press("I")
        term.wait("Import and open a file or folder", "the import prompt")
        term.type(srv.url("/news/strike.html"))
        term.press("Enter")
        screen = term.wait_ready("About 1,200 dockworkers at Port Halden")
        term.wait(HEADER, "the page's header")
        port = srv.httpd.server_address[1]
        wait_db(db, "SELECT name FROM documents ORDER BY name",
                lambda r: r == [("127.0.0.1_8080/news/strike".replace("8080", str(port)),), ("alpha",)],
                "the page stored under a name from its URL")
        assert "Traceback" not in screen
        term.press("o")
        term.wait("2 of 2 documents", "the library")
        term.type("dockworkers")  # a word of the page's title, not of its name
        term.wait("1 of 2 documents", "the library filtered by title")
        term.press("Escape")
        term.wait_ready("About 1,200 dockworkers")
        _missing_url_fails(term, srv.url("/missing"), db)
        assert term.quit() == 0


def _missing_url_fails(term: Terminal, url: str, db: Path) -> None:
    """A URL the server does not have: an error naming the URL and the status; nothing stored."""
    term.press("I")
    term.wait("Import and open a file or folder")
    term.type(url)
    term.press("Enter")
    term.wait(lambda s: "import failed:" in s and "/missing: HTTP 404" in s, "the error naming URL and status")
    wait_db(db, "SELECT count(*) FROM documents", lambda r: r == [(2,)], "nothing more stored")
