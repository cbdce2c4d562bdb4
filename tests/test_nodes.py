"""End to end: two nodes, each a real `newsarchive serve` with an index directory of its own,
sharing one PostgreSQL store, as two machines behind a load balancer would.

What one node is sent, the other finds within two seconds; a node killed with kill -9
catches up with what was written meanwhile when it starts again; a node whose index
was damaged fills it from the store while it answers; `check` is clean on both.
"""

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from support.databases import postgres_database
from support.helpers import Server, server_env, serving, wait_for
from support.stories import ROOT

pytestmark = pytest.mark.e2e

TOKEN = "a-token-for-the-two-nodes-test"
FOUND_WITHIN = 2.0  # seconds, the bound for a write on one node to be found on another
WHILE_DOWN, BATCH = 1000, 100
START_TIMEOUT = 60.0


@pytest.fixture
def store() -> Iterator[str]:
    with postgres_database() as url:
        yield url


def node_env(home: Path, url: str) -> dict[str, str]:
    return server_env(
        home,
        NEWSARCHIVE_DATABASE_URL=url,
        NEWSARCHIVE_API_TOKEN=TOKEN,
        NEWSARCHIVE_SEEDS_DIR=str(ROOT / "seeds"),
        NEWSARCHIVE_COMPACT_SECONDS="0",
    )


@contextmanager
def node(home: Path, url: str, ready: str = "/healthz") -> Iterator[Server]:
    """A node serving from `home` (its data and index directories), once `ready` answers 200."""
    home.mkdir(exist_ok=True)
    with serving(home, node_env(home, url), ready, start_timeout=START_TIMEOUT) as running:
        yield running


def stories(tag: str, count: int, start: int = 0) -> list[dict]:
    return [
        {
            "id": f"{tag}-{n}",
            "published": "2024-05-01",
            "title": f"Story {n} of {tag}",
            "body": f"Story {n} about {tag}, kept by whichever node was sent it.",
        }
        for n in range(start, start + count)
    ]


def post(server: Server, articles: list[dict]) -> None:
    answer = server.http.post(
        "/api/articles", json=articles, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["added"] == len(articles)


def total(server: Server, word: str) -> int:
    """The articles a node finds (every version: these stories differ by a number only)."""
    params = {"q": word, "per_page": 1, "collapse": "false"}
    return server.http.get("/api/search", params=params).json()["total"]


def check(server: Server) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "app", "check"],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_what_one_node_is_sent_the_other_finds_within_two_seconds(tmp_path, store):
    with node(tmp_path / "a", store) as a, node(tmp_path / "b", store) as b:
        for n in range(3):
            post(a, stories(f"ocelots{n}", 1))
            sent = time.monotonic()
            while total(b, f"ocelots{n}") != 1:
                assert time.monotonic() - sent < FOUND_WITHIN, "node b did not find it in time"
                time.sleep(0.02)
        post(b, stories("tapirs", 5))
        wait_for(lambda: total(a, "tapirs") == 5, FOUND_WITHIN, "node a finding node b's")
        health = [server.http.get("/healthz").json() for server in (a, b)]
        assert [h["applied"] for h in health] == [h["latest"] for h in health]
        assert health[0]["latest"] == health[1]["latest"]
        for server in (a, b):
            assert check(server).startswith("ok")


def test_a_node_killed_with_kill_9_catches_up_when_it_starts_again(tmp_path, store):
    with node(tmp_path / "a", store) as a:
        with node(tmp_path / "b", store) as b:
            post(a, stories("before", 10))
            wait_for(lambda: total(b, "before") == 10, FOUND_WITHIN, "node b following")
            b.process.kill()  # kill -9: no shutdown, the follower dies with it
            b.process.wait(timeout=10)
        for start in range(0, WHILE_DOWN, BATCH):
            post(a, stories("meanwhile", BATCH, start))
        assert total(a, "meanwhile") == WHILE_DOWN
        with node(tmp_path / "b", store) as b:  # /healthz answers 200 once it caught up
            assert total(b, "meanwhile") == WHILE_DOWN
            assert total(b, "before") == 10
            assert b.http.get("/healthz").json()["behind"] == 0
            for server in (a, b):
                assert check(server).startswith("ok")


def test_a_node_with_a_damaged_index_answers_while_it_fills_it_from_the_store(tmp_path, store):
    with node(tmp_path / "a", store) as a:
        post(a, stories("lynxes", 300))
        with node(tmp_path / "b", store):
            pass  # b's index, filled and then stopped
        for segment_file in (tmp_path / "b" / "data" / "index").glob("MAIN_*"):
            segment_file.write_bytes(b"damaged")
        with node(tmp_path / "b", store, ready="/api/stats") as b:
            answers = []
            while b.http.get("/healthz").status_code != 200:
                answers.append(b.http.get("/api/search", params={"q": "lynxes"}).status_code)
            assert set(answers) <= {200}
            assert total(b, "lynxes") == 300
            assert "cannot be read" in b.log.read_text()
            assert check(b).startswith("ok")
