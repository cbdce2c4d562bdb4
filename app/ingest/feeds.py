"""Feeds and saved web pages into articles: pure functions, bytes in, `Article` out.

Most news reaches people as RSS/Atom feeds and web pages, not wire files. This
module turns those bytes into the same `Article` that `app.article` builds, with
the same rule: no network, no disk, no database, and any input that cannot be
read becomes a `ParseError` whose message is the human reason. Fetching the
bytes is `app.ingest.fetch`'s job.
"""

import codecs
import io
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import feedparser
import trafilatura

from app.article import Article, new_article, stable_id, web_url
from app.errors import ParseError

# Elements that end one paragraph and start the next.
BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre hr table tr "
    "section article header footer figure figcaption dl dt dd".split()
)
# Elements whose content is never text a reader sees.
DROPPED_TAGS = frozenset({"script", "style", "noscript", "template"})
# htmldate's "extensive search" guesses from any date in the text (a copyright
# year in the footer becomes January 1st), so only markup and the URL count.
PAGE_DATE_SEARCH = {"extensive_search": False, "original_date": True}

_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
# Labels that browsers (WHATWG Encoding) read as Windows-1252, or as UTF-8.
_AS_CP1252 = {"ascii", "latin_1", "iso8859_1"}
_NOT_ASCII_COMPATIBLE = ("utf-16", "utf-32")


# --- HTML fragments to paragraphs ------------------------------------------------------------


class _TextCollector(HTMLParser):
    """Collects the visible text of an HTML fragment, one paragraph per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._words: list[str] = []
        self._hidden = 0  # depth inside script/style/noscript

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_TAGS:
            self._hidden += 1
        elif tag in BLOCK_TAGS:
            self.end_paragraph()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:  # <br/>; a self-closed <script/> hides nothing
            self.end_paragraph()

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in BLOCK_TAGS:
            self.end_paragraph()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._words.append(data)

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        # The stdlib raises AssertionError on an unknown "<![keyword["; keep it as text.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.handle_data(self.rawdata[i : i + 3])
            return i + 3

    def end_paragraph(self) -> None:
        text = " ".join("".join(self._words).split())
        if text:
            self.paragraphs.append(text)
        self._words = []


def html_to_paragraphs(html: str) -> str:
    """Plain text of an HTML fragment: paragraphs joined by a blank line, no tags left.

    Block elements break paragraphs, script/style/noscript are dropped, entities
    are decoded and runs of whitespace become one space.
    """
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    collector.end_paragraph()
    return "\n\n".join(collector.paragraphs)


# --- RSS and Atom ---------------------------------------------------------------------------


def parse_feed(raw: bytes, *, max_bytes: int) -> Iterator[tuple[str, Article | ParseError]]:
    """Each entry of an RSS 2.0, RSS 1.0 or Atom document as ("entry N", article or error).

    Input that is not a feed at all raises `ParseError` here, at the call. An entry
    that cannot be an article (no date, no text) is yielded as its `ParseError`, so
    the others still count.
    """
    feed = _read_feed(raw, max_bytes=max_bytes)
    source = _plain(feed.feed.get("title"), feed.feed.get("title_detail")) or None
    return _entries(feed.entries, source=source)


def _entries(
    entries: list[Any], *, source: str | None
) -> Iterator[tuple[str, Article | ParseError]]:
    for number, entry in enumerate(entries, start=1):
        try:
            result: Article | ParseError = _entry_article(entry, source=source)
        except ParseError as error:
            result = error
        yield f"entry {number}", result


def _read_feed(raw: bytes, *, max_bytes: int) -> Any:
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


def _plain(value: object, detail: Any = None, *, paragraphs: bool = False) -> str:
    """Feed text as plain text; feedparser says whether a value is HTML or plain."""
    if not isinstance(value, str):
        return ""
    if (detail or {}).get("type") == "text/plain":
        text = value.strip()
    else:
        text = html_to_paragraphs(value)
    return text if paragraphs else " ".join(text.split())


# --- saved web pages -----------------------------------------------------------------------


def parse_html_page(raw: bytes, *, max_bytes: int, url: str | None = None) -> Article:
    """A saved news article page: its main text, title, date and author; boilerplate dropped.

    `url` is where the page was fetched from, when known: it is the source URL
    and the fallback for the page's canonical URL, from which the id is derived.
    """
    text = _decode_page(raw, max_bytes=max_bytes)
    try:
        document = trafilatura.bare_extraction(
            text,
            url=web_url(url),
            with_metadata=True,
            include_comments=False,
            favor_precision=True,  # an archive would rather miss a line than keep the menu
            date_extraction_params=dict(PAGE_DATE_SEARCH),
        )
    except Exception as error:  # trafilatura and lxml fail in many ways on bad input
        raise ParseError(f"could not read the page: {error}") from error
    if document is None:
        raise ParseError("no main text found in the page")
    return _page_article(document, url=web_url(url))


def _page_article(document: Any, *, url: str | None) -> Article:
    title = " ".join((document.title or "").split()) or None
    canonical = _canonical_url(document.url, url)
    body = _page_text(document.text, title=title)  # no text is the first thing to report
    return new_article(
        id=stable_id(canonical),
        title=title,
        published=_page_date(document.date),
        place=None,
        region=None,
        source=" ".join((document.sitename or "").split()) or _host(url or canonical),
        body=body,
        source_url=url or canonical,
        authors=_page_authors(document.author),
    )


def _canonical_url(declared: str | None, url: str | None) -> str | None:
    """The page's own canonical URL, trusted only when it is on the host it came from.

    A page may not claim another site's URL, and so that site's article id.
    """
    declared = web_url(declared)
    if declared and (url is None or _host(declared) == _host(url)):
        return declared
    return url


def _page_date(value: str | None) -> date:
    if not value:
        raise ParseError("no publication date found in the page")
    try:
        return date.fromisoformat(value[:10])
    except ValueError as error:
        raise ParseError(f"publication date {value[:40]!r} is not a date") from error


def _page_text(text: str | None, *, title: str | None) -> str:
    """Trafilatura's one-block-a-line text as paragraphs, without the headline repeated."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    lines = [line for line in lines if line]
    if lines and title and lines[0] == title:
        lines = lines[1:]
    if not lines:
        raise ParseError("no main text found in the page")
    return "\n\n".join(lines)


