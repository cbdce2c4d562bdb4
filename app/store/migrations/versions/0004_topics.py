"""Topics: the subject tags sources give (Reuters' topics, a feed's categories, tags).

Two places hold them, each for what it serves:

- `articles.topics`, the article's topics joined by a line break (which no kept topic holds):
  the article as stored, read with its row wherever a whole article is (its page, the API,
  exports, the index's rebuild), in the source's order, with no join.
- `article_topics(topic, article_id)`, a row a topic of an article, keyed topic first: the
  topic filter and the topic counts. A filter is an `IN` over the key's range for one topic
  and a count a `GROUP BY` over it, on SQLite and PostgreSQL alike, where a `LIKE` on the
  joined text would read every row and counting it would mean reading every article.
  The index on `article_id` finds an article's rows when it is updated or deleted.

Stored articles get no topics here (they were stored without them): ingesting their source
files again adds them, each article an update.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("topics", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "article_topics",
        sa.Column("topic", sa.String(100), primary_key=True),
        sa.Column("article_id", sa.String(64), sa.ForeignKey("articles.id"), primary_key=True),
    )
    op.create_index("ix_article_topics_article_id", "article_topics", ["article_id"])


def downgrade() -> None:
    op.drop_table("article_topics")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("topics")
