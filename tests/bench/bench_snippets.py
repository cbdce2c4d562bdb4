"""Benchmark: snippets of real articles, this tree's `snippet` against an earlier commit's.

Each article gets a query of two of its own words of four letters or more (a result
always holds its query's words), each with the plural form the query side adds. Both
versions run in this process over the same articles and terms, --rounds times in
turn; the figure to compare is the ratio of the medians, the machine being shared.

    PYTHONPATH=. python3 tests/bench/bench_snippets.py --before REV [--articles 1000]
"""

import argparse
import gzip
import json
import random
import statistics
import subprocess
import time
import types
from collections.abc import Callable
from pathlib import Path

from measure import say

from app.engine import snippet
from app.engine.schema import COMMON_WORDS, WORD, indexed_form

ROOT = Path(__file__).resolve().parents[2]
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters-21578.jsonl.gz"
Case = tuple[str, frozenset[str]]


def cases(corpus: Path, count: int, seed: int) -> list[Case]:
    """The first `count` articles with words to query, each with two of them as terms."""
    chosen = random.Random(seed)
    found: list[Case] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            body = json.loads(line).get("body") or ""
            words = sorted({indexed_form(w.group()) for w in WORD.finditer(body)} - COMMON_WORDS)
            words = [word for word in words if len(word) >= 4 and word.isalpha()]
            if len(words) >= 2:
                query = chosen.sample(words, 2)
                found.append((body, frozenset(query + [word + "s" for word in query])))
            if len(found) == count:
                break
    return found


def snippet_at(revision: str) -> Callable[..., str]:
    """`snippet` as `app/engine/snippets.py` was at `revision`."""
    source = subprocess.run(
        ["git", "show", f"{revision}:app/engine/snippets.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("snippets_before")
    exec(compile(source, f"{revision}:snippets.py", "exec"), module.__dict__)  # noqa: S102
    return module.snippet  # type: ignore[no-any-return]


def seconds(function: Callable[..., str], work: list[Case]) -> float:
    started = time.perf_counter()
    for text, terms in work:
        function(text, terms)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="the commit to compare with")
    parser.add_argument("--corpus", type=Path, default=REUTERS, help="JSON Lines, .gz")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    work = cases(options.corpus, options.articles, options.seed)
    faces = {"before": snippet_at(options.before), "after": snippet}
    for face in faces.values():
        seconds(face, work)  # warm: indexed_form's cache, the imports
    timings: dict[str, list[float]] = {name: [] for name in faces}
    for round_number in range(options.rounds):
        say(f"round {round_number + 1} of {options.rounds}")
        for name, face in faces.items():
            timings[name].append(seconds(face, work))
    before, after = (statistics.median(timings[name]) for name in faces)
    chars = sum(len(text) for text, _terms in work) / len(work)
    print(f"{len(work)} articles of {chars:,.0f} characters on average, median of {options.rounds}")
    print("| snippets | ms per article | ratio |\n| --- | ---: | ---: |")
    print(f"| {options.before} | {before * 1000 / len(work):.3f} | {before / after:.1f}× |")
    print(f"| this tree | {after * 1000 / len(work):.3f} | 1.0× |")


if __name__ == "__main__":
    main()
