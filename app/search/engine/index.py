"""The search index: Whoosh, derived from the store, rebuildable at any time.

It holds only what search needs (see `schema.py`): the words of title and body, the
date, place and source to filter on, and the content hash that lets `Archive` find
documents that are missing, extra, stale or doubled. Writes go under a lock (Whoosh's
file lock covers other processes); reads through a pool of searchers.
"""

import gc
import logging
import os
import threading
import warnings
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

from whoosh import index, writing
from whoosh.searching import Searcher

from app.article import Article
from app.search.engine import forks, language, merging, spelling
from app.search.engine.collector import (
    FilteringCollector,
    MatchFilter,
    Tally,
    date_order,
    top_collector,
)
from app.search.engine.known import KnownIds
from app.search.engine.schema import SCHEMA, SCHEMA_VERSION, day_from_number, document
from app.search.engine.searchers import SearcherPool
from app.search.filters import Filters

logger = logging.getLogger(__name__)

WRITE_TIMEOUT_SECONDS = 60.0
# Segments are written as separate files, not one compound file: this Whoosh reads a
# compound file's members into memory, a whole copy of the index for every searcher
# (measured: 85 MB a searcher at 10,000 articles, 3.4 GB for a server under load).
COMPOUND = False
WRITER_MEMORY_MB = 128  # a process
# A bulk segment's postings held in memory until written (measured: ~300 MB for 10,000
# articles); with less, Whoosh spills them to disk and reads them back, which cost 60%
# more processor time.
BULK_WRITER_MEMORY_MB = 512  # a process
BULK_DOCUMENTS = 1000  # from this many documents a commit, index on every core
CORES = os.cpu_count() or 1
# Segments are few because bulk writes make large ones (one a core): merging costs about
# what indexing does, so large segments are never merged at a commit (see merging.py).
BULK_SEGMENT = 10_000  # documents a core writes into one segment of a bulk commit
BULK_BATCH = BULK_SEGMENT * CORES  # articles a bulk write (ingest, repair) is given at once
MERGE_DOCS = 8_000  # most documents a small commit merges: seconds, not minutes
BULK_MERGE_DOCS = 2 * BULK_SEGMENT  # small segments only: never the bulk segments themselves
SEARCHERS = max(2, CORES)  # more cannot run at once under the GIL; each holds open files


@dataclass(frozen=True)
class Hits:
    """One page of matches (ids in rank order), the total, the words to highlight and, when
    asked for, the matches a day and by each named filter's values."""

    total: int
    ids: list[str]
    terms: frozenset[str]
    days: dict[date, int]
    named: dict[str, Counter[str]]

    @classmethod
    def of(cls, tally: Tally, ids: list[str], terms: frozenset[str]) -> "Hits":
        days = {day_from_number(number): count for number, count in tally.days.items()}
        return cls(total=tally.total, ids=ids, terms=terms, days=days, named=tally.named)


