"""app.engine.columns: built once a segment, kept across commits, masked for deletions."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from support.helpers import make

from app.engine import columns
from app.engine import evaluate as scope_module
from app.engine import index as index_module
from app.engine.index import SearchIndex
from app.filters import Filters

FIRST = [make(f"a{n}", f"Story {n} about grain.", date(2024, 1, n + 1)) for n in range(5)]
LATER = [make("b0", "A later story about grain.", date(2024, 2, 1), place="PARIS")]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    opened = SearchIndex(tmp_path / "index")
    opened.update(FIRST)
    yield opened
    opened.close()


def current(index: SearchIndex) -> tuple[tuple[columns.Leaf, ...], columns.Columns]:
    with index.searching() as searcher:
        leaves = columns.leaves_of(searcher)
        return leaves, columns.columns_of(leaves)


def test_warming_builds_the_columns_of_the_index_as_it_is(index):
    index.warm()
    with index.searching() as searcher:
        key = columns.generation(columns.leaves_of(searcher))
    built = columns._generations.get(key)
    assert built is not None
    assert sorted(bytes(i).decode() for i in built.ids) == [a.id for a in FIRST]
    assert built.days.tolist() == [20240101, 20240102, 20240103, 20240104, 20240105]


def test_a_search_after_a_commit_builds_the_new_columns_before_its_clock_starts(index):
    """What a new segment needs is built by one thread, outside the search's time limit."""
    index.warm()
    index.update(LATER)
    clock_started = []
    real_scope = scope_module.scope

    def watched(searcher, seconds):
        with index.searching() as latest:
            key = columns.generation(columns.leaves_of(latest))
        clock_started.append(columns._generations.get(key) is not None)
        return real_scope(searcher, seconds)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "scope", watched)
        hits = index.search("grain", Filters(), sort="newest", page=1, per_page=10)
    assert hits.ids[0] == "b0"
    assert clock_started == [True]


def test_a_commit_builds_only_its_new_segment(index):
    (first_leaf,), before = current(index)
    index.update(LATER)
    leaves, after = current(index)
    assert len(leaves) == 2 and leaves[0].segment_id == first_leaf.segment_id
    kept = columns._segments.get((first_leaf.segment_id, 0))
    assert kept is not None and np.array_equal(after.days[: before.size], kept.days)
    assert after.named["place"].values[after.named["place"].codes[-1]] == "PARIS"


def test_a_deletion_masks_the_document_and_keeps_the_rest(index):
    index.delete(["a2"])
    leaves, built = current(index)
    assert [leaf.deleted for leaf in leaves] == [1]
    live = [bytes(i).decode() for i, alive in zip(built.ids, built.live, strict=True) if alive]
    assert live == ["a0", "a1", "a3", "a4"]


def test_topics_are_a_column_of_pairs_joined_over_segments_and_masked_for_deletions(index):
    """Each segment's (document, topic) pairs from its postings; joined, a segment's documents
    numbered after the segments before it, its codes mapped to the joined values."""
    index.update([make("t0", "Grain and cocoa.", date(2024, 3, 1), topics=("cocoa", "grain"))])
    index.update([make("t1", "Cocoa again.", date(2024, 3, 2), topics=("cocoa",))])
    index.delete(["a0"])
    _leaves, joined = current(index)
    topics = joined.tags["topic"]
    pairs = sorted(
        (bytes(joined.ids[doc]).decode(), topics.values[code])
        for doc, code in zip(topics.docs.tolist(), topics.codes.tolist(), strict=True)
    )
    assert pairs == [("t0", "cocoa"), ("t0", "grain"), ("t1", "cocoa")]
    live = np.flatnonzero(joined.live).astype(np.int32)
    counts = topics.counts(live, joined.size)
    assert dict(zip(topics.values, counts.tolist(), strict=True)) == {"cocoa": 2, "grain": 1}
    having = topics.having("grain", joined.size)
    assert [bytes(i).decode() for i in joined.ids[having]] == ["t0"]
    assert not topics.having("nothing", joined.size).any()
    hits = index.search("cocoa", Filters(topic="GRAIN"), sort="newest", page=1, per_page=5)
    assert hits.ids == ["t0"]
