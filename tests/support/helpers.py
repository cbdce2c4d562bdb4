"""Shared test data for the faces (API, pages, CLI): a small corpus and the bad inputs.

The corpus stories are named `NNN_<16 hex>.txt`, so their ids are known from the
input and expected results can be computed from the specs rather than written down.
"""

import html
import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute

from app.archive import Archive
from app.article import Article, headline, new_article
from app.filters import Filters
from app.search.params import SearchParams, parse_params
from support.stories import ROOT, SEED_ID

MONTHS = (
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True)
class Spec:
    """One corpus story: what is written into its file."""

    number: int
    day: str
    place: str
    agency: str
    words: str

    @property
    def id(self) -> str:
        return f"{self.number:016x}"

    @property
    def name(self) -> str:
        return f"{self.number:03d}_{self.id}.txt"

    @property
    def published(self) -> date:
        return date.fromisoformat(self.day)

    @property
    def body(self) -> str:
        return f"{self.words} reported on story {self.number}.\n\nA second paragraph follows here."

    def parts(self) -> dict[str, str]:
        month_day = f"{MONTHS[self.published.month - 1]} {self.published.day}"
        return {"day": self.day, "place": self.place, "month_day": month_day, "agency": self.agency}


# The seed, as the corpus specs describe it (for computing expectations).
SEED_SPEC = {
    "id": SEED_ID,
    "published": date(2025, 10, 17),
    "place": "WASHINGTON",
    "source": "TASS",
}

CORPUS = [
    Spec(1, "2024-01-10", "MOSCOW", "TASS", "Grain exports from Budapest rose"),
    Spec(2, "2024-01-10", "MOSCOW", "Reuters", "Grain harvest in Siberia"),
    Spec(3, "2024-02-29", "UNITED NATIONS", "TASS", "Assembly debates grain and Budapest"),
    Spec(4, "2024-07-04", "WASHINGTON", "AP", "Holiday parade grain"),
    Spec(5, "2025-03-15", "ST. PETERSBURG", "TASS", "Forum opens with Vienna delegates"),
    Spec(6, "2025-10-17", "WASHINGTON", "Reuters", "Markets steady ahead of Budapest summit"),
    Spec(7, "2025-12-31", "MOSCOW", "TASS", "New Year grain address"),
]


def corpus_stories(specs: list[Spec] = CORPUS) -> dict[str, tuple[str, dict[str, str]]]:
    """The `add_stories` argument for `specs`."""
    return {spec.name: (spec.body, spec.parts()) for spec in specs}


def corpus_rows(specs: list[Spec] = CORPUS) -> list[dict]:
    """The seed and the corpus as (id, published, place, source) rows."""
    rows = [dict(SEED_SPEC)]
    for spec in specs:
        rows.append(
            {"id": spec.id, "published": spec.published, "place": spec.place, "source": spec.agency}
        )
    return rows


def expected_ids(
    rows: list[dict],
    *,
    place: str | None = None,
    source: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    oldest_first: bool = False,
) -> list[str]:
    """What browsing should list: filtered, by date then id, newest first unless asked."""
    kept = [
        row
        for row in rows
        if (place is None or row["place"].lower() == place.lower())
        and (source is None or row["source"].lower() == source.lower())
        and (date_from is None or row["published"] >= date_from)
        and (date_to is None or row["published"] <= date_to)
    ]
    kept.sort(key=lambda row: (row["published"], row["id"]), reverse=not oldest_first)
    return [row["id"] for row in kept]


def counts(rows: list[dict], key: str) -> Counter:
    return Counter(row[key] for row in rows)


# --- Bad inputs, shared by the API and the pages -------------------------------------------

# Query texts: each is either a valid search (200) or refused with a reason (400), never a 500.
ODD_QUERIES = {
    "unbalanced-quote": '"Budapest',
    "lone-quote": '"',
    "lone-and": "AND",
    "lone-or": "OR",
    "lone-not": "NOT",
    "trailing-and": "Budapest AND",
    "field-without-term": "title:",
    "unknown-field": "nosuchfield:Budapest",
    "open-paren": "((Budapest",
    "close-paren": "Budapest))",
    "open-range": "[a TO",
    "huge": "Budapest " * 556,  # about 5,000 characters
    "star": "*",
    "one-letter-prefix": "a*",
    "infix": "*x*",
    "question-marks": "???",
    "many-wildcards": "ab* cd* ef* gh* ij* kl* mn*",
    "nul": "Buda\x00pest",
    "controls": "\x01\x02\x1b[31m",
    "emoji-only": "\U0001f600",
    "emoji-and-word": "Budapest \U0001f5de\ufe0f",
    "html": "<script>alert(1)</script>",
    "percent": "100% Budapest",
    "backslash": "Budapest\\",
    "caret-tilde": "Budapest^2 Hungary~",
}

