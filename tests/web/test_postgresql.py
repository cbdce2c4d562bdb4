"""Every endpoint and page answers the same on PostgreSQL as on SQLite.

The API's own tests run on SQLite (`test_api.py`, `test_pages.py`); the SQL that differs
between the two databases is tested on both where it lives (the store, the archive, the
query layer, ingest). This is the smoke test over the whole web face: the same stories
are written through `POST /api/articles` into an app over each database, and every GET
route the app declares (each article route for a story and for one with versions), in
ways that filter, sort and page, must give the same status and the same body on both;
then a `DELETE` on both leaves the same archive.
"""

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from support.browser import BURST_PLACE, QUERY, THREAD, corpus
from support.databases import settings_on
from support.helpers import all_routes

from app.facets import FACETS
from app.web.app import create_app

TOKEN = "a-token-for-both-databases"
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}"}
STORIES = corpus()
SEARCHES = [  # every list route is asked each of these
    {},
    {"q": QUERY},
    {"q": QUERY, "place": BURST_PLACE, "sort": "oldest", "per_page": "5", "page": "2"},
    {"q": f"{QUERY} OR gas", "from": "2024-01-01", "to": "2024-12-31", "collapse": "false"},
    {"topic": "harvest", "sort": "newest"},
    {"q": "zzqqxx"},
    {"page": "999"},  # refused alike
]
ARTICLES = [THREAD[1], STORIES[0].id, "no-such-story"]


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> Iterator[dict[str, TestClient]]:
    """A client over each database, the same stories written through the API into both."""
    records = [story.record() for story in STORIES]
    with ExitStack() as stack:
        clients = {}
        for name in ("sqlite", "postgresql"):
            settings = stack.enter_context(settings_on(name, tmp_path_factory.mktemp(name)))
            writable = settings.model_copy(update={"api_token": SecretStr(TOKEN)})
            clients[name] = stack.enter_context(TestClient(create_app(writable)))
            sent = clients[name].post("/api/articles", json=records, headers=AUTHORIZED)
            assert sent.status_code == 200, sent.text
        yield clients


def get_routes() -> list[str]:
    """Every GET path the app declares, its id filled with each of `ARTICLES` and a name
    with one the archive holds and one it lacks; a period's with a month of the stories."""
    paths = [
        route.path
        for route in all_routes(create_app().routes)
        if "GET" in route.methods and route.path != "/healthz"
    ]
    day = STORIES[0].published
    filled = {"{year:int}": str(day.year), "{month:int}": str(day.month), "{day:int}": str(day.day)}
    routes = []
    for path in paths:
        for part, value in filled.items():
            path = path.replace(part, value)
        routes += [
            path.replace("{article_id}", article).replace("{name:path}", value)
            for article in (ARTICLES if "{article_id}" in path else [""])
            for value in (_names(path) if "{name:path}" in path else [""])
        ]
    return routes


def _names(path: str) -> list[str]:
    """A name of the facet whose page `path` is, and one the archive lacks."""
    declared = next(f for f in FACETS if path.startswith(f"{f.path}/"))
    story = STORIES[0]
    value = story.topics[0] if declared.many else getattr(story, declared.field)
    return [value, "nowhere-at-all"]


@pytest.mark.parametrize("path", get_routes())
def test_every_get_route_answers_alike_on_both(both, path):
    for params in SEARCHES:
        answers = {name: client.get(path, params=params) for name, client in both.items()}
        sqlite, postgresql = answers["sqlite"], answers["postgresql"]
        assert sqlite.status_code < 500, (path, params)
        assert (postgresql.status_code, postgresql.content) == (
            sqlite.status_code,
            sqlite.content,
        ), (path, params)


def test_a_delete_leaves_the_same_archive_on_both(both):
    for client in both.values():
        deleted = client.delete(f"/api/articles/{THREAD[0]}", headers=AUTHORIZED)
        assert deleted.status_code == 204, deleted.text
    stats = [client.get("/api/stats").json() for client in both.values()]
    assert stats[0] == stats[1] and stats[0]["articles"] == len(STORIES) - 1
