"""Search results as an Atom 1.0 feed (RFC 4287), so a feed reader can follow a search.

A saved search that a reader polls is the simplest "tell me when there is news about X"
an archive can offer, with no accounts and no e-mail. Pure function: result items in, a
UTF-8 XML document out; the route picks the items and sends
`application/atom+xml; charset=utf-8`.

The XML is built with ElementTree, so every text and attribute is escaped exactly once
(the HTML snippet too, as `type="html"` wants). Characters XML 1.0 cannot carry (most C0
controls, lone surrogates) are dropped first: one of them would make the whole feed
unreadable, and articles come from wire files and scraped pages that do hold them.
"""

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from typing import Protocol
from urllib.parse import urlsplit

from app.article import Headline

ATOM_NS = "http://www.w3.org/2005/Atom"
DEFAULT_AUTHOR = "News Archive"  # Atom wants an author on every entry; not every source is known
GENERATOR = "newsarchive"
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class ResultItemLike(Headline, Protocol):
    """What an entry is made from; `app.search.ResultItem` fits."""

    @property
    def snippet(self) -> str: ...  # HTML, e.g. escaped text with <mark> around matches
    @property
    def shown(self) -> str: ...  # the headline as the pages show it (`app.search.headlines`)


def atom_feed(
    *,
    items: Iterable[ResultItemLike],
    feed_title: str,
    feed_id: str,
    self_url: str,
    alternate_url: str,
    base_url: str,
    url_of: Callable[[str], str],
    updated: datetime | None = None,
) -> str:
    """An Atom feed of `items` in the order given, as a str with its XML declaration.

    `feed_id` should be a permanent absolute IRI for this search (e.g. its canonical URL
    without the page number). Entry ids and links are `base_url` + `url_of(item.id)` (a
    path, or an absolute URL kept as it is), so `base_url`
    must be the site's configured public address, not one taken from the request's Host.
    The feed's <updated> is the latest of `updated` and the entries' dates, else now.
    """
    items = list(items)
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    _add(feed, "id", feed_id)
    _add(feed, "title", feed_title, type="text")
    _add(feed, "updated", _rfc3339(_feed_updated(items, updated)))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=alternate_url)
    _add(feed, "generator", GENERATOR)
    feed.extend(_entry(item, _absolute(base_url, url_of(item.id))) for item in items)
    ET.indent(feed)
    return XML_DECLARATION + ET.tostring(feed, encoding="unicode")


def _entry(item: ResultItemLike, url: str) -> ET.Element:
    when = _rfc3339(_moment(item.published))
    entry = ET.Element("entry")
    _add(entry, "id", url)
    _add(entry, "title", item.shown, type="text")
    _add(entry, "published", when)
    _add(entry, "updated", when)  # stored articles do not change after they are published
    author = ET.SubElement(entry, "author")
    _add(author, "name", _clean(item.source or "").strip() or DEFAULT_AUTHOR)
    _add(entry, "link", rel="alternate", type="text/html", href=url)
    place = _clean(item.place or "").strip()
    if place:
        _add(entry, "category", term=place)
    _add(entry, "summary", str(item.snippet), type="html")
    return entry


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> None:
    child = ET.SubElement(parent, tag, {key: _clean(value) for key, value in attributes.items()})
    if text is not None:
        child.text = _clean(text)


def _clean(text: str) -> str:
    """`text` without the characters XML forbids."""
    return _NOT_XML.sub("", str(text))


def _absolute(base_url: str, url: str) -> str:
    if urlsplit(url).scheme:
        return url
    return base_url.rstrip("/") + "/" + url.lstrip("/")


def _feed_updated(items: list[ResultItemLike], updated: datetime | None) -> datetime:
    moments = [_moment(item.published) for item in items]
    if updated is not None:
        moments.append(_moment(updated))
    return max(moments, default=datetime.now(UTC))


def _moment(value: date) -> datetime:
    """A date as midnight UTC; a datetime in UTC (a naive one is taken to be UTC already)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return datetime.combine(value, time(), UTC)


def _rfc3339(moment: datetime) -> str:
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"
