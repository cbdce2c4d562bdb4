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
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from whoosh import index, writing
from whoosh.query.qcore import Query
from whoosh.searching import Searcher

from app.article import Article
from app.engine import (
    applied,
    compacting,
    forks,
    language,
    likeness,
    merging,
    rates,
    spelling,
)
from app.engine.cache import Cache
from app.engine.columns import Generation, columns_of, generation, leaves_of
from app.engine.evaluate import Scope, expanded_terms, scope
from app.engine.matches import (
    Candidates,
    Found,
    MatchFilter,
    Tally,
    candidates,
    facet_counts,
    narrowed,
    ordered_ids,
    tally,
    versions,
)
from app.engine.schema import (
    CASE_FIELDS,
    SCHEMA,
    SCHEMA_VERSION,
    TEXT_FIELDS,
    day_from_number,
    document,
)
from app.engine.searchers import SearcherPool
from app.engine.segment_terms import maybe_held_ids, read_tables
from app.engine.vocabulary import Vocabularies, commonest
from app.facets import TOP_NAMES
from app.filters import Filters

logger = logging.getLogger(__name__)

WRITE_TIMEOUT_SECONDS = 60.0
# Applying a batch of changes writes up to a bulk batch of articles: minutes on a slow machine
APPLYING_TIMEOUT_SECONDS = 600.0
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
COMPACT_FROM = BULK_MERGE_DOCS // merging.FACTOR + 1  # segments no commit merges: `compact`
SEARCHERS = max(2, CORES)  # more cannot run at once under the GIL; each holds open files
BROWSED_BYTES = 64 << 20  # browsing's candidates kept (24 bytes a story: 2 generations at 1M)


class DayCounts(Mapping[date, int]):
    """Matches a day in date order, held as the index's yyyymmdd numbers until first read:
    an API answer reads only the months, and making thousands of dates costs a millisecond."""

    def __init__(self, numbers: Mapping[int, int]) -> None:
        self._numbers = numbers
        self._dates: dict[date, int] | None = None

    def _made(self) -> dict[date, int]:
        if self._dates is None:
            self._dates = {day_from_number(n): count for n, count in self._numbers.items()}
        return self._dates

    def __getitem__(self, day: date) -> int:
        return self._made()[day]

    def __iter__(self) -> Iterator[date]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._numbers)


@dataclass(frozen=True)
class Hits:
    """One page of matches (ids in rank order), the total, the words to highlight and, when
    asked for, the matches a day, a month and by each named filter's commonest values."""

    total: int
    ids: list[str]
    terms: frozenset[str]
    days: Mapping[date, int]  # in date order
    named: dict[str, Counter[str]]
    months: dict[date, int]  # keyed by the first day of each month
    distinct: dict[str, int]  # values each named filter's column has among the matches
    articles: int  # the matching articles; `total` counts story threads when collapsed
    versions: dict[str, int]  # each listed id's thread: how many versions it has

    @classmethod
    def of(
        cls,
        tally: Tally,
        ids: list[str],
        terms: frozenset[str],
        *,
        articles: int,
        versions: dict[str, int],
    ) -> "Hits":
        months = {day_from_number(month * 100 + 1): n for month, n in tally.months.items()}
        days = DayCounts(tally.days)
        named, distinct = tally.named, tally.distinct
        return cls(tally.total, ids, terms, days, named, months, distinct, articles, versions)


