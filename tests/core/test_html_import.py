"""Saved web pages and URLs as articles: extracted text, metadata, source HTML, fetch limits (issue 15).

The pages are our own (tests/data/html/SOURCE.md); URLs are served by a
server on 127.0.0.1 (tests/webserver.py), never fetched from the internet.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.conftest import DATA
from tests.webserver import drip, page, redirect, serve, stall
from tui.core.errors import InputError, InputErrors
from tui.core.fetch import FetchLimits, fetch_page, is_url
from tui.core.formats import ImportOptions, detect_format, read_paths
from tui.core.formats.html import MAX_META_CHARS, url_name, web_meta
from tui.core.outpath import split_relative
from tui.core.workflows.importing import ImportRequest, import_files

HTML = DATA / "html"
STRIKE = HTML / "harbour-strike.html"
#: What trafilatura extracts from harbour-strike.html: the headline and the five paragraphs,
#: without the menu, the advertisements, the related links, the comments or the footer.
STRIKE_TEXT = (
    "Dockworkers walk out at Port Halden as talks stall\n"
    "About 1,200 dockworkers at Port Halden stopped work on Thursday morning after a third round of wage "
    "talks with the Halden Port Authority ended without an agreement.\n"
    "The Harbour Workers' Union said its members would stay out for 48 hours. Union secretary Tomas Brandt "
    "told reporters outside the container terminal that the authority's offer of a 2 percent rise \"does not "
    "cover the rent, let alone the food\".\n"
    "The port authority said it regretted the walkout. A spokeswoman, Lena Okafor, said ships due on Thursday "
    "and Friday would be diverted to Vessby, 80 kilometres to the north, and that the authority remained ready "
    "to meet the union \"at any hour\".\n"
    "Shipping agents said at least nine container vessels were waiting at anchor in the bay by midday. Fruit "
    "importers warned that perishable cargo could be lost if the stoppage lasted into next week.\n"
    "The last strike at the port, in 2019, lasted five days and ended with a three-year agreement brokered by "
    "the regional labour court."
)
STRIKE_META = {
    "title": "Dockworkers walk out at Port Halden as talks stall",
    "site": "The Meridian Courier",
    "author": "Ines Varga",
    "date": "2024-03-14",
    "url": "https://courier.example/business/2024/03/14/port-halden-strike",
}


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """The local server is reached directly, whatever proxy the machine sets."""
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


# -- saved pages ---------------------------------------------------------------


def test_saved_page_gives_article_text_metadata_and_source():
    """A news page gives its article's exact text (no menu, ads, comments), its metadata and its HTML."""
    assert detect_format(STRIKE) == "html"
    [(doc, anns)] = read_paths([STRIKE])
    assert doc.name == "harbour-strike"
    assert doc.text == STRIKE_TEXT
    assert web_meta(doc) == STRIKE_META
    assert doc.source == STRIKE.read_text(encoding="utf-8")
    assert not anns.all()


def test_stored_page_keeps_text_hash_source_and_metadata(store):
    """Stored, the page's text has its sha256, and source and metadata come back from the database."""
    outcome = import_files(store, ImportRequest(paths=(STRIKE,)))
    assert outcome.documents == ["harbour-strike"] and outcome.documents_added == 1
    doc = store.document("harbour-strike")
    assert doc.text == STRIKE_TEXT
    assert doc.sha256 == hashlib.sha256(STRIKE_TEXT.encode("utf-8")).hexdigest()
    assert doc.source == STRIKE.read_text(encoding="utf-8")
    assert web_meta(doc) == STRIKE_META
    again = import_files(store, ImportRequest(paths=(STRIKE,)))
    assert (again.documents_added, again.documents_unchanged) == (0, 1)


def test_folder_of_pages_imports_like_a_folder_of_text(store):
    """A folder: each page by its relative name (a Latin-1 page decoded by its meta charset), its .txt too."""
    outcome = import_files(store, ImportRequest(paths=(HTML / "folder",)))
    assert outcome.documents == ["notes", "world/bridge-reopens"]
    bridge = store.document("world/bridge-reopens")
    assert bridge.text.startswith("The stone bridge over the river Sorn at Kelby reopened")
    assert "Marta Sjöberg" in bridge.text
    assert "Sponsored" not in bridge.text and "Finally!" not in bridge.text
    assert web_meta(bridge) == {"title": "Old river bridge reopens after two years of repairs",
                                "site": "Valley Gazette", "author": "Pavel Novák", "date": "2023-11-02"}
    assert store.document("notes").text == (HTML / "folder" / "notes.txt").read_text(encoding="utf-8")


def test_format_html_on_a_folder_reads_only_pages():
    """--format html on a folder reads its pages and leaves its text files alone."""
    items = read_paths([HTML / "folder"], "html")
    assert [d.name for d, _ in items] == ["world/bridge-reopens"]


