"""The one query layer: what the HTML pages and the JSON API both ask, answered alike.

Both faces hand it validated `SearchParams` (see `params.py`). What matches, in which
order and how the matches divide is the engine's to say; the rows come from the
store. The engine's refusals become `QueryError`s naming `q` here, in one place.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial

from markupsafe import Markup

from app.archive import Archive
from app.engine import Hits, snippet
from app.errors import InvalidQuery, Moved, NotFound, QueryError, SearchTimeout
from app.facets import TOP_NAMES, facet_names
from app.search.facets import Facets, all_values, build_facets
from app.search.headlines import headline_html, shown_titles
from app.search.params import MAX_DEPTH, SearchParams, check_page, page_count, parse_params
from app.search.significant import Term, candidates, count_documents, significant
from app.search.timeline import Bucket, Charted
from app.search.timeline import charted as timeline_of
from app.store.tables import ArticleRecord as ArticleRecord  # what an article is answered as
from app.store.tables import Listed

EXPORT_SECONDS_FACTOR = 10  # an export may take this many times a search's time limit
# Matches whose text the terms are counted in: the best by relevance (the newest, browsing).
# 200 Reuters stories are read, cut into words and counted in about 50 ms; every match of
# a broad query would take seconds.
TERMS_SAMPLE = 200
LONG_ID_FOR_READER = (
    "The archive holds no article with an id that long: the link is probably mistyped, or "
    "two links ran together."
)


@dataclass(frozen=True)
class ResultItem:
    id: str
    title: str
    published: date
    place: str | None
    source: str | None
    snippet: Markup  # built from escaped text, matches in <mark>
    headline: Markup  # `shown` as HTML: matches in <mark>, tickers apart (`headlines.py`)
    shown: str  # the title as every page, feed and JSON answer shows it (`headlines.py`)
    versions: int = 1  # of its story thread, when the results are collapsed (else 1)


@dataclass(frozen=True)
class SearchPage:
    params: SearchParams
    total: int
    items: list[ResultItem] = field(default_factory=list)
    facets: Facets | None = None  # when asked for
    articles: int | None = None  # the articles matched, when `total` counts story threads

    @property
    def pages(self) -> int:
        return page_count(self.total, self.params.per_page)

    @property
    def paged(self) -> int:
        """The results the pages reach: all of them, or the first `MAX_DEPTH` or so."""
        return min(self.total, self.pages * self.params.per_page)

    @property
    def has_next(self) -> bool:
        return self.params.page < self.pages


def search(archive: Archive, params: SearchParams, *, facets: bool = False) -> SearchPage:
    """Matches for `params.q` under the filters, or the filtered archive when q is empty:
    the engine says what matches and counts it (a story's versions once, unless
    `params.collapse` is off), the store gives the rows. A page past the last is refused
    (`check_page`) once the matches are counted; one past the paging limit is not fetched."""
    reachable = params.offset < MAX_DEPTH
    found = _search(archive, params if reachable else replace(params, page=1), facets=facets)
    check_page(params, found.total)
    return found


def _search(archive: Archive, params: SearchParams, *, facets: bool) -> SearchPage:
    hits = _hits(archive, params, facets=facets)
    rows = archive.store.listed(hits.ids)
    versions = hits.versions if params.collapse else {}
    listed = [rows[found] for found in hits.ids if found in rows]
    items = result_items(archive, listed, hits.terms, versions)
    tallied = None
    if facets:
        tallied = build_facets(
            days=hits.days, named=hits.named, months=hits.months, distinct=hits.distinct
        )
    articles = hits.articles if params.collapse else None
    return SearchPage(params, hits.total, items, tallied, articles)


def _hits(
    archive: Archive, params: SearchParams, *, facets: bool, top: int | None = TOP_NAMES
) -> Hits:
    limit = archive.settings.search_seconds
    with _engine_errors(f"took longer than {limit:g} s: add words or filters"):
        return archive.index.search(
            params.q,
            params.filters,
            sort=params.sort,
            page=params.page,
            per_page=params.per_page,
            facets=facets,
            collapse=params.collapse,
            seconds=limit,
            top=top,
        )


def named_counts(archive: Archive, params: SearchParams, name: str) -> list[tuple[str, int]]:
    """Every value of the named filter `name` among the matches (or the filtered archive's
    stories when q is empty), the commonest first: a facet whole."""
    limit = archive.settings.search_seconds
    with _engine_errors(f"took longer than {limit:g} s: add words or filters"):
        counts = archive.index.named_counts(
            params.q, params.filters, name, collapse=params.collapse, seconds=limit
        )
    return all_values(counts)


def matching_ids(archive: Archive, params: SearchParams) -> list[str]:
    """The id of every match of a query, in the search's order (for export: no paging)."""
    limit = archive.settings.search_seconds * EXPORT_SECONDS_FACTOR
    with _engine_errors(f"took longer than {limit:g} s to export: narrow it"):
        return archive.index.all_ids(
            params.q, params.filters, sort=params.sort, collapse=params.collapse, seconds=limit
        )


@dataclass(frozen=True)
class TermsFound:
    """What a search's matches talk about (`terms.py`), and which matches were read: the
    first `sample` of `total` in `sampled_by` order (relevance, newest or oldest)."""

    params: SearchParams
    total: int
    sample: int
    sampled_by: str
    terms: list[Term]


