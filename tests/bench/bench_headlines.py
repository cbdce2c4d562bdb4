"""Headlines sent in capitals, as the archive shows them (app/search/headlines.py): over the
capitals headlines of Reuters-21578, the share whose words found in capitals in their own
story stay in capitals (the goal: all), and what each kind of evidence changes against
title case alone. The archive's evidence comes from a real index of the corpus (with
`--wikinews`, of both corpora, as an archive holding both answers).

    python3 tests/bench/bench_headlines.py [--wikinews] [--examples 5] [--corpora DIR]
"""

import argparse
import gzip
import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[2])]

from app.article import Article  # noqa: E402
from app.engine import SearchIndex  # noqa: E402
from app.errors import ParseError  # noqa: E402
from app.ingest.jsonl import parse_record  # noqa: E402
from app.search.headlines import Reading, readable, reading  # noqa: E402

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
TOKEN = re.compile(r"[^\W_]+")
TOLD, KEPT = "with a word its story writes in capitals", "… every such word kept in capitals"
CHANGED, BY_STORY, BY_ARCHIVE = (
    "changed from title case alone",
    "… a word as its story writes it",
    "… a word as the archive writes it",
)


def articles(path: Path) -> list[Article]:
    """The corpus's stories as ingest makes them (cleaned); those it rejects left out."""
    made = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            try:
                made.append(parse_record(json.loads(line)))
            except ParseError:
                continue
    return made


def archive_cases(evidence: list[Article], readings: list[Reading]) -> dict[str, str]:
    """What an index of `evidence` says of every word the headlines' stories leave open."""
    with tempfile.TemporaryDirectory() as home:
        index = SearchIndex(Path(home) / "index")
        index.replace_all([evidence])
        asked = frozenset().union(*(found.asks for found in readings))
        cases = index.archive_cases(asked)
        index.close()
    return cases


def tally(readings: list[Reading], cases: dict[str, str]) -> tuple[Counter, Counter, list]:
    """Headlines counted by what their story writes in capitals and what evidence changed
    them; the misses (a word its story writes in capitals not kept so)."""
    counted, archived, missed = Counter(), Counter(), []
    for found in readings:
        shown, plain = found.shown(cases), readable(found.title)  # plain: title case alone
        capitals = {w for w, forms in found.own.items() if any(f.isupper() for f in forms)}
        if capitals:
            counted[TOLD] += 1
            kept = capitals <= set(TOKEN.findall(shown))
            counted[KEPT] += kept
            missed += [] if kept else [(found.title, shown)]
        if shown != plain:
            counted[CHANGED] += 1
            counted.update(kinds(found, cases, plain, shown))
            archived.update(word for word in found.asks if word in cases)
    return counted, archived, missed


def kinds(found: Reading, cases: dict[str, str], plain: str, shown: str) -> list[str]:
    """What changed a headline from title case alone: its story's evidence, the archive's."""
    changed = {
        before.upper()
        for before, after in zip(TOKEN.findall(plain), TOKEN.findall(shown), strict=True)
        if before != after
    }
    by_story = changed & set(found.own)
    return [
        label
        for label, hit in (
            (BY_STORY, by_story),
            (BY_ARCHIVE, changed - by_story),
        )
        if hit
    ]


def report(headlines: int, counted: Counter) -> None:
    print(f"{headlines:,} headlines in capitals\n")
    print("| headlines | count | share |\n| --- | ---: | ---: |")
    for label in (TOLD, KEPT, CHANGED, BY_STORY, BY_ARCHIVE):
        whole = counted[TOLD] if label == KEPT else headlines
        print(f"| {label} | {counted[label]:,} | {counted[label] / whole:.2%} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wikinews", action="store_true", help="the archive holds Wikinews too")
    parser.add_argument("--examples", type=int, default=5, help="misses and words to print")
    parser.add_argument("--corpora", type=Path, default=CORPORA, help="where the corpora are")
    options = parser.parse_args()
    if not (options.corpora / "reuters-21578.jsonl.gz").exists():
        sys.exit(f"needs the corpora in {options.corpora}")
    stories = articles(options.corpora / "reuters-21578.jsonl.gz")
    others = articles(options.corpora / "wikinews.jsonl.gz") if options.wikinews else []
    print(
        f"Reuters-21578: {len(stories):,} stories; the index holds {len(stories) + len(others):,}\n"
    )
    readings = [found for story in stories if (found := reading(story.title, story.body))]
    counted, archived, missed = tally(readings, archive_cases(stories + others, readings))
    report(len(readings), counted)
    for title, shown in missed[: options.examples]:
        print(f"- missed: {title} → {shown}")
    print(
        "\nThe words the archive's evidence changes most:", archived.most_common(options.examples)
    )


if __name__ == "__main__":
    main()
