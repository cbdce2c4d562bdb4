"""Stored stories cleaned of their sources' junk (`app.cleaning`): Wikinews review notices,
wiki markup and date headings, the Reuters sign-off.

Each article the rules change is updated in place and numbered as an update, so that every
node's index applies it as it follows the changes. The tables are declared here as this
revision knows them, so that later revisions of the schema leave this one working.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from app.article import Article, recleaned

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 1000
_TEXT = ("id", "title", "place", "region", "source", "lead", "body", "content_hash")
_MADE = ("title", "lead", "body", "word_count", "content_hash")  # what cleaning can change
articles = sa.table(
    "articles",
    *(sa.column(name, sa.Text()) for name in (*_TEXT, "source_url", "authors")),
    sa.column("published", sa.Date()),
    sa.column("word_count", sa.Integer()),
)
changes = sa.table(
    "changes",
    sa.column("article_id"),
    sa.column("kind"),
    sa.column("content_hash"),
    sa.column("changed_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    connection = op.get_bind()
    last = ""
    while rows := connection.execute(
        sa.select(articles).where(articles.c.id > last).order_by(articles.c.id).limit(BATCH)
    ).all():
        for again in filter(None, (recleaned(Article(**row._mapping)) for row in rows)):
            _update(connection, again)
        last = rows[-1].id


def _update(connection: sa.Connection, again: Article) -> None:
    values = {name: getattr(again, name) for name in _MADE}
    connection.execute(articles.update().where(articles.c.id == again.id).values(**values))
    connection.execute(
        changes.insert().values(
            article_id=again.id,
            kind="updated",
            content_hash=again.content_hash,
            changed_at=datetime.now(UTC),
        )
    )


def downgrade() -> None:
    """The junk is not put back: the cleaned text stays, as a later ingest would leave it."""
