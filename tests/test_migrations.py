"""app.migrations: the store's schema, made, stamped, checked and upgraded, on SQLite and on
PostgreSQL (a database of each kind per test, `support/databases.py`)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, select, text
from support.databases import BACKENDS, database_url
from support.helpers import make
from typer.testing import CliRunner

from app import migrations
from app.cli import cli
from app.errors import SchemaBehind
from app.settings import get_settings
from app.store import AliasRecord, ArticleRecord, Base, Store


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


def every_row(engine: Engine) -> list:
    with engine.connect() as connection:
        articles = connection.execute(select(ArticleRecord.__table__).order_by("id")).all()
        aliases = connection.execute(select(AliasRecord.__table__).order_by("id")).all()
    return [tuple(row) for row in articles + aliases]


def test_a_new_store_is_made_as_the_models_say_and_stamped_at_the_head(url, engine):
    Store(url).close()
    assert revision(engine) == migrations.head()
    assert differences(engine) == []


def test_the_revisions_from_nothing_make_the_schema_the_models_say(engine):
    before, after = migrations.upgrade(engine)
    assert (before, after) == (None, migrations.head())
    assert differences(engine) == []


def test_a_store_made_before_migrations_keeps_every_row_and_is_stamped(url, engine, monkeypatch):
    """As the release before migrations left it: the tables, no version. Opening stamps it at
    the baseline; `newsarchive migrate` finds it up to date; every row is as it was."""
    filled = Store(url)
    filled.upsert(
        [make("a1", "Alpha story."), make("a2", "Bravo story."), make("copy", "Alpha story.")],
        source_paths=["/a1", "/a2", "/copy"],
    )
    filled.close()
    with engine.begin() as connection:  # back to the state of before: no version table
        connection.execute(text("DROP TABLE alembic_version"))
    rows = every_row(engine)
    assert len(rows) == 3  # two articles, one alias

    Store(url).close()
    assert revision(engine) == migrations.BASELINE == migrations.head()
    result = run_cli(monkeypatch, url, "migrate")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.stdout
    assert every_row(engine) == rows


def test_a_store_behind_this_release_is_refused_with_what_to_do(url, engine, monkeypatch):
    Store(url).close()
    monkeypatch.setattr(migrations, "head", lambda: "9999")  # as a later release would see it
    with pytest.raises(SchemaBehind, match=r"revision 0001.*needs 9999.*newsarchive migrate"):
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
