"""The SQL store: the archive's source of truth, reached only through SQLAlchemy.

Only portable constructs are used (SQLite pragmas and PostgreSQL's advisory lock
aside), so that a `DATABASE_URL` can move the store to PostgreSQL. Every write is
one transaction that numbers what it changed in the `changes` table, which each
node's index follows (`Archive.catch_up`). Writers take turns, whichever process or
machine they run on, so that numbers are given in the order transactions commit: a
reader that has seen change n has seen every change before it. Reads are concurrent.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import partial
from typing import cast

from sqlalchemy import (
    create_engine,
    delete,
    event,
    func,
    select,
    tuple_,
)
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import (
    Session,
    sessionmaker,
)
from sqlalchemy.pool import ConnectionPoolEntry

from app.article import NUL, Article, recleaned
from app.errors import SchemaBehind
from app.store import migrations, outages
from app.store.reads import Change, Changes, keyset_order, parts, records_in
from app.store.tables import (
    LISTED_BY_ID,
    LISTED_COLUMNS,
    AliasRecord,
    ArticleRecord,
    Base,
    ChangeRecord,
    Listed,
    TopicRecord,
)
from app.store.threads import threaded
from app.store.writes import Outcome, Upsert, record_changes, respelt_batch
from app.threads import Thresholds

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=30000",
    "PRAGMA foreign_keys=ON",
)
# and `PRAGMA synchronous=` the settings' level: NORMAL keeps a commit through the
# application's crash, FULL also through the machine's power loss


# Any number the writers of every store agree on; PostgreSQL holds it for one transaction.
WRITERS_LOCK = 0x6E657773  # "news"
# changes a write keeps before it adds its own: an index further behind fills itself anew
CHANGES_KEPT = 1_000_000

THREADS = Thresholds()  # the defaults


class Store:
    """Opens the database, makes or checks its schema (`app/migrations`), and answers every
    SQL question."""

    def __init__(
        self,
        url: str,
        *,
        synchronous: str = "NORMAL",
        changes_kept: int = CHANGES_KEPT,
        thread_rule: Thresholds = THREADS,
    ) -> None:
        # no statement's parameters in any error or log: 10,000 ids are not a message
        self.engine: Engine = create_engine(url, hide_parameters=True)
        self.outages = outages.watch(self.engine)
        self.changes_kept = changes_kept
        self.thread_rule = thread_rule
        if self.engine.dialect.name == "sqlite":
            pragmas = (*SQLITE_PRAGMAS, f"PRAGMA synchronous={synchronous}")
            event.listen(self.engine, "connect", partial(_apply_sqlite_pragmas, pragmas))
        revision = migrations.prepare(self.engine, Base.metadata)
        if revision != migrations.head():
            self.engine.dispose()
            raise SchemaBehind(revision, migrations.head())
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def upsert(
        self, articles: Sequence[Article], *, source_paths: Sequence[str | None]
    ) -> list[Outcome]:
        """Store a batch in one transaction; the same text is kept once, a changed one updated.

        A duplicate's id becomes an alias of the stored article, so that every id a
        source gave still leads somewhere.
        """
        with self._writing() as session:
            articles = respelt_batch(session, articles)
            batch = Upsert(session, articles)
            new = [article for article in articles if batch.is_new(article)]
            batch.signed = threaded(session, new, self.thread_rule)
            outcomes = [batch.one(a, path) for a, path in zip(articles, source_paths, strict=True)]
            batch.store_topics()
            record_changes(session, batch.changes)
            return outcomes

    def thread_unsigned(self, batch_size: int = 1000) -> int:
        """Find the threads of the articles stored before threads were (no signature),
        oldest first, a batch a transaction; returns how many joined another's thread.
        Each of those is numbered as an update, which every index applies."""
        joined = 0
        while True:
            with self._writing() as session:
                query = select(ArticleRecord).where(ArticleRecord.signature.is_(None))
                order = keyset_order(newest_first=False)
                batch = list(session.scalars(query.order_by(*order).limit(batch_size)))
                if not batch:
                    return joined
                made = threaded(
                    session, [record.to_article() for record in batch], self.thread_rule
                )
                for record in batch:
                    record.thread, record.signature, record.shingle_count = made[record.id]
                moved = [(r.id, Outcome.UPDATED, r.content_hash) for r in batch if r.thread != r.id]
                record_changes(session, moved)
                joined += len(moved)

    def threads_of(self, ids: Sequence[str]) -> dict[str, str]:
        """The story thread of each stored article of `ids`."""
        with self._sessions() as session:
            query = select(ArticleRecord.id, ArticleRecord.thread)
            return {
                i: thread
                for part in parts(ids)
                for i, thread in session.execute(query.where(ArticleRecord.id.in_(part)))
            }

    def thread_size(self, thread: str) -> int:
        """How many stored versions a story thread has."""
        with self._sessions() as session:
            query = select(func.count()).where(ArticleRecord.thread == thread)
            return int(session.scalar(query) or 0)

    def versions(self, thread: str) -> list[ArticleRecord]:
        """Every stored version of a story thread, oldest first."""
        with self._sessions() as session:
            query = select(ArticleRecord).where(ArticleRecord.thread == thread)
            return list(session.scalars(query.order_by(*keyset_order(newest_first=False))))

    def reclean(self, batch_size: int = 1000) -> int:
        """Make every stored article again by today's cleaning rules (`recleaned`), a batch a
        transaction; returns how many changed. Each is a numbered update every index applies."""
        changed = 0
        for batch in self.iter_all(batch_size):
            again = [(made, r.source_path) for r in batch if (made := recleaned(r.to_article()))]
            if again:
                self.upsert([made for made, _ in again], source_paths=[path for _, path in again])
            changed += len(again)
        return changed

    def delete(self, ids: Sequence[str]) -> list[str]:
        """Delete the articles stored under `ids`, with the aliases that lead to them;
        returns the ids that were stored (one holding a NUL character never is)."""
        ids = [article_id for article_id in ids if NUL not in article_id]
        with self._writing() as session:
            stored = [record.id for part in parts(ids) for record in records_in(session, part)]
            for part in parts(stored):
                session.execute(delete(TopicRecord).where(TopicRecord.article_id.in_(part)))
                session.execute(delete(AliasRecord).where(AliasRecord.article_id.in_(part)))
                session.execute(delete(ArticleRecord).where(ArticleRecord.id.in_(part)))
            record_changes(session, [(article_id, Outcome.DELETED, None) for article_id in stored])
            return stored

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """A write transaction, begun once every other writer's has ended.

        PostgreSQL holds an advisory lock until the commit. On SQLite the first statement
        (dropping the changes beyond those kept, needed on both) takes the database's
        write lock, which SQLite holds until the commit.
        """
        with self._sessions.begin() as session:
            if self.engine.dialect.name == "postgresql":
                session.execute(select(func.pg_advisory_xact_lock(WRITERS_LOCK)))
            newest = select(func.max(ChangeRecord.seq)).scalar_subquery()
            session.execute(
                delete(ChangeRecord).where(ChangeRecord.seq <= newest - self.changes_kept)
            )
            yield session

    def article_count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(ArticleRecord)) or 0)

    def is_empty(self) -> bool:
        """Whether the store holds no article and has numbered no change."""
        with self.engine.connect() as connection:
            article = connection.scalar(select(ArticleRecord.id).limit(1))
            change = connection.scalar(select(ChangeRecord.seq).limit(1))
        return article is None and change is None

    def changes(self, after: int | None = None) -> Changes:
        """The span of the kept changes; with `after`, when the change next to it was made."""
        with self.engine.connect() as connection:
            first, latest = connection.execute(
                select(func.min(ChangeRecord.seq), func.max(ChangeRecord.seq))
            ).one()
            next_made = None
            if after is not None:
                later = select(ChangeRecord.changed_at).where(ChangeRecord.seq > after)
                next_made = connection.scalar(later.order_by(ChangeRecord.seq).limit(1))
        return Changes(first or 0, latest or 0, next_made)

    def changes_after(self, seq: int, limit: int) -> list[Change]:
        """The first `limit` changes numbered after `seq`, in order."""
        columns = (ChangeRecord.seq, ChangeRecord.article_id, ChangeRecord.content_hash)
        query = select(*columns).where(ChangeRecord.seq > seq).order_by(ChangeRecord.seq)
        with self.engine.connect() as connection:
            return [Change(*row) for row in connection.execute(query.limit(limit))]

    def resolve_alias(self, alias: str) -> str | None:
        """The id of the article an alias (a duplicate's id) stands for."""
        if NUL in alias:
            return None
        with self._sessions() as session:
            return session.scalar(select(AliasRecord.article_id).where(AliasRecord.id == alias))

    def get(self, article_id: str) -> ArticleRecord | None:
        """The article stored under `article_id`; None for any other id, one holding a NUL
        character included (no stored text has one; PostgreSQL refuses them in a query)."""
        if NUL in article_id:
            return None
        with self._sessions() as session:
            return session.get(ArticleRecord, article_id)

    def listed(self, ids: Sequence[str]) -> dict[str, "Listed"]:
        """What a list of results shows of each of `ids`: plain rows of one statement built
        once, not ORM objects (under a third of the time for a page of twenty)."""
        with self.engine.connect() as connection:
            return {
                row.id: cast(Listed, row)
                for part in parts(ids)
                for row in connection.execute(LISTED_BY_ID, {"ids": list(part)})
            }

    def neighbours(self, published: date, article_id: str) -> tuple[Listed | None, ...]:
        """The articles just before and just after (published, id) in date order (as a list
        shows them: rows of `LISTED_COLUMNS`)."""
        key = tuple_(ArticleRecord.published, ArticleRecord.id)
        here = tuple_(published, article_id)
        before = select(*LISTED_COLUMNS).where(key < here).order_by(*keyset_order(True))
        after = select(*LISTED_COLUMNS).where(key > here).order_by(*keyset_order(False))
        with self.engine.connect() as connection:
            rows = (connection.execute(query.limit(1)).first() for query in (before, after))
            return tuple(cast(Listed, row) for row in rows)

    def get_many(self, ids: Sequence[str]) -> dict[str, ArticleRecord]:
        with self._sessions() as session:
            return {row.id: row for part in parts(ids) for row in records_in(session, part)}

    def hashes_by_id(self) -> dict[str, str]:
        """Every stored id with its content hash, for reconciling the index."""
        with self._sessions() as session:
            rows = session.execute(select(ArticleRecord.id, ArticleRecord.content_hash))
            return {article_id: digest for article_id, digest in rows}

    def iter_all(self, batch_size: int = 1000) -> Iterator[list[ArticleRecord]]:
        """Every article in id order, a batch at a time (keyset paging, flat memory)."""
        last = ""
        while True:
            with self._sessions() as session:
                query = select(ArticleRecord).where(ArticleRecord.id > last)
                batch = list(session.scalars(query.order_by(ArticleRecord.id).limit(batch_size)))
            if not batch:
                return
            yield batch
            last = batch[-1].id


def _apply_sqlite_pragmas(
    pragmas: tuple[str, ...], connection: DBAPIConnection, _record: ConnectionPoolEntry
) -> None:
    cursor = connection.cursor()
    for pragma in pragmas:
        cursor.execute(pragma)
    cursor.close()
