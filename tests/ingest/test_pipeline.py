"""app.ingest.pipeline: files on disk into the archive; which files are read, in which order, and
how every bad file is reported while the good ones are stored.

Real directories under tmp_path, a real archive from the `archive` fixture.
"""

import os
from pathlib import Path

import pytest
from support.databases import settings_on_both  # noqa: F401  (the `settings` fixture)
from support.helpers import found_ids
from support.stories import SEED, SEED_ID, SMALL_LIMIT, write_story

from app.archive import Archive
from app.errors import ParseError
from app.ingest.formats import read_file
from app.ingest.pipeline import IngestReport, ingest, iter_sources, total_bytes


def stored_count(archive: Archive) -> int:
    return len(archive.store.hashes_by_id())


def walk(*paths: Path) -> tuple[list[Path], list]:
    skipped: list = []
    return list(iter_sources(paths, skipped.append)), skipped


def reasons(report: IngestReport) -> dict[str, str]:
    return {Path(r.path).name: r.reason for r in report.rejected}


# --- which files ------------------------------------------------------------------------


def test_walk_is_recursive_sorted_and_skips_hidden_and_other_files(tmp_path):
    root = tmp_path / "in"
    for name in ["b.txt", "a.txt", "c.TXT", "notes.md", "README", ".hidden.txt"]:
        write_story(root, name, f"Story {name}.")
    write_story(root / "sub" / "deeper", "z.txt", "Deep story.")
    write_story(root / "sub", "y.txt", "Nested story.")
    write_story(root / ".git", "x.txt", "Hidden dir story.")
    files, skipped = walk(root)
    relative = [path.relative_to(root).as_posix() for path in files]
    assert sorted(relative) == ["a.txt", "b.txt", "c.TXT", "sub/deeper/z.txt", "sub/y.txt"]
    assert relative[:3] == ["a.txt", "b.txt", "c.TXT"]  # one directory's files in name order
    assert skipped == []
    assert walk(root)[0] == files  # the same order every time


def test_a_file_named_directly_is_read_whatever_its_name(tmp_path):
    path = write_story(tmp_path, "story.news", "Named directly.")
    files, skipped = walk(path)
    assert files == [path]
    assert skipped == []


def test_total_bytes_counts_the_files_of_the_walk(tmp_path):
    paths = [
        write_story(tmp_path / "in" / f"d{n % 2}", f"{n}.txt", f"Story {n}.") for n in range(4)
    ]
    write_story(tmp_path / "in" / ".hidden", "x.txt", "Not counted.")
    assert total_bytes([tmp_path / "in"]) == sum(path.stat().st_size for path in paths)


def test_ingest_nested_directories(archive, tmp_path):
    write_story(tmp_path / "in", "top.txt", "Top level story.")
    write_story(tmp_path / "in" / "2024" / "03", "deep.txt", "Deeply nested story.")
    write_story(tmp_path / "in" / ".cache", "hidden.txt", "Hidden story.")
    report = ingest(archive, [tmp_path / "in"])
    assert (report.added, report.rejected) == (2, [])
    assert sorted(found_ids(archive, "story")) == sorted(archive.store.hashes_by_id())
    assert found_ids(archive, "hidden") == []


def test_ingest_the_seed(archive):
    report = ingest(archive, [SEED])
    assert report.summary() == "added 1, updated 0, unchanged 0, rejected 0"
    assert archive.store.get(SEED_ID).source_path == str(SEED)


def test_progress_counts_every_byte_and_article_read(archive, tmp_path):
    paths = [write_story(tmp_path / "in", f"{n}.txt", f"Story number {n}.") for n in range(3)]
    (tmp_path / "in" / "bad.txt").write_text("no header")
    read_bytes, read_articles = [], []
    ingest(
        archive,
        [tmp_path / "in"],
        on_progress=lambda b, a: (read_bytes.append(b), read_articles.append(a)),
    )
    assert sum(read_bytes) == sum(path.stat().st_size for path in paths) + len("no header")
    assert sum(read_articles) == 4


# --- bad files --------------------------------------------------------------------------