def test_page_without_an_article_is_an_error_naming_it(store):
    """A page of navigation only is refused with its name, and nothing is stored."""
    with pytest.raises(InputErrors) as info:
        import_files(store, ImportRequest(paths=(STRIKE, HTML / "no-article.html")))
    assert [str(e) for e in info.value.errors] == [
        f"{HTML / 'no-article.html'}: no article text found in the page (nothing but navigation, or no text)"]
    assert store.document_names() == []


def test_hostile_page_imports_with_bounded_metadata(tmp_path):
    """Escapes, markup, NUL and a 1 MB title in a page: it imports, every metadata value bounded."""
    html = (HTML / "hostile.html").read_text(encoding="utf-8")
    huge = html.replace('<meta property="og:site_name"',
                        '<meta property="og:title" content="' + "Breaking " * 120_000 + '">\n<meta property="og:site_name"')
    assert "\x00" in html and len(huge) > 2**20
    path = tmp_path / "huge.html"
    path.write_text(huge, encoding="utf-8")
    options = ImportOptions()
    [(doc, _)] = read_paths([path], options=options)
    assert doc.text.startswith("About 1,200 dockworkers")
    assert doc.source == huge
    meta = web_meta(doc)
    assert meta["title"].startswith("Breaking Breaking")
    assert all(len(v) <= MAX_META_CHARS for v in meta.values())
    assert options.notes == [f"{path}: title is 10000 characters long: kept the first {MAX_META_CHARS}"]


def test_latin1_label_reads_as_windows_1252(tmp_path):
    """A page labelled iso-8859-1 is read as browsers read it, windows-1252: 0x93/0x94 are curly quotes."""
    from tui.core.formats.html import decode_html

    data = b'<meta charset="iso-8859-1"><p>\x93Caf\xe9\x94 \x81</p>'
    assert decode_html(data, "x.html") == '<meta charset="iso-8859-1"><p>\u201cCaf\u00e9\u201d \x81</p>'


def test_invalid_bytes_in_a_page_name_the_offset(tmp_path):
    """A page that is not valid in its charset is refused with the byte offset."""
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"<html><body><p>caf\xe9 au lait</p></body></html>")
    with pytest.raises(InputErrors) as info:
        read_paths([bad])
    assert str(info.value.errors[0]) == f"{bad}: invalid UTF-8 at byte 18 (e9 20 61 75): invalid continuation byte"


def test_jsonl_export_carries_metadata_and_source(store, tmp_path):
    """The lossless JSONL export carries the page's metadata and HTML, and imports back equal."""
    from tui.core.workflows.exporting import ExportRequest, export_documents

    import_files(store, ImportRequest(paths=(STRIKE,)))
    out = tmp_path / "out.jsonl"
    export_documents(store, ExportRequest(fmt="jsonl"), out)
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert line["meta"]["web"] == STRIKE_META
    assert line["source"] == STRIKE.read_text(encoding="utf-8")
    [(doc, _)] = read_paths([out])
    assert web_meta(doc) == STRIKE_META and doc.text == STRIKE_TEXT


def test_other_exports_report_the_metadata_lost(store, tmp_path):
    """An export with no room for the page's metadata and HTML says so in its loss report; JSONL does not."""
    from tui.core.workflows.exporting import ExportRequest, export_documents

    import_files(store, ImportRequest(paths=(STRIKE, HTML / "folder" / "notes.txt")))
    outcome = export_documents(store, ExportRequest(fmt="brat"), tmp_path / "brat")
    assert outcome.report.lines()[0] == (
        "lost 1 web page metadata and HTML (title, site, author, date, URL; kept by jsonl): harbour-strike")
    outcome = export_documents(store, ExportRequest(fmt="jsonl"), tmp_path / "a.jsonl")
    assert outcome.report.lossless


# -- names made from URLs --------------------------------------------------------


@pytest.mark.parametrize(("url", "name"), [
    ("https://courier.example/business/2024/port-strike.html", "courier.example/business/2024/port-strike"),
    ("https://courier.example/", "courier.example/index"),
    ("http://127.0.0.1:8080/a/b", "127.0.0.1_8080/a/b"),
    ("https://x.example/../../etc/passwd", "x.example/_/_/etc/passwd"),
    ("https://x.example/%2e%2e/%00/%1b[2J/.hidden", "x.example/_/_/2J/hidden"),
])
def test_url_names_follow_the_output_path_policy(url, name):
    """A URL's document name is host and path, made safe: no .., no NUL or escape, no hidden part."""
    assert url_name(url) == name
    split_relative(name, "document")


