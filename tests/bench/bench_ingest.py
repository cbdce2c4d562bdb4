"""Benchmark: the Reuters-21578 corpus from nothing to searchable, end to end.

Runs `newsarchive ingest` on the 19,043 stories in a fresh data directory (a
subprocess: start-up, parsing, the SQLite store, the Whoosh index, all of it),
then checks that the last story is searchable. The baseline, in the same run on
the same machine: the same rows written with plain `sqlite3` into a table with
an FTS5 index. Figures are medians of --runs runs; the ratio is what to compare
across machines, the machine here being shared and noisy.

    python3 tests/bench/bench_ingest.py [--runs 3] [--json results.json]
"""

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fts5

ROOT = Path(__file__).resolve().parents[2]
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters-21578.jsonl.gz"


def archive_ingest(corpus: Path) -> tuple[float, int]:
    """Seconds for the CLI to ingest `corpus` into an empty archive, and the articles stored."""
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "NEWSARCHIVE_DATA_DIR": data}
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "app", "ingest", str(corpus)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
        stats = subprocess.run(
            [sys.executable, "-m", "app", "stats"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert_searchable(env)
    return elapsed, int(stats.split("\t")[1].split()[0])


def assert_searchable(env: dict) -> None:
    code = (
        "from app.archive import Archive; from app.settings import Settings;"
        "from app.search.queries import search; from app.search.params import parse_params;"
        "a = Archive(Settings()); assert search(a, parse_params({'q': 'cocoa'})).total > 0"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def fts5_ingest(corpus: Path) -> float:
    """Seconds to write the same rows with plain sqlite3 into a table and an FTS5 index."""
    with tempfile.TemporaryDirectory() as data:
        return fts5.write(corpus, Path(data) / "fts.db")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each (median reported)")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    options = parser.parse_args()
    if not REUTERS.exists():
        sys.exit(f"needs {REUTERS}")
    records = sum(1 for _ in gzip.open(REUTERS, "rt", encoding="utf-8"))
    ours, baseline, stored = [], [], 0
    for _ in range(options.runs):
        seconds, stored = archive_ingest(REUTERS)
        ours.append(seconds)
        baseline.append(fts5_ingest(REUTERS))
    ours_s, base_s = statistics.median(ours), statistics.median(baseline)
    print(f"Reuters-21578: {records:,} stories ({stored:,} stored, the rest exact duplicates)")
    print("| ingest, end to end | seconds | stories/s | vs SQLite FTS5 |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| newsarchive ingest | {ours_s:.1f} | {records / ours_s:,.0f} | {ours_s / base_s:.1f}× |"
    )
    print(f"| sqlite3 + FTS5 (baseline) | {base_s:.1f} | {records / base_s:,.0f} | 1.0× |")
    if options.json:
        figures = {"stories": records, "stored": stored, "archive_s": ours, "fts5_s": baseline}
        options.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
