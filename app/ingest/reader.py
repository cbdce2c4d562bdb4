"""What every format's reader gives, so that `formats` and `pipeline` can take any of them.

A reader turns one document into `Item`s: where each came from (the file or URL
and, inside it, the line or entry) and the article, or the `ParseError` saying
why it is not one. Errors are yielded, not raised, so that one bad line is
reported and skipped while the good lines of the same file are stored; a reader
may still raise `ParseError` when the document as a whole cannot be read.
"""

from collections.abc import Callable

from app.article import Article
from app.errors import ParseError

Item = tuple[str, Article | ParseError]
ByteCounter = Callable[[int], None]  # told how many more bytes of the source were read
