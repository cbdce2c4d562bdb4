"""Export of a whole result set, streamed: every match, not a page, in CSV or NDJSON.

Rows are read from the store a batch at a time and written out as they come, so
memory stays flat however many articles match (a query's match list is held as
ids only). The rows are the same matches, in the same order, as the search shows.
"""

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import NamedTuple

from app.archive import Archive
from app.article import PUBLIC_FIELDS
from app.search.headlines import shown_titles
from app.search.params import SearchParams
from app.search.periods import month_end
from app.search.queries import matching_ids
from app.store.tables import ArticleRecord

FORMATS = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}
# The article's public fields (its title as sent), its headline as every page shows it, its
# address, and the long body last; the lead is the body's first paragraph already.
FIELDS = (
    *(name for name in PUBLIC_FIELDS if name not in ("lead", "body")),
    "headline",
    "url",
    "body",
)
BATCH = 500
NAME_CHARS = 80  # of an export's file name, before its extension
WHOLE_YEAR = (1, 1, 12, 31)  # first month and day, last month and day
UrlOf = Callable[[str], str]  # an article's id to its address (the web face's to give)


class Exported(NamedTuple):
    """An article as exported: as stored, and its headline as every page shows it."""

    record: ArticleRecord
    headline: str


def matching_articles(archive: Archive, params: SearchParams) -> Iterator[Exported]:
    """Every article the search `params` matches, in its order.

    The query runs now, so that a bad one fails before any response is sent; only
    the rows are read as the export goes.
    """
    return _rows_in_order(archive, matching_ids(archive, params))


def file_name(params: SearchParams) -> str:
    """A name for a search's export that says what it holds: its words, filters and dates
    (`opec-1987-03`, `yen-tokyo-1987`; `archive` for everything), in ASCII, at most
    `NAME_CHARS` characters; `every-version` when a story's versions are not counted once."""
    filters = params.filters
    parts = [params.q, *filters.faceted().values(), _span(filters.date_from, filters.date_to)]
    if not params.collapse:
        parts.append("every version")
    name = "-".join(filter(None, (_slug(part) for part in parts)))
    return name[:NAME_CHARS].strip("-") or "archive"


def _span(first: date | None, last: date | None) -> str:
    """A date range as briefly as it can be said: a day, a month, a year, or its ends."""
    if first and last:
        if first == last:
            return first.isoformat()
        if first.day == 1 and last == month_end(first):
            return f"{first:%Y-%m}"
        if first.year == last.year and (first.month, first.day, last.month, last.day) == WHOLE_YEAR:
            return str(first.year)
    ends = [f"from {first}" if first else "", f"to {last}" if last else ""]
    return " ".join(filter(None, ends))


def _slug(text: str) -> str:
    """Letters and digits of `text` without accents, in lower case, runs of others as "-"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _rows_in_order(archive: Archive, ids: list[str]) -> Iterator[Exported]:
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        rows = archive.store.get_many(batch)
        shown = shown_titles(archive, rows.values())
        found = (rows[article_id] for article_id in batch if article_id in rows)
        yield from (Exported(record, shown[record.id]) for record in found)


def csv_chunks(records: Iterable[Exported], *, url_of: UrlOf) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIELDS)
    for number, record in enumerate(records, start=1):
        writer.writerow(_cell(value) for value in _row(record, url_of).values())
        if number % BATCH == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def ndjson_chunks(records: Iterable[Exported], *, url_of: UrlOf) -> Iterator[str]:
    for record in records:
        yield json.dumps(_row(record, url_of), ensure_ascii=False) + "\n"


def _row(exported: Exported, url_of: UrlOf) -> dict[str, object]:
    record = exported.record
    row = {name: getattr(record, name, None) for name in FIELDS}
    row["headline"] = exported.headline
    row["published"] = record.published.isoformat()
    row["url"] = url_of(record.id)
    return row


def _cell(value: object) -> object:
    """A CSV cell: a list of values (the topics) as one text, "; " between them."""
    return "; ".join(value) if isinstance(value, tuple) else value


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
