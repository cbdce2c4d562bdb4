"""Load: wrk against a real server holding 20,000 articles, then the same while 5,000 more arrive.

    1. `newsarchive ingest` of the first --articles of a corpus (`corpus.py`, real sentences)
    2. `newsarchive serve` on loopback; wrk, --seconds at --connections, over 200 searches'
       URLs in turn: `/api/search`, then `/search`: errors and non-2xx answers counted
    3. the same wrk on `/api/search` while a client adds --more articles through
       `POST /api/articles` in batches of 100 (each answered once stored and indexed);
       the first and last article of every batch carry a word of their own, searched for
       as soon as the batch is acknowledged: how long until `/api/search` finds them
    4. `newsarchive check`: store and index agree after it all; the server's peak memory

    python3 tests/bench/load.py [--articles 20000] [--more 5000] [--seconds 30] [--connections 50]

Needs ../shared/corpora and `wrk` (apt). Prints a Markdown table; --json writes the raw figures.
"""

import argparse
import gzip
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from urllib.parse import urlencode

import corpus
import httpx
from measure import percentile, say
from serving import (
    CORES,
    archive_env,
    free_port,
    ingest_with_cli,
    running,
    serve_command,
    workers_memory_mb,
    wrk,
)

from app.engine import COMMON_WORDS, SearchIndex
from app.filters import Filters

TOKEN = "load-test-token-0123456789"
BATCH = 100
QUERIES = 200
FOUND_WITHIN_S = 2.0  # the target: searchable this soon after the commit is acknowledged


def split_corpus(source: Path, articles: int, more: int, work: Path) -> tuple[Path, list[dict]]:
    """The first `articles` as a file to ingest, and the next `more` as records to post.

    Each posted batch's first and last record get a word no other article has
    (`loadmark<n>`), so that a search can tell when exactly they became findable.
    """
    base = work / "base.jsonl.gz"
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in islice(lines, articles + more)]
    with gzip.open(base, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(record) + "\n" for record in records[:articles])
    extra = records[articles:]
    for number, record in enumerate(extra):
        if number % BATCH in (0, BATCH - 1) or number == len(extra) - 1:
            record["title"] += f" loadmark{number}"
    return base, extra


def query_words(records_file: Path, seed: int) -> list[str]:
    """QUERIES words of the ingested headlines (letters only, four or more, not stop words)."""
    with gzip.open(records_file, "rt", encoding="utf-8") as lines:
        words = {
            word.lower()
            for line in lines
            for word in json.loads(line)["title"].split()
            if word.isalpha() and len(word) >= 4 and word.lower() not in COMMON_WORDS
        }
    return random.Random(seed).sample(sorted(words), QUERIES)


class Feeder(threading.Thread):
    """Posts the records in batches; after each, times how soon its marked articles are found:
    in the index itself (a searcher opened here, on the server's index directory) and through
    the loaded server's `/api/search` (which adds the wait in its queue)."""

    def __init__(self, base: str, records: list[dict], index: SearchIndex) -> None:
        super().__init__(daemon=True)
        self.base, self.records, self.index = base, records, index
        self.commit_s: list[float] = []  # POST until acknowledged, a batch
        self.in_index_s: list[float] = []  # acknowledged until the index finds it, a mark
        self.found_after_s: list[float] = []  # acknowledged until /api/search finds it
        self.failures: list[str] = []

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=self.base, timeout=300, headers=headers) as client:
            for start in range(0, len(self.records), BATCH):
                self._post(client, start)

    def _post(self, client: httpx.Client, start: int) -> None:
        batch = self.records[start : start + BATCH]
        began = time.perf_counter()
        response = client.post("/api/articles", json=batch)
        acknowledged = time.perf_counter()
        self.commit_s.append(acknowledged - began)
        if response.status_code != 200 or response.json()["added"] != len(batch):
            self.failures.append(f"batch {start}: {response.status_code} {response.text[:200]}")
            return
        marks = [f"loadmark{n}" for n in sorted({start, min(start + BATCH, len(self.records)) - 1})]
        for word in marks:  # all in the index first: each is timed from the acknowledgement
            self.in_index_s.append(self._found(word, acknowledged, self._in_index))
        for word in marks:
            self.found_after_s.append(self._found(word, acknowledged, self._served(client)))

    def _found(self, word: str, acknowledged: float, finds: Callable[[str], bool]) -> float:
        while time.perf_counter() - acknowledged < 60:
            if finds(word):
                return time.perf_counter() - acknowledged
        self.failures.append(f"{word}: not found 60 s after its commit")
        return float("inf")

    def _in_index(self, word: str) -> bool:
        found = self.index.search(word, Filters(), sort="relevance", page=1, per_page=1)
        return found.total == 1

    @staticmethod
    def _served(client: httpx.Client) -> Callable[[str], bool]:
        return lambda word: client.get("/api/search", params={"q": word}).json()["total"] == 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000, help="articles ingested first")
    parser.add_argument("--more", type=int, default=5_000, help="articles posted under load")
    parser.add_argument("--seconds", type=int, default=30, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections")
    parser.add_argument("--seed", type=int, default=1, help="corpus and query seed")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--workers", type=int, default=CORES, help="the server's processes")
    options = parser.parse_args()
    if shutil.which("wrk") is None or not corpus.available():
        sys.exit(f"needs wrk (apt install wrk) and {corpus.CORPORA}")
    with tempfile.TemporaryDirectory(prefix="bench-load-") as work:
        figures = run(options, Path(work))
    print("\n".join(report(figures)))
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2))


