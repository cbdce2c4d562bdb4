"""Benchmark: "did you mean" and related stories on an existing archive, Whoosh's way and ours.

Both ways run in this process on the same index, interleaved: Whoosh's corrector
(one edit with the first letter kept, then two, then one with any first letter: what
`spelling.py` called before) against the in-memory vocabulary, on misspellings made of
the archive's own words (one letter dropped, changed or added); Whoosh's `more_like`
(12 key terms, what `SearchIndex.more_like` called before) against ours, each article
first seen (cold) and then again (remembered). Then the article page through the app
in process, against its JSON twin, which shows no related stories. Ratios are what to
compare, the machine being shared.

    PYTHONPATH=. python3 tests/bench/bench_request.py DATA_DIR [--words 40] [--articles 40]
"""

import argparse
import os
import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from fastapi.testclient import TestClient
from measure import say

from app.engine.index import SearchIndex
from app.engine.spelling import nearest
from app.settings import Settings
from app.web.app import create_app

STEPS = ((1, 1), (2, 1), (1, 0))  # Whoosh's corrector: (edits, letters kept at the start)


def ms(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


def misspellings(words: list[str], count: int, known: Callable[[str], bool]) -> list[str]:
    """`count` unknown words, each one edit from a known word of four letters or more."""
    chosen = random.Random(3)
    found: list[str] = []
    while len(found) < count:
        word = chosen.choice(words)
        at, letter = chosen.randrange(len(word)), chosen.choice("aeiourstnl")
        wrong = chosen.choice(
            [
                word[:at] + word[at + 1 :],
                word[:at] + letter + word[at + 1 :],
                word[:at] + letter + word[at:],
            ]
        )
        if len(wrong) >= 3 and not known(wrong):
            found.append(wrong)
    return found


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    body: str


def spelling(index: SearchIndex, count: int) -> dict:
    with index.searching() as searcher:
        reader = searcher.reader()
        cold, lexicon = ms(partial(index._vocabularies.of, reader))
        words = [
            w for w in (t.decode() for t in reader.lexicon("body")) if len(w) >= 4 and w.isalpha()
        ]
        wrong = misspellings(
            words, count, lambda w: ("body", w) in reader or ("title", w) in reader
        )
        corrector = searcher.corrector("body")

        def whoosh(word: str) -> str | None:
            for edits, prefix in STEPS:
                found = corrector.suggest(word, limit=1, maxdist=edits, prefix=prefix)
                if found:
                    return str(found[0])
            return None

        theirs, ours, differ = [], [], 0
        for word in wrong:
            took, expected = ms(partial(whoosh, word))
            theirs.append(took)
            took, got = ms(partial(nearest, word, lexicon))
            ours.append(took)
            differ += expected != got
    return {
        "words": len(wrong),
        "differ": differ,
        "whoosh": theirs,
        "ours": ours,
        "build_ms": cold,
        "megabytes": index._vocabularies.nbytes() / 1e6,
    }


def related(index: SearchIndex, stories: list[Story]) -> dict:
    theirs, cold, again = [], [], []
    with index.searching() as searcher:
        index._vocabularies.of(searcher.reader())  # built by "did you mean" already, or now
        for story in stories:
            docnum = searcher.document_number(id=story.id)
            text = f"{story.title}\n{story.body}"
            whoosh = partial(searcher.more_like, docnum, "body", text=text, top=5, numterms=12)
            theirs.append(ms(whoosh)[0])
            ours = partial(index.more_like, story, count=5)
            cold.append(ms(ours)[0])
            again.append(ms(ours)[0])
    return {"whoosh": theirs, "cold": cold, "again": again}


def pages(data: Path, ids: list[str]) -> dict:
    os.environ["NEWSARCHIVE_DATA_DIR"] = str(data)
    times: dict[str, list[float]] = {"page": [], "again": [], "json": []}
    with TestClient(create_app(Settings())) as client:
        client.get(f"/articles/{ids[0]}")  # the vocabulary, once
        for article_id in ids[1:]:
            page, twin = f"/articles/{article_id}", f"/api/articles/{article_id}"
            for name, path in (("page", page), ("again", page), ("json", twin)):
                took, response = ms(partial(client.get, path))
                assert response.status_code == 200, path
                times[name].append(took)
    return times


def p50(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="an archive's data directory (left unchanged)")
    parser.add_argument("--words", type=int, default=40)
    parser.add_argument("--articles", type=int, default=40)
    options = parser.parse_args()

    index = SearchIndex(options.data / "index")
    say("did you mean …")
    spelt = spelling(index, options.words)
    db = sqlite3.connect(options.data / "archive.sqlite3")
    query = "SELECT id, title, body FROM articles ORDER BY random() LIMIT ?"
    stories = [Story(*row) for row in db.execute(query, (2 * options.articles,))]
    say("related …")
    alike = related(index, stories[: options.articles])
    index.close()
    say("article pages …")
    page = pages(options.data, [story.id for story in stories[options.articles :]])
    print(f"{spelt['words']} misspellings, {spelt['differ']} answered otherwise than Whoosh")
    print("| measure | Whoosh's way, ms | ours, ms | ratio |\n| --- | ---: | ---: | ---: |")
    row("respelling a word, p50", p50(spelt["whoosh"]), p50(spelt["ours"]))
    row("respelling, the slowest word", max(spelt["whoosh"]), max(spelt["ours"]))
    row("related, first view, p50", p50(alike["whoosh"]), p50(alike["cold"]))
    row("related, seen before, p50", p50(alike["whoosh"]), p50(alike["again"]))
    print(f"vocabulary: built in {spelt['build_ms'] / 1000:.1f} s, {spelt['megabytes']:.1f} MB")
    json = p50(page["json"])
    print(f"/api/articles/{{id}} (no related stories) p50 {json:.1f} ms; /articles/{{id}}:")
    for name in ("page", "again"):
        print(f"  {name}: p50 {p50(page[name]):.1f} ms, {p50(page[name]) / json:.1f}× the JSON")


def row(what: str, theirs: float, ours: float) -> None:
    print(f"| {what} | {theirs:.1f} | {ours:.2f} | {theirs / ours:.1f}× |")


if __name__ == "__main__":
    main()
