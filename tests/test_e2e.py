"""End to end: a real `newsarchive serve` process, real HTTP, and the CLI ingesting beside it.

The server starts on a free port of 127.0.0.1 with its data directory in tmp_path,
ingests the seeds because its archive is empty, and must show what a separate
`ingest` process adds while it runs, without a restart.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, SEED_ID, write_story
from helpers import listed_ids

pytestmark = pytest.mark.e2e

START_TIMEOUT = 20.0
VISIBLE_TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen within {timeout} s")


class Server:
    def __init__(self, process: subprocess.Popen, port: int, env: dict, log: Path) -> None:
        self.process, self.env, self.log = process, env, log
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=5)

    def answers(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"the server exited ({self.process.returncode}):\n{self.log.read_text()}")
        try:
            return self.http.get(f"/api/articles/{SEED_ID}").status_code == 200
        except httpx.TransportError:
            return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("e2e")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
    env.update(NEWSARCHIVE_DATA_DIR=str(home / "data"), NEWSARCHIVE_SEEDS_DIR=str(ROOT / "seeds"))
    port = free_port()
    log = home / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=home,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    running = Server(process, port, env, log)
    try:
        wait_for(running.answers, START_TIMEOUT, "the server answering")
        yield running
    finally:
        running.http.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


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
    ingest = subprocess.run(
        [sys.executable, "-m", "app", "ingest", str(path)],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
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
