"""A deterministic scale corpus for benchmarks, built from the real sentences of ../shared/corpora.

Random words would give a flat vocabulary and make every query cost the same;
real sentences keep the word frequencies (and so the posting-list lengths) of
news. Each article takes a real headline (its first story's, another story's,
or its own first sentence cut to about 12 words), 3–12 sentences drawn as short
runs from anywhere in both corpora, grouped into 1–4 paragraphs, a date spread
uniformly over 2015–2024, a place drawn with Reuters' place frequencies, and a
source with the corpora's own frequencies, a share of them relabelled as other
wires. The same --seed gives the same file, byte for byte.

    python3 tests/bench/corpus.py --articles 100000 --seed 1 --out /tmp/corpus-100k.jsonl.gz
"""

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
SOURCES = ("reuters-21578.jsonl.gz", "wikinews.jsonl.gz")
FIRST_DAY = date(2015, 1, 1)
DAYS = (date(2024, 12, 31) - FIRST_DAY).days + 1
SENTENCES = (3, 12)  # an article's sentences, inclusive
PARAGRAPHS = (1, 4)
RUN = (1, 4)  # consecutive sentences taken from one story at a time
TITLE_WORDS = 12
OTHER_WIRES = ("AP", "AFP", "UPI")
OTHER_WIRE_SHARE = 0.1
GZIP_LEVEL = 4

# A full stop, ! or ? (and a closing quote or bracket), space, then a capital, digit or quote
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"“(]?[A-Z0-9])")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+$")  # U.S., J.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st co corp inc ltd jr sr gen gov sen rep no vs jan feb mar apr aug sept"
    " sep oct nov dec".split()
)


@dataclass
class Pool:
    """Every sentence of both corpora in story order, with what articles draw on besides."""

    sentences: list[str]
    story_of: list[int]  # sentence index → story index
    titles: list[str]  # story index → its headline
    places: list[str | None]  # one per Reuters story, so a draw has the real frequencies
    sources: list[str]  # one per story