class SearchIndex:
    """One Whoosh index directory: writes under a lock, reads through a pool of searchers."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._ix = _open_or_create(path)
        self._write_lock = threading.Lock()
        self._searchers = SearcherPool(self._ix, SEARCHERS)
        self._vocabularies = Vocabularies()
        self._warming = threading.Lock()
        self._warmed: Generation = ()
        self._related: Cache[tuple[int, str, int], list[str]] = Cache(likeness.REMEMBERED)
        self._browsed: Cache[tuple[Generation, bool], Candidates] = Cache(
            BROWSED_BYTES, size=_candidates_bytes
        )

    def close(self) -> None:
        self._searchers.close()

    def warm(self) -> None:
        """Build what searches read (every segment's columns, terms and vocabulary) now, so
        that the first requests after a start do not wait for it (seconds at 100,000 articles)."""
        with self.searching() as searcher:
            self._warm(searcher)

    def _warm(self, searcher: Searcher) -> None:
        """What searches read of the searcher's segments, built once (one thread builds, the
        others wait) and before a search's clock starts: a new segment's, after a commit or
        a merge, costs seconds at a million articles, which is upkeep, not the query's time."""
        leaves = leaves_of(searcher)
        current = generation(leaves)
        if current == self._warmed:
            return
        with self._warming:
            if current != self._warmed:
                columns_of(leaves)
                read_tables(searcher.reader(), (*TEXT_FIELDS, *CASE_FIELDS.values()))
                self._vocabularies.of(searcher.reader())
                self._warmed = current

    def compact(self, *, smallest: int = COMPACT_FROM) -> int:
        """Merge the next `compacting.WIDTH` large segments into one beside the writers (see
        `compacting.py`); returns how many were merged: 0 when no merge is due, another
        process is merging, or a writer merged them away meanwhile."""
        with compacting.merging(self._ix) as allowed:
            staged = compacting.stage(self._ix, smallest=smallest) if allowed else None
            if staged is None:
                return 0
            with self._write_lock, compacting.write_lock(self._ix, WRITE_TIMEOUT_SECONDS):
                return compacting.swap(self._ix, staged)

    def applied_change(self) -> int | None:
        """The number of the store's last change this index reflects (see `applied.py`)."""
        return applied.read(self.path)

    def record_applied(self, seq: int) -> None:
        """Call only after the commit that applied change `seq`, under `applying()`."""
        applied.write(self.path, seq)

    def applying(self) -> AbstractContextManager[None]:
        """The lock under which one thread of one process applies changes to this index."""
        return applied.exclusive(self.path, APPLYING_TIMEOUT_SECONDS)

    def segment_count(self) -> int:
        return len(self._ix._read_toc().segments)  # type: ignore[no-untyped-call]

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
        `terms.py`): a new article costs the same whatever the number of segments. A small
        batch looks each id up, rather than read every segment's ids for a few.
        """
        ids = (article.id for article in articles)
        if len(articles) >= BULK_DOCUMENTS:
            maybe = maybe_held_ids(searcher.reader(), ids)
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
        collapse: bool = False,
        seconds: float = float("inf"),
        top: int | None = TOP_NAMES,
    ) -> Hits:
        """One page of the matches of the query `text` (every document under the filters
        when it is empty: browsing); `sort` is relevance, newest or oldest. With
        `collapse`, a story thread is one match, its best-matching version (browsing: its
        newest), and the total and facets count threads; facets list the `top` commonest
        values of each named filter (all when None).

        Raises `InvalidQuery` for a query that cannot be searched, and `SearchTimeout`
        when the search takes more than `seconds` of its own processor time.
        """
        query = language.parse(text) if text else None
        start = (page - 1) * per_page
        with self.searching() as searcher:
            searched, found, articles = self._found(searcher, query, filters, collapse, seconds)
            ids = ordered_ids(found, sort, start, start + per_page)
            terms = frozenset[str]()
            if query is not None:
                terms = language.matched_words(query, partial(expanded_terms, scope=searched))
            tallied, sizes = tally(found, facets=facets, top=top), versions(found, ids)
        return Hits.of(tallied, ids, terms, articles=articles, versions=sizes)

    def _found(
        self,
        searcher: Searcher,
        query: Query | None,
        filters: Filters,
        collapse: bool,
        seconds: float,
    ) -> tuple[Scope, Found, int]:
        """The scope, the matches under the filters (one a story when `collapse`, see
        `matches.narrowed`) and how many articles matched. Browsing's candidates (every
        story) are kept for the index generation: the home page, every timeline's share and
        the archive's counts read them, narrowed by a filter or not."""
        self._warm(searcher)
        searched = scope(searcher, seconds)
        if query is None:
            key = (searched.generation, collapse)
            found = self._browsed.get_or_make(
                key, lambda: candidates(searched, None, collapse=collapse)
            )
        else:
            found = candidates(searched, query, collapse=collapse)
        return searched, *narrowed(found, MatchFilter.of(filters))

    def matched_terms(self, text: str) -> frozenset[str]:
        """The indexed words a search for `text` highlights, without running it (an article
        opened from the search's results shows them). Raises `InvalidQuery` as `search`."""
        query = language.parse(text)
        with self.searching() as searcher:
            searched = scope(searcher, float("inf"))
            return language.matched_words(query, partial(expanded_terms, scope=searched))

    def named_counts(
        self, text: str, filters: Filters, name: str, *, collapse: bool, seconds: float
    ) -> Counter[str]:
        """Every value of the faceted filter `name` (place, source, topic) among the matches,
        with its matches (a facet whole: a search's facets list the commonest), counted as
        `search` does."""
        query = language.parse(text) if text else None
        with self.searching() as searcher:
            _searched, found, _articles = self._found(searcher, query, filters, collapse, seconds)
            return facet_counts(found, name, top=None)[0]

    def body_rates(
        self, words: Iterable[str], phrases: Iterable[tuple[str, str]], *, seconds: float
    ) -> rates.Rates:
        """How many documents hold each of `words` and of `phrases` in the body (`rates.py`)."""
        with self.searching() as searcher:
            self._warm(searcher)
            return rates.body_rates(scope(searcher, seconds), words, phrases)

    def archive_cases(self, words: Iterable[str]) -> dict[str, str]:
        """Of `words` (in capitals), those the archive's texts mostly write in capitals
        (`UPPER`) or, shorthand, in lower case (`LOWER`): see `rates.py`, `cases.py`."""
        with self.searching() as searcher:
            return rates.archive_cases(searcher.reader(), words)

    def all_ids(
        self, text: str, filters: Filters, *, sort: str, collapse: bool, seconds: float
    ) -> list[str]:
        """Every match's id, in order, a story thread one when `collapse` (for export: no
        page limit)."""
        query = language.parse(text) if text else None
        with self.searching() as searcher:
            _searched, found, _articles = self._found(searcher, query, filters, collapse, seconds)
            return ordered_ids(found, sort, 0, None)

    def more_like(self, article: Article, *, count: int) -> list[str]:
        """Ids of the articles closest to `article` by their key words, it excluded.

        Remembered per index generation: a second view of an article costs a lookup, and
        a commit forgets them all, so a list never misses or names a story it should not.
        """
        with self.searching() as searcher:
            generation = searcher.reader().generation()
            if generation is None:  # never committed to: empty
                return []
            return self._related.get_or_make(
                (generation, article.id, count), lambda: self._more_like(searcher, article, count)
            )

    def _more_like(self, searcher: Searcher, article: Article, count: int) -> list[str]:
        docnum = searcher.document_number(id=article.id)
        if docnum is None:
            return []
        reader = searcher.reader()
        lexicon = self._vocabularies.of(reader)
        terms = likeness.key_terms(article.title, article.body, lexicon, reader.doc_count_all())
        return likeness.most_alike(searcher, docnum, terms, count)

    def common_words(self, count: int, *, shortest: int = 1) -> list[tuple[str, int]]:
        """The `count` commonest words of letters in the body, of `shortest` letters or more,
        with their frequencies (from the vocabulary "did you mean" reads)."""
        with self.searching() as searcher:
            self._warm(searcher)
            return commonest(self._vocabularies.of(searcher.reader()), count, shortest)

    def generation(self) -> int | None:
        """The number of the index's last commit (None: never committed to); what is derived
        from the index once a commit is kept by it."""
        with self.searching() as searcher:
            return searcher.reader().generation()

    def respell(self, text: str) -> str | None:
        """The query `text` with its unknown words respelt as indexed ones; None if none were."""
        with self.searching() as searcher:
            return spelling.respell(text, searcher, self._vocabularies)

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


