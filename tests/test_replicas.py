"""Index replicas: every change of the store numbered, every node's index following them.

Two nodes are two `Archive`s over one store (SQLite and PostgreSQL), each with an index
directory of its own, as two machines would have: what one writes, the other applies at
its next catch-up; an index that missed too much, or was damaged, fills itself from the
store; writers on either never collide, and their changes are numbered in commit order.
"""

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from support.databases import settings_on_both  # noqa: F401  (the `settings` fixture)
from support.helpers import found_ids, make

from app.archive import Archive
from app.engine import applied
from app.node.follower import follow
from app.processes import SERVER
from app.settings import Settings
from app.store import Outcome
from app.store.tables import AliasRecord, ChangeRecord

ZEBRAS = [make(f"z{n}", f"Zebra story number {n} from the plains.") for n in range(5)]
FOLLOWED_WITHIN = 2.0  # seconds


def node_settings(settings: Settings, name: str, **changes: object) -> Settings:
    """Another node's settings: the same store, its own data and index directories."""
    data_dir = settings.data_dir.parent / name
    return settings.model_copy(
        update={"data_dir": data_dir, "index_dir": data_dir / "index", **changes}
    )


def damage(index: Path) -> None:
    """Overwrite every file of the index's segments (its table of contents is _MAIN_*)."""
    segment_files = list(index.glob("MAIN_*"))
    assert segment_files
    for segment_file in segment_files:
        segment_file.write_bytes(b"damaged")


@pytest.fixture
def nodes(settings: Settings) -> Iterator[tuple[Archive, Archive]]:
    first = Archive(node_settings(settings, "a"))
    second = Archive(node_settings(settings, "b"))
    for node in (first, second):
        node.catch_up()  # as a node does when it starts: filled, from an empty store
    yield first, second
    first.close()
    second.close()


def add(archive: Archive, *articles) -> list[Outcome]:
    return archive.add(list(articles), source_paths=[None] * len(articles))


def kinds(archive: Archive) -> list[tuple[int, str, str]]:
    with archive.store.engine.connect() as connection:
        rows = connection.execute(
            select(ChangeRecord.seq, ChangeRecord.kind, ChangeRecord.article_id).order_by(
                ChangeRecord.seq
            )
        )
        return [tuple(row) for row in rows]


def in_step(archive: Archive) -> bool:
    return archive.index.applied_change() == archive.store.changes().latest and not (
        archive.differences()
    )


# --- numbering ------------------------------------------------------------------------------


def test_every_change_is_numbered_in_order_and_an_unchanged_write_is_not(archive):
    add(archive, *ZEBRAS[:2])
    add(archive, make("z0", "Zebra story number 0, corrected."), ZEBRAS[1])  # update, unchanged
    add(archive, make("copy", ZEBRAS[1].body))  # a duplicate: an alias of z1
    assert archive.delete(["z0", "nowhere"]) == ["z0"]
    assert kinds(archive) == [
        (1, "added", "z0"),
        (2, "added", "z1"),
        (3, "updated", "z0"),
        (4, "duplicate", "z1"),
        (5, "deleted", "z0"),
    ]
    assert archive.index.applied_change() == 5


def test_deleting_takes_the_article_and_its_aliases_from_store_and_index(archive):
    add(archive, *ZEBRAS[:2], make("copy", ZEBRAS[0].body))
    assert archive.store.resolve_alias("copy") == "z0"
    assert archive.delete(["z0"]) == ["z0"]
    assert archive.store.get("z0") is None
    assert archive.store.resolve_alias("copy") is None
    assert found_ids(archive, "zebra") == ["z1"]
    assert not archive.differences()
    assert archive.delete(["z0", "nul\x00id"]) == []  # gone already; never stored


def test_the_store_keeps_the_last_changes_it_is_told_to(settings):
    archive = Archive(settings.model_copy(update={"changes_kept": 3}))
    try:
        for article in ZEBRAS:
            add(archive, article)
        # a write drops all but the last three before it adds its own
        assert [seq for seq, _, _ in kinds(archive)] == [2, 3, 4, 5]
        assert (archive.store.changes().first, archive.store.changes().latest) == (2, 5)
    finally:
        archive.close()


def test_writers_on_two_nodes_never_collide_and_number_changes_in_commit_order(nodes):
    """Both nodes write the same new ids at once, and more of their own: nothing fails (no
    duplicate key, no lock error), every id is stored once, and the numbers run without a
    gap in the order the transactions committed."""
    first, second = nodes
    shared = [make(f"both{n}", f"Shared zebra story {n}.") for n in range(40)]

    def write(archive: Archive, tag: str) -> None:
        for n, article in enumerate(shared):
            add(archive, article, make(f"{tag}{n}", f"Zebra story {n} written by {tag}."))

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(write, first, "a"), pool.submit(write, second, "b")]:
            done.result()
    changes = kinds(first)
    assert [seq for seq, _, _ in changes] == list(range(1, len(changes) + 1))
    assert sorted(i for _, kind, i in changes if kind == "added") == sorted(
        [a.id for a in shared] + [f"{t}{n}" for t in "ab" for n in range(40)]
    )
    assert first.store.article_count() == 120
    for node in nodes:
        node.catch_up()
        assert in_step(node)


