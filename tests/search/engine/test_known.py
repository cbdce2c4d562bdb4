"""app.search.engine.known: which ids a real Whoosh index may hold, read once a segment."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import index
from whoosh.writing import OPTIMIZE

from app.search.engine.known import KnownIds
from app.search.engine.schema import SCHEMA


@pytest.fixture
def ix(tmp_path: Path) -> Iterator[index.Index]:
    yield index.create_in(str(tmp_path), SCHEMA)


def add_segment(ix: index.Index, ids: list[str], **commit: object) -> None:
    writer = ix.writer()
    for article_id in ids:
        writer.add_document(id=article_id, content_hash="h", body=f"story {article_id}")
    writer.commit(merge=False, **commit)


def maybe_held(known: KnownIds, ix: index.Index, ids: list[str]) -> set[str]:
    with ix.reader() as reader:
        return known.maybe_held(reader, ids)


def test_an_empty_index_holds_nothing(ix):
    assert maybe_held(KnownIds(), ix, ["a", "b"]) == set()


def test_ids_of_every_segment_are_known_and_no_others(ix):
    add_segment(ix, ["a", "b"])
    add_segment(ix, ["c"])
    assert maybe_held(KnownIds(), ix, ["a", "b", "c", "d", "ab"]) == {"a", "b", "c"}


def test_a_segment_committed_later_is_read_when_it_appears(ix):
    known = KnownIds()
    add_segment(ix, ["a"])
    assert maybe_held(known, ix, ["a", "b"]) == {"a"}
    add_segment(ix, ["b"])
    assert maybe_held(known, ix, ["a", "b"]) == {"a", "b"}


def test_segments_merged_away_are_forgotten_and_their_ids_still_known(ix):
    known = KnownIds()
    add_segment(ix, ["a"])
    add_segment(ix, ["b"])
    maybe_held(known, ix, ["a"])
    add_segment(ix, ["c"], mergetype=OPTIMIZE)
    assert maybe_held(known, ix, ["a", "b", "c", "d"]) == {"a", "b", "c"}
    assert len(known._by_segment) == 1


def test_a_deleted_id_may_still_be_held(ix):
    """Deletions leave the segment's terms: such an id is looked up in Whoosh, never skipped."""
    add_segment(ix, ["a", "b"])
    writer = ix.writer()
    writer.delete_by_term("id", "a")
    writer.commit(merge=False)
    assert "a" in maybe_held(KnownIds(), ix, ["a"])