# Filter values that cannot be served, with the parameter the refusal must name.
BAD_FILTERS = {
    "page-negative": ({"page": "-1"}, "page"),
    "page-zero": ({"page": "0"}, "page"),
    "page-huge": ({"page": str(10**9)}, "page"),
    "page-text": ({"page": "abc"}, "page"),
    "page-float": ({"page": "1.5"}, "page"),
    "per-page-huge": ({"per_page": str(10**6)}, "per_page"),
    "per-page-zero": ({"per_page": "0"}, "per_page"),
    "from-impossible": ({"from": "2024-13-45"}, "from"),
    "from-february-30": ({"from": "2025-02-30"}, "from"),
    "to-not-a-date": ({"to": "notadate"}, "to"),
    "to-with-time": ({"to": "2025-10-17T10:00:00"}, "to"),
    "from-after-to": ({"from": "2025-10-18", "to": "2025-10-01"}, "from"),
    "sort-unknown": ({"sort": "unknown"}, "sort"),
    "place-1000-chars": ({"place": "W" * 1000}, "place"),
    "source-1000-chars": ({"source": "T" * 1000}, "source"),
}


def refusal_names(status: int, detail: object, parameter: str) -> bool:
    """Whether an error body names `parameter` (a 400 string or a 422 list)."""
    if status == 400:
        return isinstance(detail, str) and detail.startswith(f"{parameter}:")
    if status == 422:
        return isinstance(detail, list) and any(
            parameter in map(str, problem.get("loc", ())) for problem in detail
        )
    return False


# --- Reading the HTML pages ------------------------------------------------------------------

_RESULTS = re.compile(r'<ol class="results"[^>]*>(.*?)</ol>', re.S)
_RESULT_LINK = re.compile(r'<h3><a href="/articles/([^"?]+)[^"]*"')
_COUNT = re.compile(r"([\d,]+) (?:stor(?:y|ies)|articles?)\b")


def listed_ids(page: str) -> list[str]:
    """The article ids a results page lists, in order."""
    block = _RESULTS.search(page)
    return _RESULT_LINK.findall(block.group(1)) if block else []


def shown_total(page: str) -> int:
    """The count a results or archive page states ("3 stories for", "1 article")."""
    found = _COUNT.search(page.split('<main id="main">', 1)[-1])
    assert found, "the page states no count"
    return int(found.group(1).replace(",", ""))


def link(page: str, rel: str) -> str | None:
    """The href of the `rel` link (next, prev), unescaped, or None."""
    found = re.search(rf'<a rel="{rel}" href="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def make(
    article_id: str | None,
    body: str,
    day: date = date(2024, 3, 5),
    *,
    place: str | None = "MOSCOW",
    source: str | None = "TASS",
    title: str | None = None,
    topics: tuple[str, ...] = (),
) -> Article:
    """An article built the way parsing builds one."""
    return new_article(
        id=article_id,
        title=title,
        published=day,
        place=place,
        region=None,
        source=source,
        body=body,
        topics=topics,
    )


def stored_as_before_cleaning(article_id: str, paragraphs: list[str]) -> Article:
    """An article as releases before `app.cleaning` stored it: its source's junk kept."""
    made = make(article_id, "Placeholder.")
    body = "\n\n".join(paragraphs)
    return replace(made, lead=paragraphs[0], title=headline(paragraphs[0]), body=body)


STYLESHEET = '<link rel="stylesheet" href="/static/style.css">'