# --- following ------------------------------------------------------------------------------


def test_a_new_index_over_an_empty_store_follows_from_change_0_and_over_a_full_one_fills(
    settings,
):
    first = Archive(node_settings(settings, "a"))
    try:
        assert first.index.applied_change() == 0
        add(first, *ZEBRAS[:2])
        late = Archive(node_settings(settings, "b"))  # a node added once articles are stored
        try:
            assert late.index.applied_change() is None
            assert late.replica().status(30) == "filling"
            late.catch_up()
            assert in_step(late)
        finally:
            late.close()
    finally:
        first.close()


def test_what_one_node_writes_the_other_applies_at_its_next_catch_up(nodes):
    first, second = nodes
    add(first, *ZEBRAS[:3])
    assert found_ids(first, "zebra") == ["z0", "z1", "z2"]  # the writer's own: at once
    assert found_ids(second, "zebra") == []
    assert second.catch_up() == 3
    assert found_ids(second, "zebra") == ["z0", "z1", "z2"]

    add(first, make("z1", "Okapi story, rewritten."))
    first.delete(["z2"])
    assert second.catch_up() == 2  # the update and the deletion
    assert found_ids(second, "zebra") == ["z0"]
    assert found_ids(second, "okapi") == ["z1"]
    add(second, ZEBRAS[3])
    assert first.catch_up() == 1
    assert all(in_step(node) for node in nodes)


def test_catching_up_again_after_a_crash_before_the_number_was_written_changes_nothing(nodes):
    """The number is written after the index commit: a crash between the two leaves it
    behind, and the changes are applied again, with no document twice."""
    first, second = nodes
    add(first, *ZEBRAS)
    second.catch_up()
    applied.write(second.index.path, 1)
    assert second.catch_up() == 4
    assert in_step(second)


def test_an_index_further_behind_than_the_changes_kept_is_filled_from_the_store(settings):
    a = Archive(node_settings(settings, "a", changes_kept=3))
    b = Archive(node_settings(settings, "b", changes_kept=3))
    try:
        add(a, ZEBRAS[0])
        b.catch_up()
        add(a, make("z0", "Okapi story, rewritten."))
        for article in ZEBRAS[1:]:
            add(a, article)
        a.delete(["z1"])
        assert b.store.changes().first > b.index.applied_change() + 1  # what it lacks is gone
        b.catch_up()
        assert in_step(b)
        assert found_ids(b, "zebra") == ["z2", "z3", "z4"]
        assert found_ids(b, "okapi") == ["z0"]
    finally:
        a.close()
        b.close()


def test_an_index_ahead_of_the_store_restored_from_a_backup_is_mended(nodes):
    first, second = nodes
    add(first, *ZEBRAS[:2])
    second.catch_up()
    with first.store.engine.begin() as connection:  # as if the database went back in time
        connection.execute(ChangeRecord.__table__.delete())
        connection.execute(AliasRecord.__table__.delete())
    first.store.delete(["z1"])  # a change numbered 1 again, in a store behind the index
    applied.write(second.index.path, 5)
    second.catch_up()
    assert found_ids(second, "zebra") == ["z0"]
    assert not second.differences()


def test_a_damaged_index_is_started_anew_and_filled_from_the_store(nodes):
    first, second = nodes
    add(first, *ZEBRAS)
    second.catch_up()
    second.index.close()
    damage(second.index.path)
    second.reopen_index()
    assert second.index.applied_change() is None
    assert second.replica().status(30) == "filling"
    second.catch_up()
    assert found_ids(second, "zebra") == [a.id for a in ZEBRAS]
    assert in_step(second)


def test_repair_and_reindex_rewind_to_the_change_they_began_at(nodes):
    """A rebuild runs beside catch-ups: what changed while it ran is applied again after."""
    first, second = nodes
    add(first, *ZEBRAS[:2])
    second.catch_up()
    latest = first.store.changes().latest
    applied.write(second.index.path, latest + 7)  # as a catch-up during the rebuild might
    second.reindex()
    assert second.index.applied_change() == latest
    applied.write(second.index.path, latest + 7)
    second.repair()
    assert second.index.applied_change() == latest


def test_a_follower_applies_another_node_s_writes_within_a_second_or_two(nodes):
    first, second = nodes
    stop = threading.Event()
    following = threading.Thread(target=follow, args=(second, 0.1, stop))
    following.start()
    try:
        for article in ZEBRAS[:3]:
            add(first, article)
            written = time.monotonic()
            while article.id not in found_ids(second, "zebra"):
                assert time.monotonic() - written < FOLLOWED_WITHIN, "not followed in time"
                time.sleep(0.02)
    finally:
        stop.set()
        following.join(timeout=10)
    assert not following.is_alive()
    assert in_step(second)


