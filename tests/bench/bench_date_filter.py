"""Benchmark: what a date range adds to a search, at 100,000 articles.

Builds (or reuses, cached in the temp directory by count, seed and builder) a
corpus from real sentences (`corpus.py`), ingests it with `app.ingest.ingest`
into a fresh archive, then times each query three ways, in one process,
interleaved, after a warm-up:

    A  SearchIndex.search with an empty match_filter (the query alone)
    B  SearchIndex.search with a one-year date range as match_filter (checked per match)
    C  Whoosh's own filter, as the project did before: searcher.search(q,
       filter=NumericRange("published", lo, hi), limit=20), the 20 ids and len(results)

Queries come from the index's vocabulary: common single words, rarer single
words, and two words of one real headline; each gets its own one-year window
inside 2015–2024. A query's time is the median of its --rounds runs (C: one
run); the table gives p50 and p95 over queries and the ratios to A. The target
is B/A ≤ 1.5. For a sample of queries the totals of A, B and C are checked
against a count made without either filter (every match of the query, its date
read from the column). Progress goes to stderr, the tables to stdout.

    python3 tests/bench/bench_date_filter.py [--articles 100000] [--queries 200] [--json out.json]
"""

import argparse
import gzip
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from pathlib import Path

import corpus
from measure import percentile, say
from whoosh.analysis import STOP_WORDS
from whoosh.query import NumericRange, Query

from app.archive import Archive
from app.ingest import ingest
from app.search.engine.collector import MatchFilter
from app.search.engine.index import SearchIndex, day_number, match_filter
from app.search.queries import parse_query
from app.settings import Settings

TARGET = 1.5  # B/A, at p50 and at p95
PER_PAGE = 20
WARM_UP = 20  # queries run once, untimed, before timing starts
CHECK_EVERY = 10  # every tenth query's totals are checked
WINDOW_DAYS = 365
HEADLINES = 20_000  # the corpus's first headlines, where two-word queries come from
KINDS = ("common", "rare", "two words")
VARIANTS = ("A", "B", "C")
LABELS = {
    "A": "A: no filter",
    "B": "B: one-year range, match_filter (per match)",
    "C": "C: one-year range, Whoosh filter= (before)",
}


@dataclass
class Case:
    """One query with its one-year window, and what timing it found."""

    kind: str
    text: str
    first: date
    last: date
    query: Query = field(repr=False)
    seconds: dict[str, list[float]] = field(default_factory=lambda: {v: [] for v in VARIANTS})
    totals: dict[str, int] = field(default_factory=dict)

    def median_ms(self, variant: str) -> float:
        return statistics.median(self.seconds[variant]) * 1000


def ingest_corpus(archive: Archive, path: Path, count: int) -> tuple[float, int]:
    """Seconds for `ingest` to store and index the corpus, and the articles it added."""
    read, last = [0], [0.0]

    def progress(_bytes: int, articles: int) -> None:
        read[0] += articles
        if articles and read[0] % 10_000 == 0:
            now = time.perf_counter()
            say(f"ingest: {read[0]:,} / {count:,} read, the last 10,000 in {now - last[0]:.1f} s")
            last[0] = now

    started = last[0] = time.perf_counter()
    report = ingest(archive, [path], on_progress=progress)
    elapsed = time.perf_counter() - started
    if report.rejected:
        raise AssertionError(f"ingest rejected {report.rejected[:3]}")
    return elapsed, report.added


def vocabulary(index: SearchIndex) -> dict[str, int]:
    """Words of the body field (letters only, not stop words) with their document counts."""
    words = {}
    with index.searching() as searcher:
        for term, info in searcher.reader().iter_field("body"):
            word = term.decode("utf-8") if isinstance(term, bytes) else term
            if len(word) >= 3 and word.isalpha() and word.isascii() and word not in STOP_WORDS:
                words[word] = info.doc_frequency()
    return words


