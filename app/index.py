"""The Whoosh full-text index: derived from the store, rebuildable at any time.

It holds only what search needs: the words of title and body, the date, place
and source to filter on, and the content hash that lets `Archive` find
documents that are missing, extra, stale or doubled. Searchers are kept one
per thread (they are not thread-safe) and reopened, never `refresh()`ed, when
another writer has committed: refresh after a merge returns duplicates.
"""

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markupsafe import escape
from whoosh import highlight, index, sorting, writing
from whoosh.analysis import CharsetFilter, IDTokenizer, LowercaseFilter, StemmingAnalyzer
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.query import And, NumericRange, Query, Term
from whoosh.searching import Searcher
from whoosh.support.charset import accent_map

from app.parse import Article

WRITE_TIMEOUT_SECONDS = 60.0
TEXT_FIELDS = ("title", "body")

ANALYZER = StemmingAnalyzer(stoplist=None, minsize=1) | CharsetFilter(accent_map)
SCHEMA = Schema(
    id=ID(stored=True, unique=True, sortable=True),
    content_hash=ID(stored=True),
    title=TEXT(analyzer=ANALYZER, field_boost=2.0, phrase=True),
    body=TEXT(analyzer=ANALYZER, phrase=True),
    published=NUMERIC(int, bits=32, sortable=True, signed=False),
    place=ID(analyzer=IDTokenizer() | LowercaseFilter()),
    source=ID(analyzer=IDTokenizer() | LowercaseFilter()),
)


@dataclass(frozen=True)
class Hits:
    """One page of matches: ids in rank order, the total, and the words to highlight."""

    total: int
    ids: list[str]
    terms: frozenset[str]


def day_number(day: date) -> int:
    """A date as the integer the index stores and sorts on (20251017)."""
    return day.year * 10000 + day.month * 100 + day.day


class SearchIndex:
    """One Whoosh index directory: writes under a lock, reads through per-thread searchers."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if index.exists_in(str(path)):
            self._ix = index.open_dir(str(path))
        else:
            self._ix = index.create_in(str(path), SCHEMA)
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._searchers: list[Searcher] = []
        self._searchers_lock = threading.Lock()

    def close(self) -> None:
        with self._searchers_lock:
            for searcher in self._searchers:
                searcher.close()
            self._searchers.clear()
        self._local = threading.local()

    def update(self, articles: Iterable[Article]) -> int:
        """Add or replace documents (one commit); returns how many were written."""
        written = 0
        with self._writer() as writer:
            for article in articles:
                writer.update_document(**_document(article))
                written += 1
        return written

    def delete(self, ids: Iterable[str]) -> None:
        with self._writer() as writer:
            for article_id in ids:
                writer.delete_by_term("id", article_id)

    def replace_all(self, batches: Iterable[Iterable[Article]]) -> int:
        """Rebuild from scratch in one commit: readers see the old index until it lands."""
        written = 0
        with self._writer(mergetype=writing.CLEAR) as writer:
            for batch in batches:
                for article in batch:
                    writer.add_document(**_document(article))
                    written += 1
        return written

    def documents(self) -> list[tuple[str, str]]:
        """(id, content hash) of every live document, duplicates included."""
        searcher = self.searcher()
        return [(fields["id"], fields["content_hash"]) for fields in searcher.all_stored_fields()]

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    def searcher(self) -> Searcher:
        """This thread's searcher, reopened when the index has a newer generation."""
        searcher: Searcher | None = getattr(self._local, "searcher", None)
        if searcher is not None and searcher.up_to_date():
            return searcher
        fresh = self._ix.searcher()
        with self._searchers_lock:
            if searcher is not None:
                searcher.close()
                self._searchers.remove(searcher)
            self._searchers.append(fresh)
        self._local.searcher = fresh
        return fresh

    def search(
        self,
        query: Query,
        *,
        date_from: date | None,
        date_to: date | None,
        place: str | None,
        source: str | None,
        sort: str,
        page: int,
        per_page: int,
    ) -> Hits:
        """Run a parsed query with filters; `sort` is relevance, newest or oldest."""
        searcher = self.searcher()
        offset = (page - 1) * per_page
        results = searcher.search(
            query,
            limit=offset + per_page,
            filter=_filter(date_from, date_to, place, source),
            sortedby=_sort_facet(sort),
        )
        ids = [hit["id"] for hit in results[offset:]]
        terms = {
            text
            for field, text in query.existing_terms(searcher.reader(), expand=True)
            if field in TEXT_FIELDS
        }
        return Hits(total=len(results), ids=ids, terms=frozenset(_as_str(t) for t in terms))

    def _writer(self, mergetype=None) -> "_LockedWriter":
        return _LockedWriter(self, mergetype)


class _LockedWriter:
    """A Whoosh writer held under the in-process lock, committed or cancelled on exit."""

    def __init__(self, owner: SearchIndex, mergetype) -> None:
        self._owner = owner
        self._commit_options = {"mergetype": mergetype} if mergetype else {}

    def __enter__(self):
        self._owner._write_lock.acquire()
        try:
            self._writer = self._owner._ix.writer(timeout=WRITE_TIMEOUT_SECONDS)
        except BaseException:
            self._owner._write_lock.release()
            raise
        return self._writer

    def __exit__(self, error_type, *_exc) -> None:
        try:
            if error_type is None:
                self._writer.commit(**self._commit_options)
            else:
                self._writer.cancel()
        finally:
            self._owner._write_lock.release()


class _MarkFormatter(highlight.Formatter):
    """Escapes every piece of text and wraps matched words in <mark>."""

    between = " … "

    def _text(self, text: str) -> str:
        return str(escape(text))

    def format_token(self, text: str, token, replace: bool = False) -> str:
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"


def snippet(text: str, terms: Sequence[str] | frozenset[str], *, max_chars: int = 240) -> str:
    """HTML-safe excerpt of `text` around the matched terms, or its escaped start."""
    if terms:
        fragmenter = highlight.ContextFragmenter(maxchars=max_chars, surround=60)
        marked = highlight.highlight(text, terms, ANALYZER, fragmenter, _MarkFormatter(), top=2)
        if marked:
            return marked
    if len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0] + " …"
    return str(escape(text))


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


def _filter(date_from, date_to, place, source) -> Query | None:
    parts: list[Query] = []
    if date_from or date_to:
        low = day_number(date_from) if date_from else None
        high = day_number(date_to) if date_to else None
        parts.append(NumericRange("published", low, high))
    if place:
        parts.append(Term("place", place.lower()))
    if source:
        parts.append(Term("source", source.lower()))
    return And(parts) if parts else None


def _sort_facet(sort: str) -> sorting.FacetType | None:
    if sort == "relevance":
        return None
    newest = sort == "newest"
    return sorting.MultiFacet(
        [
            sorting.FieldFacet("published", reverse=newest),
            sorting.FieldFacet("id", reverse=newest),
        ]
    )


def _as_str(term: str | bytes) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term
