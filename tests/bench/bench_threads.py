"""Story threads measured: recall and precision of the version rule on labelled pairs of the
real corpora (tests/support/thread_pairs.py), by kind of pair, at the default thresholds
and a few others; and what finding threads costs an ingest (the time `Store.upsert` spends
in `threaded` for the whole of Reuters-21578, against the rest of the ingest).

    python3 tests/bench/bench_threads.py [--versions 1000] [--seed 1]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[2])]

from support.thread_pairs import labelled_pairs, rates, stories, told  # noqa: E402

from app import store as store_module  # noqa: E402
from app.archive import Archive  # noqa: E402
from app.ingest import ingest  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.threads import Thresholds  # noqa: E402

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
OTHER_RULES = {
    "default": Thresholds(),
    "same day 0.5 / 0.85": Thresholds(jaccard=0.5),
    "same day 0.7 / 0.9": Thresholds(jaccard=0.7, containment=0.9),
    "other day like same day": Thresholds(jaccard_other_day=0.6, containment_other_day=0.85),
}


def quality(versions_wanted: int, seed: int) -> None:
    print("| corpus | rule | recall | precision |\n| --- | --- | ---: | ---: |")
    by_kind = {}
    for name in ("reuters-21578", "wikinews"):
        corpus = stories(CORPORA / f"{name}.jsonl.gz")
        pairs = labelled_pairs(corpus, versions=min(versions_wanted, len(corpus) // 2), seed=seed)
        for label, rule in OTHER_RULES.items():
            counts = told(pairs, rule)
            recall, precision = rates(counts)
            print(f"| {name} | {label} | {recall:.1%} | {precision:.2%} |")
            if label == "default":
                by_kind[name] = counts
    print("\n| corpus | kind of pair | pairs | told right |\n| --- | --- | ---: | ---: |")
    for name, counts in by_kind.items():
        kinds = sorted({kind for kind, _l, _s in counts})
        for kind in kinds:
            right = sum(n for (k, label, said), n in counts.items() if k == kind and label == said)
            total = sum(n for (k, _l, _s), n in counts.items() if k == kind)
            print(f"| {name} | {kind} | {total} | {right / total:.1%} |")


def cost() -> None:
    """Reuters ingested whole, the time in `threaded` measured apart."""
    spent = [0.0]
    threaded = store_module.threaded  # timed where the store calls it

    def timed(*args, **kwargs):
        began = time.perf_counter()
        try:
            return threaded(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - began

    store_module.threaded = timed
    with tempfile.TemporaryDirectory() as home:
        archive = Archive(Settings(data_dir=Path(home) / "data"))
        began = time.perf_counter()
        report = ingest(archive, [CORPORA / "reuters-21578.jsonl.gz"])
        total = time.perf_counter() - began
        threads = (
            archive.store.engine.connect()
            .exec_driver_sql("SELECT count(*), count(DISTINCT thread) FROM articles")
            .one()
        )
        archive.close()
    print(
        f"\nReuters ingest {total:.1f} s, finding threads {spent[0]:.1f} s "
        f"({spent[0] / total:.0%}); {report.added} articles in {threads[1]} threads, "
        f"{threads[0] - threads[1]} versions joined to another"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1000, help="edited pairs a corpus")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    if not (CORPORA / "reuters-21578.jsonl.gz").exists():
        sys.exit(f"needs the corpora in {CORPORA}")
    quality(arguments.versions, arguments.seed)
    cost()


if __name__ == "__main__":
    main()
