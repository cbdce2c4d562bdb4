"""The stores tests run against: a SQLite file under tmp_path, and PostgreSQL.

PostgreSQL is the database `test` on 127.0.0.1:5432 as user `postgres` (or the one
NEWSARCHIVE_TEST_POSTGRES names by its URL); each test gets a schema of its own,
dropped afterwards. Where no server answers (a newcomer's
machine) the PostgreSQL cases skip with the reason; NEWSARCHIVE_REQUIRE_POSTGRES=1,
which CI sets, turns that skip into a failure.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from app.settings import Settings
from support.stories import ROOT, SMALL_LIMIT

ADMIN_URL = os.environ.get("NEWSARCHIVE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRED = os.environ.get("NEWSARCHIVE_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def database_url(backend: str, directory: Path) -> Iterator[str]:
    """A SQLAlchemy URL of an empty database of `backend`, gone after the block."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'store.sqlite3'}"
        return
    with postgres_database() as url:
        yield url


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new PostgreSQL schema for one test, as a SQLAlchemy URL whose connections search it
    first; dropped, with everything in it, afterwards (a schema costs a tenth of a database)."""
    admin = _admin_connection()
    name = f"newsarchive_test_{uuid.uuid4().hex[:16]}"
    admin.execute(f'CREATE SCHEMA "{name}"')
    try:
        url = make_url(ADMIN_URL).set(
            drivername="postgresql+psycopg", query={"options": f"-csearch_path={name}"}
        )
        yield url.render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.close()


def _admin_connection():  # psycopg.Connection, imported only where PostgreSQL is wanted
    try:
        import psycopg

        return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
    except Exception as error:  # noqa: BLE001 - no driver or no server: the same answer
        reason = f"no PostgreSQL at {ADMIN_URL} ({type(error).__name__}: {error})"
        if REQUIRED:
            pytest.fail(f"{reason}; NEWSARCHIVE_REQUIRE_POSTGRES=1 wants one")
        pytest.skip(reason)


@contextmanager
def settings_on(backend: str, tmp_path: Path) -> Iterator[Settings]:
    """The tests' usual settings (see conftest.py), the store on a new database of `backend`."""
    with database_url(backend, tmp_path) as url:
        yield Settings(
            data_dir=tmp_path / "data",
            database_url=url,
            seeds_dir=ROOT / "seeds",
            max_article_bytes=SMALL_LIMIT,
        )


@pytest.fixture(params=BACKENDS, name="settings")
def settings_on_both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """conftest's `settings`, for each backend in turn: a module that imports this fixture
    runs every test that takes `settings` on SQLite and on PostgreSQL."""
    with settings_on(request.param, tmp_path) as chosen:
        yield chosen
