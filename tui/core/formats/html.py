"""Saved web pages (``.html``) and URLs in, as documents: the article's text and metadata.

trafilatura (a news-article extractor) finds the article in the page: its
text, without navigation, advertisements, comments or footers, and its
metadata. The extracted text is the document text, exactly as extracted
(offsets index it; its sha256 is stored as for any document). The page's
HTML is kept as the document's ``source`` and the metadata in
``meta["web"]``:

==========  ===================================================
``title``   the article's headline
``author``  its byline
``date``    its publication date (``YYYY-MM-DD``)
``site``    the site's name
``url``     the page's canonical URL (or the URL it was fetched from)
``fetched`` when it was fetched (UTC, ISO 8601): URL imports only
==========  ===================================================

Only the keys found are stored. Each value is a string from the page, so
it is data: bounded to :data:`MAX_META_CHARS` here, and shown only through
the one sanitizer. A page in which no article text is found is refused
with its file (or URL) named.

trafilatura is imported on first use: detecting formats imports this module,
and the app's start-up must not pay for the extractor.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from tui.core.errors import InputError
from tui.core.formats.text import read_bytes, read_each
from tui.core.model import WEB_META_KEY, DocAnnotations, Document
from tui.core.text.offsets import decode_utf8

if TYPE_CHECKING:
    from tui.core.fetch import FetchLimits

SUFFIXES = (".html", ".htm", ".xhtml")
#: The key of a document's ``meta`` that holds a web page's metadata.
META_KEY = WEB_META_KEY
#: The metadata fields, in the order they are shown.
FIELDS = ("title", "site", "author", "date", "url", "fetched")
#: The longest metadata value kept (a 1 MB ``<title>`` is cut, with a note).
MAX_META_CHARS = 500
#: The largest saved page read (the URL limit is :class:`FetchLimits`'s).
MAX_BYTES = 64 * 2**20
#: The longest part of a document name made from a URL, and the most parts.
MAX_NAME_PART = 80
MAX_NAME_PARTS = 8
#: The shortest text accepted from trafilatura's fallback extractors (shorter is a menu, not an article).
MIN_FALLBACK_CHARS = 200
#: What every extraction asks for: metadata, tables; no comments, no deduplication across pages.
_OPTIONS: dict[str, Any] = {"with_metadata": True, "include_comments": False, "include_tables": True,
                            "deduplicate": False}

_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_WINDOWS_1252 = ("iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "windows-1252",
                 "cp1252", "x-cp1252")
#: Latin-1's C1 range as windows-1252 has it (its five unassigned bytes stay as they are).
_CP1252 = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decode_html(data: bytes, where: str, charset: str | None = None) -> str:
    """A page's bytes as text: by its BOM, else the HTTP charset, else its ``<meta charset>``, else UTF-8.

    Args:
        data: the page's bytes.
        where: the file or URL, for errors.
        charset: the HTTP ``Content-Type`` charset, if the page was fetched.

    Raises:
        InputError: an unknown charset, or bytes invalid in it (with the byte offset).
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            charset = name
            break
    else:
        if charset is None:
            m = _CHARSET_RE.search(data[:4096])
            charset = m.group(1).decode("ascii") if m else "utf-8"
    codec = charset.lower()
    if codec in ("utf-8", "utf8"):
        return decode_utf8(data, where)
    if codec in _WINDOWS_1252:
        # Browsers read these labels as windows-1252 (WHATWG Encoding), where 0x80-0x9F are
        # curly quotes and dashes, not C1 controls; its five unassigned bytes stay Latin-1.
        return data.decode("latin-1").translate(_CP1252)
    try:
        return data.decode(codec)
    except LookupError:
        raise InputError(f"unknown character set {charset[:40]!r}", path=where) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"invalid {codec} at byte {exc.start}: {exc.reason}", path=where) from None


def extract(html: str, where: str, *, url: str | None = None) -> tuple[str, dict[str, str], list[str]]:
    """The article's text and metadata in a page.

    Args:
        html: the page.
        where: the file or URL, for errors.
        url: where the page came from (a fetched page's URL), used when the page names none.

    Returns:
        The text (as extracted), the metadata found (see the module doc), and
        notes (metadata values cut to :data:`MAX_META_CHARS`).

    Raises:
        InputError: no article text in the page.
    """
    trafilatura = _trafilatura()
    # HTML turns NUL into U+FFFD when it parses (WHATWG 13.2.5); lxml would stop at it.
    page = html.replace("\x00", "\ufffd")
    # The main extractor, tuned for precision, first: on a page of navigation only it
    # finds nothing, where the fallbacks would return the menu as "the article". They
    # are tried when it finds nothing, and what they find is kept only if it is long
    # enough to be an article (:data:`MIN_FALLBACK_CHARS`).
    try:
        found = trafilatura.bare_extraction(page, url=url, fast=True, favor_precision=True, **_OPTIONS)
        text = _text_of(found)
        if not text:
            found = trafilatura.bare_extraction(page, url=url, **_OPTIONS)
            text = _text_of(found)
            if len(text) < MIN_FALLBACK_CHARS:
                text = ""
    except Exception as exc:  # noqa: BLE001 - lxml refusing a page, or an extractor bug: one clean line
        raise InputError(f"no article found: the extractor failed on the page ({type(exc).__name__}: "
                         f"{str(exc)[:100]})", path=where) from None
    if not text:
        raise InputError("no article text found in the page (nothing but navigation, or no text)", path=where)
    meta: dict[str, str] = {}
    notes: list[str] = []
    for key, attr in (("title", "title"), ("site", "sitename"), ("author", "author"), ("date", "date"),
                      ("url", "url")):
        value = getattr(found, attr, None)
        if not isinstance(value, str) or not value.strip():
            continue
        if len(value) > MAX_META_CHARS:
            notes.append(f"{where}: {key} is {len(value)} characters long: kept the first {MAX_META_CHARS}")
            value = value[:MAX_META_CHARS]
        meta[key] = value
    if url and "url" not in meta:
        meta["url"] = url[:MAX_META_CHARS]
    return text, meta, notes


