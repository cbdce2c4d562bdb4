"""app.archive: store and index written together, drift between them found and repaired.

Each kind of drift (missing, extra, stale, doubled) is made with the real parts,
the store (SQLite and PostgreSQL) and the Whoosh index, as a crash or a bug would leave it.
"""

from datetime import date

import pytest
from support.databases import settings_on_both  # noqa: F401  (the `settings` fixture)
from support.helpers import found_ids, make
from support.stories import SEED_ID

from app.archive import Archive, Differences
from app.article import Article
from app.engine.schema import day_number
from app.store import Outcome

STORIES = [
    make("s1", "Zebra crossing opened downtown."),
    make("s2", "Zebra herd seen near the river.", date(2024, 3, 6)),
    make("s3", "Zebra stripes study published.", date(2024, 3, 7)),
]


@pytest.fixture
def filled(archive: Archive) -> Archive:
    outcomes = archive.add(STORIES, source_paths=[None] * len(STORIES))
    assert outcomes == [Outcome.ADDED] * len(STORIES)
    return archive


def index_ids(archive: Archive) -> list[str]:
    return sorted(article_id for article_id, _hash in archive.index.documents())


def add_doubled(archive: Archive, article: Article) -> None:
    """Write a second document with the same id, bypassing update_document's replace."""
    writer = archive.index._ix.writer()
    writer.add_document(
        id=article.id,
        content_hash=article.content_hash,
        title=article.title,
        body=article.body,
        published=day_number(article.published),
        place=article.place or "",
        source=article.source or "",
    )
    writer.commit()


def assert_in_step(archive: Archive) -> None:
    """No drift left, and a search finds every stored article (all say zebra) exactly once."""
    assert not archive.differences()
    stored = sorted(archive.store.hashes_by_id())
    assert index_ids(archive) == stored
    assert sorted(found_ids(archive, "zebra")) == stored


# --- writing through the archive --------------------------------------------------------


def test_add_writes_store_and_index_alike(filled):
    assert not filled.differences()
    assert sorted(filled.store.hashes_by_id()) == ["s1", "s2", "s3"]
    assert index_ids(filled) == ["s1", "s2", "s3"]


def test_seeded_archive_is_in_step(seeded):
    assert not seeded.differences()
    assert index_ids(seeded) == [SEED_ID]
    assert found_ids(seeded, "Budapest") == [SEED_ID]


def test_add_same_again_writes_nothing(filled):
    assert filled.add(STORIES, source_paths=[None] * 3) == [Outcome.UNCHANGED] * 3
    assert index_ids(filled) == ["s1", "s2", "s3"]


def test_add_changed_text_updates_the_index(filled):
    changed = make("s1", "Giraffe crossing opened downtown.")
    assert filled.add([changed], source_paths=[None]) == [Outcome.UPDATED]
    assert found_ids(filled, "giraffe") == ["s1"]
    assert "s1" not in found_ids(filled, "zebra")
    assert not filled.differences()


def test_an_empty_archive_has_no_differences(archive):
    found = archive.differences()
    assert not found
    assert found == Differences()


# --- drift, found -----------------------------------------------------------------------


def test_stored_but_not_indexed_is_missing(filled):
    lost = make("s4", "Zebra foal born at the zoo.")
    filled.store.upsert([lost], source_paths=[None])
    assert filled.differences() == Differences(missing=["s4"])


def test_indexed_but_not_stored_is_extra(filled):
    filled.index.update([make("x9", "Zebra ghost story.")])
    assert filled.differences() == Differences(extra=["x9"])


def test_indexed_with_an_old_text_is_stale(filled):
    filled.store.upsert([make("s2", "Zebra herd crossed the river.")], source_paths=[None])
    assert filled.differences() == Differences(stale=["s2"])


def test_indexed_twice_is_doubled(filled):
    add_doubled(filled, STORIES[2])
    assert index_ids(filled).count("s3") == 2
    assert filled.differences() == Differences(doubled=["s3"])


