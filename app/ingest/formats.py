"""What a file or a URL holds, as articles: one reader a format, chosen by name, then content.

Every reader yields `(where, article or ParseError)` pairs, `where` naming the
file and, inside it, the line or entry, so that one bad line is reported and
skipped while the good lines of the same file are stored. Nothing here touches
the archive; `ingest` does.
"""

from collections.abc import Iterator
from pathlib import Path

from app.errors import ParseError
from app.ingest.feeds import parse_feed
from app.ingest.fetch import FetchError, fetch
from app.ingest.pages import parse_html_page
from app.ingest.reader import ByteCounter, Item
from app.ingest.records import read_json_lines, stream_json_lines
from app.ingest.text import parse_article

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt",)
ARTICLE_SUFFIXES = JSON_LINES_SUFFIXES + FEED_SUFFIXES + HTML_SUFFIXES + TEXT_SUFFIXES
URL_SCHEMES = ("http://", "https://")


def is_url(source: str | Path) -> bool:
    return isinstance(source, str) and source.lower().startswith(URL_SCHEMES)


def has_article_suffix(name: str) -> bool:
    return name.lower().endswith(ARTICLE_SUFFIXES)


def read_source(
    source: Path | str, *, max_bytes: int, on_bytes: ByteCounter = lambda _n: None
) -> Iterator[Item]:
    """The articles of one file or URL, each with where it came from."""
    if is_url(source):
        yield from _read_url(str(source), max_bytes=max_bytes)
    elif str(source).lower().endswith(JSON_LINES_SUFFIXES):
        yield from stream_json_lines(Path(source), max_bytes=max_bytes, on_bytes=on_bytes)
    else:
        path = Path(source)
        try:
            raw = read_file(path, max_bytes=max_bytes)
        except ParseError as error:
            yield str(path), error
            return
        on_bytes(len(raw))
        yield from read_bytes(raw, where=str(path), name=path.name, max_bytes=max_bytes)


def read_file(path: Path, *, max_bytes: int) -> bytes:
    """A whole file, refused before reading when it is over the limit or unreadable."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ParseError(f"file is {size:,} bytes, over the limit of {max_bytes:,}")
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as error:
        raise ParseError(f"cannot be read ({error.strerror or error})") from error


def read_bytes(raw: bytes, *, where: str, name: str, max_bytes: int) -> Iterator[Item]:
    """One document's bytes, read as the format its name, or failing that its start, says."""
    kind = format_of(name, raw)
    try:
        if kind == "feed":
            for entry, result in parse_feed(raw, max_bytes=max_bytes):
                yield f"{where}: {entry}", result
        elif kind == "html":
            url = where if is_url(where) else None
            yield where, parse_html_page(raw, max_bytes=max_bytes, url=url)
        elif kind == "jsonl":
            yield from read_json_lines(raw, where=where, name=name, max_bytes=max_bytes)
        else:
            yield where, parse_article(raw, filename=name, max_bytes=max_bytes)
    except ParseError as error:
        yield where, error


def format_of(name: str, raw: bytes) -> str:
    """ "feed", "html", "jsonl" or "text": by the file name's suffix, else by the content."""
    lowered = name.lower()
    for kind, suffixes in (
        ("jsonl", JSON_LINES_SUFFIXES),
        ("feed", FEED_SUFFIXES),
        ("html", HTML_SUFFIXES),
        ("text", TEXT_SUFFIXES),
    ):
        if lowered.endswith(suffixes):
            return kind
    head = raw[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith((b"<rss", b"<feed", b"<rdf")) or (
        head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)
    ):
        return "feed"
    if head.startswith(b"<"):
        return "html"
    return "text"


def _read_url(url: str, *, max_bytes: int) -> Iterator[Item]:
    try:
        raw = fetch(url, max_bytes=max_bytes)
    except FetchError as error:
        yield url, ParseError(str(error))
        return
    name = url.split("?")[0].rsplit("/", 1)[-1]
    yield from read_bytes(raw, where=url, name=name, max_bytes=max_bytes)
