"""Leaks: a thousand searches leave open files and memory where they were (as Datasette checks).

A long-running server answers the same kinds of request for months; a searcher, a session
or a file left open per request turns into "too many open files" or an out-of-memory kill.
Measured on this process (Linux /proc), after a warm-up that fills every cache and pool.
"""

import gc
import os
import re
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support.helpers import make, search_params
from support.stories import SMALL_LIMIT

from app.search import queries as search
from app.settings import Settings
from app.web.app import create_app

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")

WORDS = (
    "grain harvest market summit talks minister border treaty energy pipeline election court "
    "budget railway port drought flood vaccine bank currency tariff festival museum satellite"
).split()
ARTICLES = 300
WARM_UP = 200
SEARCHES = 1000
FILE_SLACK = 2  # a file the runtime itself may open meanwhile (a log, a random source)
# Over a thousand searches, 10 MB is 10 kB kept a search: about one page of results with
# its snippets. The resident size moves by well under 1 MB when nothing is kept.
MEMORY_SLACK_BYTES = 10 * 1024 * 1024


def open_files() -> int:
    gc.collect()  # what is unreachable but not yet collected is not a leak
    return len(os.listdir("/proc/self/fd"))


def resident_bytes() -> int:
    gc.collect()
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024


def story(number: int):
    words = f"{WORDS[number % len(WORDS)]} {WORDS[number * 7 % len(WORDS)]} word{number}"
    day = date(2024, 1, 1) + timedelta(days=number % 400)
    return make(f"s{number:03d}", f"Story {number} on {words}.\n\nMore on {words}.", day)


def request(number: int) -> tuple[str, dict[str, str]]:
    """The `number`th request of a varied mix: both faces, queries, filters, pages, browsing."""
    word = WORDS[number % len(WORDS)]
    params = {
        "q": [word, f"{word} OR word{number % ARTICLES}", f'"{word}"', f"{word[:3]}*", ""][
            number % 5
        ],
        "page": str(1 + number % 3),
        "sort": ["", "newest", "oldest"][number % 3],
    }
    if number % 4 == 0:
        params["from"] = (date(2024, 1, 1) + timedelta(days=number % 300)).isoformat()
    return ("/api/search" if number % 2 else "/search"), params


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("leaks") / "data"
    with TestClient(create_app(Settings(data_dir=data, max_article_bytes=SMALL_LIMIT))) as client:
        articles = [story(number) for number in range(ARTICLES)]
        client.app.state.archive.add(articles, source_paths=[None] * len(articles))
        yield client


# A page past a search's last is refused, saying how many pages there are (the JSON by name)
PAST_THE_LAST = re.compile(r'"page: must be|is past the last|There is no page \d+ here')


def run(client: TestClient, numbers: range) -> None:
    for number in numbers:
        path, params = request(number)
        response = client.get(path, params=params)
        refused = response.status_code == 400 and PAST_THE_LAST.search(response.text)
        assert response.status_code == 200 or refused, (path, params, response.text[:300])


def test_a_thousand_searches_leave_open_files_and_memory_flat(client):
    run(client, range(WARM_UP))
    files, memory = open_files(), resident_bytes()
    run(client, range(WARM_UP, WARM_UP + SEARCHES))
    assert open_files() <= files + FILE_SLACK
    grown = resident_bytes() - memory
    assert grown < MEMORY_SLACK_BYTES, f"{grown / 1024 / 1024:.1f} MB more after {SEARCHES:,}"


def test_searches_from_threads_that_come_and_go_leave_no_files_open(client):
    """The server's worker threads end after 10 s idle and new ones start: a searcher kept
    a thread would stay open after its thread ended."""
    archive = client.app.state.archive
    params = search_params(q=WORDS[0])

    def one_search() -> None:
        assert search.search(archive, params).total > 0

    one_search()
    files = open_files()
    for _ in range(50):
        thread = threading.Thread(target=one_search)
        thread.start()
        thread.join()
    assert open_files() <= files + FILE_SLACK
