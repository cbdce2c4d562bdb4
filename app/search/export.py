"""Export of a whole result set, streamed: every match, not a page, in CSV or NDJSON.

Rows are read from the store a batch at a time and written out as they come, so
memory stays flat however many articles match (a query's match list is held as
ids only). The rows are the same matches, in the same order, as the search shows.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator

from app.archive import Archive
from app.errors import QueryError
from app.search.engine.collector import SearchTimeout
from app.search.engine.index import match_filter
from app.search.queries import SearchParams, article_url, parse_query
from app.store import ArticleRecord

FORMATS = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}
FIELDS = (
    "id",
    "title",
    "published",
    "place",
    "region",
    "source",
    "authors",
    "source_url",
    "url",
    "word_count",
    "body",
)
BATCH = 500
EXPORT_SECONDS_FACTOR = 10  # an export may take this many times a search's time limit


def matching_articles(archive: Archive, params: SearchParams) -> Iterator[ArticleRecord]:
    """Every article the search `params` matches, in its order.

    The query runs now, so that a bad one fails before any response is sent; only
    the rows are read as the export goes.
    """
    if not params.q:
        return archive.store.iter_browse(**params.filters, newest_first=params.sort != "oldest")
    return _rows_in_order(archive, _all_ids(archive, params))


def _rows_in_order(archive: Archive, ids: list[str]) -> Iterator[ArticleRecord]:
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        rows = archive.store.get_many(batch)
        yield from (rows[article_id] for article_id in batch if article_id in rows)


def csv_chunks(records: Iterable[ArticleRecord]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIELDS)
    for number, record in enumerate(records, start=1):
        writer.writerow(_row(record).values())
        if number % BATCH == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def ndjson_chunks(records: Iterable[ArticleRecord]) -> Iterator[str]:
    for record in records:
        yield json.dumps(_row(record), ensure_ascii=False) + "\n"


def _all_ids(archive: Archive, params: SearchParams) -> list[str]:
    limit = archive.settings.search_seconds * EXPORT_SECONDS_FACTOR
    try:
        return archive.index.all_ids(
            parse_query(params.q),
            match_filter=match_filter(**params.filters),
            sort=params.sort,
            seconds=limit,
        )
    except SearchTimeout:
        raise QueryError("q", f"took longer than {limit:g} s to export: narrow it") from None


def _row(record: ArticleRecord) -> dict:
    row = {name: getattr(record, name, None) for name in FIELDS}
    row["published"] = record.published.isoformat()
    row["url"] = article_url(record.id)
    return row


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
