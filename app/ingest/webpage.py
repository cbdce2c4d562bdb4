"""Saved news web pages into articles: the main text, title, date and author; boilerplate dropped.

A page is mostly navigation, comments and footers around one story; trafilatura
finds the story. Pure like every format: bytes in, `Article` out, any page that
cannot be read a `ParseError` whose message is the human reason. Decoding is done
here, from what the page declares, not left to trafilatura's guess.
"""

import codecs
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import trafilatura

from app.article import Article, new_article, stable_id, web_url
from app.errors import ParseError
from app.ingest.reader import Item

# htmldate's "extensive search" guesses from any date in the text (a copyright
# year in the footer becomes January 1st), so only markup and the URL count.
PAGE_DATE_SEARCH = {"extensive_search": False, "original_date": True}

_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
# Labels that browsers (WHATWG Encoding) read as Windows-1252, or as UTF-8.
_AS_CP1252 = {"ascii", "latin_1", "iso8859_1"}
_NOT_ASCII_COMPATIBLE = ("utf-16", "utf-32")


def looks_like_html(head: bytes) -> bool:
    """Any markup: asked after the feed test, which claims the markup that is a feed."""
    return head.startswith(b"<")


def read_page(raw: bytes, *, where: str, name: str, max_bytes: int) -> Iterator[Item]:
    """A page as its one article (the "html" format's `Reader`).

    Only a page fetched from the web has a URL; a file path is not one.
    """
    yield where, parse_html_page(raw, max_bytes=max_bytes, url=web_url(where))


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
