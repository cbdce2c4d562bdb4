"""The Whoosh full-text index: derived from the store, rebuildable at any time.

It holds only what search needs: the words of title and body, the date, place
and source to filter on, and the content hash that lets `Archive` find
documents that are missing, extra, stale or doubled. Searchers are not
thread-safe: a small pool lends each to one thread at a time (see
`_SearcherPool`); one is reopened, never `refresh()`ed, when another writer has
committed: refresh after a merge returns duplicates.
"""

import ctypes
import functools
import gc
import logging
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markupsafe import escape
from whoosh import highlight, index, writing
from whoosh.analysis import (
    CharsetFilter,
    Filter,
    IDTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    Token,
)
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.query import AndNot, Not, Query
from whoosh.searching import Searcher
from whoosh.support.charset import accent_map

from app.article import Article
from app.search.engine.collector import (
    FilteringCollector,
    MatchFilter,
    Tally,
    date_order,
    top_collector,
)

logger = logging.getLogger(__name__)

WRITE_TIMEOUT_SECONDS = 60.0
# Segments are written as separate files, not one compound file: this Whoosh reads a
# compound file's members into memory, a whole copy of the index for every searcher
# (measured: 85 MB a searcher at 10,000 articles, 3.4 GB for a server under load).
COMPOUND = False
WRITER_MEMORY_MB = 128  # a process
BULK_DOCUMENTS = 1000  # from this many documents a commit, index on every core
CORES = os.cpu_count() or 1
SEARCHERS = max(2, CORES)  # more cannot run at once under the GIL; each holds open files
PR_SET_PDEATHSIG = 1  # prctl(2), Linux
TEXT_FIELDS = ("title", "body")
SUGGESTION_STEPS = ((1, 1), (2, 1), (1, 0))  # (edits, letters that must match at the start)


