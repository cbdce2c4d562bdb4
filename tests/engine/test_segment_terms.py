"""app.engine.segment_terms: which terms and ids a real index's segments hold, from memory."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.helpers import make
from whoosh import index
from whoosh.writing import OPTIMIZE

from app.engine import segment_terms
from app.engine.columns import segment_id
from app.engine.index import SearchIndex
from app.engine.schema import SCHEMA
from app.engine.segment_terms import field_terms, held_anywhere, holds, maybe_held_ids


@pytest.fixture
def ix(tmp_path: Path) -> Iterator[index.Index]:
    yield index.create_in(str(tmp_path), SCHEMA)


def add_segment(ix: index.Index, ids: list[str], **commit: object) -> None:
    writer = ix.writer()
    for article_id in ids:
        writer.add_document(id=article_id, content_hash="h", body=f"story {article_id}")
    writer.commit(merge=False, **commit)


def maybe_held(ix: index.Index, ids: list[str]) -> set[str]:
    with ix.reader() as reader:
        return maybe_held_ids(reader, ids)


def test_an_empty_index_holds_nothing(ix):
    assert maybe_held(ix, ["a", "b"]) == set()
    with ix.reader() as reader:
        assert held_anywhere(reader, "body", [b"story"]) == []


def test_ids_of_every_segment_are_known_and_no_others(ix):
    add_segment(ix, ["a", "b"])
    add_segment(ix, ["c"])
    assert maybe_held(ix, ["a", "b", "c", "d", "ab"]) == {"a", "b", "c"}


def test_a_segment_committed_later_is_read_when_it_appears(ix):
    add_segment(ix, ["a"])
    assert maybe_held(ix, ["a", "b"]) == {"a"}
    add_segment(ix, ["b"])
    assert maybe_held(ix, ["a", "b"]) == {"a", "b"}


def test_segments_merged_into_one_hold_what_they_held(ix):
    add_segment(ix, ["a"])
    add_segment(ix, ["b"])
    assert maybe_held(ix, ["a", "b"]) == {"a", "b"}
    add_segment(ix, ["c"], mergetype=OPTIMIZE)
    with ix.reader() as reader:
        assert len(reader.leaf_readers()) == 1
    assert maybe_held(ix, ["a", "b", "c", "d"]) == {"a", "b", "c"}


def test_a_deleted_id_may_still_be_held(ix):
    """Deletions leave the segment's terms: such an id is looked up in Whoosh, never skipped."""
    add_segment(ix, ["a", "b"])
    writer = ix.writer()
    writer.delete_by_term("id", "a")
    writer.commit(merge=False)
    assert "a" in maybe_held(ix, ["a"])


def test_text_terms_held_are_exactly_whooshs_in_their_order(ix):
    add_segment(ix, ["one", "two"])
    add_segment(ix, ["three"])
    asked = [b"two", b"story", b"stories", b"four", b"one", b"three", b""]
    with ix.reader() as reader:
        expected = [term for term in asked if ("body", term) in reader]
        assert (
            held_anywhere(reader, "body", asked)
            == expected
            == [
                b"two",
                b"story",
                b"one",
                b"three",
            ]
        )
        assert held_anywhere(reader, "title", asked) == []
        assert held_anywhere(reader, "no such field", asked) == []


def test_each_segment_answers_for_itself(ix):
    add_segment(ix, ["one"])
    add_segment(ix, ["two"])
    with ix.reader() as reader:
        answers = [
            (
                holds(leaf, segment_id(leaf), "body", b"one"),
                holds(leaf, segment_id(leaf), "body", b"two"),
            )
            for leaf, _offset in reader.leaf_readers()
        ]
    assert answers == [(True, False), (False, True)]


def test_a_segments_table_is_read_once_and_sized_in_bytes(ix, monkeypatch):
    add_segment(ix, ["a", "b", "c"])
    reads = []
    real = segment_terms._hashes
    counted = lambda *args: reads.append(args[1]) or real(*args)  # noqa: E731
    monkeypatch.setattr(segment_terms, "_hashes", counted)
    with ix.reader() as reader:
        for _ in range(3):
            held_anywhere(reader, "body", [b"a", b"story"])
            maybe_held_ids(reader, ["a"])
    assert sorted(reads) == ["body", "id"]
    with ix.reader() as reader:
        key = (segment_id(reader), "id")
    assert segment_terms._TABLES.get(key) is not None
    assert segment_terms._TABLES.get(key).nbytes == 3 * 8  # one int64 a id


@pytest.mark.parametrize("field", ["body", "title", "id", "place", "no such field"])
def test_a_segments_terms_read_from_its_bytes_are_whooshs_own(tmp_path, request, field):
    index = SearchIndex(tmp_path / "index")
    request.addfinalizer(index.close)
    index.update([make("a", "Cocoa, café and 1987: São Paulo's cocoa.", title="Title words")])
    index.update([make("b", "Another segment's words.", place="Lagos")])
    with index.searching() as searcher:
        for leaf, _offset in searcher.reader().leaf_readers():
            expected = (
                [(term, info.weight()) for term, info in leaf.iter_field(field)]
                if field in leaf.schema
                else []
            )
            assert list(field_terms(leaf, field)) == expected
            assert expected or field == "no such field"
