"""Benchmark: the store on PostgreSQL against SQLite, and more processes and nodes than one.

One run, one corpus (Reuters-21578 by default, `--corpus` for another JSON Lines file):

    ingest   `newsarchive ingest` of the corpus into a new SQLite store and into a new
             PostgreSQL database (each with a new index): seconds, articles a second, ratio
    search   the same searches (single words and word pairs of the corpus's headlines,
             `--queries`) over HTTP against two one-worker servers, one on each store,
             interleaved query by query: p50/p95 and the PostgreSQL ÷ SQLite ratio
    load     wrk on the PostgreSQL store: one node with one worker (the baseline), one node
             with N workers (default: one a core), and two nodes each with its own index
             (one worker each; two wrk runs at once, the connections split between them):
             requests a second, errors, the ratio to the baseline, and the peak memory
             (VmHWM) of the largest worker and of all

    python3 tests/bench/bench_nodes.py [--corpus FILE] [--postgres URL] [--json FILE]

`--postgres` is a database the script may create others in (default: the project's
server, 127.0.0.1:5432, user postgres); it makes `newsarchive_bench` and drops it after.
"""

import argparse
import gzip
import json
import random
import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

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
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters-21578.jsonl.gz"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "newsarchive_bench"
WORD = re.compile(r"[a-z]{4,}")


@contextmanager
def postgres_store(admin_url: str) -> Iterator[str]:
    """A new, empty database on the server of `admin_url`, as the archive's URL; dropped after."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    try:
        yield make_url(admin_url).set(database=DATABASE).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def draw_queries(corpus_path: Path, count: int, seed: int) -> list[str]:
    """Half single words, half word pairs, from the corpus's headlines (fixed by `seed`)."""
    headlines = []
    with gzip.open(corpus_path, "rt", encoding="utf-8") as lines:
        for line in lines:
            words = WORD.findall(str(json.loads(line).get("title") or "").lower())
            if len(words) >= 2:
                headlines.append(words)
    rng = random.Random(seed)
    picked = rng.sample(headlines, count)
    return [" ".join(w[:1] if n % 2 else rng.sample(w, 2)) for n, w in enumerate(picked)]


def ingest_both(corpus_path: Path, work: Path, url: str) -> dict:
    say("ingest: SQLite …")
    sqlite = ingest_with_cli(corpus_path, work / "sqlite")
    say(f"  {sqlite:.1f} s; PostgreSQL …")
    postgres = ingest_with_cli(corpus_path, work / "postgres", NEWSARCHIVE_DATABASE_URL=url)
    say(f"  {postgres:.1f} s")
    return {"sqlite_s": sqlite, "postgresql_s": postgres}


class Servers(ExitStack):
    """Servers started in the block, stopped at its end; `pids` by base URL."""

    def __init__(self) -> None:
        super().__init__()
        self.pids: dict[str, int] = {}

    def start(self, data: Path, workers: int, **env: str) -> str:
        """A `serve` over the archive in `data`, once /healthz says it is up to date."""
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        settings = archive_env(data, NEWSARCHIVE_COMPACT_SECONDS="0", **env)
        command = serve_command(port, workers)
        self.pids[base] = self.enter_context(running(command, settings, base + "/healthz")).pid
        return base

    def memory(self) -> dict[str, float]:
        peaks = [workers_memory_mb(pid) for pid in self.pids.values()]
        return {
            "max_mb": max(p["max_mb"] for p in peaks),
            "sum_mb": sum(p["sum_mb"] for p in peaks),
        }


def search_latency(bases: dict[str, str], queries: list[str], rounds: int) -> dict:
    """ms a search, over HTTP, the servers interleaved query by query; a warm-up round first."""
    clients = {name: httpx.Client(base_url=base, timeout=60) for name, base in bases.items()}
    times: dict[str, list[float]] = {name: [] for name in bases}
    for number in range(rounds + 1):
        for query in queries:
            for name, client in clients.items():
                started = time.perf_counter()
                answer = client.get("/api/search", params={"q": query})
                answer.raise_for_status()
                if number:
                    times[name].append((time.perf_counter() - started) * 1000)
    for client in clients.values():
        client.close()
    return {
        name: {"p50_ms": percentile(ms, 0.5), "p95_ms": percentile(ms, 0.95)}
        for name, ms in times.items()
    }


