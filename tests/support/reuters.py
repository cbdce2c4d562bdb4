"""The shared Reuters-21578 corpus (../shared/corpora), for tests that need real stories.

Absent in a fresh clone: tests that use it skip with `needs_reuters`.
"""

import gzip
import itertools
import json
from datetime import date
from pathlib import Path

import pytest

from app.article import Article
from support.helpers import make

REUTERS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "reuters-21578.jsonl.gz"
needs_reuters = pytest.mark.skipif(
    not REUTERS.exists(), reason="needs ../shared/corpora (not in a fresh clone)"
)


def records(count: int | None = None) -> list[dict]:
    """The corpus's first `count` records (all when None), as stored."""
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in itertools.islice(lines, count)]


def articles(count: int) -> list[Article]:
    """The first `count` stories as articles, with ids r0, r1, …"""
    return [
        make(
            f"r{number}",
            record["body"],
            date.fromisoformat(record["published"]),
            place=record.get("place"),
            source=record.get("source"),
            title=record["title"],
        )
        for number, record in enumerate(records(count))
    ]
