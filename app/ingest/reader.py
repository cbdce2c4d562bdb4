"""What every format's reader takes and gives: the contract `formats` holds them all to.

A reader turns one document into `Item`s: where each came from (the file or URL
and, inside it, the line or entry) and the article, or the `ParseError` saying
why it is not one. Errors are yielded, not raised, so that one bad line is
reported and skipped while the good lines of the same file are stored; a reader
may still raise `ParseError` when the document as a whole cannot be read.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from app.article import Article
from app.errors import ParseError

Item = tuple[str, Article | ParseError]
ByteCounter = Callable[[int], None]  # told how many more bytes of the source were read


class Reader(Protocol):
    """A whole document's bytes (`name` is its file name, `where` its path or URL) as items."""

    def __call__(self, raw: bytes, *, where: str, name: str, max_bytes: int) -> Iterator[Item]: ...


class Streamer(Protocol):
    """A file read bit by bit, for formats that can be: memory stays flat however long it is."""

    def __call__(self, path: Path, *, max_bytes: int, on_bytes: ByteCounter) -> Iterator[Item]: ...