def test_url_names_are_bounded_and_tell_queries_apart():
    """A long URL gives a bounded name; two queries give two names."""
    long = url_name("https://x.example/" + "/".join(["p" * 500] * 50))
    assert len(long.split("/")) <= 8 and all(len(p) <= 80 for p in long.split("/"))
    split_relative(long, "document")
    assert url_name("https://x.example/story?id=1") != url_name("https://x.example/story?id=2")


def test_is_url():
    """Arguments with a scheme are URLs; paths (even with a colon) are not."""
    assert is_url("https://a.example/x") and is_url("ftp://a.example/x")
    assert not is_url("page.html") and not is_url("C:page.html") and not is_url("./http://x")


# -- URLs, from a server on 127.0.0.1 -------------------------------------------


def test_url_import_fetches_and_extracts(store):
    """A URL is fetched, extracted and stored with its URL and when it was fetched; redirects are followed."""
    body = STRIKE.read_bytes().replace(b'<link rel="canonical" href="https://courier.example/business/2024/03/14'
                                       b'/port-halden-strike">', b"")
    with serve({"/news/strike.html": page(body), "/short": redirect("/news/strike.html")}) as srv:
        outcome = import_files(store, ImportRequest(paths=(), urls=(srv.url("/short"),)))
        port = srv.httpd.server_address[1]
    assert outcome.documents == [f"127.0.0.1_{port}/short"]
    doc = store.document(outcome.documents[0])
    assert doc.text == STRIKE_TEXT
    assert doc.source == body.decode("utf-8")
    meta = web_meta(doc)
    assert meta["url"] == f"http://127.0.0.1:{port}/news/strike.html"
    assert meta["title"] == STRIKE_META["title"] and meta["author"] == "Ines Varga"
    assert meta["fetched"].endswith("Z") and meta["fetched"][:2] == "20"


def _fetch_error(routes, path, limits=None) -> str:
    with serve(routes) as srv:
        url = srv.url(path)
        with pytest.raises(InputError) as info:
            fetch_page(url, limits)
    assert info.value.path == url
    return info.value.reason


def test_url_404_is_named():
    """A 404 is one error naming the URL and the status."""
    assert _fetch_error({}, "/gone") == "HTTP 404 Not Found"


def test_url_timeout_ends_the_fetch():
    """A server that stops sending is given up on at the deadline."""
    assert _fetch_error({"/slow": stall()}, "/slow", FetchLimits(timeout=0.5)) == "timed out after 0.5 s"


def test_url_timeout_holds_when_headers_never_end():
    """A server dripping its headers a byte at a time (each read is quick) is given up on at the deadline."""
    assert _fetch_error({"/drip": drip()}, "/drip", FetchLimits(timeout=0.5)) == "timed out after 0.5 s"


def test_url_too_large_is_refused_declared_or_not():
    """A page over the limit is refused by its Content-Length, or while reading when it sends none."""
    big = b"<html><body>" + b"<p>words words words</p>" * 10_000 + b"</body></html>"
    limits = FetchLimits(max_bytes=100_000)
    assert _fetch_error({"/big": page(big)}, "/big", limits) == \
        f"page is {len(big) / 2**20:.1f} MiB, larger than the 0.0954 MiB limit"
    assert _fetch_error({"/big": page(big, length=False)}, "/big", limits) == \
        "page is larger than the 0.0954 MiB limit"


def test_url_wrong_content_type_is_refused():
    """A PDF (or anything not HTML) is refused by its content type."""
    assert _fetch_error({"/a.pdf": page(b"%PDF-1.4", "application/pdf")}, "/a.pdf") == \
        "not a web page: content type application/pdf (only text/html or application/xhtml+xml)"


def test_url_redirect_loop_is_refused():
    """A redirect loop ends with a clear error, not a hang."""
    assert _fetch_error({"/a": redirect("/b"), "/b": redirect("/a")}, "/a") == \
        "too many redirects or a redirect loop (more than 5)"


def test_url_redirect_to_another_scheme_is_refused():
    """A redirect to file:// (or any scheme but http and https) is refused."""
    assert _fetch_error({"/a": redirect("file:///etc/passwd")}, "/a") == \
        "redirected to a file URL: only http and https are fetched"


def test_only_http_and_https_are_fetched():
    """Other schemes are refused before any connection."""
    with pytest.raises(InputError) as info:
        fetch_page("file:///etc/passwd")
    assert str(info.value) == "file:///etc/passwd: only http and https URLs are fetched, not file:"


def test_failed_url_writes_nothing(store, db_path):
    """A file and a failing URL in one import: nothing is stored, both files' errors are reported."""
    from tests.conftest import db_snapshot

    before = db_snapshot(db_path)
    with serve({}) as srv, pytest.raises(InputErrors) as info:
        import_files(store, ImportRequest(paths=(STRIKE,), urls=(srv.url("/gone"),)))
    assert [e.reason for e in info.value.errors] == ["HTTP 404 Not Found"]
    assert db_snapshot(db_path) == before