def test_an_id_indexed_three_times_is_listed_once(filled):
    add_doubled(filled, STORIES[2])
    add_doubled(filled, STORIES[2])
    assert filled.differences() == Differences(doubled=["s3"])


def test_differences_is_truthy_for_any_drift():
    for kind in ("missing", "extra", "stale", "doubled"):
        assert Differences(**{kind: ["x"]})


# --- drift, repaired --------------------------------------------------------------------


def test_repair_indexes_missing(filled):
    filled.store.upsert([make("s4", "Zebra foal born at the zoo.")], source_paths=[None])
    assert filled.repair().missing == ["s4"]
    assert_in_step(filled)


def test_repair_deletes_extra(filled):
    filled.index.update([make("x9", "Zebra ghost story.")])
    assert filled.repair().extra == ["x9"]
    assert_in_step(filled)
    assert "x9" not in found_ids(filled, "zebra")


def test_repair_reindexes_stale(filled):
    filled.store.upsert([make("s2", "Zebra herd crossed the meadow.")], source_paths=[None])
    assert filled.repair().stale == ["s2"]
    assert_in_step(filled)
    assert found_ids(filled, "meadow") == ["s2"]
    assert found_ids(filled, "river") == []


@pytest.mark.parametrize("extra_copies", [1, 2])
def test_repair_undoubles(filled, extra_copies):
    for _ in range(extra_copies):
        add_doubled(filled, STORIES[0])
    assert "s1" in filled.repair().doubled
    assert_in_step(filled)
    assert found_ids(filled, "crossing") == ["s1"]


def test_repair_mends_every_kind_at_once(filled):
    filled.store.upsert(
        [make("s4", "Zebra foal born."), make("s2", "Zebra herd moved on.")],
        source_paths=[None, None],
    )
    filled.index.update([make("x9", "Zebra ghost story.")])
    add_doubled(filled, STORIES[2])
    found = filled.repair()
    assert found == Differences(missing=["s4"], extra=["x9"], stale=["s2"], doubled=["s3"])
    assert_in_step(filled)


def test_repair_of_an_archive_in_step_changes_nothing(filled):
    before = sorted(filled.index.documents())
    assert not filled.repair()
    assert sorted(filled.index.documents()) == before


# --- reindex ----------------------------------------------------------------------------


def test_reindex_rebuilds_the_same_ids(filled):
    before = sorted(filled.index.documents())
    assert filled.reindex() == 3
    assert sorted(filled.index.documents()) == before
    assert_in_step(filled)


def test_reindex_clears_every_kind_of_drift(filled):
    filled.store.upsert([make("s4", "Zebra foal born.")], source_paths=[None])
    filled.index.update([make("x9", "Zebra ghost story.")])
    add_doubled(filled, STORIES[0])
    assert filled.reindex() == 4
    assert index_ids(filled) == ["s1", "s2", "s3", "s4"]
    assert_in_step(filled)


def test_reindex_in_batches(archive):
    many = [make(f"m{n:03d}", f"Zebra report number {n}.") for n in range(25)]
    archive.add(many, source_paths=[None] * len(many))
    archive.index.replace_all([])  # lose the whole index
    assert archive.differences().missing == sorted(a.id for a in many)
    assert archive.reindex() == len(many)
    assert not archive.differences()


def test_reopened_archive_keeps_both_parts(settings):
    first = Archive(settings)
    first.add(STORIES, source_paths=[None] * 3)
    first.close()
    second = Archive(settings)
    try:
        assert_in_step(second)
    finally:
        second.close()


def test_a_damaged_index_is_started_anew_and_refilled_from_the_store(filled, settings):
    filled.close()
    segment_files = list(settings.index_path.glob("MAIN_*"))  # the table of contents is _MAIN_*
    assert segment_files
    for segment_file in segment_files:
        segment_file.write_bytes(b"damaged")
    reopened = Archive(settings)
    assert sorted(reopened.differences().missing) == sorted(s.id for s in STORIES)
    reopened.repair()
    assert not reopened.differences()
    assert found_ids(reopened, "zebra") == [s.id for s in STORIES]
    reopened.close()