def load(bases: list[str], queries: list[str], connections: int, seconds: int) -> dict:
    """wrk against every base at once, the connections split evenly; the sums."""
    paths = ["/api/search?" + str(httpx.QueryParams({"q": q})) for q in queries]
    share = max(1, connections // len(bases))
    with ThreadPoolExecutor(len(bases)) as pool:
        runs = list(
            pool.map(lambda b: wrk(b, paths=paths, connections=share, seconds=seconds), bases)
        )
    return {
        "per_second": sum(r["per_second"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
    }


def run(options: argparse.Namespace, work: Path) -> dict:
    figures: dict = {"corpus": str(options.corpus), "cores": CORES}
    queries = draw_queries(options.corpus, options.queries, options.seed)
    with postgres_store(options.postgres) as url:
        figures["ingest"] = ingest_both(options.corpus, work, url)
        on_postgres = {"NEWSARCHIVE_DATABASE_URL": url}
        with Servers() as servers:
            bases = {
                "sqlite": servers.start(work / "sqlite", 1),
                "postgresql": servers.start(work / "postgres", 1, **on_postgres),
            }
            say(f"search: {len(queries)} queries × {options.rounds} rounds on each store …")
            figures["search"] = search_latency(bases, queries, options.rounds)
        figures["load"] = {}
        layouts = {
            "one node, 1 worker": [(work / "postgres", 1)],
            f"one node, {options.workers} workers": [(work / "postgres", options.workers)],
            "two nodes, 1 worker each": [(work / "postgres", 1), (work / "postgres-b", 1)],
        }
        for label, nodes in layouts.items():
            with Servers() as servers:
                started = [servers.start(data, workers, **on_postgres) for data, workers in nodes]
                say(f"load: {label}, wrk {options.connections} connections × {options.seconds} s …")
                figures["load"][label] = {
                    **load(started, queries, options.connections, options.seconds),
                    **servers.memory(),
                }
    return figures


def report(figures: dict) -> list[str]:
    ingest, search, loads = figures["ingest"], figures["search"], figures["load"]
    lines = [
        f"{figures['corpus']}, {figures['cores']} cores",
        "",
        "| measure | SQLite | PostgreSQL | PostgreSQL ÷ SQLite |",
        "|---|---:|---:|---:|",
        f"| ingest, end to end | {ingest['sqlite_s']:.1f} s | {ingest['postgresql_s']:.1f} s "
        f"| {ingest['postgresql_s'] / ingest['sqlite_s']:.2f}× |",
    ]
    for key in ("p50_ms", "p95_ms"):
        lite, pg = search["sqlite"][key], search["postgresql"][key]
        lines.append(
            f"| `/api/search` {key[:3]} | {lite:.1f} ms | {pg:.1f} ms | {pg / lite:.2f}× |"
        )
    baseline = next(iter(loads.values()))["per_second"]
    lines += [
        "",
        "| PostgreSQL store, wrk | req/s | × one worker | errors, non-2xx | p50 "
        "| largest worker | all workers |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, f in loads.items():
        lines.append(
            f"| {label} | {f['per_second']:.0f} | {f['per_second'] / baseline:.2f}× "
            f"| {f['errors']}, {f['non_2xx']} | {f['p50_ms']:.1f} ms "
            f"| {f['max_mb']:.0f} MB | {f['sum_mb']:.0f} MB |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REUTERS, help="JSON Lines corpus")
    parser.add_argument("--postgres", default=ADMIN_URL, help="a database on the server to use")
    parser.add_argument("--queries", type=int, default=200, help="searches drawn from headlines")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds of the searches")
    parser.add_argument("--workers", type=int, default=CORES, help="workers of the N-worker node")
    parser.add_argument("--connections", type=int, default=20, help="wrk connections in all")
    parser.add_argument("--seconds", type=int, default=20, help="each wrk run's length")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    options = parser.parse_args()
    if not options.corpus.exists():
        raise SystemExit(f"no corpus at {options.corpus}: see ../shared/corpora/README.md")
    with tempfile.TemporaryDirectory(prefix="newsarchive-nodes-") as work:
        figures = run(options, Path(work))
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2))
    print("\n".join(report(figures)))


if __name__ == "__main__":
    main()
