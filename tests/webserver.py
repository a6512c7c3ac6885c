"""A local HTTP server on 127.0.0.1 serving saved pages, for the URL import tests (never the internet).

Each route is a function of the request handler that writes the whole
response, so a test can serve a page, a 404, a redirect loop, a wrong
content type, a page that never finishes, or one larger than the limit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]


class PageServer:
    """A running server: ``url(path)`` gives a page's address; ``release`` frees stalled handlers."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.release = threading.Event()
        """Set when the test ends: a handler that stalls (the timeout test) waits on it."""
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests.append(self.path)
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                route(self)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.release = self.release  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[PageServer]:
    """Run a :class:`PageServer` for the ``with`` block, then stop it."""
    srv = PageServer(routes)
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.release.set()
        srv.httpd.shutdown()
        srv.httpd.server_close()
        srv.thread.join()


def page(body: bytes, ctype: str = "text/html; charset=utf-8", *, length: bool = True) -> Route:
    """A route answering 200 with ``body``; ``length=False`` sends no Content-Length (read to the end)."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", ctype)
        if length:
            h.send_header("Content-Length", str(len(body)))
        else:
            h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(body)

    return route


def redirect(location: str) -> Route:
    """A route answering 302 to ``location``."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return route


def stall() -> Route:
    """A route that sends headers and part of a page, then waits until the test ends."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.write(b"<html><body><p>The start of a page that never ends")
        h.wfile.flush()
        h.server.release.wait(60)  # type: ignore[attr-defined]

    return route


def drip() -> Route:
    """A route that sends its status line and headers a byte at a time, never finishing them."""

    def route(h: BaseHTTPRequestHandler) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"x" * 100_000:
            if h.server.release.wait(0.05):  # type: ignore[attr-defined]
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()

    return route