def _page_authors(value: str | None) -> str | None:
    names = [" ".join(name.split()) for name in (value or "").split(";")]
    return ", ".join(name for name in names if name)[:500] or None


def _decode_page(raw: bytes, *, max_bytes: int) -> str:
    """Bytes to text: a BOM, else UTF-8, else the declared charset, else Windows-1252.

    Decoding here rather than in trafilatura, which guesses from byte statistics
    and ignores what the page declares.
    """
    if len(raw) > max_bytes:
        raise ParseError(f"page is {len(raw):,} bytes, over the limit of {max_bytes:,}")
    if raw.startswith(codecs.BOM_UTF8):
        raw_text = raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raw_text = raw.decode("utf-16", errors="replace")
    else:
        try:
            raw_text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raw_text = _decode_declared(raw)
    if "\x00" in raw_text:
        raise ParseError("binary content, not an HTML page (it holds NUL bytes)")
    text = _XML_DECLARATION.sub("", raw_text)  # lxml refuses text that declares an encoding
    if not text.strip():
        raise ParseError("page is empty")
    return text


def _decode_declared(raw: bytes) -> str:
    """Non-UTF-8 bytes in the charset the page declares, else in Windows-1252."""
    found = _DECLARED_CHARSET.search(raw[:4096])
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name if found else "cp1252"
        if name.replace("-", "_") in _AS_CP1252 or name.startswith(_NOT_ASCII_COMPATIBLE):
            name = "cp1252"  # what browsers do; a UTF-16 label on these bytes is wrong
        return raw.decode(name, errors="replace")
    except (LookupError, UnicodeError, ValueError):  # unknown label, or not a text codec
        return raw.decode("cp1252", errors="replace")


def _host(url: str | None) -> str | None:
    try:
        return urlsplit(url or "").hostname
    except ValueError:  # "http://[broken"
        return None
