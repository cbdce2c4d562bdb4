"""The store's writes: a batch's upsert (what is stored read once, then kept up to date),
names spelt as the store spells them, and the numbered change log every index follows."""

import enum
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.article import Article, respelt
from app.facets import one_valued
from app.spellings import chosen_spellings, folded
from app.store.reads import parts, records_in
from app.store.tables import (
    ARTICLE_FIELDS,
    AliasRecord,
    ArticleRecord,
    ChangeRecord,
    TopicRecord,
)
from app.store.threads import Threaded, signed


class Outcome(enum.StrEnum):
    """What storing one article did."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # the same id and text
    DUPLICATE = "duplicate"  # the same text as a stored article with another id
    DELETED = "deleted"


class Upsert:
    """One batch's upsert: what is stored already is read once, then kept up to date."""

    def __init__(self, session: Session, articles: Sequence[Article]) -> None:
        self.signed: dict[str, Threaded] = {}  # the new articles' threads (`_threaded`)
        ids = [article.id for article in articles]
        hashes = [article.content_hash for article in articles]
        self.session = session
        self.now = datetime.now(UTC)
        self.existing = {row.id: row for part in parts(ids) for row in records_in(session, part)}
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
        for part in parts(updated):
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


def respelt_batch(session: Session, articles: Sequence[Article]) -> list[Article]:
    """The batch with each name (a place, a source: a one-valued facet's) spelt as the store
    spells it already, or as the batch spells it most when new (`app.spellings`)."""
    columns = {f.field: _spellings(session, f.field, articles) for f in one_valued()}
    return [
        respelt(a, **{c: _spelt(chosen, getattr(a, c)) for c, chosen in columns.items()})
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
        for part in parts(list(batch))
        for value, count in session.execute(counted.where(column.in_(part)))
    }
    if any(value not in stored for value in batch):
        stored = {value: count for value, count in session.execute(counted) if value}
    return chosen_spellings(stored, batch)


def record_changes(session: Session, changes: Sequence[tuple[str, Outcome, str | None]]) -> None:
    """Number `changes` (id, what, text after) in the order given, in one statement."""
    if changes:
        now = datetime.now(UTC)
        rows = [
            {"article_id": i, "kind": what.value, "content_hash": digest, "changed_at": now}
            for i, what, digest in changes
        ]
        session.execute(insert(ChangeRecord), rows)


def _owners_of_hashes(session: Session, hashes: Sequence[str]) -> dict[str, str]:
    by_hash = select(ArticleRecord.content_hash, ArticleRecord.id)
    rows = (
        session.execute(by_hash.where(ArticleRecord.content_hash.in_(p))) for p in parts(hashes)
    )
    return {digest: article_id for part in rows for digest, article_id in part}


def _aliases_among(session: Session, ids: Sequence[str]) -> set[str]:
    aliases = select(AliasRecord.id)
    return {a for p in parts(ids) for a in session.scalars(aliases.where(AliasRecord.id.in_(p)))}
