"""The store's tables, as SQLAlchemy declares them: articles, their topics, the ids of
duplicates and the numbered changes. `app.store.migrations` makes and upgrades them; `Store`
(`app.store`) is the one place that reads and writes them.
"""

from dataclasses import fields
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    bindparam,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.article import Article, Headline

ARTICLE_FIELDS = tuple(field.name for field in fields(Article))
TOPICS_SEPARATOR = "\n"  # no kept topic holds a line break (`normal_topics`)


class Base(DeclarativeBase):
    pass


class TopicList(TypeDecorator[tuple[str, ...]]):
    """An article's topics in its row: one text, the topics joined by a line break."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: tuple[str, ...] | None, dialect: object) -> str:
        return TOPICS_SEPARATOR.join(value or ())

    def process_result_value(self, value: str | None, dialect: object) -> tuple[str, ...]:
        return tuple(value.split(TOPICS_SEPARATOR)) if value else ()


class Listed(Headline, Protocol):
    """What a list of results is made from: a headline and the body its snippet comes from
    (an `ArticleRecord` has it too)."""

    @property
    def body(self) -> str: ...


class ArticleRecord(Base):
    """One stored article: the columns of `Article` (a test holds them equal), spelled out
    here with their SQL types, lengths and indexes because the table is a schema that
    migrations must see as it is, and where the article came from and when."""

    __tablename__ = "articles"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    published: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str | None] = mapped_column(String(200), index=True)
    region: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(100), index=True)
    lead: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    source_url: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[str | None] = mapped_column(Text)
    topics: Mapped[tuple[str, ...]] = mapped_column(TopicList, server_default="")
    thread: Mapped[str] = mapped_column(String(64), index=True)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)  # its text's MinHash
    shingle_count: Mapped[int | None] = mapped_column(Integer)  # its text's 3-word runs
    source_path: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @property
    def paragraphs(self) -> list[str]:
        return self.body.split("\n\n")

    def to_article(self) -> Article:
        """The parsed form, as the index wants it."""
        return Article(**{name: getattr(self, name) for name in ARTICLE_FIELDS})


LISTED_COLUMNS = (  # `Listed`'s
    ArticleRecord.id,
    ArticleRecord.title,
    ArticleRecord.published,
    ArticleRecord.place,
    ArticleRecord.source,
    ArticleRecord.body,
)
LISTED_BY_ID = select(*LISTED_COLUMNS).where(ArticleRecord.id.in_(bindparam("ids", expanding=True)))


class TopicRecord(Base):
    """One topic of one article: what the topic filter and the topic counts read (see
    migration 0004 for why beside the row's own `topics`). Its key, topic first, finds a
    topic's articles; the index on the article finds an article's topics to replace."""

    __tablename__ = "article_topics"

    topic: Mapped[str] = mapped_column(String(100), primary_key=True)
    article_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("articles.id"), primary_key=True, index=True
    )


class AliasRecord(Base):
    """The id of a duplicate, kept so that it leads to the article stored under another id."""

    __tablename__ = "aliases"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_id: Mapped[str] = mapped_column(String(64), ForeignKey("articles.id"))


class ChangeRecord(Base):
    """One numbered change of the store: an article added, updated, given an alias (a
    duplicate's id) or deleted. `content_hash` is the article's text after the change,
    None once deleted. SQLite's AUTOINCREMENT never gives a number twice."""

    __tablename__ = "changes"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    article_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
