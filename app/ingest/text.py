"""The seed text format (see DESIGN.md) into articles: pure functions, bytes in, `Article` out.

A wire-story file is a date header, a dateline and paragraphs; every rule of the
format lives here so that each can be tested on literal strings. No I/O and no
database. A file that cannot be an article raises `ParseError` whose message is
the human reason (the caller adds the file name).
"""

import re
import unicodedata
from collections.abc import Iterator
from datetime import date

from app.article import Article, collapse_whitespace, new_article
from app.errors import ParseError
from app.ingest.reader import Item

CONTROL_CHAR_LIMIT = 0.01  # share of control characters above which text is "binary"

_HEADER = re.compile(r"date[ \t]+(?P<value>\S+)\s*", re.IGNORECASE)
_DATELINE = re.compile(
    r"(?P<place>[^\W\d_][^,/\n]*?)\s*"  # WASHINGTON, UNITED NATIONS, ST. PETERSBURG
    r"(?:/(?P<region>[^/\n]+)/\s*)?"  # IGORA /Leningrad Region/
    r",\s*(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2})\s*\.?\s*"  # , October 17.
    r"/(?P<agency>[^/\n]{1,40})/\.?\s*"  # /TASS/.
)
_FILE_ID = re.compile(r"(?<![0-9a-f])([0-9a-f]{16})(?![0-9a-f])", re.IGNORECASE)


def read_text(raw: bytes, *, where: str, name: str, max_bytes: int) -> Iterator[Item]:
    """A seed-format document as its one article (the `Reader` of the "text" format)."""
    yield where, parse_article(raw, filename=name, max_bytes=max_bytes)


def parse_article(raw: bytes, *, filename: str = "", max_bytes: int = 5 * 1024 * 1024) -> Article:
    """Parse one seed-format file (see DESIGN.md) into an `Article`."""
    text = decode_text(raw, max_bytes=max_bytes)
    published, rest = _split_header(text)
    dateline = _DATELINE.match(rest)
    place = region = source = None
    if dateline:
        place = collapse_whitespace(dateline["place"]) if _is_capitals(dateline["place"]) else None
    if dateline and place:
        region = collapse_whitespace(dateline["region"] or "") or None
        source = collapse_whitespace(dateline["agency"]) or None
        rest = rest[dateline.end() :]
    return new_article(
        id=file_id(filename),
        title=None,
        published=published,
        place=place,
        region=region,
        source=source,
        body=rest,
    )


def decode_text(raw: bytes, *, max_bytes: int) -> str:
    """Bytes to text with LF line ends: UTF-8 (BOM allowed), else Windows-1252.

    Windows-1252 is the only fallback because it is what non-UTF-8 wire text
    almost always is; bytes that are neither are refused rather than guessed.
    """
    if len(raw) > max_bytes:
        raise ParseError(f"file is {len(raw):,} bytes, over the limit of {max_bytes:,}")
    if not raw.strip():
        raise ParseError("file is empty")
    if b"\x00" in raw:
        raise ParseError("binary content, not text (it holds NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ParseError("text is neither UTF-8 nor Windows-1252") from error
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f"
    )
    if controls > CONTROL_CHAR_LIMIT * len(text):
        raise ParseError("binary content, not text (too many control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def file_id(filename: str) -> str | None:
    """The 16 hex digits a file name carries (`000_fa15abbc2923d210.txt`), lower-cased."""
    found = _FILE_ID.search(filename.rsplit("/", 1)[-1])
    return found.group(1).lower() if found else None


def _split_header(text: str) -> tuple[date, str]:
    header = _HEADER.match(text)
    if not header:
        raise ParseError("no 'date YYYY-MM-DD' header, and the dateline carries no year")
    value = header["value"]
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ParseError(f"date header {value[:40]!r} is not of the form YYYY-MM-DD")
    try:
        published = date.fromisoformat(value)
    except ValueError as error:
        raise ParseError(f"date {value} does not exist") from error
    return published, text[header.end() :]


def _is_capitals(place: str) -> bool:
    return place == place.upper() and any(char.isalpha() for char in place)
