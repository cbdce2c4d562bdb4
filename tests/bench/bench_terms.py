"""Benchmark: what a search's matches talk about, and what it costs the results page.

Two servers over one Reuters-21578 archive, one worker each: this checkout, and the code
at `--before` (a commit without the terms, unpacked from git into a temp directory). For
broad and narrow queries, round after round, interleaved: `/search` on each (the page the
reader waits for: the terms are not worked out in it, only linked), then this checkout's
`/search/terms` (the second request, which the results' script makes) and `/api/terms`.
The first round warms both servers and is left out. Ratios are what to compare, the
machine being shared.

    python3 tests/bench/bench_terms.py --before REV [--data DIR] [--rounds 20] [--json FILE]
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from measure import percentile, say
from serving import archive_env, free_port, ingest_with_cli, running, serve_command

ROOT = Path(__file__).resolve().parents[2]
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters-21578.jsonl.gz"
BROAD = ["oil", "said", "bank", "prices", "company", "oil prices"]
NARROW = ["cocoa", "opec", "coffee exports", "gold mine", "saudi"]
PATHS = ("/search", "/search/terms", "/api/terms")


def unpacked(revision: str, into: Path) -> Path:
    """The tree of `revision` in `into` (git archive), to run the code as it was."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True
    ).stdout
    into.mkdir()
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def serves(port: int) -> list[str]:
    """One worker's `newsarchive serve`, its code from PYTHONPATH: -P keeps the directory
    this runs in off the path, or both servers would run this checkout."""
    python, *rest = serve_command(port, 1)
    return [python, "-P", *rest]


def timed(client: httpx.Client, path: str, q: str) -> float:
    started = time.perf_counter()
    response = client.get(path, params={"q": q})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{path}?q={q}: {response.status_code} {response.text[:200]}")
    return elapsed


def measure(after: str, before: str, rounds: int) -> dict[str, dict[str, list[float]]]:
    """ms of each query on each path ("before" is the old code's /search), round by round."""
    times: dict[str, dict[str, list[float]]] = {}
    with (
        httpx.Client(base_url=after, timeout=60) as ours,
        httpx.Client(base_url=before, timeout=60) as old,
    ):
        for number in range(rounds + 1):
            say(f"round {number} of {rounds}")
            for q in BROAD + NARROW:
                taken = {
                    "before": timed(old, "/search", q),
                    **{path: timed(ours, path, q) for path in PATHS},
                }
                if number:  # the first round reads the index and fills the caches
                    for name, ms in taken.items():
                        times.setdefault(q, {}).setdefault(name, []).append(ms)
    return times


def summary(times: dict[str, dict[str, list[float]]], queries: list[str]) -> dict[str, float]:
    """p50 and p95 of each path over `queries` (every round of each)."""
    pooled: dict[str, list[float]] = {}
    for q in queries:
        for name, values in times[q].items():
            pooled.setdefault(name, []).extend(values)
    return {
        f"{name} {label}": percentile(values, share)
        for name, values in pooled.items()
        for label, share in (("p50", 0.5), ("p95", 0.95))
    }


def report(times: dict[str, dict[str, list[float]]]) -> dict[str, dict[str, float]]:
    kinds = {"broad": BROAD, "narrow": NARROW, "all": BROAD + NARROW}
    figures = {kind: summary(times, queries) for kind, queries in kinds.items()}
    print(
        "| queries | /search before | /search now | ratio | /search/terms p50 / p95 "
        "| /api/terms p50 / p95 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for kind, f in figures.items():
        ratio = f["/search p50"] / f["before p50"]
        print(
            f"| {kind} | {f['before p50']:.1f} ms | {f['/search p50']:.1f} ms | {ratio:.2f}× "
            f"| {f['/search/terms p50']:.1f} / {f['/search/terms p95']:.1f} ms "
            f"| {f['/api/terms p50']:.1f} / {f['/api/terms p95']:.1f} ms |"
        )
    print()
    print("| query (p50, ms) | /search before | /search now | /search/terms | /api/terms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for q, by_path in times.items():
        p50 = {name: percentile(values, 0.5) for name, values in by_path.items()}
        print(
            f"| {q} | {p50['before']:.1f} | {p50['/search']:.1f} | {p50['/search/terms']:.1f} "
            f"| {p50['/api/terms']:.1f} |"
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="a Reuters archive's data directory")
    parser.add_argument("--before", required=True, help="a commit without the terms")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--json", type=Path, help="write the raw times here")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-terms-") as scratch:
        data = options.data
        if data is None:
            if not REUTERS.exists():
                sys.exit(f"needs {REUTERS}")
            data = Path(scratch) / "data"
            say(f"ingesting Reuters-21578: {ingest_with_cli(REUTERS, data):.0f} s")
        old_code = unpacked(options.before, Path(scratch) / "before")
        env = archive_env(data, NEWSARCHIVE_COMPACT_SECONDS="0")
        ports = free_port(), free_port()
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        old_env = {**env, "PYTHONPATH": str(old_code)}
        new_env = {**env, "PYTHONPATH": str(ROOT)}
        with (
            running(serves(ports[0]), new_env, urls[0] + "/api/stats"),
            running(serves(ports[1]), old_env, urls[1] + "/api/stats"),
        ):
            times = measure(urls[0], urls[1], options.rounds)
    figures = report(times)
    if options.json:
        options.json.write_text(json.dumps({"times": times, "summary": figures}, indent=1))


if __name__ == "__main__":
    main()
