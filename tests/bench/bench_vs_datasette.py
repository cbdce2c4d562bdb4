"""Benchmark: the archive side by side with SQLite FTS5 and Datasette, on one corpus.

One run, one corpus (`corpus.py`, real sentences), the same queries for everyone:

    ingest     `newsarchive ingest` from nothing to searchable (a subprocess, end to end)
               against the same rows written with plain sqlite3 into a table + FTS5; then
               `newsarchive compact`, which a server runs beside itself after a bulk ingest
    in process the query layer (`search.search` with facets and snippets, then "did you
               mean", as /api/search does) against FTS5 in sqlite3: the page of 20 ranked
               by bm25 with snippet(), and the exact count
    over HTTP  `/api/search` on `newsarchive serve` (uvicorn) against Datasette serving the
               FTS5 table (`/fts/articles.json?_search=`, 20 rows), both on loopback
    pages      `/search` and `/articles/{id}` against Datasette's table and row pages
    load       wrk, a bounded run on loopback with concurrent clients, over the queries'
               URLs in turn; each server's peak resident memory (VmHWM) after it

Queries (--queries, at least 200), five kinds in equal shares: a single word, two
words of a real headline, the same two as a phrase, a single word with a one-year
date range (the single words' own, so "filtered ÷ unfiltered" compares like with
like), and a single word sorted newest first. Each query's time is the median of
--rounds runs, ours and the baseline's interleaved; p50/p95/p99 are over queries.

    python3 tests/bench/bench_vs_datasette.py [--articles 100000] [--json out.json]

Needs ../shared/corpora, `datasette` (pip) and `wrk` (apt); prints the Markdown
table on stdout and progress on stderr.
"""

import argparse
import gzip
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice, pairwise
from pathlib import Path
from urllib.parse import urlencode

import corpus
import fts5
import httpx
from measure import percentile, say
from serving import (
    CORES,
    archive_env,
    compact_with_cli,
    free_port,
    ingest_with_cli,
    peak_memory_mb,
    running,
    serve_command,
    workers_memory_mb,
    wrk,
)

from app.archive import Archive
from app.engine import COMMON_WORDS
from app.errors import QueryError
from app.search import queries as search
from app.search import suggestions as discover
from app.search.params import parse_params
from app.settings import Settings
from app.web.schemas import search_out

PER_PAGE = 20
Face = Callable[["Case"], "int | None"]  # one way of asking: a total, or None when refused
WINDOW_DAYS = 365  # the date range of a "word + dates" query, at most
HEADLINES = 20_000
KINDS = ("word", "two words", "phrase", "word + dates", "word, newest")
WARM_UP = 10
LOAD_SECONDS = 15
LOAD_CONNECTIONS = 20
SNIPPET_TOKENS = 24


