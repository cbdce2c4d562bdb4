"""The store's schema, migrated by Alembic: each revision in `versions/`, applied in order.

A store records its revision in Alembic's `alembic_version` table. Opening a store
(`prepare`) gives a new one the current tables and stamps it at the head; a store made
before the archive had migrations (its tables, no version) is stamped at the baseline,
`0001`, which is that schema. A store whose revision is not the head is behind:
`Store` refuses it (`SchemaBehind`) until `newsarchive migrate` (`upgrade`) brings it
there, so that no release reads or writes a schema it was not made for.
"""

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, inspect

SCRIPTS = Path(__file__).parent
BASELINE = "0001"  # the schema of every store made before migrations


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


@functools.lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    """The revision this release's code reads and writes."""
    revision = _scripts().get_current_head()
    assert revision is not None, "app/store/migrations/versions holds the revisions"
    return revision


def prepare(engine: Engine, metadata: MetaData) -> str:
    """The store's revision, after making a new store's tables (stamped at the head) or
    stamping a store made before migrations (at the baseline)."""
    with engine.begin() as connection:
        context = MigrationContext.configure(connection)
        revision = context.get_current_revision()
        if revision is None:
            made_before = "articles" in inspect(connection).get_table_names()
            if not made_before:
                metadata.create_all(connection)
            context.stamp(_scripts(), BASELINE if made_before else "head")
            revision = context.get_current_revision()
        assert revision is not None
        return revision


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the store to the head; returns its revision before and after."""
    with engine.begin() as connection:
        before = MigrationContext.configure(connection).get_current_revision()
        command.upgrade(_config(connection), "head")
    return before, head()


def downgrade(engine: Engine, revision: str) -> None:
    """Take the store back to an earlier revision (its schema as that release made it)."""
    with engine.begin() as connection:
        command.downgrade(_config(connection), revision)
