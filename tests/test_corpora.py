"""The shared Reuters-21578 corpus, ingested whole, as a user would: counts, ids, one known
story, and headline searches. Skips where ../shared/corpora is absent (a fresh clone)."""

import gzip
import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.archive import Archive
from app.ingest import ingest
from app.main import create_app
from app.search import build_params, search
from app.settings import Settings

REUTERS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "reuters-21578.jsonl.gz"
pytestmark = pytest.mark.skipif(
    not REUTERS.exists(), reason="needs ../shared/corpora (not in a fresh clone)"
)


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [json.loads(line) for line in gzip.open(REUTERS, "rt", encoding="utf-8")]


@pytest.fixture(scope="module")
def reuters(tmp_path_factory, records):
    """An archive holding the whole corpus, and the ingest's report."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("reuters") / "data")
    archive = Archive(settings)
    report = ingest(archive, [REUTERS])
    yield archive, report
    archive.close()


def canonical(archive: Archive, article_id: str) -> str | None:
    if archive.store.get(article_id):
        return article_id
    return archive.store.resolve_alias(article_id)


def test_every_story_is_stored_once_and_every_id_leads_to_it(reuters, records):
    archive, report = reuters
    texts = Counter(
        " ".join(f"{r['published']} {r['title']} {r['body']} {r.get('place')}".split())
        for r in records
    )
    repeats = sum(count - 1 for count in texts.values())
    assert (report.added, report.duplicates, report.rejected) == (
        len(records) - repeats,
        repeats,
        [],
    )
    assert archive.store.stats().articles == len(records) - repeats
    assert all(canonical(archive, record["id"]) for record in records)


def test_check_passes(reuters):
    archive, _report = reuters
    assert not archive.differences()


def test_reuters_1_is_the_bahia_cocoa_review(reuters):
    archive, _report = reuters
    with TestClient(create_app(archive.settings)) as client:
        article = client.get("/api/articles/reuters-1").json()
    assert (article["title"], article["published"], article["place"]) == (
        "BAHIA COCOA REVIEW",
        "1987-02-26",
        "SALVADOR",
    )


def test_a_search_for_a_headline_finds_that_story_first(reuters, records):
    archive, _report = reuters
    titles = Counter(record["title"] for record in records)
    sample = random.Random(21578).sample([r for r in records if titles[r["title"]] == 1], 200)
    misses = []
    for record in sample:
        typed = re.sub(r"[^\w.\s-]", " ", record["title"].lower())  # as typed: no <> or quotes
        found = search(archive, build_params(q=typed, per_page=1))
        if not found.items or found.items[0].id != canonical(archive, record["id"]):
            misses.append(record["title"])
    assert misses == []
