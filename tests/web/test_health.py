"""GET /healthz: how far this node's index follows the store, and 503 when a load balancer
should send its searches elsewhere (filling, behind, or no store), on both stores."""

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from support.databases import settings_on_both  # noqa: F401  (the `settings` fixture)
from support.stories import SEED

from app.archive import Archive
from app.engine import applied
from app.ingest import ingest
from app.settings import Settings
from app.web.app import create_app


def other_node(settings: Settings) -> Archive:
    """Another node on the same store, with an index of its own."""
    data_dir = settings.data_dir.parent / "other"
    return Archive(settings.model_copy(update={"data_dir": data_dir, "index_dir": data_dir / "i"}))


def test_an_up_to_date_node_is_ok(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert answer.json() == {
        "status": "ok",
        "applied": 1,
        "latest": 1,
        "behind": 0,
        "lag_seconds": 0,
    }


def test_a_node_whose_index_was_never_filled_is_filling(settings):
    writer = other_node(settings)
    ingest(writer, [SEED])
    writer.close()
    with TestClient(create_app(settings, catch_up=False)) as node:
        applied.forget(settings.index_path)  # as a new node's index, before its follower runs
        answer = node.get("/healthz")
        assert answer.status_code == 503
        assert answer.json()["status"] == "filling" and answer.json()["applied"] is None
        node.app.state.archive.catch_up()
        assert node.get("/healthz").json()["status"] == "ok"
        assert node.get("/api/search", params={"q": "Budapest"}).json()["total"] == 1


def test_a_node_lacking_a_change_for_too_long_is_behind_until_it_catches_up(settings):
    impatient = settings.model_copy(update={"max_lag_seconds": 0.05})
    with TestClient(create_app(impatient)) as node:
        writer = other_node(settings)
        ingest(writer, [SEED])
        writer.close()
        time.sleep(0.1)
        answer = node.get("/healthz")
        assert answer.status_code == 503
        body = answer.json()
        assert (body["status"], body["applied"], body["latest"], body["behind"]) == (
            "behind",
            0,
            1,
            1,
        )
        assert body["lag_seconds"] >= 0.05
        node.app.state.archive.catch_up()
        assert node.get("/healthz").status_code == 200


def test_a_node_that_cannot_read_the_store_says_so(settings):
    with TestClient(create_app(settings)) as node:
        break_store(settings.database_url)
        answer = node.get("/healthz")
        assert answer.status_code == 503
        assert answer.json()["status"] == "store unreachable"
        assert answer.json()["applied"] == 0


def break_store(url: str) -> None:
    """Make the store unreadable under a running app: its tables dropped (SQLite), its
    schema (PostgreSQL)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        if url.startswith("sqlite"):
            for table in ("aliases", "articles", "changes"):
                connection.execute(text(f"DROP TABLE {table}"))
        else:
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_only_get_and_head_are_served(client, method):
    answer = client.request(method, "/healthz")
    assert answer.status_code == 405
    assert client.head("/healthz").status_code == 200
