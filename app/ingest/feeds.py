"""RSS and Atom feeds into articles: pure functions, bytes in, `Article` out.

Most news reaches people as feeds, not wire files. This module turns a feed's
entries into the same `Article` that `app.article` builds, with the same rule:
no network, no disk, no database, and any input that cannot be read becomes a
`ParseError` whose message is the human reason. Fetching the bytes is
`app.ingest.fetch`'s job.
"""

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import feedparser

from app.article import Article, new_article, stable_id, web_url
from app.errors import ParseError
from app.ingest.html import html_to_paragraphs
from app.ingest.reader import Item

FEED_ROOTS = (b"<rss", b"<feed", b"<rdf")  # RSS 2.0, Atom, RSS 1.0


def looks_like_feed(head: bytes) -> bool:
    """A document whose root element, after any XML declaration, is a feed's."""
    return head.startswith(FEED_ROOTS) or (
        head.startswith(b"<?xml") and any(root in head for root in FEED_ROOTS)
    )


def read_feed(raw: bytes, *, where: str, name: str, max_bytes: int) -> Iterator[Item]:
    """Each entry of a feed, named after it (the "feed" format's `Reader`)."""
    for entry, result in parse_feed(raw, max_bytes=max_bytes):
        yield f"{where}: {entry}", result


def parse_feed(raw: bytes, *, max_bytes: int) -> Iterator[Item]:
    """Each entry of an RSS 2.0, RSS 1.0 or Atom document as ("entry N", article or error).

    Input that is not a feed at all raises `ParseError` here, at the call. An entry
    that cannot be an article (no date, no text) is yielded as its `ParseError`, so
    the others still count.
    """
    feed = _feed_document(raw, max_bytes=max_bytes)
    source = _plain(feed.feed.get("title"), feed.feed.get("title_detail")) or None
    return _entries(feed.entries, source=source)


def _entries(entries: list[Any], *, source: str | None) -> Iterator[Item]:
    for number, entry in enumerate(entries, start=1):
        try:
            result: Article | ParseError = _entry_article(entry, source=source)
        except ParseError as error:
            result = error
        yield f"entry {number}", result


def _feed_document(raw: bytes, *, max_bytes: int) -> Any:
    if len(raw) > max_bytes:
        raise ParseError(f"feed is {len(raw):,} bytes, over the limit of {max_bytes:,}")
    if not raw.strip():
        raise ParseError("not an RSS or Atom feed: the input is empty")
    try:
        # A stream, never the bytes themselves: feedparser opens bytes that name a file.
        feed = feedparser.parse(io.BytesIO(raw))
    except Exception as error:  # feedparser's own failures are the input's fault
        raise ParseError(f"not an RSS or Atom feed: {error}") from error
    if not feed.entries and (feed.bozo or not feed.version):
        reason = feed.get("bozo_exception") or "no feed or entry elements found"
        raise ParseError(f"not an RSS or Atom feed: {reason}")
    return feed


def _entry_article(entry: Any, *, source: str | None) -> Article:
    key = entry.get("id") or entry.get("link")
    return new_article(
        id=stable_id(key),
        title=_plain(entry.get("title"), entry.get("title_detail")) or None,
        published=_entry_date(entry),
        place=None,
        region=None,
        source=source,
        body=_entry_text(entry),
        source_url=web_url(entry.get("link")),
        authors=_entry_authors(entry),
        topics=_entry_topics(entry),
    )


def _entry_date(entry: Any) -> date:
    # dict.get: feedparser's own get() maps updated_parsed to published_parsed
    # with a DeprecationWarning.
    parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    if not parsed:
        text = dict.get(entry, "published") or dict.get(entry, "updated")
        raise ParseError(f"entry date {text[:40]!r} is not a date" if text else "entry has no date")
    try:
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    except ValueError as error:
        raise ParseError(f"entry date does not exist: {error}") from error


def _entry_text(entry: Any) -> str:
    """The full content when the feed carries it, else the summary, as plain paragraphs."""
    candidates = [(part.get("value"), part) for part in entry.get("content") or []]
    candidates.append((entry.get("summary"), entry.get("summary_detail")))
    for value, detail in candidates:
        text = _plain(value, detail, paragraphs=True)
        if text:
            return text
    raise ParseError("entry has no text")


def _entry_authors(entry: Any) -> str | None:
    names = [author.get("name") for author in entry.get("authors") or []]
    names = [" ".join(name.split()) for name in names if isinstance(name, str) and name.strip()]
    if not names and isinstance(entry.get("author"), str):
        names = [" ".join(entry["author"].split())]
    joined = ", ".join(dict.fromkeys(name for name in names if name))
    return joined[:500] or None


def _entry_topics(entry: Any) -> list[object]:
    """The entry's categories: RSS `<category>` text, Atom `<category term=…>` (its label
    when it has no term); `new_article` normalises them."""
    tags = entry.get("tags") or []
    return [tag.get("term") or tag.get("label") for tag in tags if isinstance(tag, dict)]


def _plain(value: object, detail: Any = None, *, paragraphs: bool = False) -> str:
    """Feed text as plain text; feedparser says whether a value is HTML or plain."""
    if not isinstance(value, str):
        return ""
    if (detail or {}).get("type") == "text/plain":
        text = value.strip()
    else:
        text = html_to_paragraphs(value)
    return text if paragraphs else " ".join(text.split())
