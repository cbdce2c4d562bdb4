"""Benchmark: a corpus from nothing to searchable, end to end, and how the rate holds up.

Runs `newsarchive ingest` on the corpus in a fresh data directory (a subprocess:
start-up, parsing, the SQLite store, the Whoosh index, all of it), then checks that
the corpus is searchable. The baseline, in the same run on the same machine: the same
rows written with plain `sqlite3` into a table with an FTS5 index. Figures are medians
of --runs runs; the ratio is what to compare across machines, the machine here being
shared and noisy.

The corpus is Reuters-21578 (19,043 stories), or with --articles N one of N articles
built by `corpus.py` from the corpora's real sentences. While the ingest runs, the
index's table of contents is read every 0.2 s: each commit's row says how many
articles had become searchable and at what rate since the commit before, so that a
rate falling with the archive's size shows. The segment count at the end is reported
too (fewer means cheaper searches).

    python3 tests/bench/bench_ingest.py [--runs 3] [--articles 100000] [--json results.json]
"""

import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import corpus
import fts5
from whoosh import index

ROOT = Path(__file__).resolve().parents[2]
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters-21578.jsonl.gz"
POLL_S = 0.2


class Commits:
    """The index's searchable count over time, read from its table of contents."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.seen: list[tuple[float, int]] = []  # (seconds from the start, documents)
        self.segments = 0
        self._stop = threading.Event()
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._read()

    def _watch(self) -> None:
        while not self._stop.wait(POLL_S):
            self._read()

    def _read(self) -> None:
        try:
            segments = index.open_dir(str(self.index_dir))._segments()
        except Exception:  # noqa: BLE001 - not there yet, or caught between two files
            return
        count = sum(segment.doc_count() for segment in segments)
        self.segments = len(segments)
        if not self.seen or count != self.seen[-1][1]:
            self.seen.append((time.perf_counter() - self._started, count))


def archive_ingest(source: Path, check_word: str) -> dict:
    """The CLI's ingest of `source` into an empty archive: seconds, stored, commits, segments."""
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "NEWSARCHIVE_DATA_DIR": data, "NEWSARCHIVE_SEEDS_DIR": data}
        commits = Commits(Path(data) / "index")
        started, cpu_before = time.perf_counter(), children_cpu_s()
        subprocess.run(
            [sys.executable, "-m", "app", "ingest", str(source)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        elapsed, cpu_s = time.perf_counter() - started, children_cpu_s() - cpu_before
        commits.stop()
        stats = subprocess.run(
            [sys.executable, "-m", "app", "stats"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert_searchable(env, check_word)
    stored = int(stats.split("\t")[1].split()[0])
    return {
        "seconds": elapsed,
        "cpu_s": cpu_s,
        "stored": stored,
        "commits": commits.seen,
        "segments": commits.segments,
    }


def children_cpu_s() -> float:
    """Processor time of every finished child so far, theirs included (the index's workers):
    on a shared machine, the figure that waiting for the processor does not inflate."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def assert_searchable(env: dict, word: str) -> None:
    code = (
        "from app.archive import Archive; from app.settings import Settings;"
        "from app.search.queries import search; from app.search.params import parse_params;"
        f"a = Archive(Settings()); assert search(a, parse_params({{'q': {word!r}}})).total > 0"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def fts5_ingest(source: Path) -> float:
    """Seconds to write the same rows with plain sqlite3 into a table and an FTS5 index."""
    with tempfile.TemporaryDirectory() as data:
        return fts5.write(source, Path(data) / "fts.db")


def commit_rows(commits: list[tuple[float, int]]) -> list[str]:
    """One row a commit: articles searchable, and the rate since the commit before."""
    rows = ["| searchable | at s | articles/s since the commit before |", "| ---: | ---: | ---: |"]
    before_s, before_n = 0.0, 0
    for at_s, count in commits:
        rate = (count - before_n) / max(at_s - before_s, 1e-9)
        rows.append(f"| {count:,} | {at_s:.0f} | {rate:,.0f} |")
        before_s, before_n = at_s, count
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each (median reported)")
    parser.add_argument(
        "--articles", type=int, help="a corpus.py corpus of this many articles, not Reuters"
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus.py's seed (with --articles)")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    options = parser.parse_args()
    source, word = REUTERS, "cocoa"
    if options.articles:
        if not corpus.available():
            sys.exit(f"needs {corpus.CORPORA}")
        source, word = corpus.cached(options.articles, options.seed), "minister"
    if not source.exists():
        sys.exit(f"needs {source}")
    records = sum(1 for _ in gzip.open(source, "rt", encoding="utf-8"))
    runs, baseline = [], []
    for _ in range(options.runs):
        runs.append(archive_ingest(source, word))
        baseline.append(fts5_ingest(source))
        print(f"run {len(runs)}: {runs[-1]['seconds']:.1f} s", file=sys.stderr)
    median = sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]
    ours_s, base_s = median["seconds"], statistics.median(baseline)
    print(
        f"{source.name}: {records:,} articles ({median['stored']:,} stored, the rest exact "
        f"duplicates); {median['segments']} index segments at the end"
    )
    print("| ingest, end to end | seconds | articles/s | vs SQLite FTS5 |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| newsarchive ingest | {ours_s:.1f} | {records / ours_s:,.0f} | {ours_s / base_s:.1f}× |"
    )
    print(
        f"| newsarchive ingest, processor time (all processes) | {median['cpu_s']:.1f} "
        f"| {records / median['cpu_s']:,.0f} | |"
    )
    print(f"| sqlite3 + FTS5 (baseline) | {base_s:.1f} | {records / base_s:,.0f} | 1.0× |")
    print()
    print("\n".join(commit_rows(median["commits"])))
    if options.json:
        figures = {"source": str(source), "articles": records, "runs": runs, "fts5_s": baseline}
        options.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