def run(options: argparse.Namespace, work: Path) -> dict:
    source = corpus.cached(options.articles + options.more, options.seed)
    base_file, extra = split_corpus(source, options.articles, options.more, work)
    data = work / "archive"
    say(f"ingest: {options.articles:,} articles …")
    figures: dict = {"articles": options.articles, "more": options.more, **vars(options)}
    figures.pop("json")
    figures["ingest_s"] = ingest_with_cli(base_file, data)
    words = query_words(base_file, options.seed)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = archive_env(data, NEWSARCHIVE_API_TOKEN=TOKEN)
    command = serve_command(port, options.workers)

    def load(path: str) -> dict:
        paths = [f"{path}?{urlencode({'q': word})}" for word in words]
        return wrk(url, paths=paths, connections=options.connections, seconds=options.seconds)

    with running(command, env, f"{url}/api/stats") as server:
        say("wrk: /api/search …")
        figures["api"] = load("/api/search")
        say("wrk: /search …")
        figures["search page"] = load("/search")
        say(f"wrk: /api/search while {len(extra):,} articles are posted …")
        index = SearchIndex(data / "index")
        feeder = Feeder(url, extra, index)
        feeder.start()
        figures["api while adding"] = []
        while feeder.is_alive() or not figures["api while adding"]:
            figures["api while adding"].append(load("/api/search"))
        feeder.join()
        index.close()
        figures["memory"] = workers_memory_mb(server.pid)
        figures["stored"] = httpx.get(f"{url}/api/stats").json()["articles"]
    figures["commit_s"] = feeder.commit_s
    figures["found_after_s"] = feeder.found_after_s
    figures["in_index_s"] = feeder.in_index_s
    figures["failures"] = feeder.failures
    check = subprocess.run([sys.executable, "-m", "app", "check"], env=env, capture_output=True)
    figures["check_exit"] = check.returncode
    return figures


def report(figures: dict) -> list[str]:
    rows = [
        f"{figures['articles']:,} articles ingested in {figures['ingest_s']:.0f} s; "
        f"wrk {figures['connections']} connections × {figures['seconds']} s a run, "
        f"{QUERIES} searches in turn",
        "",
        "| run | requests/s | p50 ms | p99 ms | socket errors | non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    runs = [("/api/search", figures["api"]), ("/search", figures["search page"])]
    runs += [
        (f"/api/search while adding ({number + 1})", result)
        for number, result in enumerate(figures["api while adding"])
    ]
    for name, result in runs:
        rows.append(
            f"| {name} | {result['per_second']:.0f} | {result['p50_ms']:.0f} "
            f"| {result['p99_ms']:.0f} | {result['errors']} | {result['non_2xx']} |"
        )
    found, commits, in_index = figures["found_after_s"], figures["commit_s"], figures["in_index_s"]
    memory = figures["memory"]
    verdict = "met" if max(in_index) <= FOUND_WITHIN_S else "MISSED"
    rows += [
        "",
        f"- added under load: {figures['more']:,} in {len(commits)} POSTs of {BATCH}, "
        f"acknowledged in p50 {percentile(commits, 0.5):.2f} s, max {max(commits):.2f} s; "
        f"stored after: {figures['stored']:,}",
        f"- marked articles ({len(found)}) found in the index after their commit: "
        f"p50 {percentile(in_index, 0.5) * 1000:.0f} ms, max {max(in_index) * 1000:.0f} ms "
        f"(target ≤ {FOUND_WITHIN_S:g} s: {verdict}); "
        f"through the loaded server's /api/search, queue included: "
        f"p50 {percentile(found, 0.5) * 1000:.0f} ms, max {max(found) * 1000:.0f} ms",
        f"- server peak memory, {memory['workers']} workers: {memory['sum_mb']:.0f} MB in all, "
        f"{memory['max_mb']:.0f} MB the largest; `newsarchive check` exit "
        f"{figures['check_exit']}; failures: {figures['failures'] or 'none'}",
    ]
    return rows


if __name__ == "__main__":
    main()
