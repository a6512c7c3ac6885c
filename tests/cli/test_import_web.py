"""`tui import page.html` and `tui import URL`: exact output, one-line errors, nothing written on failure."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.conftest import DATA, db_snapshot
from tests.webserver import page, serve, stall
from tui.cli.main import cli

HTML = DATA / "html"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_import_saved_page_and_list(tmp_path):
    """A saved page and a folder of pages import; `tui list` lists them."""
    db = str(tmp_path / "a.db")
    r = run("--db", db, "import", str(HTML / "harbour-strike.html"), str(HTML / "folder"))
    assert (r.exit_code, r.stdout, r.stderr) == (0, "3 document(s) imported, 0 unchanged; 0 annotation(s) added\n", "")
    r = run("--db", db, "list")
    assert [line.split()[0] for line in r.stdout.splitlines()[1:4]] == ["harbour-strike", "notes",
                                                                          "world/bridge-reopens"]


def test_import_url(tmp_path):
    """`tui import URL` fetches the page from the local server and stores it under a name from the URL."""
    db = tmp_path / "a.db"
    with serve({"/2024/strike.html": page((HTML / "harbour-strike.html").read_bytes())}) as srv:
        r = run("--db", str(db), "import", srv.url("/2024/strike.html"))
        port = srv.httpd.server_address[1]
    assert (r.exit_code, r.stdout) == (0, "1 document(s) imported, 0 unchanged; 0 annotation(s) added\n")
    r = run("--db", str(db), "list")
    assert r.stdout.splitlines()[1].split()[0] == f"127.0.0.1_{port}/2024/strike"


@pytest.mark.parametrize(("routes", "path", "options", "reason"), [
    ({}, "/gone", (), "HTTP 404 Not Found"),
    ({"/slow": stall()}, "/slow", ("--timeout", "0.5"), "timed out after 0.5 s"),
    ({"/big": page(b"<p>" + b"x" * 200_000 + b"</p>")}, "/big", ("--max-size", "0.1"),
     "page is 0.2 MiB, larger than the 0.1 MiB limit"),
    ({"/x.json": page(b"{}", "application/json")}, "/x.json", (),
     "not a web page: content type application/json (only text/html or application/xhtml+xml)"),
])
def test_url_errors_are_one_line_and_write_nothing(tmp_path, routes, path, options, reason):
    """A failing URL: one error line naming the URL and the reason, exit 1, the database unchanged."""
    db = tmp_path / "a.db"
    assert run("--db", str(db), "import", str(HTML / "harbour-strike.html")).exit_code == 0
    before = db_snapshot(db)
    with serve(routes) as srv:
        url = srv.url(path)
        r = run("--db", str(db), "import", *options, str(HTML / "folder"), url)
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr == f"tui: error: {url}: {reason}\ntui: nothing was written\n"
    assert db_snapshot(db) == before


def test_other_schemes_and_pages_without_article(tmp_path):
    """An ftp: URL and a page without an article: one line each, exit 1, nothing written."""
    db = tmp_path / "a.db"
    r = run("--db", str(db), "import", "ftp://files.example/a.html", str(HTML / "no-article.html"))
    assert r.exit_code == 1
    assert r.stderr == (
        f"tui: error: {HTML / 'no-article.html'}: no article text found in the page (nothing but navigation, "
        "or no text)\n"
        "tui: error: ftp://files.example/a.html: only http and https URLs are fetched, not ftp:\n"
        "tui: nothing was written\n"
    )
    assert db_snapshot(db)["documents"] == []


def test_hostile_page_never_writes_controls(tmp_path):
    """A page with escapes in its metadata imports, and nothing the CLI prints holds a raw control."""
    db = tmp_path / "a.db"
    r = run("--db", str(db), "import", str(HTML / "hostile.html"))
    assert r.exit_code == 0
    r = run("--db", str(db), "list")
    assert r.exit_code == 0
    assert not any(c in r.output for c in "\x1b\x07\x00\x9b\u202e")


def test_format_option_refused_for_urls(tmp_path):
    """A URL is read as a web page: another --format is a usage error."""
    r = run("--db", str(tmp_path / "a.db"), "import", "--format", "brat", "https://x.example/a")
    assert r.exit_code == 2
    assert "a URL is read as a web page: --format brat cannot apply to it" in r.stderr


def test_tui_url_imports_then_opens(tmp_path):
    """`tui URL` imports the page first, as `tui FILE` does (no terminal: the listing is printed)."""
    db = tmp_path / "a.db"
    with serve({"/strike": page((HTML / "harbour-strike.html").read_bytes())}) as srv:
        r = run("--db", str(db), srv.url("/strike"))
        port = srv.httpd.server_address[1]
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1].split()[0] == f"127.0.0.1_{port}/strike"
