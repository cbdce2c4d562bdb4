"""End to end: a real `newsarchive serve` process, real HTTP, and the CLI ingesting beside it.

The server starts on a free port of 127.0.0.1 with its data directory in tmp_path,
ingests the seeds because its archive is empty, and must show what a separate
`ingest` process adds while it runs, without a restart.
"""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.helpers import Server, listed_ids, server_env, serving, wait_for
from support.stories import ROOT, SEED_ID, write_story

pytestmark = pytest.mark.e2e

VISIBLE_TIMEOUT = 5.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("e2e")
    env = server_env(home, NEWSARCHIVE_SEEDS_DIR=str(ROOT / "seeds"))
    with serving(home, env, ready=f"/api/articles/{SEED_ID}") as running:
        yield running


def test_serves_the_seed(server):
    article = server.http.get(f"/api/articles/{SEED_ID}").json()
    assert article["id"] == SEED_ID
    assert article["place"] == "WASHINGTON"
    page = server.http.get(f"/articles/{SEED_ID}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for url in ("/", "/archive/2025/10/17", "/static/style.css"):
        assert server.http.get(url).status_code == 200, url
    assert server.http.get("/api/nope").json() == {"detail": "Not Found"}


def test_search_over_http(server):
    found = server.http.get("/api/search", params={"q": "Budapest"}).json()
    assert [item["id"] for item in found["items"]] == [SEED_ID]
    page = server.http.get("/search", params={"q": "Budapest"}).text
    assert listed_ids(page) == [SEED_ID]


def test_ingest_while_serving_shows_without_restart(server, tmp_path):
    path = write_story(
        tmp_path, "001_0123456789abcdef.txt", "Quetzalcoatlus fossils found near Rostov."
    )
    ingest = server.ingest(path, timeout=60)
    assert ingest.returncode == 0, ingest.stderr
    assert "added 1" in ingest.stderr

    def found() -> list[str]:
        items = server.http.get("/api/search", params={"q": "quetzalcoatlus"}).json()["items"]
        return [item["id"] for item in items]

    wait_for(lambda: found() == ["0123456789abcdef"], VISIBLE_TIMEOUT, "the new article found")
    page = server.http.get("/search", params={"q": "quetzalcoatlus"})
    assert page.status_code == 200
    assert listed_ids(page.text) == ["0123456789abcdef"]
    article = server.http.get("/api/articles/0123456789abcdef").json()
    assert article["title"].startswith("Quetzalcoatlus fossils")
    assert server.process.poll() is None  # the same process, still serving


# --- several worker processes ----------------------------------------------------------------


def worker_pids(parent: int) -> list[int]:
    """The processes `parent` spawned to serve (uvicorn's workers), read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == parent and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return sorted(found)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_two_workers_serve_one_archive_seeded_once(tmp_path):
    env = server_env(tmp_path, NEWSARCHIVE_SEEDS_DIR=str(ROOT / "seeds"))
    ready = f"/api/articles/{SEED_ID}"
    with serving(tmp_path, env, ready, "--workers", "2", start_timeout=120) as server:
        wait_for(lambda: len(worker_pids(server.process.pid)) == 2, 10, "two workers")
        for _ in range(20):  # a new connection each, accepted by either worker
            with httpx.Client(base_url=server.url, trust_env=False, timeout=30) as fresh:
                found = fresh.get("/api/search", params={"q": "Budapest"}).json()
            assert [item["id"] for item in found["items"]] == [SEED_ID]
        assert server.http.get("/api/stats").json()["articles"] == 1
        assert all(server.answers(ready) for _ in range(4))
    log = server.log.read_text()
    assert log.count("Empty archive: ingesting the seeds") == 1, log
    assert log.count("Application startup complete") == 2, log
