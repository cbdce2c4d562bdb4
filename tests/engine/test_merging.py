"""app.engine.merging: which segments a commit merges (a pure plan over sizes), and
the policy applied to a real Whoosh index."""

from pathlib import Path

import pytest
from whoosh import index

from app.engine.merging import FACTOR, FLOOR, plan, policy, tier
from app.engine.schema import SCHEMA


def merged(sizes: list[int], *, limit: int, live: list[int] | None = None) -> list[int]:
    return plan(sizes, live if live is not None else sizes, limit=limit)


@pytest.mark.parametrize(
    ("size", "expected"),
    [(1, 0), (FLOOR - 1, 0), (FLOOR, 1), (FLOOR * FACTOR - 1, 1), (FLOOR * FACTOR, 2)],
)
def test_tiers_grow_by_the_factor(size, expected):
    assert tier(size) == expected


def test_fewer_than_factor_small_segments_stay():
    assert merged([100] * (FACTOR - 1), limit=10_000) == []


def test_factor_small_segments_of_one_tier_merge():
    assert merged([100] * FACTOR, limit=10_000) == list(range(FACTOR))


def test_the_smallest_full_tier_merges_and_larger_ones_wait():
    small, middle = [100] * FACTOR, [FLOOR * 2] * FACTOR
    sizes = middle + small
    assert merged(sizes, limit=100_000) == list(range(FACTOR, 2 * FACTOR))


def test_large_segments_never_merge_however_many():
    """Bulk segments (10,000 documents) under a bulk commit's limit (20,000): never merged."""
    assert merged([10_000] * 12, limit=20_000) == []


def test_a_merge_stops_at_the_limit():
    sizes = [900] * 10  # one tier; the limit takes four of them, smallest first
    assert merged(sizes, limit=3_600) == [0, 1, 2, 3]


def test_segments_of_other_tiers_do_not_fill_a_tier():
    sizes = [100, 100, 100, FLOOR * 2, FLOOR * 8]
    assert merged(sizes, limit=100_000) == []


def test_segments_with_no_live_document_always_go():
    assert merged([5000, 10_000], live=[0, 10_000], limit=8_000) == [0]


def test_a_commit_with_the_policy_merges_the_small_segments(tmp_path: Path):
    ix = index.create_in(str(tmp_path), SCHEMA)
    for n in range(FACTOR):
        writer = ix.writer()
        writer.add_document(id=f"a{n}", content_hash="h", body="small segment")
        writer.commit(merge=False)
    assert len(ix._segments()) == FACTOR
    writer = ix.writer()
    writer.add_document(id="last", content_hash="h", body="small segment")
    writer.commit(mergetype=policy(limit=1000))
    assert [segment.doc_count() for segment in ix._segments()] == [FACTOR + 1]
    with ix.searcher() as searcher:
        assert searcher.doc_count() == FACTOR + 1