def get_page(client, url: str, status: int = 200, **params) -> str:
    response = client.get(url, params=params or None)  # an empty dict would drop url's query
    assert response.status_code == status, (url, params, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    assert STYLESHEET in response.text  # every page, errors included, is a styled page
    return response.text


def add_news(client, rows) -> None:
    """Stores (id, published, place, source, body[, topics]) rows in the client's archive."""
    articles = [
        make(key, body, date.fromisoformat(day), place=place, source=source, topics=(*tags,))
        for key, day, place, source, body, *more in rows
        for tags in [more[0] if more else ()]
    ]
    client.app.state.archive.add(articles, source_paths=[None] * len(articles))


def found_ids(archive: Archive, q: str) -> list[str]:
    """Ids the index finds for `q`, oldest first, unfiltered."""
    hits = archive.index.search(q, Filters(), sort="oldest", page=1, per_page=100)
    return hits.ids


COCOA_NEWS = [  # id, published, place, source, body: stories whose counts tests work out
    ("n01", "2023-11-02", "ACCRA", "Reuters", "Cocoa harvest starts early."),
    ("n02", "2023-11-20", "ACCRA", "AP", "Cocoa prices rise again."),
    ("n03", "2023-12-05", "ABIDJAN", "Reuters", "Cocoa exports slow down."),
    ("n04", "2024-01-15", "SÃO PAULO", "Reuters", "Cocoa grinding grows in Brazil."),
    ("n05", "2024-01-16", "SÃO PAULO", "AP", "Cocoa rains reach Brazil."),
    ("n06", "2024-03-01", "ACCRA", "AP", "Cocoa smuggling is on the rise."),
]
# The same stories with their subject tags: an article under each of its topics
TOPIC_NEWS = [
    (*row, tags)
    for row, tags in zip(
        COCOA_NEWS,
        [
            ("cocoa", "harvest"),
            ("cocoa", "prices"),
            ("cocoa", "trade"),
            ("cocoa", "trade", "brazil"),
            ("cocoa", "weather", "brazil"),
            ("cocoa", "crime"),
        ],
        strict=True,
    )
]

# Stories whose terms tests work out: six about cocoa in Ghana and the Ivory Coast (two of
# them with a drought: too few to list), ten about steel; "expect", "board" and "met" are in
# every story, so no more often in the cocoa stories than in the archive.
COCOA_TERMS = ["buyers", "coast", "ghana", "growers", "harvest", "ivory", "Ivory Coast"]
TALK_NEWS = [
    (
        f"k{n:02d}",
        f"2024-02-{n:02d}",
        "ACCRA",
        "Reuters",
        f"Cocoa growers in Ghana expect harvest number {n}. The Ivory Coast board met buyers."
        + (" A drought." if n <= 2 else ""),
    )
    for n in range(1, 7)
] + [
    (
        f"s{n:02d}",
        f"2024-03-{n:02d}",
        "ESSEN",
        "AP",
        f"Steel mills expect output number {n} to rise. The board met in Essen.",
    )
    for n in range(1, 11)
]


# --- A real `newsarchive serve` process ------------------------------------------------------

START_TIMEOUT = 20.0  # seconds for a fresh server to answer


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


def server_env(home: Path, **settings: str) -> dict[str, str]:
    """This process's environment without its NEWSARCHIVE_* settings, the data directory in
    `home`, plus `settings` (`NEWSARCHIVE_SEEDS_DIR="..."`).

    PYTHONPATH puts this checkout first, so that the subprocess runs the code under test
    even where `pip install -e` was run from another clone.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
    env.update(NEWSARCHIVE_DATA_DIR=str(home / "data"), **settings)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


class Server:
    """A running server: its process, environment, log, base URL and an HTTP client."""

    def __init__(self, process: subprocess.Popen, port: int, env: dict, log: Path) -> None:
        self.process, self.port, self.env, self.log = process, port, env, log
        self.url = f"http://127.0.0.1:{port}"
        self.http = httpx.Client(base_url=self.url, trust_env=False, timeout=5)

    def ingest(self, path: Path, *, timeout: float) -> subprocess.CompletedProcess:
        """`newsarchive ingest path` beside the running server, as a user would add articles."""
        return subprocess.run(
            [sys.executable, "-m", "app", "ingest", str(path)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def answers(self, path: str) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"the server exited ({self.process.returncode}):\n{self.log.read_text()}")
        try:
            return self.http.get(path).status_code == 200
        except httpx.TransportError:
            return False


@contextmanager
def serving(
    home: Path,
    env: dict[str, str],
    ready: str,
    *options: str,
    start_timeout: float = START_TIMEOUT,
    port: int | None = None,
) -> Iterator[Server]:
    """`newsarchive serve` on `port` (a free one) of 127.0.0.1, once `ready` (a path)
    answers 200.

    `options` are more of serve's options; one process unless they say otherwise.
    """
    port = port or free_port()
    log = home / "server.log"
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", *options]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", *serve],
            env=env,
            cwd=home,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    running = Server(process, port, env, log)
    try:
        wait_for(lambda: running.answers(ready), start_timeout, "the server answering")
        yield running
    finally:
        running.http.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def search_params(
    *, date_from: object = None, date_to: object = None, **values: object
) -> SearchParams:
    """`parse_params` called with Python names: `from` and `to` are `date_from`, `date_to`."""
    return parse_params({"from": date_from, "to": date_to, **values})


def all_routes(routes) -> list[APIRoute]:
    """Every APIRoute, looking inside included routers (however FastAPI wraps them)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        inner = getattr(route, "original_router", None) or getattr(route, "router", None)
        if inner is not None and hasattr(inner, "routes"):
            found += all_routes(inner.routes)
    return found
