"""The SQL store: the archive's source of truth, reached only through SQLAlchemy.

Only portable constructs are used (SQLite pragmas and PostgreSQL's advisory lock
aside), so that a `DATABASE_URL` can move the store to PostgreSQL. Every write is
one transaction that numbers what it changed in the `changes` table, which each
node's index follows (`Archive.catch_up`). Writers take turns, whichever process or
machine they run on, so that numbers are given in the order transactions commit: a
reader that has seen change n has seen every change before it. Reads are concurrent.
"""

import enum
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import cast

from sqlalchemy import (
    create_engine,
    delete,
    event,
    func,
    insert,
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
from sqlalchemy.sql.elements import UnaryExpression

from app import migrations
from app.article import NUL, Article, recleaned, respelt
from app.errors import SchemaBehind
from app.records import (
    ARTICLE_FIELDS,
    LISTED_BY_ID,
    LISTED_COLUMNS,
    AliasRecord,
    ArticleRecord,
    Base,
    ChangeRecord,
    Listed,
    TopicRecord,
)
from app.spellings import NAMED_COLUMNS, chosen_spellings, folded
from app.store_threads import Threaded, signed, threaded
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
IN_LIST = 10_000  # values a query's IN list holds at most: batches are larger


@dataclass(frozen=True)
class Change:
    """A change as an index applies it: the article's text after it (None: deleted)."""

    seq: int
    article_id: str
    content_hash: str | None


@dataclass(frozen=True)
class Changes:
    """The numbers the store's kept changes run between (0 and 0 before the first), and
    when the first change after a given one was made (None: there is none)."""

    first: int
    latest: int
    next_made: datetime | None = None


class Outcome(enum.StrEnum):
    """What storing one article did."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # the same id and text
    DUPLICATE = "duplicate"  # the same text as a stored article with another id
    DELETED = "deleted"


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
        self.engine: Engine = create_engine(url)
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
            articles = _respelt(session, articles)
            batch = _Upsert(session, articles)
            new = [article for article in articles if batch.is_new(article)]
            batch.signed = threaded(session, new, self.thread_rule)
            outcomes = [batch.one(a, path) for a, path in zip(articles, source_paths, strict=True)]
            batch.store_topics()
            _record(session, batch.changes)
            return outcomes

    def thread_unsigned(self, batch_size: int = 1000) -> int:
        """Find the threads of the articles stored before threads were (no signature),
        oldest first, a batch a transaction; returns how many joined another's thread.
        Each of those is numbered as an update, which every index applies."""
        joined = 0
        while True:
            with self._writing() as session:
                query = select(ArticleRecord).where(ArticleRecord.signature.is_(None))
                order = _keyset_order(newest_first=False)
                batch = list(session.scalars(query.order_by(*order).limit(batch_size)))
                if not batch:
                    return joined
                made = threaded(
                    session, [record.to_article() for record in batch], self.thread_rule
                )
                for record in batch:
                    record.thread, record.signature, record.shingle_count = made[record.id]
                moved = [(r.id, Outcome.UPDATED, r.content_hash) for r in batch if r.thread != r.id]
                _record(session, moved)
                joined += len(moved)

    def threads_of(self, ids: Sequence[str]) -> dict[str, str]:
        """The story thread of each stored article of `ids`."""
        with self._sessions() as session:
            query = select(ArticleRecord.id, ArticleRecord.thread)
            return {
                i: thread
                for part in _parts(ids)
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
            return list(session.scalars(query.order_by(*_keyset_order(newest_first=False))))

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
            stored = [record.id for part in _parts(ids) for record in _records(session, part)]
            for part in _parts(stored):
                session.execute(delete(TopicRecord).where(TopicRecord.article_id.in_(part)))
                session.execute(delete(AliasRecord).where(AliasRecord.article_id.in_(part)))
                session.execute(delete(ArticleRecord).where(ArticleRecord.id.in_(part)))
            _record(session, [(article_id, Outcome.DELETED, None) for article_id in stored])
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
                for part in _parts(ids)
                for row in connection.execute(LISTED_BY_ID, {"ids": list(part)})
            }

    def neighbours(self, published: date, article_id: str) -> tuple[Listed | None, ...]:
        """The articles just before and just after (published, id) in date order (as a list
        shows them: rows of `LISTED_COLUMNS`)."""
        key = tuple_(ArticleRecord.published, ArticleRecord.id)
        here = tuple_(published, article_id)
        before = select(*LISTED_COLUMNS).where(key < here).order_by(*_keyset_order(True))
        after = select(*LISTED_COLUMNS).where(key > here).order_by(*_keyset_order(False))
        with self.engine.connect() as connection:
            rows = (connection.execute(query.limit(1)).first() for query in (before, after))
            return tuple(cast(Listed, row) for row in rows)

    def get_many(self, ids: Sequence[str]) -> dict[str, ArticleRecord]:
        with self._sessions() as session:
            return {row.id: row for part in _parts(ids) for row in _records(session, part)}

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


class _Upsert:
    """One batch's upsert: what is stored already is read once, then kept up to date."""

    def __init__(self, session: Session, articles: Sequence[Article]) -> None:
        self.signed: dict[str, Threaded] = {}  # the new articles' threads (`_threaded`)
        ids = [article.id for article in articles]
        hashes = [article.content_hash for article in articles]
        self.session = session
        self.now = datetime.now(UTC)
        self.existing = {row.id: row for part in _parts(ids) for row in _records(session, part)}
        self.owner_of_hash = _owners_of_hashes(session, hashes)
        self.aliases = _aliases_among(session, ids)
        # not `record in session.new`: that builds the set of every new record at each call,
        # which made a batch's upsert quadratic in its size
        self.added: set[str] = set()
        self.changes: list[tuple[str, Outcome, str | None]] = []  # id, what, text after
        self.topics: dict[str, tuple[str, ...]] = {}  # of the articles added or updated

    def one(self, article: Article, path: str | None) -> Outcome:
        record = self.existing.get(article.id)
        if record is not None and record.content_hash == article.content_hash:
            return Outcome.UNCHANGED
        if record is None and article.content_hash in self.owner_of_hash:
            self._alias(article.id, self.owner_of_hash[article.content_hash], article.content_hash)
            return Outcome.DUPLICATE
        if record is None:
            record = ArticleRecord(id=article.id)
            self.session.add(record)
            self.existing[article.id] = record
            self.added.add(article.id)
        for name in ARTICLE_FIELDS:
            if name not in ("id", "thread"):
                setattr(record, name, getattr(article, name))
        if article.id in self.signed:
            record.thread, record.signature, record.shingle_count = self.signed[article.id]
        elif record.signature is not None:  # updated: its thread kept, its text's signature new
            record.signature, record.shingle_count = signed(article.body)
        record.source_path, record.ingested_at = path, self.now
        self.owner_of_hash[article.content_hash] = article.id
        self.topics[article.id] = article.topics
        outcome = Outcome.ADDED if article.id in self.added else Outcome.UPDATED
        self.changes.append((article.id, outcome, article.content_hash))
        return outcome

    def is_new(self, article: Article) -> bool:
        """Neither stored under its id nor the text of one stored (as the batch began)."""
        return article.id not in self.existing and article.content_hash not in self.owner_of_hash

    def store_topics(self) -> None:
        """The topics of the articles added or updated, in `TopicRecord`'s rows: an updated
        article's replace its old ones."""
        if not self.topics:
            return
        self.session.flush()  # the new articles first: their topics refer to them
        updated = [article_id for article_id in self.topics if article_id not in self.added]
        for part in _parts(updated):
            self.session.execute(delete(TopicRecord).where(TopicRecord.article_id.in_(part)))
        rows = [{"article_id": i, "topic": t} for i, tags in self.topics.items() for t in tags]
        if rows:
            self.session.execute(insert(TopicRecord), rows)

    def _alias(self, alias: str, article_id: str, digest: str) -> None:
        if alias not in self.aliases:
            self.session.flush()  # the article may be new in this batch: insert it first
            self.session.add(AliasRecord(id=alias, article_id=article_id))
            self.aliases.add(alias)
            self.changes.append((article_id, Outcome.DUPLICATE, digest))


def _respelt(session: Session, articles: Sequence[Article]) -> list[Article]:
    """The batch with each place and source spelt as the store spells it already, or as the
    batch spells it most when new (`app.spellings`)."""
    places, sources = (_spellings(session, name, articles) for name in NAMED_COLUMNS)
    return [
        respelt(a, place=_spelt(places, a.place), source=_spelt(sources, a.source))
        for a in articles
    ]


def _spelt(chosen: dict[str, str], name: str | None) -> str | None:
    return chosen.get(folded(name), name) if name else name


def _spellings(session: Session, name: str, articles: Sequence[Article]) -> dict[str, str]:
    """The spelling of each of the batch's values of the column `name`, by folded key.

    The store keeps one spelling a name, so a value stored as it is needs no more; only a
    new spelling (a new name, or a known one in another case) reads every stored one."""
    column = getattr(ArticleRecord, name)
    batch = Counter(value for article in articles if (value := getattr(article, name)))
    counted = select(column, func.count()).group_by(column)
    stored = {
        value: count
        for part in _parts(list(batch))
        for value, count in session.execute(counted.where(column.in_(part)))
    }
    if any(value not in stored for value in batch):
        stored = {value: count for value, count in session.execute(counted) if value}
    return chosen_spellings(stored, batch)


def _record(session: Session, changes: Sequence[tuple[str, Outcome, str | None]]) -> None:
    """Number `changes` (id, what, text after) in the order given, in one statement."""
    if changes:
        now = datetime.now(UTC)
        rows = [
            {"article_id": i, "kind": what.value, "content_hash": digest, "changed_at": now}
            for i, what, digest in changes
        ]
        session.execute(insert(ChangeRecord), rows)


def _keyset_order(newest_first: bool) -> tuple[UnaryExpression[date], UnaryExpression[str]]:
    if newest_first:
        return (ArticleRecord.published.desc(), ArticleRecord.id.desc())
    return (ArticleRecord.published.asc(), ArticleRecord.id.asc())


def _records(session: Session, ids: Sequence[str]) -> Iterator[ArticleRecord]:
    return iter(session.scalars(select(ArticleRecord).where(ArticleRecord.id.in_(list(ids)))))


def _owners_of_hashes(session: Session, hashes: Sequence[str]) -> dict[str, str]:
    by_hash = select(ArticleRecord.content_hash, ArticleRecord.id)
    rows = (
        session.execute(by_hash.where(ArticleRecord.content_hash.in_(p))) for p in _parts(hashes)
    )
    return {digest: article_id for part in rows for digest, article_id in part}


def _aliases_among(session: Session, ids: Sequence[str]) -> set[str]:
    aliases = select(AliasRecord.id)
    return {a for p in _parts(ids) for a in session.scalars(aliases.where(AliasRecord.id.in_(p)))}


def _parts(values: Sequence[str]) -> Iterator[Sequence[str]]:
    """`values` in slices small enough for one IN list (SQLite allows 32,766 variables)."""
    for start in range(0, len(values), IN_LIST):
        yield values[start : start + IN_LIST]


def _apply_sqlite_pragmas(
    pragmas: tuple[str, ...], connection: DBAPIConnection, _record: ConnectionPoolEntry
) -> None:
    cursor = connection.cursor()
    for pragma in pragmas:
        cursor.execute(pragma)
    cursor.close()