def _text_of(found: Any) -> str:
    text = getattr(found, "text", None) if found is not None else None
    return text if isinstance(text, str) and text.strip() else ""


def page_document(html: str, name: str, where: str, *, schema: str = "ace2005", url: str | None = None,
                  fetched: str | None = None, notes: list[str] | None = None) -> Document:
    """A document from a page's HTML: extracted text, the HTML as source, metadata in ``meta``.

    Args:
        html: the page, decoded.
        name: the document name.
        where: the file or URL, for errors.
        schema: the schema the document is bound to.
        url: the URL it was fetched from, if it was.
        fetched: when it was fetched, if it was.
        notes: receives one line per metadata value cut.

    Raises:
        InputError: no article text in the page.
    """
    text, meta, cut = extract(html, where, url=url)
    if fetched:
        meta["fetched"] = fetched
    if notes is not None:
        notes.extend(cut)
    return Document(name=name, text=text, source=html, schema=schema, meta={META_KEY: meta})


def read_file(path: Path, name: str, schema: str = "ace2005", notes: list[str] | None = None) -> Document:
    """Read a saved page into a document (see :func:`page_document`).

    Raises:
        InputError: unreadable, too large, undecodable, or no article in it, naming the file.
    """
    where = str(path)
    html = decode_html(read_bytes(path, MAX_BYTES, binary=True), where)
    return page_document(html, name, where, schema=schema, notes=notes)


def read_url(url: str, limits: FetchLimits | None = None, schema: str = "ace2005",
             notes: list[str] | None = None) -> Document:
    """Fetch a page and read it into a document named by :func:`url_name`.

    Raises:
        InputError: naming the URL: see :func:`tui.core.fetch.fetch_page`, and no article in it.
    """
    from tui.core.fetch import fetch_page  # urllib's HTTP stack: only when a URL is imported
    from tui.core.outpath import split_relative

    page = fetch_page(url, limits)
    html = decode_html(page.body, url, page.charset)
    name = url_name(page.url)
    split_relative(name, "document")  # url_name's promise, checked by the one name policy
    return page_document(html, name, url, schema=schema, url=page.final_url,
                         fetched=page.fetched, notes=notes)


def url_name(url: str) -> str:
    """A document name for a URL: its host and path, each part made a safe file name.

    ``https://courier.example/business/2024/port-strike.html?page=2`` gives
    ``courier.example/business/2024/port-strike-1a2b3c4d`` (a query adds a
    short hash of it). Parts keep letters, digits, ``.``, ``_`` and ``-``
    (anything else becomes ``-``), never start with a dot (no ``..``, no
    hidden file), are at most :data:`MAX_NAME_PART` characters, and there
    are at most :data:`MAX_NAME_PARTS` of them: the name passes the output
    path policy (:func:`tui.core.outpath.split_relative`).
    """
    parts = urlsplit(url)
    host = (parts.hostname or "page") + (f"_{parts.port}" if parts.port else "")
    segments = [s for s in unquote(parts.path).split("/") if s]
    if segments:
        last = segments[-1]
        stem, dot, suffix = last.rpartition(".")
        if dot and stem and ("." + suffix.lower()) in SUFFIXES + (".php", ".asp", ".aspx", ".shtml"):
            segments[-1] = stem
    segments = segments[-(MAX_NAME_PARTS - 1):] or ["index"]
    if parts.query:
        segments[-1] += "-" + hashlib.sha256(parts.query.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return "/".join(_safe_part(s) for s in [host, *segments])


def _safe_part(part: str) -> str:
    clean = re.sub(r"[^\w.-]+", "-", unicodedata.normalize("NFC", part), flags=re.ASCII)
    clean = clean.lstrip(".-") or "_"
    return clean[:MAX_NAME_PART]


def web_meta(doc: Document) -> dict[str, str]:
    """A document's web page metadata (empty for other documents), each value a string."""
    return doc.web_meta()


def _trafilatura() -> Any:
    """Import trafilatura, its loggers silenced: their messages quote page data and would reach stderr."""
    import trafilatura

    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        log = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
            log.addHandler(logging.NullHandler())
        log.propagate = False
    return trafilatura


def read(paths: list[Path], options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Registry entry: saved pages, or folders of them.

    With ``--format html`` a folder gives its pages only; detected (``auto``),
    a folder holding pages gives its text and Markdown files too, as a folder
    of ``.txt`` would (:func:`tui.core.formats.detect_format` sends such a
    folder here).

    Raises:
        InputErrors: every unreadable file or page without an article, each named.
    """
    from tui.core.formats import text as plain

    schema = getattr(options, "schema", "ace2005")
    notes = getattr(options, "notes", None)
    mixed = getattr(options, "fmt", "auto") == "auto"

    def one(f: Path, name: str) -> list[tuple[Document, DocAnnotations]]:
        if f.suffix.lower() in SUFFIXES or not mixed:
            return [(read_file(f, name, schema, notes), DocAnnotations())]
        return [(plain.read_document(f, name, "auto", schema), DocAnnotations())]

    return read_each(paths, SUFFIXES + plain.SUFFIXES if mixed else SUFFIXES, one)
