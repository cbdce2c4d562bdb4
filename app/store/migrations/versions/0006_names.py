"""Places cleaned of the wire's dateline debris (`app.cleaning.clean_place`: `c CHICAGO`,
`FARMINGTON Conn.`), and one spelling a place and a source (`app.spellings`: `New York` and
`New york` become `NEW YORK`, the commonest), as every article stored from now on has them.

Each article whose place or source changes is updated in place, its digest made again, and
numbered as an update, so that every node's index applies it. The tables are declared here
as this revision knows them, so that later revisions of the schema leave this one working.
"""

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from app.article import content_hash
from app.cleaning import clean_place
from app.spellings import chosen_spellings, folded

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TEXT = ("id", "title", "place", "region", "source", "body", "topics")
articles = sa.table(
    "articles",
    *(sa.column(name, sa.Text()) for name in (*_TEXT, "content_hash")),
    sa.column("published", sa.Date()),
)
changes = sa.table(
    "changes",
    sa.column("article_id"),
    sa.column("kind"),
    sa.column("content_hash"),
    sa.column("changed_at", sa.DateTime(timezone=True)),
)
# each name column's cleaning: places lose the wire's debris; sources are kept as they are
CLEAN: dict[str, Callable[[str], str | None]] = {"place": clean_place, "source": str}


def upgrade() -> None:
    connection = op.get_bind()
    for name, clean in CLEAN.items():
        for stored, wanted in _respellings(connection, name, clean).items():
            _respell(connection, name, stored, wanted)


def _respellings(
    connection: sa.Connection, name: str, clean: Callable[[str], str | None]
) -> dict[str, str | None]:
    """Each stored value of the column `name` that must change, with what it becomes."""
    column = articles.c[name]
    counted = sa.select(column, sa.func.count()).group_by(column)
    stored: dict[str | None, int] = {value: n for value, n in connection.execute(counted)}
    cleaned = {value: clean(value) for value in stored if value}
    counts: Counter[str] = Counter()
    for value, made in cleaned.items():
        if made:
            counts[made] += stored[value]
    chosen = chosen_spellings(counts)
    final = {value: made and chosen[folded(made)] for value, made in cleaned.items()}
    return {value: made for value, made in final.items() if made != value}


def _respell(connection: sa.Connection, name: str, stored: str, wanted: str | None) -> None:
    for row in connection.execute(sa.select(articles).where(articles.c[name] == stored)).all():
        fields = {**row._mapping, name: wanted}
        topics = tuple(fields["topics"].split("\n")) if fields["topics"] else ()
        digest = content_hash(
            published=fields["published"],
            title=fields["title"],
            body=fields["body"],
            place=fields["place"],
            region=fields["region"],
            source=fields["source"],
            topics=topics,
        )
        update = articles.update().where(articles.c.id == row.id)
        connection.execute(update.values({name: wanted, "content_hash": digest}))
        connection.execute(
            changes.insert().values(
                article_id=row.id,
                kind="updated",
                content_hash=digest,
                changed_at=datetime.now(UTC),
            )
        )


def downgrade() -> None:
    """The debris and the other spellings are not put back, as a later ingest would leave them."""
