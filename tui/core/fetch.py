"""Fetch one web page over HTTP(S) for import: bounded in time, size, redirects and kind.

``tui import https://…`` (and the app's import prompt) fetch a page with
:func:`fetch_page`, then read it as a saved page
(:mod:`tui.core.formats.html`). A URL is data from outside: only ``http``
and ``https`` are fetched (a redirect to anything else is refused), the
whole fetch has one deadline (not a timeout per read, which a server that
sends a byte a second would never reach), the body is refused past a size
limit (the declared ``Content-Length`` before reading, the bytes read while
reading), redirects are limited, and a response that is not HTML is refused.
Every failure is one :class:`InputError` naming the URL and the reason.

The standard library's ``urllib`` does the work: no new dependency, and the
user's ``https_proxy`` / ``no_proxy`` settings apply as in other tools.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tui.core.errors import InputError

#: A command-line argument that names a URL rather than a file: ``scheme://…``.
URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
#: Content types read as web pages.
HTML_TYPES = ("text/html", "application/xhtml+xml")
SCHEMES = ("http", "https")
USER_AGENT = "tui (terminal article reader; one page on request)"
_CHUNK = 64 * 1024
#: Seconds past the deadline before a fetch still running is abandoned.
_GRACE = 0.5


def is_url(text: str) -> bool:
    """Whether a command-line argument names a URL (``scheme://…``) rather than a file."""
    return bool(URL_RE.match(text))


@dataclass(frozen=True)
class FetchLimits:
    """How long and how much one fetch may take."""

    timeout: float = 20.0
    """Seconds for the whole fetch: connecting, redirects and reading the body."""
    max_bytes: int = 10 * 2**20
    """The largest body accepted."""
    max_redirects: int = 5
    """Redirects followed before giving up."""


@dataclass(frozen=True)
class FetchedPage:
    """A fetched page's bytes and what the response said about them."""

    url: str
    """The URL asked for."""
    final_url: str
    """Where the page was, after redirects."""
    body: bytes
    charset: str | None
    """The ``charset`` of the ``Content-Type`` header, if any."""
    fetched: str
    """When (UTC, ISO 8601, seconds)."""


def _redirect_handler(limit: int) -> Any:
    """A redirect handler following at most ``limit`` redirects, and only to http or https.

    (Built on call: ``urllib.request`` and ``http.client`` cost tens of
    milliseconds to import, which ``tui NAME`` need not pay.)
    """
    import urllib.request

    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = limit
        max_repeats = min(urllib.request.HTTPRedirectHandler.max_repeats, limit)

        def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
            # Checked before urllib's own check, which would let ftp: through and
            # report any other scheme as an HTTP error indistinguishable from a loop.
            from urllib.parse import urljoin

            newurl = urljoin(req.full_url, headers.get("location") or headers.get("uri") or "")
            scheme = urlsplit(newurl).scheme.lower()
            if scheme not in SCHEMES:
                fp.close()
                raise InputError(f"redirected to a {scheme or 'schemeless'} URL: only http and https are fetched",
                                 path=req.full_url)
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    return Redirects()


def check_url(url: str) -> None:
    """Refuse a URL that cannot be fetched before any connection is made.

    Raises:
        InputError: not http or https, no host, or a control character in it.
    """
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url) or " " in url:
        raise InputError("a URL cannot hold spaces or control characters", path=url)
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise InputError(f"only http and https URLs are fetched, not {parts.scheme}:", path=url)
    if not parts.hostname:
        raise InputError("no host in the URL", path=url)


def fetch_page(url: str, limits: FetchLimits | None = None) -> FetchedPage:
    """Fetch a web page, within ``limits``.

    Args:
        url: an http or https URL.
        limits: deadline, size and redirect limits (default :class:`FetchLimits`).

    Returns:
        The page's bytes, its final URL and charset, and when it was fetched.

    Raises:
        InputError: naming the URL and why: a refused scheme, an HTTP error
            status, a redirect loop or too many redirects, a timeout, a body
            over the size limit, a content type that is not HTML, no connection.
    """
    import threading

    lim = limits or FetchLimits()
    check_url(url)
    deadline = time.monotonic() + lim.timeout
    # The socket's timeout bounds each read, not the whole: a server that sends its
    # headers a byte at a time would never reach it. The fetch runs in a daemon thread
    # given the deadline (plus a little, so its own clearer error usually comes first);
    # past it, the thread is abandoned (its socket times out on its own) and this fails.
    outcome: list[FetchedPage | BaseException] = []

    def run() -> None:
        try:
            outcome.append(_fetch(url, lim, deadline))
        except BaseException as exc:  # handed to the caller's thread
            outcome.append(exc)

    worker = threading.Thread(target=run, name="tui-fetch", daemon=True)
    worker.start()
    worker.join(lim.timeout + _GRACE)
    if not outcome:
        raise _timed_out(url, lim)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _fetch(url: str, lim: FetchLimits, deadline: float) -> FetchedPage:
    """:func:`fetch_page`'s work, in its thread."""
    import socket
    import urllib.error
    import urllib.request
    from datetime import UTC, datetime

    opener = urllib.request.build_opener(_redirect_handler(lim.max_redirects))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": ", ".join(HTML_TYPES)})
    fetched = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    try:
        with opener.open(request, timeout=lim.timeout) as response:
            body = _read_body(url, response, lim, deadline)
            final_url = response.geturl()
            charset = response.headers.get_content_charset()
    except InputError as exc:  # from the redirect handler: name the URL asked for
        raise InputError(exc.reason, path=url) from None
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise InputError(f"too many redirects or a redirect loop (more than {lim.max_redirects})",
                             path=url) from None
        raise InputError(f"HTTP {exc.code} {str(exc.reason)[:100]}", path=url) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise _timed_out(url, lim) from None
        raise InputError(f"cannot fetch: {exc.reason}", path=url) from None
    except TimeoutError:
        raise _timed_out(url, lim) from None
    except (OSError, ValueError) as exc:  # a reset connection, a malformed response
        raise InputError(f"cannot fetch: {exc}", path=url) from None
    return FetchedPage(url=url, final_url=final_url, body=body, charset=charset, fetched=fetched)


def _timed_out(url: str, lim: FetchLimits) -> InputError:
    return InputError(f"timed out after {lim.timeout:g} s", path=url)


def _read_body(url: str, response: Any, lim: FetchLimits, deadline: float) -> bytes:
    """The response's body, checked for kind and size, read before the deadline."""
    ctype = response.headers.get_content_type() if response.headers.get("Content-Type") else None
    if ctype is not None and ctype not in HTML_TYPES:
        raise InputError(f"not a web page: content type {ctype} (only {' or '.join(HTML_TYPES)})", path=url)
    declared = response.headers.get("Content-Length")
    if declared is not None and declared.strip().isdigit() and int(declared) > lim.max_bytes:
        raise _too_large(url, int(declared), lim)
    chunks: list[bytes] = []
    got = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _timed_out(url, lim)
        _set_timeout(response, left)
        chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
        if got > lim.max_bytes:
            raise InputError(f"page is larger than the {lim.max_bytes / 2**20:.3g} MiB limit", path=url)
    return b"".join(chunks)


def _too_large(url: str, size: int, lim: FetchLimits) -> InputError:
    return InputError(
        f"page is {size / 2**20:.1f} MiB, larger than the {lim.max_bytes / 2**20:.3g} MiB limit",
        path=url,
    )


def _set_timeout(response: Any, seconds: float) -> None:
    """Make the next read wait at most ``seconds`` (the socket under an http.client response)."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.001))
