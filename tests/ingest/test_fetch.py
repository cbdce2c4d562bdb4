"""app.ingest.fetch: the limits hold against a real HTTP server on the loopback address.

No mocks: a threaded `http.server` on 127.0.0.1 plays every kind of server ingest
may meet (slow, redirecting in circles, flooding, lying about its size), and
records what it was asked and how much it had to send.
"""

import gzip
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.article import Article
from app.ingest.feeds import parse_feed
from app.ingest.fetch import FetchError, fetch

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback News</title>
<item><title>Served locally</title><guid>loop-1</guid>
<pubDate>Fri, 05 Mar 2021 10:00:00 GMT</pubDate>
<description>A feed served by the test server.</description></item>
</channel></rss>"""
LIMIT = 64 * 1024
FLOOD_BYTES = 64 * 1024 * 1024  # what the flooding endpoints would send if let
CHUNK = 16 * 1024
SLOW_SECONDS = 5.0


class Server(ThreadingHTTPServer):
    """The test server: handler threads are joined on close, and it keeps a log."""

    daemon_threads = False
    block_on_close = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[str] = []
        self.sent: dict[str, int] = {}  # body bytes written, per path
        self.finished = threading.Event()  # set when a flooding handler stops
        self.stop = threading.Event()  # set at teardown: slow handlers give up

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address) -> None:
        pass  # the client hanging up mid-response is what several tests are about


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        path, _, number = self.path.rpartition("/")
        if path == "/chain":  # /chain/0 -> /chain/1 -> ... -> /chain/10 -> the feed
            hop = int(number)
            return self.redirect(f"/chain/{hop + 1}") if hop < 10 else self.send(FEED)
        route = ROUTES.get(self.path)
        if route is None:
            return self.send(b"no such page", status=404)
        route(self)

    def send(self, body: bytes, *, status: int = 200, headers: dict[str, str] | None = None):
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send(b"", status=302, headers={"Location": location})

    def flood(self, headers: dict[str, str]) -> None:
        """Send up to FLOOD_BYTES, counting what the client let through before hanging up."""
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        sent = 0
        try:
            while sent < FLOOD_BYTES and not self.server.stop.is_set():
                self.wfile.write(b"x" * CHUNK)
                sent += CHUNK
        except OSError:
            pass  # the client closed the connection: the point of the test
        finally:
            self.server.sent[self.path] = sent
            self.server.finished.set()

    def slow(self) -> None:
        if not self.server.stop.wait(SLOW_SECONDS):
            self.send(FEED)

    def trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        try:
            while not self.server.stop.wait(0.1):
                self.wfile.write(b"x")
                self.wfile.flush()
        except OSError:
            pass


ROUTES: dict[str, Callable[[Handler], None]] = {
    "/feed.xml": lambda h: h.send(FEED, headers={"Content-Type": "application/rss+xml"}),
    "/hop1": lambda h: h.redirect("/hop2"),  # relative
    "/hop2": lambda h: h.redirect(f"{h.server.base}/feed.xml"),  # absolute
    "/loop": lambda h: h.redirect("/loop"),
    "/to-ftp": lambda h: h.redirect(f"ftp://127.0.0.1:{h.server.server_address[1]}/feed.xml"),
    "/to-file": lambda h: h.redirect("file:///etc/passwd"),
    "/to-javascript": lambda h: h.redirect("javascript:alert(1)"),
    "/no-location": lambda h: h.send(b"", status=302),
    "/stream-big": lambda h: h.flood({"Content-Type": "text/plain"}),  # no Content-Length
    "/declared-big": lambda h: h.flood({"Content-Length": str(FLOOD_BYTES)}),
    "/gzip-bomb": lambda h: h.send(
        gzip.compress(b"\0" * (8 * 1024 * 1024)), headers={"Content-Encoding": "gzip"}
    ),
    "/server-error": lambda h: h.send(b"oops", status=500),
    "/slow": Handler.slow,
    "/trickle": Handler.trickle,
}


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    thread = threading.Thread(
        target=running.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield running
    finally:
        running.stop.set()
        running.shutdown()
        running.server_close()  # joins the handler threads
        thread.join(timeout=5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- what is fetched ------------------------------------------------------------------------


def test_fetches_a_feed(server):
    body = fetch(f"{server.base}/feed.xml", max_bytes=LIMIT)
    assert body == FEED
    ((_, article),) = parse_feed(body, max_bytes=LIMIT)
    assert isinstance(article, Article) and article.title == "Served locally"


def test_follows_a_redirect_chain_of_two_hops(server):
    assert fetch(f"{server.base}/hop1", max_bytes=LIMIT) == FEED
    assert server.requests == ["/hop1", "/hop2", "/feed.xml"]


def test_follows_exactly_max_redirects(server):
    assert fetch(f"{server.base}/chain/5", max_bytes=LIMIT, max_redirects=5) == FEED


# --- what is refused ------------------------------------------------------------------------


def test_redirect_loop_is_refused(server):
    with pytest.raises(FetchError, match="redirect loop"):
        fetch(f"{server.base}/loop", max_bytes=LIMIT)
    assert len(server.requests) <= 2


def test_ten_redirects_are_refused(server):
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(f"{server.base}/chain/0", max_bytes=LIMIT, max_redirects=5)
    assert server.requests == [f"/chain/{hop}" for hop in range(6)]


@pytest.mark.parametrize(
    ("path", "scheme"), [("/to-ftp", "ftp"), ("/to-file", "file"), ("/to-javascript", "javascript")]
)
def test_redirect_away_from_the_web_is_refused(server, path, scheme):
    with pytest.raises(FetchError, match=f"refusing {scheme}:"):
        fetch(f"{server.base}{path}", max_bytes=LIMIT)
    assert server.requests == [path]


def test_redirect_without_location_is_refused(server):
    with pytest.raises(FetchError, match="302"):
        fetch(f"{server.base}/no-location", max_bytes=LIMIT)


def test_streamed_body_over_the_limit_is_refused_while_reading(server):
    with pytest.raises(FetchError, match=f"over the limit of {LIMIT:,} bytes") as refused:
        fetch(f"{server.base}/stream-big", max_bytes=LIMIT)
    read = int(re.search(r"body passed ([\d,]+) bytes", str(refused.value))[1].replace(",", ""))
    assert LIMIT < read <= LIMIT + 256 * 1024  # stopped at the first chunk over the limit
    assert server.finished.wait(10), "the server never saw the client hang up"
    # Socket buffers let a megabyte or so through, never the whole flood.
    assert server.sent["/stream-big"] < FLOOD_BYTES / 4


def test_content_length_over_the_limit_is_refused_before_reading(server):
    with pytest.raises(FetchError, match="Content-Length says 67,108,864 bytes"):
        fetch(f"{server.base}/declared-big", max_bytes=LIMIT)
    assert server.finished.wait(10)
    assert server.sent["/declared-big"] < FLOOD_BYTES / 4


def test_compressed_body_is_limited_by_its_decompressed_size(server):
    with pytest.raises(FetchError, match="over the limit"):
        fetch(f"{server.base}/gzip-bomb", max_bytes=LIMIT)


@pytest.mark.parametrize(("path", "status"), [("/missing", "404"), ("/server-error", "500")])
def test_error_status_is_refused_and_named(server, path, status):
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        fetch(f"{server.base}{path}", max_bytes=LIMIT)


def test_slow_server_times_out(server):
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(f"{server.base}/slow", max_bytes=LIMIT, timeout=0.5)
    assert time.monotonic() - started < 1.5


def test_trickling_server_is_cut_off_at_the_deadline(server):
    # Each byte arrives well within the read timeout; only the deadline ends it.
    started = time.monotonic()
    with pytest.raises(FetchError, match="took too long|timed out"):
        fetch(f"{server.base}/trickle", max_bytes=LIMIT, timeout=0.5, deadline=1.0)
    assert 0.9 < time.monotonic() - started < 2.0


def test_nothing_listening_is_a_fetch_error():
    with pytest.raises(FetchError, match="could not fetch"):
        fetch(f"http://127.0.0.1:{free_port()}/feed.xml", max_bytes=LIMIT, timeout=2)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1:{port}/feed.xml",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/plain,hello",
        "gopher://127.0.0.1:{port}/",
    ],
)
def test_non_web_schemes_are_refused_without_a_connection(server, url):
    scheme = url.split(":", 1)[0]
    with pytest.raises(FetchError, match=f"refusing {scheme}:"):
        fetch(url.format(port=server.server_address[1]), max_bytes=LIMIT)
    assert server.requests == []


@pytest.mark.parametrize("url", ["", "not a url", "http://", "https:///no-host", "//127.0.0.1/x"])
def test_malformed_urls_are_refused(url):
    with pytest.raises(FetchError):
        fetch(url, max_bytes=LIMIT)
