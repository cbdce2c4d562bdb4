"""Story threads (`app.threads`): each article's thread, and the MinHash signature of its
text that later articles are compared with.

An article stored before is a thread of its own and has no signature: `newsarchive
reindex` finds the threads of those (`Store.thread_unsigned`), oldest first.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("thread", sa.String(64), nullable=False, server_default=""))
    op.execute("UPDATE articles SET thread = id")
    op.create_index("ix_articles_thread", "articles", ["thread"])
    op.add_column("articles", sa.Column("signature", sa.LargeBinary(), nullable=True))
    op.add_column("articles", sa.Column("shingle_count", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_index("ix_articles_thread", "articles")
    for column in ("shingle_count", "signature", "thread"):
        op.drop_column("articles", column)
