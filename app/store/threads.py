"""The store's side of story threads (`app.threads`): a batch's new articles given their
threads, from the signatures stored for the days around them, in the write's transaction.
"""

from collections.abc import Iterator, Sequence
from datetime import date
from functools import partial
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.article import Article
from app.store.tables import ArticleRecord
from app.threads import Shingles, Stored, Thresholds, Window, packed, shingles, signature


class Threaded(NamedTuple):
    thread: str
    signature: bytes
    shingle_count: int


def threaded(
    session: Session, articles: Sequence[Article], rule: Thresholds
) -> dict[str, Threaded]:
    """The story thread of each new article: the thread of the stored or new article (of
    the days around) most alike of its versions, or its own (`app.threads`)."""
    window = Window(rule, partial(_signed_between, session), partial(_shingles_of, session))
    made = {}
    for article in sorted(articles, key=lambda a: (a.published, a.id)):
        shingled = shingles(article.body)
        signed = signature(shingled)
        thread = window.thread_of(shingled, signed, article.published) or article.id
        window.add(article.id, thread, article.published, signed, len(shingled))
        window.remember(article.id, shingled)
        made[article.id] = Threaded(thread, packed(signed), len(shingled))
    return made


def signed(body: str) -> tuple[bytes, int]:
    """A text's signature as the store keeps it, and its count of shingles."""
    shingled = shingles(body)
    return packed(signature(shingled)), len(shingled)


def _signed_between(session: Session, first: date, last: date) -> Iterator[Stored]:
    query = select(
        ArticleRecord.id,
        ArticleRecord.thread,
        ArticleRecord.published,
        ArticleRecord.signature,
        ArticleRecord.shingle_count,
    ).where(ArticleRecord.published.between(first, last), ArticleRecord.signature.is_not(None))
    for row in session.execute(query):
        yield row.id, row.thread, row.published, row.signature, row.shingle_count


def _shingles_of(session: Session, ids: list[str]) -> dict[str, Shingles]:
    query = select(ArticleRecord.id, ArticleRecord.body).where(ArticleRecord.id.in_(ids))
    return {article_id: shingles(body) for article_id, body in session.execute(query)}
