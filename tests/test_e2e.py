"""End to end: a real `newsarchive serve` process, real HTTP, and the CLI ingesting beside it.

The server starts on a free port of 127.0.0.1 with its data directory in tmp_path,
ingests the seeds because its archive is empty, and must show what a separate
`ingest` process adds while it runs, without a restart.
"""

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from support.databases import BACKENDS, database_url
from support.helpers import Server, listed_ids, server_env, serving, wait_for
from support.processes import alive, descendants
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


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_a_server_killed_with_sigkill_takes_every_process_of_it_along_and_frees_its_port(
    tmp_path,
):
    """Issue 24: `kill -9` of `serve` leaves no worker answering from a frozen index, no
    follower or compactor, and its port free: a new `serve` starts on it at once."""
    env = server_env(tmp_path, NEWSARCHIVE_SEEDS_DIR=str(ROOT / "seeds"))
    ready = f"/api/articles/{SEED_ID}"
    with serving(tmp_path, env, ready, "--workers", "2", start_timeout=120) as server:
        wait_for(lambda: len(worker_pids(server.process.pid)) == 2, 10, "two workers")
        # its two workers, multiprocessing's resource tracker, the follower, the compactor
        wait_for(lambda: len(descendants(server.process.pid)) >= 5, 10, "all its processes")
        family = descendants(server.process.pid)
        server.process.kill()
        server.process.wait(timeout=10)
        wait_for(lambda: not any(map(alive, family)), 3, "every process of the server gone")
        with socket.socket() as probe:  # no process listens on the port any more (as a
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # server binds it)
            probe.bind(("127.0.0.1", server.port))
            probe.listen()
    with serving(tmp_path, env, ready, port=server.port) as again:
        assert again.port == server.port and again.answers(ready)


# --- writes from every worker and the CLI at once -------------------------------------------

TOKEN = "a-token-for-the-writers-test"
WRITERS, BATCHES, PER_BATCH, BY_CLI = 4, 6, 25, 300


def posted_batch(writer: int, batch: int) -> list[dict]:
    day = f"2024-05-{writer + 1:02d}"
    return [
        {
            "id": f"w{writer}-b{batch}-{n}",
            "published": day,
            "title": f"Writer {writer} batch {batch} story {n}",
            "body": f"Concurrent story {n} of batch {batch} from writer {writer} about petrels.",
        }
        for n in range(PER_BATCH)
    ]


def post_batches(url: str, writer: int) -> list[int]:
    """Each batch on a new connection, so that either worker may take it; the statuses."""
    statuses = []
    for batch in range(BATCHES):
        with httpx.Client(base_url=url, trust_env=False, timeout=120) as fresh:
            answer = fresh.post(
                "/api/articles",
                json=posted_batch(writer, batch),
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
        statuses.append(answer.status_code)
        assert answer.json().get("added") == PER_BATCH, answer.text
    return statuses


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("backend", BACKENDS)
def test_writes_from_every_worker_and_the_cli_at_once_all_land(tmp_path, backend):
    """Two workers take POSTs from four clients while the CLI ingests beside them: no
    LockError, no 5xx, nothing lost, and `check` finds the store and index agreeing."""
    cli_file = tmp_path / "cli.jsonl"
    cli_file.write_text(
        "".join(
            json.dumps({"id": f"cli-{n}", "published": "2024-06-01", "body": f"CLI story {n}."})
            + "\n"
            for n in range(BY_CLI)
        )
    )
    with database_url(backend, tmp_path) as url:
        env = server_env(
            tmp_path,
            NEWSARCHIVE_SEEDS_DIR=str(ROOT / "seeds"),
            NEWSARCHIVE_API_TOKEN=TOKEN,
            NEWSARCHIVE_DATABASE_URL=url,
        )
        ready = f"/api/articles/{SEED_ID}"
        with serving(tmp_path, env, ready, "--workers", "2", start_timeout=120) as server:
            wait_for(lambda: len(worker_pids(server.process.pid)) == 2, 10, "two workers")
            with ThreadPoolExecutor(WRITERS + 1) as pool:
                cli = pool.submit(server.ingest, cli_file, timeout=300)
                posts = [pool.submit(post_batches, server.url, w) for w in range(WRITERS)]
                statuses = [status for done in posts for status in done.result()]
                ingested = cli.result()
            assert statuses == [200] * WRITERS * BATCHES
            assert ingested.returncode == 0, ingested.stderr
            expected = 1 + WRITERS * BATCHES * PER_BATCH + BY_CLI
            assert server.http.get("/api/stats").json()["articles"] == expected
            found = server.http.get("/api/search", params={"q": "petrels", "per_page": 1})
            assert found.json()["total"] == WRITERS * BATCHES * PER_BATCH
        check = subprocess.run(
            [sys.executable, "-m", "app", "check"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert check.returncode == 0 and check.stdout.startswith("ok"), check.stdout
        assert "LockError" not in server.log.read_text()
