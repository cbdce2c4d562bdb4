"""The database away (issue 24): every page and endpoint answers 503 with Retry-After and
says why, never 500; a write committed before it went stands; the log holds a line when it
goes and one when it is back, no traceback; and the archive answers again on its own.

The app reaches CI's PostgreSQL through a proxy the test cuts (`support/proxy.py`): every
connection closed and new ones refused, without stopping the server the other tests use.
"""

import html
import logging
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from support.databases import settings_on
from support.proxy import CuttableProxy, proxied

from app.web.app import create_app

TOKEN = "a-token-for-the-outage"
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}"}
STORY = {"id": "before", "published": "2024-05-01", "title": "Grain ships", "body": "Grain."}
PATHS = [
    "/api/search?q=grain",
    "/api/articles",
    "/api/articles/before",
    "/api/stats",
    "/search?q=grain",
    "/",
    "/articles/before",
    "/places",
    "/archive/2024",
]


@pytest.fixture
def outage(tmp_path) -> Iterator[tuple[TestClient, CuttableProxy]]:
    """A client over an app whose PostgreSQL store is reached through a proxy."""
    with settings_on("postgresql", tmp_path) as settings:
        url = make_url(settings.database_url)
        with proxied(url.host or "127.0.0.1", url.port or 5432) as proxy:
            through = url.set(host="127.0.0.1", port=proxy.port)
            changes = {
                "database_url": through.render_as_string(hide_password=False),
                "api_token": SecretStr(TOKEN),
            }
            app = create_app(settings.model_copy(update=changes))
            with TestClient(app, raise_server_exceptions=False) as client:
                assert client.post("/api/articles", json=[STORY], headers=AUTHORIZED).is_success
                yield client, proxy


def test_every_page_and_endpoint_is_a_503_that_says_so_while_the_store_is_away(outage, caplog):
    client, proxy = outage
    caplog.set_level(logging.WARNING)
    proxy.cut()
    answers = {path: client.get(path) for path in PATHS}
    # what the node holds already (a browse list it keeps a generation) may still be served
    assert {answer.status_code for answer in answers.values()} <= {200, 503}
    assert answers["/api/search?q=grain"].status_code == 503
    for path, answer in answers.items():
        if answer.status_code == 200:
            continue
        assert answer.headers["retry-after"] == "5"
        if path.startswith("/api/"):
            detail = answer.json()["detail"]
            assert detail.startswith("the archive's database is not answering: "), detail
        else:
            assert "The archive's database is not answering just now" in html.unescape(answer.text)
    assert client.get("/livez").json() == {"status": "alive"}  # alive, not ready
    assert client.get("/healthz").status_code == 503
    posted = client.post("/api/articles", json=[{**STORY, "id": "during"}], headers=AUTHORIZED)
    assert posted.status_code == 503, posted.text
    away = [r.getMessage() for r in caplog.records if "not answering" in r.getMessage()]
    assert len(away) == 1 and not [r for r in caplog.records if r.exc_info]

    proxy.restore()
    deadline = time.monotonic() + 2
    while client.get("/api/search?q=grain").status_code != 200:
        assert time.monotonic() < deadline, "not answering 2 s after the store came back"
        time.sleep(0.05)
    found = client.get("/api/search", params={"q": "grain"}).json()
    assert [item["id"] for item in found["items"]] == ["before"]  # "during" was not stored
    assert any("answers again after" in r.getMessage() for r in caplog.records)


def test_a_write_committed_before_the_store_went_stands_and_says_so(outage, monkeypatch):
    """The store goes away between the write's commit and the index's catch-up: the answer
    is what was stored, and the index applies it once the store answers again."""
    client, proxy = outage
    archive = client.app.state.archive
    upsert = archive.store.upsert

    def commit_then_go_away(*args, **kwargs):
        outcomes = upsert(*args, **kwargs)
        proxy.cut()
        return outcomes

    monkeypatch.setattr(archive.store, "upsert", commit_then_go_away)
    posted = client.post(
        "/api/articles",
        json=[{**STORY, "id": "after", "body": "Grain, again."}],
        headers=AUTHORIZED,
    )
    assert posted.status_code == 200, posted.text
    assert posted.json()["added"] == 1, posted.json()
    proxy.restore()
    monkeypatch.undo()
    archive.catch_up()
    found = client.get("/api/search", params={"q": "grain"}).json()
    assert {item["id"] for item in found["items"]} == {"before", "after"}
