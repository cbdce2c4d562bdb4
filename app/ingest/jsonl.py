"""JSON records and JSON Lines files into articles: one object a line, common field names read.

Archives of scraped news (news-please, Wikinews dumps, our own API's POST body)
come as JSON objects whose fields go by several names; `RECORD_FIELDS` says
which. A JSON Lines file is streamed, plain or gzipped, and each line is parsed
alone, so that one bad line is named with its number and the others are kept.
"""

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO

from app.article import Article, collapse_whitespace, new_article, web_url
from app.errors import ParseError
from app.ingest.reader import ByteCounter, Item

READ_CHUNK = 1 << 16
URL_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,63}")
RECORD_FIELDS = {  # our name: the names sources use for it, in order of preference
    "id": ("id", "guid"),
    "published": ("published", "date", "date_publish", "pubdate", "published_at"),
    "title": ("title", "headline"),
    "body": ("body", "text", "maintext", "content"),
    "source": ("source", "source_domain", "agency"),
    "place": ("place", "location"),
    "dateline": ("dateline",),
    "url": ("url", "link"),
    "authors": ("authors", "author", "byline"),
}
# Subject tags, read from every one of these a record has (Reuters-21578 gives `topics` and
# `places`, its country codes; exports give tags, keywords or subjects): a list of text,
# or text separated by commas
TOPIC_FIELDS = ("topics", "tags", "keywords", "subjects", "categories")  # subject tags
_DATELINE_PLACE = re.compile(r"\s*([^\W\d_][^,\n]{0,80}?)\s*,")


def looks_like_json_lines(head: bytes) -> bool:
    """A document that starts with a JSON object."""
    return head.startswith(b"{")


def read_json_lines(raw: bytes, *, where: str, name: str, max_bytes: int) -> Iterator[Item]:
    """A JSON Lines document already in memory, line by line (the "jsonl" format's `Reader`)."""
    return _json_lines(iter(raw.splitlines(keepends=True)), where, max_bytes)


def stream_json_lines(path: Path, *, max_bytes: int, on_bytes: ByteCounter) -> Iterator[Item]:
    """A JSON Lines file, plain or gzipped, streamed: memory stays flat however long it is."""
    try:
        with path.open("rb") as raw:
            stream = gzip.GzipFile(fileobj=raw) if path.name.lower().endswith(".gz") else raw
            lines = _counted_lines(stream, raw, on_bytes, max_bytes)
            yield from _json_lines(lines, str(path), max_bytes)
    except OSError as error:
        yield str(path), ParseError(f"cannot be read ({error.strerror or error})")
    except (EOFError, zlib.error) as error:
        yield str(path), ParseError(f"the gzip stream is corrupt or cut short ({error})")


def record_article(record: object) -> Article | ParseError:
    """A decoded JSON record as an article, or the reason it is not one."""
    try:
        return parse_record(record)
    except ParseError as error:
        return error


def parse_record(record: object) -> Article:
    """One JSON object (a JSON Lines line) into an `Article`; common field aliases accepted.

    The source's own title is kept, and its own id when it is URL-safe.
    """
    if not isinstance(record, dict):
        raise ParseError(f"expected a JSON object, got {type(record).__name__}")
    body = _text_field(record, "body")
    if body is None:
        raise ParseError(f"no body text (one of: {', '.join(RECORD_FIELDS['body'])})")
    published = _record_date(_text_field(record, "published"))
    place = _text_field(record, "place") or _dateline_place(_text_field(record, "dateline"))
    raw_id = _text_field(record, "id")
    return new_article(
        id=raw_id if raw_id and URL_SAFE_ID.fullmatch(raw_id) else None,
        title=_text_field(record, "title"),
        published=published,
        place=place,
        region=None,
        source=_text_field(record, "source"),
        body=body,
        source_url=web_url(_text_field(record, "url")),
        authors=_authors(record),
        topics=_topics(record),
    )


def _counted_lines(
    stream: BinaryIO | gzip.GzipFile, raw: BinaryIO, on_bytes: ByteCounter, limit: int
) -> Iterator[bytes]:
    """Lines of `stream`, reporting how far into the file `raw` each one ends.

    A line over `limit` is cut there (and so rejected as too long) and the rest
    of it skipped, so that a file without line breaks cannot fill the memory.
    """
    position = 0
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(READ_CHUNK)) and not rest.endswith(b"\n"):
                pass
        now = raw.tell()
        on_bytes(now - position)
        position = now
        yield line


def _json_lines(lines: Iterator[bytes], where: str, max_bytes: int) -> Iterator[Item]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield f"{where}:{number}", _json_line(line, max_bytes)


def _json_line(line: bytes, max_bytes: int) -> Article | ParseError:
    if len(line) > max_bytes:
        return ParseError(f"line is {len(line):,} bytes, over the limit of {max_bytes:,}")
    try:
        record = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return ParseError("line is not UTF-8 text")
    except json.JSONDecodeError as error:
        return ParseError(f"invalid JSON ({error.msg} at column {error.colno})")
    except RecursionError:
        return ParseError("invalid JSON (nested too deeply)")
    return record_article(record)


def _text_field(record: dict[str, object], name: str) -> str | None:
    """The first non-empty value among a field's aliases, as text."""
    for key in RECORD_FIELDS[name]:
        value = record.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value not in (None, "", [], {}) and name != "authors":
            raise ParseError(f"field {key!r} must be text, not {type(value).__name__}")
    return None


def _record_date(value: str | None) -> date:
    """An ISO date, or the date part of an ISO date-time (`2019-01-04T10:00:00Z`)."""
    if value is None:
        raise ParseError(f"no date (one of: {', '.join(RECORD_FIELDS['published'])})")
    day = value[:10]
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) or len(value) not in (10, *range(16, 36)):
        raise ParseError(f"date {value[:40]!r} is not of the form YYYY-MM-DD")
    try:
        return date.fromisoformat(day)
    except ValueError as error:
        raise ParseError(f"date {day} does not exist") from error


def _dateline_place(dateline: str | None) -> str | None:
    found = _DATELINE_PLACE.match(dateline or "")
    return collapse_whitespace(found.group(1)) if found else None


def _topics(record: dict[str, object]) -> list[object]:
    """Every tag of the record's topic fields, as given (`new_article` normalises them)."""
    tags: list[object] = []
    for key in TOPIC_FIELDS:
        value = record.get(key)
        if isinstance(value, str):
            tags.extend(value.split(","))
        elif isinstance(value, list):
            tags.extend(value)
        elif value is not None:
            raise ParseError(f"field {key!r} must be a list or text, not {type(value).__name__}")
    return tags


def _authors(record: dict[str, object]) -> str | None:
    for key in RECORD_FIELDS["authors"]:
        value = record.get(key)
        if isinstance(value, list):
            value = ", ".join(collapse_whitespace(str(name)) for name in value if str(name).strip())
        if isinstance(value, str) and value.strip():
            return collapse_whitespace(value)[:500]
    return None
