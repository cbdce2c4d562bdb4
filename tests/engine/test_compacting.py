"""app.engine.compacting: large segments merged beside the writers, on real indexes.

Each index here is made by the archive's `SearchIndex` and filled through Whoosh's own
writer, a segment a commit and never merged, so that there are segments to merge.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from support.helpers import make
from whoosh import index as whoosh_index
from whoosh.writing import OPTIMIZE

from app.engine import compacting
from app.engine.compacting import WIDTH, plan
from app.engine.index import SearchIndex
from app.engine.schema import document
from app.filters import Filters

WORDS = ["cocoa", "coffee", "sugar", "grain", "oil", "gold", "tin", "rubber", "wool", "zinc"]


def story(n: int, extra: str = ""):
    day = date(2024, 1, 1) + timedelta(days=n % 40)
    word = WORDS[n % len(WORDS)]
    return make(f"s{n}", f"Story {n} about {word} prices and {word} trade. {extra}", day)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    """`WIDTH + 2` segments of four stories each, never merged."""
    path = tmp_path / "index"
    SearchIndex(path).close()
    written = whoosh_index.open_dir(str(path))
    for first in range(0, 4 * (WIDTH + 2), 4):
        writer = written.writer()
        for n in range(first, first + 4):
            writer.add_document(**document(story(n)))
        writer.commit(merge=False)
    opened = SearchIndex(path)
    yield opened
    opened.close()


def answers(index: SearchIndex) -> list[tuple[int, list[str]]]:
    """What a few searches find: totals and ids in order (relevance and newest)."""
    found = []
    for text in ["cocoa", "prices", "trade -oil", '"gold prices"', "story"]:
        for sort in ("relevance", "newest"):
            hits = index.search(text, Filters(), sort=sort, page=1, per_page=50)
            found.append((hits.total, sorted(hits.ids) if sort == "relevance" else hits.ids))
    return found


def rewrite(ix: whoosh_index.Index, stories: list) -> None:
    """A writer's commit that merges nothing (as commits leave the large segments that
    compacting merges): each story added, or replacing the document of its id."""
    writer = ix.writer()
    for changed in stories:
        writer.update_document(**document(changed))
    writer.commit(merge=False)


def staging_files(index: SearchIndex) -> list[str]:
    return [n for n in index._ix.storage.list() if n.startswith(compacting.STAGING)]


# --- plan --------------------------------------------------------------------------------------


def test_a_tier_of_width_segments_is_merged_smallest_first():
    sizes = [10_000 + n for n in range(WIDTH + 3)]
    assert plan(sizes, smallest=5_001) == list(range(WIDTH))


def test_nothing_is_due_below_width_or_below_the_smallest_size():
    assert plan([10_000] * (WIDTH - 1), smallest=5_001) == []
    assert plan([4_000] * (WIDTH * 2), smallest=5_001) == []


def test_the_lowest_full_tier_goes_first():
    big, bigger = [10_000] * WIDTH, [100_000] * WIDTH
    assert plan(bigger + big, smallest=5_001) == list(range(WIDTH, 2 * WIDTH))
    assert plan(bigger + big[:-1], smallest=5_001) == list(range(WIDTH))


# --- merging a real index -----------------------------------------------------------------------


def test_compacting_merges_width_segments_and_every_answer_stays(index):
    before = answers(index)
    documents = sorted(index.documents())
    assert index.segment_count() == WIDTH + 2
    assert index.compact(smallest=1) == WIDTH
    assert index.segment_count() == 3
    assert answers(index) == before
    assert sorted(index.documents()) == documents
    assert staging_files(index) == []
    assert index.compact(smallest=1) == 0  # three segments: nothing due


def test_nothing_is_merged_when_no_tier_is_full(index):
    assert index.compact() == 0  # the default: only segments no commit merges
    assert index.segment_count() == WIDTH + 2


def test_deletions_and_rewrites_made_while_staging_are_kept(index):
    ix = index._ix
    with compacting.merging(ix) as allowed:
        assert allowed
        staged = compacting.stage(ix, smallest=1)
        assert staged is not None
        rewrite(ix, [story(1, "Rewritten after the merge began."), story(9, "Also.")])
        writer = ix.writer()
        writer.delete_by_term("id", "s2")
        writer.commit(merge=False)
        with compacting.write_lock(ix, 5):
            assert compacting.swap(ix, staged) == WIDTH
    kept = dict(index.documents())
    assert "s2" not in kept and len(kept) == 4 * (WIDTH + 2) - 1
    assert kept["s1"] == story(1, "Rewritten after the merge began.").content_hash
    assert len(index.documents()) == len(kept)  # each id once
    hits = index.search("rewritten", Filters(), sort="relevance", page=1, per_page=10)
    assert hits.ids == ["s1"]
    assert index.search("s2", Filters(), sort="relevance", page=1, per_page=10).total == 0


def test_a_commit_while_staging_leaves_the_staged_files_alone(index):
    ix = index._ix
    with compacting.merging(ix):
        staged = compacting.stage(ix, smallest=1)
        staged_files = staging_files(index)
        assert staged_files
        rewrite(ix, [make("late", "A late story about cocoa.", date(2024, 3, 1))])
        assert staging_files(index) == staged_files  # the commit's clean-up spared them
        with compacting.write_lock(ix, 5):
            assert compacting.swap(ix, staged) == WIDTH
    assert "late" in dict(index.documents())
    assert index.search("cocoa", Filters(), sort="relevance", page=1, per_page=50).total == 6


def test_a_merge_whose_segments_a_writer_merged_away_is_dropped(index):
    ix = index._ix
    before = answers(index)
    with compacting.merging(ix):
        staged = compacting.stage(ix, smallest=1)
        writer = ix.writer()
        writer.commit(mergetype=OPTIMIZE)  # Whoosh merges everything into one segment
        with compacting.write_lock(ix, 5):
            assert compacting.swap(ix, staged) == 0
    assert index.segment_count() == 1
    assert answers(index) == before
    assert staging_files(index) == []


def test_one_merge_at_a_time(index):
    with compacting.merging(index._ix) as first:
        assert first
        assert index.compact(smallest=1) == 0  # another holds the merge lock
    assert index.compact(smallest=1) == WIDTH


def test_staging_files_a_crash_left_are_removed_by_the_next_merge(index):
    ix = index._ix
    with ix.storage.create_file(f"{compacting.STAGING}_deadbeef.trm") as leftover:
        leftover.write(b"half a segment")
    assert index.compact(smallest=1) == WIDTH
    assert staging_files(index) == []