def _candidates_bytes(kept: Candidates) -> int:
    found = [kept.matched, *([kept.stories] if kept.stories else [])]
    return sum(part.docs.nbytes + part.scores.nbytes for part in found)


def _open_or_create(path: Path) -> index.FileIndex:
    """The index in `path`; an unreadable one is replaced by an empty one.

    The index is derived: a new one has no applied change (`applied.py`), so the node fills
    it from the store (`Archive.catch_up`): a damaged index costs time, never articles.
    """
    if any(path.glob("_MAIN_*.toc")):  # Whoosh's table of contents: an index was made here
        with warnings.catch_warnings():  # Whoosh leaves a damaged file open: closed below
            warnings.simplefilter("ignore", ResourceWarning)
            try:  # reading the table of contents unpickles its schema, which may fail too
                opened = index.open_dir(str(path))
                opened.doc_count()  # reads the segments, not only the table of contents
                same_fields = sorted(opened.schema.names()) == sorted(SCHEMA.names())
                if same_fields and _version_file(path).read_text().strip() == str(SCHEMA_VERSION):
                    return opened  # a facet declared or dropped since (`app.facets`): rebuilt
                reason = "it was built for another schema"
            except Exception as error:  # noqa: BLE001 - any damage means the same: rebuild
                reason = str(error)
            gc.collect()
        logger.warning("search index in %s cannot be read (%s); starting it anew", path, reason)
    created = index.create_in(str(path), SCHEMA)
    _version_file(path).write_text(f"{SCHEMA_VERSION}\n")
    applied.forget(path)
    return created


def _version_file(path: Path) -> Path:
    return path / "SCHEMA_VERSION"