def draw_cases(index: SearchIndex, path: Path, count: int, seed: int) -> list[Case]:
    """`count` queries, 40 % common words, 30 % rarer words, 30 % two words of a headline."""
    rng = random.Random(seed)
    words = vocabulary(index)
    docs = index.doc_count()
    common = sorted(w for w, df in words.items() if df >= docs / 100)
    rare = sorted(w for w, df in words.items() if max(3, docs / 10_000) <= df <= docs / 1000)
    wanted = {"common": count * 4 // 10, "rare": count * 3 // 10}
    wanted["two words"] = count - wanted["common"] - wanted["rare"]
    texts = {
        "common": rng.sample(common, wanted["common"]),
        "rare": rng.sample(rare, wanted["rare"]),
        "two words": headline_pairs(rng, path, words, docs, wanted["two words"]),
    }
    cases = [_case(rng, kind, text) for kind in KINDS for text in texts[kind]]
    rng.shuffle(cases)  # kinds mixed through the run, so that drift hits each alike
    return cases


def headline_pairs(
    rng: random.Random, path: Path, words: dict[str, int], docs: int, count: int
) -> list[str]:
    """Two words (each in 0.05 % of articles or more) of one headline, `count` headlines."""
    pairs: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        titles = [json.loads(line)["title"] for line in islice(lines, HEADLINES)]
    while len(pairs) < count:
        title = rng.choice(titles).lower().split()
        usable = sorted({w for w in title if words.get(w, 0) >= docs / 2000})
        if len(usable) >= 2:
            pairs.append(" ".join(rng.sample(usable, 2)))
    return pairs


def _case(rng: random.Random, kind: str, text: str) -> Case:
    first = corpus.FIRST_DAY + timedelta(days=rng.randrange(corpus.DAYS - WINDOW_DAYS + 1))
    last = first + timedelta(days=WINDOW_DAYS - 1)
    return Case(kind, text, first, last, parse_query(text))


def runners(index: SearchIndex) -> dict[str, Callable[[Case], int]]:
    """Each variant as a call that runs one case and returns its total."""
    unfiltered = match_filter(date_from=None, date_to=None, place=None, source=None)

    def run(case: Case, wanted: MatchFilter) -> int:
        hits = index.search(
            case.query, match_filter=wanted, sort="relevance", page=1, per_page=PER_PAGE
        )
        return hits.total

    def whoosh_filter(case: Case) -> int:
        window = NumericRange("published", day_number(case.first), day_number(case.last))
        with index.searching() as searcher:
            results = searcher.search(case.query, filter=window, limit=PER_PAGE)
            _ids = [hit["id"] for hit in results]  # the page's ids, as the old search built them
            return len(results)

    return {
        "A": lambda case: run(case, unfiltered),
        "B": lambda case: run(case, dated(case)),
        "C": whoosh_filter,
    }


def dated(case: Case) -> MatchFilter:
    return match_filter(date_from=case.first, date_to=case.last, place=None, source=None)


def measure(cases: list[Case], run: dict[str, Callable[[Case], int]], rounds: int) -> None:
    """Time every case `rounds` times, interleaved: A B C, then C B A, and so on.

    C, the reference and by far the slowest, runs in the first round only, which
    keeps a 100k run within minutes; A and B run in every round.
    """
    for case in cases[:WARM_UP]:
        for variant in VARIANTS:
            run[variant](case)
    for round_number in range(rounds):
        started = time.perf_counter()
        variants = VARIANTS if round_number == 0 else ("A", "B")
        for number, case in enumerate(cases):
            order = variants if (number + round_number) % 2 == 0 else variants[::-1]
            for variant in order:
                begin = time.perf_counter()
                total = run[variant](case)
                case.seconds[variant].append(time.perf_counter() - begin)
                case.totals[variant] = total
        say(f"queries: round {round_number + 1}/{rounds} in {time.perf_counter() - started:.1f} s")


def check_totals(index: SearchIndex, cases: list[Case]) -> int:
    """For every CHECK_EVERY-th case: B's total is the count of A's matches in the window."""
    checked = 0
    for case in cases[::CHECK_EVERY]:
        with index.searching() as searcher:
            days = searcher.reader().column_reader("published")
            matches = list(searcher.docs_for_query(case.query))
        low, high = day_number(case.first), day_number(case.last)
        in_window = sum(1 for doc in matches if low <= days[doc] <= high)
        assert case.totals["A"] == len(matches), (case.text, case.totals["A"], len(matches))
        assert case.totals["B"] == in_window, (case.text, case.first, case.totals["B"], in_window)
        assert case.totals["C"] == in_window, (case.text, case.first, case.totals["C"], in_window)
        checked += 1
    return checked


def summary(cases: list[Case]) -> dict[str, dict[str, float]]:
    figures = {}
    for variant in VARIANTS:
        times = [case.median_ms(variant) for case in cases]
        figures[variant] = {"p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95)}
    for variant in VARIANTS:
        for stat in ("p50", "p95"):
            ratio = figures[variant][f"{stat}_ms"] / figures["A"][f"{stat}_ms"]
            figures[variant][f"{stat}_vs_A"] = ratio
    return figures


def print_tables(cases: list[Case], figures: dict[str, dict[str, float]]) -> None:
    print("| variant | p50 ms | p95 ms | ÷A p50 | ÷A p95 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for variant in VARIANTS:
        f = figures[variant]
        print(
            f"| {LABELS[variant]} | {f['p50_ms']:.1f} | {f['p95_ms']:.1f} "
            f"| {f['p50_vs_A']:.2f}× | {f['p95_vs_A']:.2f}× |"
        )
    print()
    print(
        "| queries | n | matches (median) | in window (median) | A p50 ms | B p50 ms | C p50 ms |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind in KINDS:
        some = [case for case in cases if case.kind == kind]
        p50 = {v: percentile([case.median_ms(v) for case in some], 0.5) for v in VARIANTS}
        print(
            f"| {kind} | {len(some)} | {statistics.median(c.totals['A'] for c in some):,.0f} "
            f"| {statistics.median(c.totals['B'] for c in some):,.0f} "
            f"| {p50['A']:.1f} | {p50['B']:.1f} | {p50['C']:.1f} |"
        )


def raw_figures(options, ingest_s: float, stored: int, segments: int, cases, figures) -> dict:
    return {
        "articles": options.articles,
        "seed": options.seed,
        "rounds": options.rounds,
        "stored": stored,
        "segments": segments,
        "ingest_s": ingest_s,
        "ingest_per_s": options.articles / ingest_s,
        "summary": figures,
        "queries": [
            {
                "kind": case.kind,
                "q": case.text,
                "from": case.first.isoformat(),
                "to": case.last.isoformat(),
                "totals": case.totals,
                "seconds": case.seconds,
            }
            for case in cases
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size")
    parser.add_argument("--queries", type=int, default=200, help="queries timed")
    parser.add_argument("--rounds", type=int, default=2, help="runs of A and B (median)")
    parser.add_argument("--seed", type=int, default=1, help="corpus and query seed")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    options = parser.parse_args()
    if not corpus.available():
        sys.exit(f"needs {', '.join(corpus.SOURCES)} in {corpus.CORPORA}")
    started = time.perf_counter()
    path = corpus.cached(options.articles, options.seed)
    with tempfile.TemporaryDirectory(prefix="bench-date-filter-") as data:
        archive = Archive(Settings(data_dir=Path(data), database_url="", index_dir=None))
        try:
            ingest_s, stored = ingest_corpus(archive, path, options.articles)
            with archive.index.searching() as searcher:
                segments = len(searcher.reader().leaf_readers())
            say(f"ingest: {stored:,} stored in {ingest_s:.1f} s, {segments} index segments")
            cases = draw_cases(archive.index, path, options.queries, options.seed)
            measure(cases, runners(archive.index), options.rounds)
            checked = check_totals(archive.index, cases)
        finally:
            archive.close()
    figures = summary(cases)
    print(
        f"{options.articles:,} articles (seed {options.seed}), {stored:,} stored, "
        f"ingested in {ingest_s:.1f} s ({options.articles / ingest_s:,.0f}/s), "
        f"{segments} segments; {len(cases)} queries × {options.rounds} rounds, "
        f"totals checked on {checked}"
    )
    print()
    print_tables(cases, figures)
    b = figures["B"]
    verdict = "holds" if max(b["p50_vs_A"], b["p95_vs_A"]) <= TARGET else "MISSED"
    print(f"\nB/A ≤ {TARGET}: {verdict} (p50 {b['p50_vs_A']:.2f}×, p95 {b['p95_vs_A']:.2f}×)")
    say(f"total: {time.perf_counter() - started:.0f} s")
    if options.json:
        raw = raw_figures(options, ingest_s, stored, segments, cases, figures)
        options.json.write_text(json.dumps(raw, indent=2))


if __name__ == "__main__":
    main()