class SearchIndex:
    """One Whoosh index directory: writes under a lock, reads through a pool of searchers."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self._ix = _open_or_create(path)
        self._write_lock = threading.Lock()
        self._searchers = SearcherPool(self._ix, SEARCHERS)
        self._known = KnownIds()

    def close(self) -> None:
        self._searchers.close()

    def searching(self) -> AbstractContextManager[Searcher]:
        """A searcher of the index as last committed, this thread's until the block ends."""
        return self._searchers.lend()

    def update(self, articles: Iterable[Article]) -> int:
        """Index what the index lacks or holds an older text of (one commit); returns the count.

        Articles it already holds as they are cost a lookup, not a write, so that
        re-running an interrupted ingest completes it cheaply.
        """
        latest = {article.id: article for article in articles}  # the last copy of an id wins
        with self._ix.searcher() as searcher:  # its own: a write must not queue behind searches
            if not self._outdated(searcher, latest.values()):
                return 0
        bulk = len(latest) >= BULK_DOCUMENTS
        with self._writer(bulk=bulk) as writer, writer.searcher() as searcher:
            outdated = self._outdated(searcher, latest.values())  # again, under the lock
            for article, has_copy in outdated:
                if has_copy:
                    writer.delete_by_term("id", article.id, searcher=searcher)
                writer.add_document(**document(article))
        return len(outdated)

    def delete(self, ids: Iterable[str]) -> None:
        """Remove every document with these ids, copies included."""
        with self._writer() as writer, writer.searcher() as searcher:
            for article_id in ids:
                writer.delete_by_term("id", article_id, searcher=searcher)

    def replace_all(self, batches: Iterable[Iterable[Article]]) -> int:
        """Rebuild from scratch in one commit: readers see the old index until it lands."""
        written = 0
        with self._writer(bulk=True, mergetype=writing.CLEAR) as writer:
            for batch in batches:
                for article in batch:
                    writer.add_document(**document(article))
                    written += 1
        return written

    def documents(self) -> list[tuple[str, str]]:
        """(id, content hash) of every live document, duplicates included."""
        with self.searching() as searcher:
            # Searcher copies all_stored_fields from its reader at run time; Whoosh's types omit it
            stored = searcher.all_stored_fields()  # type: ignore[attr-defined]
            return [(doc["id"], doc["content_hash"]) for doc in stored]

    def _outdated(
        self, searcher: Searcher, articles: Collection[Article]
    ) -> list[tuple[Article, bool]]:
        """Articles the index lacks or holds another text of, each with whether it holds one.

        In a bulk batch only the ids the index may hold are looked up in Whoosh (see
        `known.py`): a new article costs the same whatever the number of segments. A small
        batch looks each id up, rather than read every segment's ids for a few.
        """
        ids = (article.id for article in articles)
        if len(articles) >= BULK_DOCUMENTS:
            maybe = self._known.maybe_held(searcher.reader(), ids)
        else:
            maybe = set(ids)
        outdated = []
        for article in articles:
            indexed = searcher.document(id=article.id) if article.id in maybe else None
            if indexed is None or indexed["content_hash"] != article.content_hash:
                outdated.append((article, indexed is not None))
        return outdated

    def doc_count(self) -> int:
        with self.searching() as searcher:
            return searcher.doc_count()

    def search(
        self,
        text: str,
        filters: Filters,
        *,
        sort: str,
        page: int,
        per_page: int,
        facets: bool = False,
        seconds: float = float("inf"),
    ) -> Hits:
        """One page of the matches of the query `text`; `sort` is relevance, newest or oldest.

        Raises `InvalidQuery` for a query that cannot be searched, and `SearchTimeout`
        when the search takes more than `seconds` of its own processor time.
        """
        query = language.parse(text)
        offset = (page - 1) * per_page
        collector = _collector(filters, sort, offset + per_page, facets, seconds)
        with self.searching() as searcher:
            searcher.search_with_collector(query, collector)
            ids = _ordered_ids(searcher, collector, sort, offset, offset + per_page)
            terms = language.matched_words(query, searcher.reader())
        return Hits.of(collector.tally, ids, terms)

    def all_ids(self, text: str, filters: Filters, *, sort: str, seconds: float) -> list[str]:
        """Every match's id, in order (for export: no page limit)."""
        query = language.parse(text)
        collector = _collector(filters, sort, None, False, seconds)
        with self.searching() as searcher:
            searcher.search_with_collector(query, collector)
            return _ordered_ids(searcher, collector, sort, 0, None)

    def more_like(self, article: Article, *, count: int) -> list[str]:
        """Ids of the articles closest to `article` by their key words, it excluded."""
        with self.searching() as searcher:
            docnum = searcher.document_number(id=article.id)
            if docnum is None:
                return []
            text = f"{article.title}\n{article.body}"
            # more_like is unannotated in Whoosh
            hits = searcher.more_like(  # type: ignore[no-untyped-call]
                docnum, "body", text=text, top=count, numterms=12
            )
            return [hit["id"] for hit in hits]

    def respell(self, text: str) -> str | None:
        """The query `text` with its unknown words respelt as indexed ones; None if none were."""
        with self.searching() as searcher:
            return spelling.respell(text, searcher)

    @contextmanager
    def _writer(
        self, *, bulk: bool = False, mergetype: merging.Policy | None = None
    ) -> Iterator[writing.IndexWriter]:
        """A writer under the in-process lock (Whoosh's file lock covers other processes).

        A bulk writer analyses on every core and commits each core's segment as it is
        (not merged into one: measured on 2 cores, Reuters indexes in 16 s instead of 28 s).
        Every commit merges small segments, a bounded amount (`merging.py`).
        """
        options = {"procs": CORES, "multisegment": True} if bulk and CORES > 1 else {}
        limit = BULK_MERGE_DOCS if bulk else MERGE_DOCS
        if options:
            forks.die_with_parent()
        with self._write_lock:
            writer = self._ix.writer(
                timeout=WRITE_TIMEOUT_SECONDS,
                limitmb=BULK_WRITER_MEMORY_MB if bulk else WRITER_MEMORY_MB,
                compound=COMPOUND,
                **options,
            )
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=mergetype or merging.policy(limit))


def _open_or_create(path: Path) -> index.Index:
    """The index in `path`; an unreadable one is replaced by an empty one.

    The index is derived: an empty one is refilled from the store by `Archive.repair`,
    which the server runs at start, so a damaged index costs time, never articles.
    """
    if index.exists_in(str(path)):
        with warnings.catch_warnings():  # Whoosh leaves a damaged file open: closed below
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                opened = index.open_dir(str(path))
                opened.doc_count()  # reads the segments, not only the table of contents
                if _version_file(path).read_text().strip() == str(SCHEMA_VERSION):
                    return opened
                reason = "it was built for another schema"
            except Exception as error:  # noqa: BLE001 - any damage means the same: rebuild
                reason = str(error)
            gc.collect()
        logger.warning("search index in %s cannot be read (%s); starting it anew", path, reason)
    created = index.create_in(str(path), SCHEMA)
    _version_file(path).write_text(f"{SCHEMA_VERSION}\n")
    return created


def _version_file(path: Path) -> Path:
    return path / "SCHEMA_VERSION"


def _collector(
    filters: Filters, sort: str, stop: int | None, facets: bool, seconds: float
) -> FilteringCollector:
    """The collector for a search in `sort` order that needs its first `stop` matches."""
    by_date = sort != "relevance"
    child = top_collector(limit=stop, by_date=by_date)
    wanted = MatchFilter.of(filters)
    return FilteringCollector(child, wanted, facets=facets, seconds=seconds, by_date=by_date)


def _ordered_ids(
    searcher: Searcher, collector: FilteringCollector, sort: str, start: int, stop: int | None
) -> list[str]:
    """The ids of the collected matches from `start` to `stop`, in the collector's order."""
    if collector.dated is None:
        return [hit["id"] for hit in collector.results()[start:stop]]

    def id_of(docnum: int) -> str:
        # Searcher copies stored_fields from its reader at run time; Whoosh's types omit it
        return cast(str, searcher.stored_fields(docnum)["id"])  # type: ignore[attr-defined]

    ordered = date_order(collector.dated, newest=sort == "newest", stop=stop, id_of=id_of)
    return [id_of(docnum) for docnum in ordered[start:]]
