"""What a file or a URL holds, as articles: a registry of formats, chosen by name, then content.

Each format is one `Format` entry in `FORMATS`: the suffixes its files go by, a
test of a document's start for files whose name says nothing, and its reader
(see `app.ingest.reader`). Adding a format means one module with its reader and
one entry here. Nothing here touches the archive; `ingest` does.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.errors import ParseError
from app.ingest.feeds import looks_like_feed, read_feed
from app.ingest.fetch import FetchError, fetch
from app.ingest.jsonl import looks_like_json_lines, read_json_lines, stream_json_lines
from app.ingest.reader import ByteCounter, Item, Reader, Streamer
from app.ingest.text import read_text
from app.ingest.webpage import looks_like_html, read_page

URL_SCHEMES = ("http://", "https://")
SNIFF_BYTES = 1024  # how much of a document's start `sniff` sees
_LEADING_NOISE = b"\xef\xbb\xbf \t\r\n"  # a UTF-8 BOM and whitespace, before the first mark


@dataclass(frozen=True)
class Format:
    """One kind of document: the names it goes by, how to recognise it, how to read it."""

    name: str
    suffixes: tuple[str, ...]  # lower-case, dot included; no two formats share one
    sniff: Callable[[bytes], bool]  # given the start, lower-cased, BOM and whitespace dropped
    read: Reader  # a whole document's bytes
    stream: Streamer | None = None  # a file by its path, bit by bit, when the format allows


def _anything(_head: bytes) -> bool:
    """Seed text is the last resort: its parser says why a document is not an article."""
    return True


# Sniffed in this order: a feed is markup too, so "feed" is asked before "html".
FORMATS = (
    Format(
        "jsonl",
        (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"),
        looks_like_json_lines,
        read_json_lines,
        stream=stream_json_lines,
    ),
    Format("feed", (".xml", ".rss", ".atom"), looks_like_feed, read_feed),
    Format("html", (".html", ".htm"), looks_like_html, read_page),
    Format("text", (".txt",), _anything, read_text),
)


def formats_help() -> str:
    """The formats read and the suffixes each goes by, for the command line's help."""
    return "; ".join(f"{kind.name}: {' '.join(kind.suffixes)}" for kind in FORMATS)


def is_url(source: str | Path) -> bool:
    return isinstance(source, str) and source.lower().startswith(URL_SCHEMES)


def has_article_suffix(name: str) -> bool:
    return _by_suffix(name) is not None


def format_of(name: str, raw: bytes) -> str:
    """ "feed", "html", "jsonl" or "text": by the file name's suffix, else by the content."""
    return _format(name, raw).name


def read_source(
    source: Path | str, *, max_bytes: int, on_bytes: ByteCounter = lambda _n: None
) -> Iterator[Item]:
    """The articles of one file or URL, each with where it came from."""
    if is_url(source):
        yield from _read_url(str(source), max_bytes=max_bytes)
        return
    path = Path(source)
    known = _by_suffix(path.name)
    if known and known.stream:
        yield from known.stream(path, max_bytes=max_bytes, on_bytes=on_bytes)
    else:
        yield from _read_whole(path, max_bytes=max_bytes, on_bytes=on_bytes)


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
    reader = _format(name, raw).read
    try:
        yield from reader(raw, where=where, name=name, max_bytes=max_bytes)
    except ParseError as error:
        yield where, error


def _format(name: str, raw: bytes) -> Format:
    known = _by_suffix(name)
    if known:
        return known
    head = raw[:SNIFF_BYTES].lstrip(_LEADING_NOISE).lower()
    return next(kind for kind in FORMATS if kind.sniff(head))


def _by_suffix(name: str) -> Format | None:
    lowered = name.lower()
    return next((kind for kind in FORMATS if lowered.endswith(kind.suffixes)), None)


def _read_whole(path: Path, *, max_bytes: int, on_bytes: ByteCounter) -> Iterator[Item]:
    try:
        raw = read_file(path, max_bytes=max_bytes)
    except ParseError as error:
        yield str(path), error
        return
    on_bytes(len(raw))
    yield from read_bytes(raw, where=str(path), name=path.name, max_bytes=max_bytes)


def _read_url(url: str, *, max_bytes: int) -> Iterator[Item]:
    try:
        raw = fetch(url, max_bytes=max_bytes)
    except FetchError as error:
        yield url, ParseError(str(error))
        return
    name = url.split("?")[0].rsplit("/", 1)[-1]
    yield from read_bytes(raw, where=url, name=name, max_bytes=max_bytes)