def split_sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences; no split after an abbreviation or an initial (U.S., Mr.)."""
    text = " ".join(paragraph.split())
    sentences, start = [], 0
    for boundary in _BOUNDARY.finditer(text):
        before = text[start : boundary.start()].rsplit(" ", 1)[-1]
        if _INITIALS.match(before) or before[:-1].lower() in _ABBREVIATIONS:
            continue
        sentences.append(text[start : boundary.start() + _closing(boundary)])
        start = boundary.end()
    sentences.append(text[start:])
    return [sentence.strip() for sentence in sentences if len(sentence.split()) >= 3]


def _closing(boundary: re.Match) -> int:
    """How many closing quote or bracket characters the boundary match took after the stop."""
    return len(boundary.group()) - len(boundary.group().lstrip("\"'”’)"))


def available() -> bool:
    """Whether both corpora are where the builder reads them."""
    return all((CORPORA / name).exists() for name in SOURCES)


def load_pool(corpora: Path = CORPORA) -> Pool:
    """Read both corpora once; raises FileNotFoundError naming the file when one is absent."""
    pool = Pool(sentences=[], story_of=[], titles=[], places=[], sources=[])
    for name in SOURCES:
        with gzip.open(corpora / name, "rt", encoding="utf-8") as lines:
            for line in lines:
                _add_story(pool, json.loads(line))
    return pool


def _add_story(pool: Pool, record: dict) -> None:
    story = len(pool.titles)
    found = [s for part in record["body"].split("\n\n") for s in split_sentences(part)]
    if not found:
        return
    pool.sentences.extend(found)
    pool.story_of.extend([story] * len(found))
    pool.titles.append(" ".join(record["title"].split()))
    pool.sources.append(record["source"])
    if record["source"] == "Reuters":
        pool.places.append(record.get("place"))


def build(count: int, seed: int, pool: Pool | None = None) -> Iterator[dict]:
    """`count` articles, ids bench-1 … bench-<count>, the same for the same seed."""
    pool = pool or load_pool()
    rng = random.Random(seed)
    for number in range(1, count + 1):
        yield _article(rng, pool, number)


def _article(rng: random.Random, pool: Pool, number: int) -> dict:
    picked, first_story = _sentences(rng, pool)
    published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    source = rng.choice(pool.sources)
    if rng.random() < OTHER_WIRE_SHARE:
        source = rng.choice(OTHER_WIRES)
    return {
        "id": f"bench-{number}",
        "published": published.isoformat(),
        "title": _title(rng, pool, first_story, picked[0]),
        "body": "\n\n".join(_paragraphs(rng, picked)),
        "source": source,
        "place": rng.choice(pool.places),
    }


def _sentences(rng: random.Random, pool: Pool) -> tuple[list[str], int]:
    """3–12 sentences as runs of 1–4 consecutive ones from random places, and the first story."""
    wanted = rng.randint(*SENTENCES)
    total = len(pool.sentences)
    picked: list[str] = []
    first_story = -1
    while len(picked) < wanted:
        start = rng.randrange(total)
        story = pool.story_of[start]
        first_story = story if first_story < 0 else first_story
        end = min(start + rng.randint(*RUN), total, start + wanted - len(picked))
        while end > start + 1 and pool.story_of[end - 1] != story:  # a run stays in its story
            end -= 1
        picked.extend(pool.sentences[start:end])
    return picked, first_story


def _title(rng: random.Random, pool: Pool, first_story: int, first_sentence: str) -> str:
    roll = rng.random()
    if roll < 0.5:
        return pool.titles[first_story]
    if roll < 0.8:
        return rng.choice(pool.titles)
    words = first_sentence.split()
    return " ".join(words[:TITLE_WORDS]).rstrip(",;:") + ("…" if len(words) > TITLE_WORDS else "")


def _paragraphs(rng: random.Random, sentences: list[str]) -> list[str]:
    parts = min(rng.randint(*PARAGRAPHS), len(sentences))
    cuts = sorted(rng.sample(range(1, len(sentences)), parts - 1))
    bounds = [0, *cuts, len(sentences)]
    return [" ".join(sentences[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


def write(path: Path | str, count: int, seed: int) -> int:
    """Write `build(count, seed)` as JSON Lines (gzipped when the name ends .gz); returns count."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")  # a killed run leaves no half file behind
    written = 0
    with _open_text(partial, gzipped=path.name.endswith(".gz")) as out:
        for article in build(count, seed):
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
            written += 1
    partial.replace(path)
    return written


def cached(count: int, seed: int) -> Path:
    """The corpus for (count, seed), built once and kept in the temp directory.

    The name carries a hash of this file, so that a changed builder makes a new corpus.
    """
    builder = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:10]
    path = Path(tempfile.gettempdir()) / f"newsarchive-bench-{count}-{seed}-{builder}.jsonl.gz"
    if path.exists():
        print(f"corpus: reusing {path}", file=sys.stderr)
        return path
    print(f"corpus: building {count:,} articles (seed {seed}) into {path}", file=sys.stderr)
    started = time.perf_counter()
    write(path, count, seed)
    print(f"corpus: built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def _open_text(path: Path, *, gzipped: bool) -> TextIO:
    if gzipped:  # level 4: a third of the time of the default 9, a few per cent larger
        return gzip.open(path, "wt", encoding="utf-8", compresslevel=GZIP_LEVEL)
    return path.open("w", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles to write")
    parser.add_argument("--seed", type=int, default=1, help="the same seed, the same file")
    parser.add_argument("--out", type=Path, required=True, help="output; .gz means gzipped")
    options = parser.parse_args()
    if not available():
        sys.exit(f"needs {', '.join(SOURCES)} in {CORPORA}")
    started = time.perf_counter()
    written = write(options.out, options.articles, options.seed)
    elapsed = time.perf_counter() - started
    print(f"{written:,} articles in {options.out} ({elapsed:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