class AcronymFilter(Filter):
    """U.S. and U.K. are indexed as us and uk, so that `US` and `U.S.` find each other."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            parts = token.text.split(".")
            if len(parts) > 1 and all(len(part) == 1 and part.isalpha() for part in parts):
                token.text = "".join(parts)
            yield token


# Words are indexed as written (any case, accents folded): wildcards and "did you mean" then
# work on real words, and word forms come from the query side (`Variations` in search.py).
ANALYZER = RegexTokenizer() | LowercaseFilter() | AcronymFilter() | CharsetFilter(accent_map)
SCHEMA_VERSION = 4  # raise it with any change to SCHEMA, ANALYZER or COMPOUND: older ones rebuild
SCHEMA = Schema(
    id=ID(stored=True, unique=True, sortable=True),
    content_hash=ID(stored=True),
    title=TEXT(analyzer=ANALYZER, field_boost=2.0, phrase=True),
    body=TEXT(analyzer=ANALYZER, phrase=True),
    published=NUMERIC(int, bits=32, sortable=True, signed=False),
    place=ID(analyzer=IDTokenizer() | LowercaseFilter(), sortable=True),  # column: as written
    source=ID(analyzer=IDTokenizer() | LowercaseFilter(), sortable=True),
)


@dataclass(frozen=True)
class Hits:
    """One page of matches: ids in rank order, the total, the words to highlight, the tally."""

    total: int
    ids: list[str]
    terms: frozenset[str]
    tally: Tally


def day_number(day: date) -> int:
    """A date as the integer the index stores and sorts on (20251017)."""
    return day.year * 10000 + day.month * 100 + day.day


def _die_with_parent() -> None:
    """In a forked process (a bulk writer's worker): die when the process that forked it does.

    Workers inherit the Whoosh write lock's descriptor. When the ingest is killed
    (kill -9, the OOM killer, a plain SIGTERM) they would live on, blocked on their job
    queue, and hold the lock for ever: every later writer would fail with LockError.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0 or os.getppid() != _forked_by:
        os._exit(1)  # the parent is already gone (or cannot be followed): go with it


_forked_by = os.getpid()


def _before_fork() -> None:
    global _forked_by
    _forked_by = os.getpid()


if sys.platform.startswith("linux"):
    os.register_at_fork(before=_before_fork, after_in_child=_die_with_parent)


class _SearcherPool:
    """At most `size` searchers, each lent to one thread at a time, up to date when lent.

    A searcher per thread would open a searcher per server thread (forty in
    FastAPI's pool), each with its own open files. A thread that already holds one
    is lent the same again, so nested calls cannot wait for themselves.
    """

    def __init__(self, ix: index.Index, size: int) -> None:
        self._ix = ix
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[Searcher] = []
        self._lock = threading.Lock()
        self._local = threading.local()

    @contextmanager
    def lend(self) -> Iterator[Searcher]:
        held: Searcher | None = getattr(self._local, "searcher", None)
        if held is not None:
            yield held
            return
        with self._slots:
            searcher = self._take()
            self._local.searcher = searcher
            try:
                yield searcher
            finally:
                self._local.searcher = None
                with self._lock:
                    self._idle.append(searcher)

    def _take(self) -> Searcher:
        with self._lock:
            searcher = self._idle.pop() if self._idle else None
        if searcher is not None and searcher.up_to_date():
            return searcher
        if searcher is not None:
            searcher.close()
        return self._ix.searcher()

    def close(self) -> None:
        with self._lock:
            for searcher in self._idle:
                searcher.close()
            self._idle.clear()


class SearchIndex:
    """One Whoosh index directory: writes under a lock, reads through a pool of searchers."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self._ix = _open_or_create(path)
        self._write_lock = threading.Lock()
        self._searchers = _SearcherPool(self._ix, SEARCHERS)

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
                writer.add_document(**_document(article))
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
                    writer.add_document(**_document(article))
                    written += 1
        return written

    def documents(self) -> list[tuple[str, str]]:
        """(id, content hash) of every live document, duplicates included."""
        with self.searching() as searcher:
            return [(doc["id"], doc["content_hash"]) for doc in searcher.all_stored_fields()]

    @staticmethod
    def _outdated(searcher: Searcher, articles: Iterable[Article]) -> list[tuple[Article, bool]]:
        """Articles the index lacks or holds another text of, each with whether it holds one."""
        outdated = []
        for article in articles:
            indexed = searcher.document(id=article.id)
            if indexed is None or indexed["content_hash"] != article.content_hash:
                outdated.append((article, indexed is not None))
        return outdated

    def doc_count(self) -> int:
        with self.searching() as searcher:
            return searcher.doc_count()

    def search(
        self,
        query: Query,
        *,
        match_filter: MatchFilter,
        sort: str,
        page: int,
        per_page: int,
        facets: bool = False,
        seconds: float = float("inf"),
    ) -> Hits:
        """One page of a query's matches; `sort` is relevance, newest or oldest.

        Raises `SearchTimeout` when the search runs longer than `seconds`.
        """
        offset = (page - 1) * per_page
        collector = _collector(match_filter, sort, offset + per_page, facets, seconds)
        with self.searching() as searcher:
            searcher.search_with_collector(query, collector)
            ids = _ordered_ids(searcher, collector, sort, offset, offset + per_page)
            terms = _matched_words(query, searcher.reader())
        return Hits(total=collector.tally.total, ids=ids, terms=terms, tally=collector.tally)

    def all_ids(
        self, query: Query, *, match_filter: MatchFilter, sort: str, seconds: float
    ) -> list[str]:
        """Every match's id, in order (for export: no page limit)."""
        collector = _collector(match_filter, sort, None, False, seconds)
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
            hits = searcher.more_like(docnum, "body", text=text, top=count, numterms=12)
            return [hit["id"] for hit in hits]

    def suggest(self, word: str) -> str | None:
        """The likeliest indexed word near `word`, or None.

        Nearest first (one edit, then two), and with the same first letter first:
        people seldom mistype that, and the most frequent word two edits away
        from "cocao" is "local", not "cocoa".
        """
        with self.searching() as searcher:
            corrector = searcher.corrector("body")
            for maxdist, prefix in SUGGESTION_STEPS:
                found = corrector.suggest(word, limit=1, maxdist=maxdist, prefix=prefix)
                if found:
                    return found[0]
        return None

    def knows(self, word: str) -> bool:
        """Whether `word` occurs in any title or body."""
        with self.searching() as searcher:
            reader = searcher.reader()
            return any((field, word) in reader for field in TEXT_FIELDS)

    @contextmanager
    def _writer(self, *, bulk: bool = False, mergetype=None) -> Iterator[writing.IndexWriter]:
        """A writer under the in-process lock (Whoosh's file lock covers other processes).

        A bulk writer analyses on every core and commits each core's segment as it is
        (no merge): measured on 2 cores, Reuters indexes in 16 s instead of 28 s.
        """
        options = {"procs": CORES, "multisegment": True} if bulk and CORES > 1 else {}
        with self._write_lock:
            writer = self._ix.writer(
                timeout=WRITE_TIMEOUT_SECONDS,
                limitmb=WRITER_MEMORY_MB,
                compound=COMPOUND,
                **options,
            )
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise
            writer.commit(**({"mergetype": mergetype} if mergetype else {}))


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


class _MarkFormatter(highlight.Formatter):
    """Escapes every piece of text and wraps matched words in <mark>."""

    between = " … "

    def _text(self, text: str) -> str:
        return str(escape(text))

    def format_token(self, text: str, token, replace: bool = False) -> str:
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"


def snippet(text: str, terms: Iterable[str], *, max_chars: int = 240) -> str:
    """HTML-safe excerpt of `text` around the matched terms, or its escaped start.

    Fragments are widened to whole words so that punctuation next to a match
    (an opening quote, a full stop) is kept; "…" marks text left out.
    """
    if terms:
        tokens = _marked_tokens(text, frozenset(terms))
        fragmenter = highlight.ContextFragmenter(maxchars=max_chars, surround=60)
        fragments = highlight.top_fragments(
            fragmenter.fragment_tokens(text, tokens),
            2,
            highlight.BasicFragmentScorer(),
            highlight.FIRST,
            1,
        )
        if fragments:
            for fragment in fragments:
                _widen_to_words(fragment, text)
            marked = " … ".join(_MarkFormatter().format_fragment(f) for f in fragments)
            before = "… " if fragments[0].startchar > 0 else ""
            after = " …" if fragments[-1].endchar < len(text) else ""
            return before + marked + after
    if len(text) > max_chars:
        return str(escape(text[:max_chars].rsplit(" ", 1)[0])) + " …"
    return str(escape(text))


_WORD = RegexTokenizer().expression  # what ANALYZER splits text at


def _marked_tokens(text: str, terms: frozenset[str]) -> Iterator[Token]:
    """The tokens ANALYZER makes of `text`, each `matched` when its indexed form is in `terms`.

    The same as running ANALYZER over the text, at a third of the cost: each word's
    indexed form is worked out once (`_indexed_form`), not once a time it occurs.
    """
    for found in _WORD.finditer(text):
        token = Token(positions=False, chars=True, text=found.group())
        token.startchar, token.endchar = found.span()
        token.matched = _indexed_form(token.text) in terms
        yield token


@functools.lru_cache(maxsize=100_000)
def _indexed_form(word: str) -> str:
    """The term ANALYZER indexes one word as (lower-cased, acronym dots and accents gone)."""
    return next(iter(ANALYZER(word)), Token(text="")).text


def _widen_to_words(fragment: highlight.Fragment, text: str) -> None:
    """Move a fragment's ends out to the nearest whitespace (or the ends of the text)."""
    start = max(text.rfind(space, 0, fragment.startchar) for space in " \n")
    ends = [end for end in (text.find(space, fragment.endchar) for space in " \n") if end >= 0]
    fragment.startchar, fragment.endchar = start + 1, min(ends, default=len(text))


def _matched_words(query: Query, reader) -> frozenset[str]:
    """The indexed words the query looks for in title or body, wildcards expanded."""
    words = set()
    for leaf in _positive_leaves(query):
        for field, text in leaf.expanded_terms(reader, phrases=True):
            if field in TEXT_FIELDS:
                words.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return frozenset(words)


def _positive_leaves(query: Query) -> Iterator[Query]:
    """Leaves of the query tree except those under NOT: their words are not to be marked."""
    if isinstance(query, Not):
        return
    if isinstance(query, AndNot):
        yield from _positive_leaves(query.a)
    elif query.is_leaf():
        yield query
    else:
        for child in query.children():
            yield from _positive_leaves(child)


def _document(article: Article) -> dict:
    return {
        "id": article.id,
        "content_hash": article.content_hash,
        "title": article.title,
        "body": article.body,
        "published": day_number(article.published),
        "place": article.place or "",
        "source": article.source or "",
    }


def match_filter(
    *, date_from: date | None, date_to: date | None, place: str | None, source: str | None
) -> MatchFilter:
    """The filter part of a search, in the terms the index stores."""
    return MatchFilter(
        first_day=day_number(date_from) if date_from else 0,
        last_day=day_number(date_to) if date_to else 99_999_999,
        place=place.lower() if place else None,
        source=source.lower() if source else None,
    )


def _collector(
    wanted: MatchFilter, sort: str, stop: int | None, facets: bool, seconds: float
) -> FilteringCollector:
    """The collector for a search in `sort` order that needs its first `stop` matches."""
    by_date = sort != "relevance"
    child = top_collector(limit=stop, by_date=by_date)
    return FilteringCollector(child, wanted, facets=facets, seconds=seconds, by_date=by_date)


def _ordered_ids(
    searcher: Searcher, collector: FilteringCollector, sort: str, start: int, stop: int | None
) -> list[str]:
    """The ids of the collected matches from `start` to `stop`, in the collector's order."""
    if collector.dated is None:
        return [hit["id"] for hit in collector.results()[start:stop]]

    def id_of(docnum: int) -> str:
        return searcher.stored_fields(docnum)["id"]

    ordered = date_order(collector.dated, newest=sort == "newest", stop=stop, id_of=id_of)
    return [id_of(docnum) for docnum in ordered[start:]]