def test_a_bad_file_is_named_with_its_reason_and_good_ones_are_stored(archive, tmp_path):
    root = tmp_path / "in"
    write_story(root, "good1.txt", "First good story.")
    (root / "nodate.txt").write_text("MOSCOW, March 5. /TASS/. No header here.")
    (root / "empty.txt").write_bytes(b"")
    (root / "baddate.txt").write_text("date 2024-13-45 MOSCOW, March 5. /TASS/. Body.")
    write_story(root, "good2.txt", "Second good story.")
    report = ingest(archive, [root])
    assert report.added == 2
    assert stored_count(archive) == 2
    found = reasons(report)
    assert set(found) == {"nodate.txt", "empty.txt", "baddate.txt"}
    assert "date" in found["nodate.txt"]
    assert "empty" in found["empty.txt"]
    assert "2024-13-45" in found["baddate.txt"]
    assert all(Path(r.path).parent == root for r in report.rejected)


def test_a_missing_path_is_reported(archive, tmp_path):
    missing = tmp_path / "not-there"
    write_story(tmp_path / "in", "ok.txt", "A fine story.")
    report = ingest(archive, [missing, tmp_path / "in"])
    assert report.added == 1
    assert [(r.path, r.reason) for r in report.rejected] == [
        (str(missing), "no such file or directory")
    ]


def test_a_file_link_leading_outside_is_not_followed(archive, tmp_path):
    outside = write_story(tmp_path / "outside", "secret.txt", "Secret outside story.")
    root = tmp_path / "in"
    write_story(root, "inside.txt", "Inside story.")
    (root / "link.txt").symlink_to(outside)
    report = ingest(archive, [root])
    assert report.added == 1
    assert [Path(r.path).name for r in report.rejected] == ["link.txt"]
    assert "outside" in report.rejected[0].reason
    assert found_ids(archive, "secret") == []


def test_a_directory_link_leading_outside_is_not_followed_and_is_reported(archive, tmp_path):
    write_story(tmp_path / "outside", "secret.txt", "Secret outside story.")
    root = tmp_path / "in"
    write_story(root, "inside.txt", "Inside story.")
    (root / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    report = ingest(archive, [root])
    assert report.added == 1
    assert found_ids(archive, "secret") == []
    assert [Path(r.path).name for r in report.rejected] == ["linked"]


def test_a_link_inside_the_directory_is_followed(archive, tmp_path):
    root = tmp_path / "in"
    target = write_story(root / "real", "story.txt", "Linked inside story.")
    (root / "alias.txt").symlink_to(target)
    report = ingest(archive, [root])
    assert report.rejected == []
    assert (report.added, report.unchanged) == (1, 1)  # the same text, stored once


def test_an_oversized_file_is_rejected_without_being_read(archive, tmp_path):
    root = tmp_path / "in"
    write_story(root, "fine.txt", "A story of normal size.")
    huge = root / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 64 GiB on paper, nothing on disk
        handle.truncate(64 * 1024**3)
    report = ingest(archive, [root])
    assert report.added == 1
    found = reasons(report)
    assert list(found) == ["huge.txt"]
    assert f"{64 * 1024**3:,} bytes" in found["huge.txt"]
    assert f"limit of {SMALL_LIMIT:,}" in found["huge.txt"]


def test_read_file_refuses_a_file_just_over_the_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"date 2024-03-05 MOSCOW, March 5. /TASS/. " + b"x" * 100)
    size = path.stat().st_size
    assert len(read_file(path, max_bytes=size)) == size
    with pytest.raises(ParseError, match="over the limit"):
        read_file(path, max_bytes=size - 1)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_reported(archive, tmp_path):
    root = tmp_path / "in"
    write_story(root, "fine.txt", "Readable story.")
    locked = write_story(root, "locked.txt", "Locked story.")
    locked.chmod(0)
    try:
        report = ingest(archive, [root])
    finally:
        locked.chmod(0o644)
    assert report.added == 1
    assert "cannot be read" in reasons(report)["locked.txt"]


def test_a_broken_link_is_reported(archive, tmp_path):
    root = tmp_path / "in"
    write_story(root, "fine.txt", "Readable story.")
    (root / "dangling.txt").symlink_to(root / "gone.txt")
    report = ingest(archive, [root])
    assert report.added == 1
    assert "cannot be read" in reasons(report)["dangling.txt"]


