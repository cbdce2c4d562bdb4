"""app.store: upsert outcomes and dedup, one spelling a name, lookups, threads, topics, SQLite
setup. (Browsing, filters and counts are the engine's: tests/search/test_queries.py.)

Every test of a `store` runs twice: on a real SQLite file under tmp_path and on a
PostgreSQL database of its own (`support/databases.py`); articles are built with
`app.article.new_article`, so their hashes and ids are the ones ingest would make.
"""

from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import select, text
from support.databases import BACKENDS, database_url
from support.helpers import make

from app.archive import Archive
from app.article import Article, Headline
from app.settings import Settings
from app.store import Outcome, Store
from app.store.tables import LISTED_COLUMNS, ArticleRecord, Listed, TopicRecord


def put(store: Store, *articles: Article) -> list[Outcome]:
    return store.upsert(articles, source_paths=[f"/src/{a.id}.txt" for a in articles])


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store on a new database: a SQLite file, or a PostgreSQL database of its own."""
    with database_url(request.param, tmp_path) as url:
        opened = Store(url)
        yield opened
        opened.close()


# A small archive: ids, dates, places and sources chosen so filters and ties matter.
ROWS = [
    make("a1", "Alpha story.", date(2024, 1, 5), place="MOSCOW", source="TASS"),
    make("a2", "Bravo story.", date(2024, 1, 5), place="PARIS", source="Reuters"),
    make("a3", "Charlie story.", date(2024, 2, 10), place="MOSCOW", source="TASS"),
    make("a4", "Delta story.", date(2024, 2, 29), place="UNITED NATIONS", source="TASS"),
    make("a5", "Echo story.", date(2025, 1, 1), place=None, source=None),
]


@pytest.fixture
def filled(store: Store) -> Store:
    assert put(store, *ROWS) == [Outcome.ADDED] * len(ROWS)
    return store


def ids(rows) -> list[str]:
    return [row.id for row in rows]


# --- upsert -----------------------------------------------------------------------------


def test_new_article_is_added_and_readable(store):
    article = make("x1", "First paragraph here.\n\nSecond one.")
    assert put(store, article) == [Outcome.ADDED]
    record = store.get("x1")
    assert record is not None
    assert record.to_article() == replace(article, thread="x1")  # a story thread of its own
    assert record.paragraphs == ["First paragraph here.", "Second one."]
    assert record.source_path == "/src/x1.txt"
    assert record.ingested_at is not None


def test_same_id_same_text_is_unchanged(store):
    put(store, make("x1", "Same text."))
    before = store.get("x1")
    assert put(store, make("x1", "Same   text.")) == [Outcome.UNCHANGED]
    assert store.get("x1").ingested_at == before.ingested_at
    assert list(store.hashes_by_id()) == ["x1"]


def test_same_id_changed_text_is_updated(store):
    put(store, make("x1", "Old text."))
    changed = make("x1", "New text.", date(2024, 4, 1), place="KYIV")
    assert put(store, changed) == [Outcome.UPDATED]
    record = store.get("x1")
    assert record.body == "New text."
    assert record.published == date(2024, 4, 1)
    assert record.place == "KYIV"
    assert record.content_hash == changed.content_hash
    assert list(store.hashes_by_id()) == ["x1"]


def test_same_text_under_a_new_id_is_stored_once(store):
    put(store, make("x1", "Duplicated wire text."))
    assert put(store, make("x2", "Duplicated wire text.")) == [Outcome.DUPLICATE]
    assert store.get("x2") is None
    assert list(store.hashes_by_id()) == ["x1"]


def test_duplicates_inside_one_batch(store):
    outcomes = put(store, make("x1", "Twice in a batch."), make("x2", "Twice in a batch."))
    assert outcomes == [Outcome.ADDED, Outcome.DUPLICATE]
    assert list(store.hashes_by_id()) == ["x1"]


def test_upsert_needs_one_path_per_article(store):
    with pytest.raises(ValueError):
        store.upsert([make("x1", "Text.")], source_paths=[])
    assert store.get("x1") is None  # the failed batch left nothing behind


# --- lookups ----------------------------------------------------------------------------


def test_get_unknown_is_none(filled):
    assert filled.get("nope") is None


def test_get_many_returns_only_known_ids(filled):
    found = filled.get_many(["a1", "a3", "nope"])
    assert set(found) == {"a1", "a3"}
    assert found["a3"].body == "Charlie story."


def test_an_id_holding_a_nul_character_is_no_article_on_either_database(filled):
    assert filled.get("a1\x00") is None
    assert filled.resolve_alias("\x00") is None


def test_get_many_of_nothing(filled):
    assert filled.get_many([]) == {}
    assert filled.listed([]) == {}


def test_listed_rows_hold_what_a_result_shows_as_stored(filled):
    """Plain rows, not ORM objects: each member of `Listed` equal to the record's."""
    found = filled.listed(["a1", "a3", "nope"])
    assert set(found) == {"a1", "a3"}
    members = [name for kind in (Headline, Listed) for name in vars(kind) if name[0] != "_"]
    assert members == [column.key for column in LISTED_COLUMNS]
    for article_id, row in found.items():
        record = filled.get(article_id)
        assert {name: getattr(row, name) for name in members} == {
            name: getattr(record, name) for name in members
        }