@dataclass
class Case:
    """One query as both sides ask it, and the seconds each took."""

    kind: str
    words: str  # what a person types: `cocoa`, `cocoa prices`, `"cocoa prices"`
    first: date | None = None
    last: date | None = None
    newest: bool = False
    seconds: dict[str, list[float]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # faces that hit the search time limit

    def ours(self) -> dict[str, str]:
        params = {"q": self.words, "per_page": str(PER_PAGE)}
        if self.first and self.last:
            params |= {"from": self.first.isoformat(), "to": self.last.isoformat()}
        if self.newest:
            params["sort"] = "newest"
        return params

    def datasette(self) -> dict[str, str]:
        params = {"_search": self.words, "_searchmode": "raw", "_size": str(PER_PAGE)}
        if self.first and self.last:
            params |= {
                "published__gte": self.first.isoformat(),
                "published__lte": self.last.isoformat(),
            }
        if self.newest:
            params["_sort_desc"] = "published"
        return params

    def record(self, what: str, seconds: float) -> None:
        self.seconds.setdefault(what, []).append(seconds)

    def median_ms(self, what: str) -> float:
        return statistics.median(self.seconds[what]) * 1000


# --- ingest ---------------------------------------------------------------------------


# --- queries --------------------------------------------------------------------------


def draw_cases(db: sqlite3.Connection, corpus_path: Path, count: int, seed: int) -> list[Case]:
    """`count` queries, the five kinds in equal shares, from the corpus's own words."""
    rng = random.Random(seed)
    words = vocabulary(db)
    share = max(1, count // len(KINDS))
    singles = rng.sample(sorted(words), share)
    pairs = headline_pairs(rng, corpus_path, words, share)
    cases = [Case("word", word) for word in singles]
    cases += [Case("two words", " ".join(pair)) for pair in pairs]
    cases += [Case("phrase", f'"{" ".join(pair)}"') for pair in pairs]
    earliest, latest = (date.fromisoformat(day[:10]) for day in dates(db))
    span = (latest - earliest).days + 1
    window = min(WINDOW_DAYS, max(1, span // 4))  # Reuters-21578 spans eight months
    for word in singles:
        first = earliest + timedelta(days=rng.randrange(span - window + 1))
        cases.append(Case("word + dates", word, first, first + timedelta(days=window - 1)))
    cases += [Case("word, newest", word, newest=True) for word in rng.sample(singles, share)]
    rng.shuffle(cases)
    return cases


def dates(db: sqlite3.Connection) -> tuple[str, str]:
    """The first and last day the corpus's articles were published."""
    return db.execute("SELECT min(published), max(published) FROM articles").fetchone()


def vocabulary(db: sqlite3.Connection) -> dict[str, int]:
    """Body words in 0.01 % to 20 % of articles (letters only, not stop words): the searchable."""
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, articles_fts, row)"
    )
    articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    return {
        term: docs
        for term, docs in db.execute("SELECT term, doc FROM temp.vocab")
        if term.isalpha()
        and term.isascii()
        and len(term) >= 3
        and term not in COMMON_WORDS
        and articles / 10_000 <= docs <= articles / 5
    }


def headline_pairs(
    rng: random.Random, corpus_path: Path, words: dict[str, int], count: int
) -> list[tuple[str, str]]:
    """Two neighbouring searchable words of one real headline, `count` headlines."""
    with gzip.open(corpus_path, "rt", encoding="utf-8") as lines:
        titles = [json.loads(line)["title"] for line in islice(lines, HEADLINES)]
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        title = [word.strip(".,:;'\"()").lower() for word in rng.choice(titles).split()]
        neighbours = [(a, b) for a, b in pairwise(title) if a in words and b in words]
        if neighbours:
            pairs.append(rng.choice(neighbours))
    return pairs


# --- the faces --------------------------------------------------------------------------


def in_process_ours(archive: Archive) -> Face:
    """What /api/search computes for a case, minus HTTP: returns the total."""

    def run(case: Case) -> int | None:
        params = parse_params(case.ours())
        try:
            found = search.search(archive, params, facets=True)
        except QueryError:  # the search time limit, as the server would answer
            return None
        search_out(found, suggestion=discover.suggestion(archive, found))
        return found.total

    return run


def in_process_fts5(db: sqlite3.Connection) -> Face:
    """The page of 20 (bm25 or newest first) with snippets, and the exact count, in sqlite3."""

    def run(case: Case) -> int:
        where, args = "articles_fts MATCH ?", [case.words]
        if case.first and case.last:
            where += " AND a.published BETWEEN ? AND ?"
            args += [case.first.isoformat(), case.last.isoformat()]
        order = "a.published DESC" if case.newest else "articles_fts.rank"
        source = "articles_fts JOIN articles AS a ON a.rowid = articles_fts.rowid"
        db.execute(
            f"SELECT a.id, a.title, a.published, a.place, a.source, snippet(articles_fts, 1,"
            f" '<mark>', '</mark>', '…', {SNIPPET_TOKENS}) FROM {source} WHERE {where}"
            f" ORDER BY {order} LIMIT {PER_PAGE}",
            args,
        ).fetchall()
        return db.execute(f"SELECT count(*) FROM {source} WHERE {where}", args).fetchone()[0]

    return run


def over_http(client: httpx.Client, path: str, params: Callable[[Case], dict]) -> Face:
    def run(case: Case) -> int | None:
        response = client.get(f"{path}?{urlencode(params(case))}")
        if response.status_code == 400 and (
            "took longer" in response.text or "too long" in response.text
        ):
            return None
        if response.status_code != 200:
            raise AssertionError(f"{response.url}: {response.status_code} {response.text[:200]}")
        return 0

    return run


def measure(cases: list[Case], faces: dict[str, Face], rounds: int) -> None:
    """Every case through every face, `rounds` times, the order of faces alternating."""
    names = list(faces)
    for case in cases[:WARM_UP]:
        for name in names:
            faces[name](case)
    for round_number in range(rounds):
        for number, case in enumerate(cases):
            order = names if (number + round_number) % 2 == 0 else names[::-1]
            for name in order:
                started = time.perf_counter()
                if faces[name](case) is None:
                    case.refused.append(name)
                case.record(name, time.perf_counter() - started)


# --- the run ----------------------------------------------------------------------------


def run(options: argparse.Namespace, work: Path) -> dict:
    corpus_path = options.corpus or corpus.cached(options.articles, options.seed)
    data, fts = work / "archive", work / "fts.db"
    figures: dict = {
        "articles": options.articles,
        "corpus": corpus_path.name,
        "seed": options.seed,
        "rounds": options.rounds,
    }
    if fts.exists():  # --keep, a second time: the ingest figures are the first run's
        say(f"ingest: reusing {work}")
        figures["ingest"] = json.loads((work / "ingest.json").read_text())
    else:
        say("ingest: newsarchive ingest …")
        ours_s = ingest_with_cli(corpus_path, data)
        say(f"ingest: {ours_s:.1f} s; sqlite3 + FTS5 …")
        fts_s = fts5.write(corpus_path, fts)
        say(f"ingest: {fts_s:.1f} s")
        figures["ingest"] = {"ours_s": ours_s, "fts5_s": fts_s}
        (work / "ingest.json").write_text(json.dumps(figures["ingest"]))
    if "compact_s" not in figures["ingest"]:  # as a server would, beside itself, before searches
        say("ingest: newsarchive compact …")
        figures["ingest"]["compact_s"] = compact_with_cli(data)
        (work / "ingest.json").write_text(json.dumps(figures["ingest"]))

    db = sqlite3.connect(fts, check_same_thread=False)
    cases = draw_cases(db, corpus_path, options.queries, options.seed)
    archive = Archive(Settings(data_dir=data))
    try:
        say(f"in process: {len(cases)} queries × {options.rounds} …")
        measure(
            cases, {"ours": in_process_ours(archive), "fts5": in_process_fts5(db)}, options.rounds
        )
        figures["stored"] = archive.store.stats().articles
        some_ids = [row.id for row in archive.store.browse(offset=0, limit=50)[1]]
    finally:
        archive.close()
    figures["http"] = serve_and_measure(cases, data, fts, some_ids, options.rounds, options.workers)
    figures["cases"] = [
        {
            "kind": c.kind,
            "q": c.words,
            "from": c.first and c.first.isoformat(),
            "to": c.last and c.last.isoformat(),
            "newest": c.newest,
            "refused": c.refused,
            "seconds": c.seconds,
        }
        for c in cases
    ]
    return figures


def serve_and_measure(
    cases: list[Case], data: Path, fts: Path, ids: list[str], rounds: int, workers: int
) -> dict:
    ours_port, their_port = free_port(), free_port()
    ours_base, their_base = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{their_port}"
    ours_cmd = serve_command(ours_port, workers)
    their_cmd = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(fts),
        "--port",
        str(their_port),
        "--setting",
        "suggest_facets",
        "off",  # the fastest Datasette: no facet guessing
    ]
    with (
        running(ours_cmd, archive_env(data), f"{ours_base}/api/stats") as ours,
        running(their_cmd, dict(os.environ), f"{their_base}/fts.json") as theirs,
        httpx.Client(base_url=ours_base, timeout=60) as to_ours,
        httpx.Client(base_url=their_base, timeout=60) as to_them,
    ):
        say(f"over HTTP: {len(cases)} queries × {rounds} …")
        measure(
            cases,
            {
                "api": over_http(to_ours, "/api/search", Case.ours),
                "datasette": over_http(to_them, "/fts/articles.json", Case.datasette),
                "search page": over_http(to_ours, "/search", Case.ours),
                "datasette page": over_http(to_them, "/fts/articles", Case.datasette),
            },
            rounds,
        )
        pages = article_pages(to_ours, to_them, ids)
        say("load: wrk …")
        paths = {
            "api": [f"/api/search?{urlencode(c.ours())}" for c in cases],
            "datasette": [f"/fts/articles.json?{urlencode(c.datasette())}" for c in cases],
            "search page": [f"/search?{urlencode(c.ours())}" for c in cases],
        }
        bases = {"api": ours_base, "datasette": their_base, "search page": ours_base}
        load = {
            name: wrk(
                bases[name], paths=paths[name], connections=LOAD_CONNECTIONS, seconds=LOAD_SECONDS
            )
            for name in paths
        }
        workers_mb = workers_memory_mb(ours.pid)
        memory = {"ours_mb": workers_mb["sum_mb"], "datasette_mb": peak_memory_mb(theirs.pid)}
        memory.update(ours_workers=workers_mb["workers"], ours_worker_max_mb=workers_mb["max_mb"])
    return {"article pages": pages, "load": load, "memory": memory}


def article_pages(ours: httpx.Client, theirs: httpx.Client, ids: list[str]) -> dict:
    """Ms of /articles/{id}, of the related stories its script then fetches, and of
    Datasette's row page, each id once (a first view), interleaved."""
    times: dict[str, list[float]] = {"ours": [], "related": [], "datasette": []}
    for article_id in ids:
        for name, client, path in (
            ("ours", ours, f"/articles/{article_id}"),
            ("related", ours, f"/articles/{article_id}/related"),
            ("datasette", theirs, f"/fts/articles/{article_id}"),
        ):
            started = time.perf_counter()
            response = client.get(path)
            times[name].append(time.perf_counter() - started)
            if response.status_code != 200:
                raise AssertionError(f"{path}: {response.status_code}")
    return {name: [t * 1000 for t in values] for name, values in times.items()}


def latency_rows(cases: list[Case], ours: str, theirs: str, label: str) -> list[str]:
    rows = []
    for stat, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        mine = percentile([c.median_ms(ours) for c in cases], share)
        base = percentile([c.median_ms(theirs) for c in cases], share)
        rows.append(f"| {label} {stat} | {mine:.1f} ms | {base:.1f} ms | {mine / base:.2f}× |")
    return rows


def report(figures: dict, cases: list[Case]) -> list[str]:
    ingest, http = figures["ingest"], figures["http"]
    articles = figures["stored"]
    lines = [
        f"{figures.get('corpus', 'corpus')}: {figures['stored']:,} articles stored, "
        f"{len(cases)} queries "
        f"× {figures['rounds']} rounds, {LOAD_CONNECTIONS} connections × {LOAD_SECONDS} s of wrk",
        "",
        "| measure | News Archive | baseline | ratio |",
        "| --- | ---: | ---: | ---: |",
        f"| ingest, end to end (vs sqlite3 + FTS5) | {articles / ingest['ours_s']:,.0f}/s "
        f"| {articles / ingest['fts5_s']:,.0f}/s "
        f"| {ingest['ours_s'] / ingest['fts5_s']:.1f}× the time |",
    ]
    lines.append(
        f"| then compacting the index, beside searches and writes (seconds) "
        f"| {ingest['compact_s']:,.0f} s | – | – |"
    )
    lines += latency_rows(cases, "ours", "fts5", "query layer vs FTS5 in process,")
    lines += latency_rows(cases, "api", "datasette", "/api/search vs Datasette JSON,")
    lines += latency_rows(cases, "search page", "datasette page", "/search vs Datasette page,")
    pages = http["article pages"]
    article = {name: statistics.median(v) for name, v in pages.items()}
    both = statistics.median(map(sum, zip(pages["ours"], pages["related"], strict=True)))
    lines.append(
        f"| /articles/{{id}} vs Datasette row page, p50 | {article['ours']:.1f} ms "
        f"| {article['datasette']:.1f} ms | {article['ours'] / article['datasette']:.2f}× |"
    )
    lines.append(
        f"| the same and its related stories (a second request), p50 | {both:.1f} ms "
        f"| {article['datasette']:.1f} ms | {both / article['datasette']:.2f}× |"
    )
    load = http["load"]
    for name, base in (("api", "datasette"), ("search page", "datasette")):
        mine, theirs = load[name], load[base]
        lines.append(
            f"| wrk {name}: requests/s (errors, non-2xx) | {mine['per_second']:.0f} "
            f"({mine['errors']}, {mine['non_2xx']}) | {theirs['per_second']:.0f} "
            f"({theirs['errors']}, {theirs['non_2xx']}) "
            f"| {mine['per_second'] / theirs['per_second']:.2f}× |"
        )
    memory = http["memory"]
    lines.append(
        f"| server peak memory after the load ({memory['ours_workers']} workers: sum) "
        f"| {memory['ours_mb']:.0f} MB | {memory['datasette_mb']:.0f} MB "
        f"| {memory['ours_mb'] / memory['datasette_mb']:.2f}× |"
    )
    lines.append(
        f"| the same, the largest worker | {memory['ours_worker_max_mb']:.0f} MB "
        f"| {memory['datasette_mb']:.0f} MB "
        f"| {memory['ours_worker_max_mb'] / memory['datasette_mb']:.2f}× |"
    )
    lines += [
        "",
        "| kind | n | layer p50 | layer p95 | FTS5 p50 | /api p50 | /api p95"
        " | Datasette p50 | Datasette p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind in KINDS:
        some = [c for c in cases if c.kind == kind]
        cells = [
            percentile([c.median_ms(name) for c in some], share)
            for name, share in (
                ("ours", 0.5),
                ("ours", 0.95),
                ("fts5", 0.5),
                ("api", 0.5),
                ("api", 0.95),
                ("datasette", 0.5),
                ("datasette", 0.95),
            )
        ]
        lines.append(f"| {kind} | {len(some)} | " + " | ".join(f"{x:.1f}" for x in cells) + " |")
    refused = Counter(name for case in cases for name in case.refused)
    lines += ["", filter_ratio(cases), f"Refused at the search time limit (2 s): {dict(refused)}"]
    return lines


def filter_ratio(cases: list[Case]) -> str:
    """p50 and p95 of the dated single words over the same words undated (target ≤ 1.5)."""
    dated = [c.median_ms("api") for c in cases if c.kind == "word + dates"]
    plain = [c.median_ms("api") for c in cases if c.kind == "word"]
    p50 = percentile(dated, 0.5) / percentile(plain, 0.5)
    p95 = percentile(dated, 0.95) / percentile(plain, 0.95)
    return (
        "/api/search with a date range ÷ the same words without: "
        f"p50 {p50:.2f}×, p95 {p95:.2f}× (target ≤ 1.5×)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size")
    parser.add_argument(
        "--corpus", type=Path, help="a JSON Lines corpus to use instead (Reuters-21578, say)"
    )
    parser.add_argument("--queries", type=int, default=200, help="queries (five kinds)")
    parser.add_argument("--rounds", type=int, default=2, help="runs a query (median)")
    parser.add_argument("--seed", type=int, default=1, help="corpus and query seed")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--workers", type=int, default=CORES, help="our server's processes")
    parser.add_argument(
        "--keep", type=Path, help="keep the archive and FTS5 database here; reuse them next time"
    )
    options = parser.parse_args()
    missing = [tool for tool in ("wrk", "datasette") if shutil.which(tool) is None]
    if missing or not corpus.available():
        sys.exit(
            f"needs {corpus.CORPORA} and on PATH: wrk (apt), datasette (pip); missing {missing}"
        )
    started = time.perf_counter()
    if options.keep:
        options.keep.mkdir(parents=True, exist_ok=True)
        figures = run(options, options.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-vs-datasette-") as work:
            figures = run(options, Path(work))
    cases = [
        Case(c["kind"], c["q"], seconds=c["seconds"], refused=c["refused"])
        for c in figures["cases"]
    ]
    print("\n".join(report(figures, cases)))
    say(f"total: {time.perf_counter() - started:.0f} s")
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