# --- running again ----------------------------------------------------------------------


def test_ingesting_twice_changes_nothing(archive, tmp_path):
    root = tmp_path / "in"
    for n in range(5):
        write_story(root, f"{n:03d}.txt", f"Story number {n} of five.")
    first = ingest(archive, [root])
    assert (first.added, first.updated, first.unchanged) == (5, 0, 0)
    documents = sorted(archive.index.documents())
    second = ingest(archive, [root])
    assert (second.added, second.updated, second.unchanged) == (0, 0, 5)
    assert second.rejected == []
    assert stored_count(archive) == 5
    assert sorted(archive.index.documents()) == documents


def test_a_changed_file_updates_store_and_index(archive, tmp_path):
    root = tmp_path / "in"
    name = "001_00000000000000aa.txt"
    write_story(root, name, "The orchestra played Mahler.")
    assert ingest(archive, [root]).added == 1
    write_story(root, name, "The orchestra played Sibelius.")
    report = ingest(archive, [root])
    assert (report.added, report.updated, report.unchanged) == (0, 1, 0)
    assert archive.store.get("00000000000000aa").body == "The orchestra played Sibelius."
    assert found_ids(archive, "sibelius") == ["00000000000000aa"]
    assert found_ids(archive, "mahler") == []
    assert not archive.differences()


@pytest.mark.parametrize(
    ("before", "after", "field", "expected"),
    [
        ({"place": "MOSKVA"}, {"place": "MOSCOW"}, "place", "MOSCOW"),
        ({"agency": "TAS"}, {"agency": "TASS"}, "source", "TASS"),
    ],
    ids=["place", "agency"],
)
def test_a_corrected_dateline_updates_the_article(
    archive, tmp_path, before, after, field, expected
):
    root = tmp_path / "in"
    name = "001_00000000000000cc.txt"
    write_story(root, name, "Dateline story.", **before)
    ingest(archive, [root])
    write_story(root, name, "Dateline story.", **after)
    report = ingest(archive, [root])
    assert report.updated == 1
    assert getattr(archive.store.get("00000000000000cc"), field) == expected


def test_a_capitalisation_correction_updates_the_article(archive, tmp_path):
    root = tmp_path / "in"
    name = "001_00000000000000dd.txt"
    write_story(root, name, "The us president spoke.")
    ingest(archive, [root])
    write_story(root, name, "The US President spoke.")
    report = ingest(archive, [root])
    assert report.updated == 1
    assert archive.store.get("00000000000000dd").body == "The US President spoke."


def test_the_same_text_in_two_files_is_stored_once(archive, tmp_path):
    root = tmp_path / "in"
    write_story(root, "a.txt", "Syndicated story.")
    write_story(root, "b.txt", "Syndicated story.")
    report = ingest(archive, [root])
    assert (report.added, report.unchanged) == (1, 1)
    assert stored_count(archive) == 1


# --- batches ----------------------------------------------------------------------------


def test_small_batches_store_everything(archive, tmp_path):
    root = tmp_path / "in"
    for n in range(7):
        write_story(root, f"{n:03d}.txt", f"Batched story number {n}.")
    report = ingest(archive, [root], batch_size=2)
    assert report.added == 7
    assert stored_count(archive) == 7
    assert len(found_ids(archive, "batched")) == 7
    assert not archive.differences()


@pytest.mark.parametrize("batch_size", [2, 500])
def test_the_same_id_twice_in_one_run(archive, tmp_path, batch_size):
    name = "000_00000000000000bb.txt"
    write_story(tmp_path / "in" / "a", name, "First version of the story.")
    write_story(tmp_path / "in" / "b", name, "Second version of the story.")
    write_story(tmp_path / "in" / "c", name, "Second version of the story.")
    report = ingest(archive, [tmp_path / "in"], batch_size=batch_size)
    assert (report.added, report.updated, report.unchanged) == (1, 1, 1)
    assert archive.store.get("00000000000000bb").body == "Second version of the story."
    assert found_ids(archive, "second") == ["00000000000000bb"]
    assert found_ids(archive, "first") == []
    assert not archive.differences()
