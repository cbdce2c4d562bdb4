"""Shared fixtures: every test gets its own data directory under tmp_path, with small limits."""

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support.databases import settings_on
from support.stories import SEED, write_story

from app.archive import Archive
from app.ingest import ingest
from app.settings import Settings
from app.web.app import create_app


def pytest_configure(config: pytest.Config) -> None:
    # When a property test fails, Hypothesis imports libcst to print a patch, which warns
    # through mypy_extensions; as an error (filterwarnings = error) it would hide the failure.
    config.addinivalue_line(
        "filterwarnings", "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
    )


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    """SQLite in tmp_path; NEWSARCHIVE_TEST_BACKEND=postgresql runs every test that takes
    these settings on a PostgreSQL database of its own instead."""
    with settings_on(os.environ.get("NEWSARCHIVE_TEST_BACKEND", "sqlite"), tmp_path) as chosen:
        yield chosen


@pytest.fixture
def archive(settings: Settings) -> Iterator[Archive]:
    opened = Archive(settings)
    yield opened
    opened.close()


@pytest.fixture
def seeded(archive: Archive) -> Archive:
    """An archive holding the seed."""
    report = ingest(archive, [SEED])
    assert report.added == 1
    return archive


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A test client over an app whose archive holds the seed."""
    app = create_app(settings)
    with TestClient(app) as test_client:
        ingest(app.state.archive, [SEED])
        yield test_client


@pytest.fixture
def add_stories(tmp_path: Path):
    """`add_stories(archive, {name: body or (body, parts)})` writes and ingests stories."""
    counter = iter(range(10**6))

    def add(archive: Archive, stories: dict[str, str | tuple[str, dict]]):
        directory = tmp_path / f"stories-{next(counter)}"
        for name, value in stories.items():
            body, parts = (value, {}) if isinstance(value, str) else value
            write_story(directory, name, body, **parts)
        return ingest(archive, [directory])

    return add


@pytest.fixture
def web_server() -> Iterator[tuple[str, dict[str, tuple[str, bytes]]]]:
    """A real HTTP server on 127.0.0.1: `(base_url, routes)`; put `path: (type, body)` in routes."""
    routes: dict[str, tuple[str, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            content_type, body = routes.get(self.path, ("text/plain", b""))
            self.send_response(200 if self.path in routes else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", routes
    server.shutdown()
    server.server_close()
    thread.join()