def test_a_follower_whose_index_breaks_opens_it_anew_and_fills_it(nodes, caplog):
    first, second = nodes
    add(first, *ZEBRAS)
    second.catch_up()
    damage(second.index.path)  # under a live node: its next write fails
    add(first, make("z9", "Zebra story nine."))
    stop = threading.Event()
    following = threading.Thread(target=follow, args=(second, 0.05, stop))
    following.start()
    try:
        deadline = time.monotonic() + 30
        while not in_step(second):
            assert time.monotonic() < deadline, "the index was not mended"
            time.sleep(0.1)
    finally:
        stop.set()
        following.join(timeout=30)
    assert "opening it again" in caplog.text
    assert sorted(found_ids(second, "zebra")) == sorted([a.id for a in ZEBRAS] + ["z9"])


# --- what a node reports --------------------------------------------------------------------


def test_a_node_reports_how_far_its_index_follows(nodes):
    first, second = nodes
    second.catch_up()
    assert second.replica().status(30) == "ok"
    add(first, *ZEBRAS[:2])
    add(first, ZEBRAS[2])
    a_minute_ago = datetime.now(UTC) - timedelta(seconds=60)
    with first.store.engine.begin() as connection:  # the first change it lacks is a minute old
        connection.execute(
            update(ChangeRecord).where(ChangeRecord.seq == 1).values(changed_at=a_minute_ago)
        )
    lagging = second.replica()
    assert (lagging.applied, lagging.latest, lagging.behind) == (0, 3, 3)
    assert 55 < lagging.lag_seconds < 600
    assert lagging.status(30) == "behind" and lagging.status(3600) == "ok"
    second.catch_up()
    caught = second.replica()
    assert (caught.applied, caught.behind, caught.lag_seconds) == (3, 0, 0.0)


def test_a_node_back_from_a_stop_is_catching_up_until_it_has_been_up_to_date(nodes, settings):
    first, second = nodes
    second.close()
    add(first, *ZEBRAS[:2])
    restarted = Archive(node_settings(settings, "b"))  # b's index, as its server starts again
    try:
        assert restarted.replica().status(3600) == "catching up"
        restarted.catch_up()
        assert restarted.replica().status(3600) == "ok"
        add(first, ZEBRAS[2])
        assert restarted.replica().status(3600) == "ok"  # once up to date, lag decides
    finally:
        restarted.close()


def test_a_node_has_one_readiness_whichever_of_its_workers_is_asked(nodes, settings, monkeypatch):
    """Issue 24: a worker that has not itself seen the index up to date does not say
    "catching up" while writes go on once another worker of the same start of the server
    has; the next start of the server is catching up again until it has been."""
    first, second = nodes
    second.close()
    add(first, *ZEBRAS[:2])  # node b is behind
    monkeypatch.setenv(SERVER, "1 first-start")
    workers = [Archive(node_settings(settings, "b")) for _ in range(2)]
    try:
        assert [w.replica().status(3600) for w in workers] == ["catching up"] * 2
        workers[0].catch_up()
        add(first, ZEBRAS[2])  # writes go on: b lacks a change again
        assert [w.replica().status(3600) for w in workers] == ["ok", "ok"]
        monkeypatch.setenv(SERVER, "2 second-start")
        add(first, ZEBRAS[3])
        restarted = Archive(node_settings(settings, "b"))
        assert restarted.replica().status(3600) == "catching up"
        restarted.close()
    finally:
        for worker in workers:
            worker.close()


# --- the applied number ---------------------------------------------------------------------


def test_the_applied_number_is_read_as_written_and_none_when_absent_or_torn(tmp_path: Path):
    assert applied.read(tmp_path) is None
    applied.write(tmp_path, 42)
    assert applied.read(tmp_path) == 42
    (tmp_path / applied.NUMBER_FILE).write_text("4")  # a crash mid-write cannot leave this
    assert applied.read(tmp_path) == 4
    (tmp_path / applied.NUMBER_FILE).write_text("")
    assert applied.read(tmp_path) is None
    applied.forget(tmp_path)
    assert not (tmp_path / applied.NUMBER_FILE).exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no staged file left behind


def test_one_holder_of_the_applying_lock_at_a_time_and_a_clear_timeout(tmp_path: Path):
    with applied.exclusive(tmp_path, timeout=1):
        with pytest.raises(applied.ApplyingTimeout, match=str(tmp_path)):
            with applied.exclusive(tmp_path, timeout=0.1):
                pass
    with applied.exclusive(tmp_path, timeout=0.1):  # released
        pass