def test_hashes_by_id(filled):
    assert filled.hashes_by_id() == {a.id: a.content_hash for a in ROWS}


# --- one spelling a name ----------------------------------------------------------------


def test_a_place_or_source_stored_in_one_case_keeps_it_whatever_case_comes_next(filled):
    again = make("a1", "Alpha story.", date(2024, 1, 5), place="Moscow", source="tass")
    later = make("b1", "Foxtrot story.", date(2024, 3, 1), place="moscow", source="Tass")
    assert put(filled, again, later) == [Outcome.UNCHANGED, Outcome.ADDED]
    assert (filled.get("b1").place, filled.get("b1").source) == ("MOSCOW", "TASS")
    as_stored = make("b1", "Foxtrot story.", date(2024, 3, 1), place="MOSCOW", source="TASS")
    assert filled.get("b1").content_hash == as_stored.content_hash


def test_a_new_name_takes_the_spelling_its_batch_uses_most(store):
    spelt = ["New York", "NEW YORK", "NEW YORK", "new york"]
    put(store, *(make(f"n{n}", f"Story {n}.", place=place) for n, place in enumerate(spelt)))
    assert {store.get(f"n{n}").place for n in range(len(spelt))} == {"NEW YORK"}


def test_a_name_only_case_apart_from_none_is_stored_as_it_came(filled):
    put(filled, make("c1", "Golf story.", place="São Paulo", source="Agência Brasil"))
    assert (filled.get("c1").place, filled.get("c1").source) == ("São Paulo", "Agência Brasil")


# --- iteration and engine ---------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 2, 5, 1000])
def test_iter_all_yields_every_id_once(filled, batch_size):
    batches = list(filled.iter_all(batch_size=batch_size))
    assert all(0 < len(batch) <= batch_size for batch in batches)
    flat = [row.id for batch in batches for row in batch]
    assert flat == sorted(a.id for a in ROWS)


def test_iter_all_of_an_empty_store(store):
    assert list(store.iter_all()) == []


