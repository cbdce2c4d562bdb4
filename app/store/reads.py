"""The store's reads shared by its writes and its questions: rows by id in slices an IN list
holds, keyset order, and the change log as an index reads it."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import UnaryExpression

from app.store.tables import ArticleRecord

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


def keyset_order(newest_first: bool) -> tuple[UnaryExpression[date], UnaryExpression[str]]:
    if newest_first:
        return (ArticleRecord.published.desc(), ArticleRecord.id.desc())
    return (ArticleRecord.published.asc(), ArticleRecord.id.asc())


def records_in(session: Session, ids: Sequence[str]) -> Iterator[ArticleRecord]:
    return iter(session.scalars(select(ArticleRecord).where(ArticleRecord.id.in_(list(ids)))))


def parts(values: Sequence[str]) -> Iterator[Sequence[str]]:
    """`values` in slices small enough for one IN list (SQLite allows 32,766 variables)."""
    for start in range(0, len(values), IN_LIST):
        yield values[start : start + IN_LIST]
