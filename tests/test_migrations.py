"""app.store.migrations: the store's schema, made, stamped, checked and upgraded, on SQLite and on
PostgreSQL (a database of each kind per test, `support/databases.py`)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, create_engine, select, text
from support.databases import BACKENDS, database_url
from support.helpers import found_ids, make, search_params, stored_as_before_cleaning
from typer.testing import CliRunner

from app.archive import Archive
from app.article import respelt
from app.cli import cli
from app.errors import SchemaBehind
from app.filters import Filters
from app.search.queries import search, stats
from app.settings import Settings, get_settings
from app.store import Store, migrations
from app.store.tables import Base


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as made:
        yield made


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    made = create_engine(url)
    yield made
    made.dispose()


def revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def differences(engine: Engine) -> list:
    """What the database's schema lacks or has beyond the models' (Alembic's own compare)."""
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def every_row(engine: Engine) -> list[dict]:
    """Every article and alias row, as the database's own tables hold them (whatever the
    revision), each as {column: value}."""
    with engine.connect() as connection:
        tables = MetaData()
        tables.reflect(connection, only=("articles", "aliases"))
        return [
            dict(row._mapping)
            for name in ("articles", "aliases")
            for row in connection.execute(select(tables.tables[name]).order_by("id"))
        ]


def kept(before: list[dict], after: list[dict]) -> bool:
    """Whether every row and value of `before` is still there (later revisions add columns)."""
    return [{k: row[k] for k in old} for old, row in zip(before, after, strict=True)] == before


def test_a_new_store_is_made_as_the_models_say_and_stamped_at_the_head(url, engine):
    Store(url).close()
    assert revision(engine) == migrations.head()
    assert differences(engine) == []


def test_the_revisions_from_nothing_make_the_schema_the_models_say(engine):
    before, after = migrations.upgrade(engine)
    assert (before, after) == (None, migrations.head())
    assert differences(engine) == []


def filled_as_before_changes(url: str, engine: Engine) -> list:
    """A store as the releases before numbered changes left it (articles, aliases, no
    `changes` table); returns its rows."""
    filled = Store(url)
    filled.upsert(
        [make("a1", "Alpha story."), make("a2", "Bravo story."), make("copy", "Alpha story.")],
        source_paths=["/a1", "/a2", "/copy"],
    )
    filled.close()
    migrations.downgrade(engine, "0001")
    rows = every_row(engine)
    assert len(rows) == 3  # two articles, one alias
    return rows


def test_a_store_made_before_migrations_is_stamped_and_upgraded_keeping_every_row(
    url, engine, monkeypatch
):
    """As the release before migrations left it: the tables, no version. Opening stamps it at
    the baseline and refuses it; `newsarchive migrate` upgrades it; every row is as it was."""
    rows = filled_as_before_changes(url, engine)
    with engine.begin() as connection:  # and before migrations: no version table
        connection.execute(text("DROP TABLE alembic_version"))

    with pytest.raises(SchemaBehind):
        Store(url)
    assert revision(engine) == migrations.BASELINE
    result = run_cli(monkeypatch, url, "migrate")
    assert result.exit_code == 0, result.output
    assert f"from revision {migrations.BASELINE} to {migrations.head()}" in result.stdout
    assert kept(rows, every_row(engine))
    assert differences(engine) == []
    assert "up to date" in run_cli(monkeypatch, url, "migrate").stdout


def test_the_last_release_s_store_upgraded_fills_a_new_index_and_numbers_new_changes(
    url, engine, monkeypatch, tmp_path
):
    """Revision 0001 (no numbered changes) to the head: every row kept; an index built by
    the release before (no applied change recorded) is filled once, then follows."""
    rows = filled_as_before_changes(url, engine)
    before, after = migrations.upgrade(engine)
    assert (before, after) == ("0001", migrations.head())
    assert kept(rows, every_row(engine))
    assert all(row["thread"] == row["id"] for row in every_row(engine) if "thread" in row)

    archive = Archive(settings_with(url, tmp_path))
    try:
        assert archive.index.applied_change() is None
        assert archive.catch_up() == 0  # filled by comparing: the store numbered nothing yet
        assert sorted(found_ids(archive, "story")) == ["a1", "a2"]
        archive.add([make("a3", "Charlie story.")], source_paths=[None])
        assert archive.index.applied_change() == archive.store.changes().latest == 1
        assert not archive.differences()
    finally:
        archive.close()


def test_the_cleaning_revision_cleans_stored_junk_and_numbers_each_change_for_the_indexes(
    url, engine, tmp_path
):
    """Revision 0002 to the head: a story kept with its junk is cleaned in place, its title
    derived again from the clean lead, and numbered as an update that an index already
    following applies; a clean story and its row are left alone."""
    archive = Archive(settings_with(url, tmp_path))
    junky = stored_as_before_cleaning(
        "wiki", ["Sunday, October 18, 2020", "((WN)) Were kestrels seen?", "Yes. REUTER"]
    )
    archive.add([junky, make("clean", "Kestrels nested early.")], source_paths=[None, None])
    archive.close()
    migrations.downgrade(engine, "0002")
    clean_row = [row for row in every_row(engine) if row["id"] == "clean"]

    assert migrations.upgrade(engine) == ("0002", migrations.head())
    archive = Archive(settings_with(url, tmp_path))
    try:
        stored = archive.store.get("wiki")
        assert (stored.title, stored.lead) == ("WN: Were kestrels seen?",) * 2
        assert stored.body == "WN: Were kestrels seen?\n\nYes."
        assert kept(clean_row, [row for row in every_row(engine) if row["id"] == "clean"])
        assert archive.store.changes_after(2, 10)[0].article_id == "wiki"
        assert archive.catch_up() == 1
        assert found_ids(archive, "REUTER") == []
        assert found_ids(archive, "WN") == ["wiki"]
        assert not archive.differences()
    finally:
        archive.close()


def test_the_topics_revision_keeps_every_row_and_topics_come_with_the_next_ingest(
    url, engine, tmp_path
):
    """Revision 0003 to the head: every row kept, no stored article given topics (its source
    file must be ingested again); ingested again with them, it is updated, not doubled."""
    archive = Archive(settings_with(url, tmp_path))
    stories = [make("a1", "Alpha story."), make("a2", "Bravo story."), make("copy", "Alpha story.")]
    archive.add(stories, source_paths=[None] * 3)
    archive.close()
    migrations.downgrade(engine, "0003")
    rows = every_row(engine)

    assert migrations.upgrade(engine) == ("0003", migrations.head())
    assert kept(rows, every_row(engine))
    assert differences(engine) == []
    archive = Archive(settings_with(url, tmp_path))
    try:
        assert [archive.store.get(key).topics for key in ("a1", "a2")] == [(), ()]
        assert stats(archive).named["topic"] == {}
        again = [make("a1", "Alpha story.", topics=("Greek", "letters")), stories[1]]
        assert archive.add(again, source_paths=[None] * 2) == ["updated", "unchanged"]
        assert stats(archive).named["topic"] == {"greek": 1, "letters": 1}
        assert search(archive, search_params(topic="GREEK")).total == 1
        assert archive.index.search(
            "story", Filters(topic="greek"), sort="newest", page=1, per_page=5
        ).ids == ["a1"]
        assert stats(archive).articles == 2
    finally:
        archive.close()


# As Reuters-21578 sent them: a dateline's debris, and one city in three cases
SENT_PLACES = {"c1": "c CHICAGO", "c2": "CHICAGO", "n1": "New York", "n2": "NEW YORK"}
SENT_PLACES |= {"n3": "NEW YORK", "f1": "FARMINGTON Conn.", "f2": "FRESCalif.", "w1": "WALtHAM"}
SET_PLACE = text("UPDATE articles SET place = :place, content_hash = :digest WHERE id = :id")


def test_the_names_revision_cleans_places_and_gives_each_one_spelling_numbered_for_indexes(
    url, engine, tmp_path
):
    """Revision 0005 to the head: places kept as the wire sent them are cleaned of its
    debris and spelt one way (the commonest), each change numbered as an update that an
    index already following applies; a place already right is left alone."""
    archive = Archive(settings_with(url, tmp_path))
    stories = [make(key, f"Story {key}.") for key in SENT_PLACES]
    archive.add(stories, source_paths=[None] * len(stories))
    with engine.begin() as connection:  # the places as an older release kept them
        for story in stories:
            sent = respelt(story, place=SENT_PLACES[story.id], source=story.source)
            values = {"place": sent.place, "digest": sent.content_hash, "id": story.id}
            connection.execute(SET_PLACE, values)
    archive.repair()  # its index as that release left it
    archive.close()
    migrations.downgrade(engine, "0005")
    right = [row for row in every_row(engine) if row["id"] == "n2"]

    assert migrations.upgrade(engine) == ("0005", migrations.head())
    archive = Archive(settings_with(url, tmp_path))
    try:
        places = {key: archive.store.get(key).place for key in SENT_PLACES}
        assert places == {
            "c1": "CHICAGO", "c2": "CHICAGO", "n1": "NEW YORK", "n2": "NEW YORK",
            "n3": "NEW YORK", "f1": "FARMINGTON", "f2": None, "w1": "WALTHAM",
        }  # fmt: skip
        assert kept(right, [row for row in every_row(engine) if row["id"] == "n2"])
        numbered = {change.article_id for change in archive.store.changes_after(0, 100)}
        assert {"c1", "n1", "f1", "f2", "w1"} <= numbered
        assert archive.catch_up() > 0
        assert not archive.differences()
        counted = {"NEW YORK": 3, "CHICAGO": 2, "FARMINGTON": 1, "WALTHAM": 1}
        assert stats(archive).named["place"] == counted
    finally:
        archive.close()


def test_a_store_behind_this_release_is_refused_with_what_to_do(url, engine, monkeypatch):
    Store(url).close()
    current = migrations.head()
    monkeypatch.setattr(migrations, "head", lambda: "9999")  # as a later release would see it
    with pytest.raises(SchemaBehind, match=rf"revision {current}.*needs 9999.*newsarchive migrate"):
        Store(url)


@pytest.mark.parametrize("command", [["serve", "--port", "9"], ["stats"], ["ingest", "nothing"]])
def test_commands_refuse_a_store_behind_before_doing_anything(url, monkeypatch, command):
    Store(url).close()
    monkeypatch.setattr(migrations, "head", lambda: "9999")
    result = run_cli(monkeypatch, url, *command)
    assert result.exit_code == 2
    assert "run `newsarchive migrate`" in result.stderr
    assert "Traceback" not in result.output


def run_cli(monkeypatch: pytest.MonkeyPatch, url: str, *arguments: str):
    monkeypatch.setenv("NEWSARCHIVE_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(cli, list(arguments))
    finally:
        get_settings.cache_clear()


def settings_with(url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=url)