def test_sqlite_runs_in_wal_mode_with_synchronous_normal(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    store.close()


@pytest.mark.parametrize(("level", "number"), [("NORMAL", 1), ("FULL", 2)])
def test_the_synchronous_level_follows_the_settings(tmp_path, level, number):
    archive = Archive(Settings(data_dir=tmp_path, sqlite_synchronous=level))
    try:
        with archive.store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA synchronous")).scalar() == number
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        archive.close()


def test_an_unknown_synchronous_level_is_refused():
    with pytest.raises(ValidationError, match="sqlite_synchronous"):
        Settings(sqlite_synchronous="OFF")


@pytest.mark.parametrize("backend", BACKENDS)
def test_data_survives_reopening(tmp_path, backend):
    with database_url(backend, tmp_path) as url:
        first = Store(url)
        put(first, make("x1", "Kept across opens."))
        first.close()
        second = Store(url)
        try:
            assert second.get("x1").body == "Kept across opens."
        finally:
            second.close()


def test_the_table_holds_every_field_of_the_article_and_where_it_came_from():
    columns = {column.name for column in ArticleRecord.__table__.columns}
    kept_besides = {"source_path", "ingested_at", "signature", "shingle_count"}
    assert columns == {field.name for field in fields(Article)} | kept_besides


def test_a_stored_article_reads_back_as_the_article_it_was(store):
    article = make("x1", "Talks in Budapest.\n\nSecond paragraph.", place="BUDAPEST")
    put(store, article)
    stored = store.get("x1")
    assert stored is not None and stored.to_article() == replace(article, thread="x1")


# --- story threads ------------------------------------------------------------------------------

WIRE = (
    "The Bank of Japan will keep its discount rate at 2.5 pct for now, its governor told a "
    "parliamentary committee on Monday, as the yen held near a record high against the dollar."
)
UPDATE = WIRE + "\n\nEconomists said a cut before the summit of industrial nations was unlikely."
SERIES = "The Federal Reserve arranged {} billion dlrs of customer repurchase agreements, a Fed "
SERIES += "spokesman said. Fed funds were trading at {} pct when the Fed began its temporary "
SERIES += "and indirect supply of reserves to the banking system."
MARCH = date(1987, 3, 2)


def on(day_offset: int) -> date:
    return MARCH + timedelta(days=day_offset)


def threads(store: Store, *ids: str) -> list[str]:
    found = store.threads_of(ids)
    return [found[i] for i in ids]


def test_versions_of_one_story_share_the_thread_of_the_first(store):
    put(
        store, make("flash", WIRE, on(0)), make("full", UPDATE, on(0)), make("other", SERIES, on(0))
    )
    assert threads(store, "flash", "full", "other") == ["flash", "flash", "other"]
    assert [r.id for r in store.versions("flash")] == ["flash", "full"]
    assert store.thread_size("flash") == 2


def test_a_version_that_comes_later_joins_the_stored_thread(store):
    put(store, make("first", WIRE, on(0)))
    put(store, make("resent", WIRE + " (Repeats.)", on(2)))
    put(store, make("too-late", WIRE + " (Repeats.)", on(4)))  # past the first's window
    assert threads(store, "first", "resent", "too-late") == ["first", "first", "too-late"]


def test_a_series_on_other_days_is_separate_stories_and_its_text_updated_keeps_its_thread(store):
    put(
        store,
        make("mon", SERIES.format("1.5", "6-1/8"), on(0)),
        make("tue", SERIES.format("2.0", "6-3/16"), on(1)),
    )
    assert threads(store, "mon", "tue") == ["mon", "tue"]
    put(store, make("tue-more", SERIES.format("2.0", "6-3/16") + " Dealers expected it.", on(1)))
    assert threads(store, "tue-more") == ["tue"]
    assert put(store, make("tue", SERIES.format("2.5", "6-3/16"), on(1))) == [Outcome.UPDATED]
    assert threads(store, "tue") == ["tue"]


def test_an_updated_article_is_compared_by_its_new_text(store):
    put(store, make("solo", WIRE, on(0)))
    assert put(store, make("solo", SERIES, on(0))) == [Outcome.UPDATED]  # rewritten whole
    put(store, make("solo-2", SERIES + " Dealers expected it.", on(0)))
    assert threads(store, "solo", "solo-2") == ["solo", "solo"]


def test_articles_stored_before_threads_find_theirs_oldest_first(store):
    """As migration 0005 leaves them: a thread of their own each, no signature."""
    put(store, make("a", WIRE, on(0)), make("b", UPDATE, on(1)), make("c", SERIES, on(1)))
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE articles SET thread = id, signature = NULL"))
    latest = store.changes().latest
    assert store.thread_unsigned(batch_size=2) == 1
    assert threads(store, "a", "b", "c") == ["a", "a", "c"]
    moved = store.changes_after(latest, 10)
    assert [change.article_id for change in moved] == ["b"]  # for every index to apply
    assert store.thread_unsigned() == 0


# --- topics -----------------------------------------------------------------------------

TAGGED = [
    make("t1", "Cocoa story.", date(2024, 1, 5), topics=("cocoa", "earn")),
    make("t2", "Grain story.", date(2024, 1, 6), place="PARIS", topics=("grain", "cocoa")),
    make("t3", "Plain story.", date(2024, 1, 7)),
]


def test_an_article_keeps_its_topics_in_their_order(store):
    put(store, *TAGGED)
    assert [store.get(key).topics for key in ("t1", "t2", "t3")] == [
        ("cocoa", "earn"),
        ("grain", "cocoa"),
        (),
    ]
    assert store.get("t2").to_article() == replace(TAGGED[1], thread="t2")


def test_new_topics_update_an_article_and_replace_its_old_ones(store):
    put(store, *TAGGED)
    again = make("t1", "Cocoa story.", date(2024, 1, 5), topics=("sugar",))
    untagged = make("t2", "Grain story.", date(2024, 1, 6), place="PARIS")
    assert put(store, again, untagged, TAGGED[2]) == [
        Outcome.UPDATED,
        Outcome.UPDATED,
        Outcome.UNCHANGED,
    ]
    assert topic_rows(store) == [("sugar", "t1")]
    assert store.delete(["t1"]) == ["t1"]
    assert topic_rows(store) == []


def topic_rows(store: Store) -> list[tuple[str, str]]:
    """Every (topic, article) row the topic filter and counts read."""
    query = select(TopicRecord.topic, TopicRecord.article_id).order_by(TopicRecord.topic)
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]