def significant_terms(
    archive: Archive, params: SearchParams, *, sample: int = TERMS_SAMPLE
) -> TermsFound:
    """The words and names most over-represented in the best `sample` matches of a search
    (or the newest articles under the filters, when q is empty) against the whole archive."""
    limit = archive.settings.search_seconds
    with _engine_errors(f"took longer than {limit:g} s: add words or filters"):
        total, rows, excluded, order = _sampled(archive, params, sample, limit)
        counted = count_documents((row.title, row.body) for row in rows)
        rates = partial(archive.index.body_rates, seconds=limit)
        chosen = significant(counted, candidates(counted, excluded), rates)
    return TermsFound(params, total, counted.documents, order, chosen)


def _sampled(
    archive: Archive, params: SearchParams, size: int, seconds: float
) -> tuple[int, list[Listed], frozenset[str], str]:
    """The total, the first `size` matches' rows, the query's words as the engine expands
    them (none when browsing) and the order the rows were taken in."""
    order = "relevance" if params.q else ("newest" if params.newest_first else "oldest")
    hits = archive.index.search(
        params.q,
        params.filters,
        sort=order,
        page=1,
        per_page=size,
        collapse=params.collapse,
        seconds=seconds,
    )
    rows = archive.store.listed(hits.ids)
    return hits.total, [rows[i] for i in hits.ids if i in rows], hits.terms, order


@contextmanager
def _engine_errors(too_long: str) -> Iterator[None]:
    """The engine's refusals as `QueryError`s on `q`: its reason, or `too_long` for a timeout."""
    try:
        yield
    except InvalidQuery as error:
        raise QueryError("q", str(error)) from None
    except SearchTimeout:
        raise QueryError("q", too_long) from None


def charted(found: SearchPage, everything: Mapping[date, int]) -> Charted | None:
    """`found`'s matches a day, week, month or year, against `everything`, the archive's
    stories a day (`archive_days`); None when nothing matched."""
    days = found.facets.days if found.facets else {}
    return timeline_of(days, everything, total=found.total, shares=found.params.collapse)


def highlighted_words(archive: Archive, q: str) -> frozenset[str]:
    """The indexed words a search for `q` highlights; none for a query that cannot run."""
    try:
        return archive.index.matched_terms(q) if q else frozenset()
    except InvalidQuery:
        return frozenset()


def neighbours(archive: Archive, record: ArticleRecord) -> tuple[ResultItem | None, ...]:
    """The stories just before and just after `record` in date order (the archive's)."""
    rows = archive.store.neighbours(record.published, record.id)
    items = iter(result_items(archive, [row for row in rows if row], frozenset()))
    return tuple(next(items) if row else None for row in rows)


def get_article(archive: Archive, article_id: str) -> ArticleRecord:
    if len(article_id) > 64:
        raise NotFound("no article has an id that long", for_reader=LONG_ID_FOR_READER)
    record = archive.store.get(article_id)
    if record is None:
        canonical = archive.store.resolve_alias(article_id)
        if canonical:
            raise Moved(article_id, canonical)
        raise NotFound(
            f"no article with id {article_id!r}",
            for_reader=f"The archive holds no article with the id “{article_id}”: the link "
            "may be mistyped or cut short, or the article may have been taken down.",
        )
    return record


@dataclass(frozen=True)
class Stats:
    """The archive's shape: its stories (a story's versions once) and the articles they
    stand for, their span, and the stories of each source, place and topic, the commonest
    first (each named as its facet names it)."""

    stories: int
    articles: int
    first_published: date | None
    last_published: date | None
    named: dict[str, dict[str, int]]  # by facet (`app.facets`), in its order


def stats(archive: Archive) -> Stats:
    hits = _hits(archive, parse_params({"per_page": 1}), facets=True, top=None)
    days = list(hits.days)
    return Stats(
        stories=hits.total,
        articles=hits.articles,
        first_published=days[0] if days else None,
        last_published=days[-1] if days else None,
        named={name: dict(all_values(hits.named[name])) for name in facet_names()},
    )


def archive_days(archive: Archive) -> Mapping[date, int]:
    """The whole archive's stories a day (no query, no filter), in date order: what every
    timeline's share is a share of, and where the archive holds nothing."""
    return _hits(archive, parse_params({"per_page": 1}), facets=True, top=0).days


def years(archive: Archive) -> list[Bucket]:
    """Every year from the archive's first to its last, with its stories (0 for a gap)."""
    counted: dict[int, int] = {}
    for day, count in archive_days(archive).items():
        counted[day.year] = counted.get(day.year, 0) + count
    if not counted:
        return []
    return [
        Bucket(date(year, 1, 1), date(year, 12, 31), counted.get(year, 0), str(year))
        for year in range(min(counted), max(counted) + 1)
    ]


def result_items(
    archive: Archive,
    rows: Sequence[Listed],
    terms: frozenset[str],
    versions: Mapping[str, int] | None = None,
) -> list[ResultItem]:
    """The rows as a list shows them, their headlines as the archive shows them."""
    shown = shown_titles(archive, rows)
    return [result_item(row, terms, (versions or {}).get(row.id, 1), shown[row.id]) for row in rows]


def result_item(row: Listed, terms: frozenset[str], versions: int, shown: str) -> ResultItem:
    return ResultItem(
        id=row.id,
        title=row.title,
        published=row.published,
        place=row.place,
        source=row.source,
        snippet=Markup(snippet(row.body, terms)),  # safe: snippet() escapes the text itself
        headline=headline_html(shown, terms),
        shown=shown,
        versions=versions,
    )
