"""The one query layer: what the HTML pages and the JSON API both ask, answered alike.

Parameters arrive as the client sent them and are validated here, so that both
faces refuse the same things with the same words (`QueryError` names the
parameter). Matching is the index's job, rows come from the store.
"""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from math import ceil

from markupsafe import Markup
from whoosh.qparser import MultifieldParser, PlusMinusPlugin
from whoosh.qparser.common import QueryParserError
from whoosh.query import AndMaybe, Every, NullQuery, Prefix, Query, Variations, Wildcard

from app.archive import Archive
from app.errors import Moved, NotFound, QueryError
from app.search.engine.collector import SearchTimeout
from app.search.engine.index import SCHEMA, TEXT_FIELDS, match_filter, snippet
from app.search.facets import Facets, build_facets, day_from_number
from app.search.timeline import Bucket, buckets, choose_unit
from app.store import ArticleRecord, Stats

SORTS = ("relevance", "newest", "oldest")
DEFAULT_PER_PAGE = 20
WHOLE_NUMBER = re.compile(r"\s*\+?[0-9]+\s*")  # ASCII digits, as the JSON API reads them
MAX_PER_PAGE = 100
MAX_DEPTH = 10_000  # page × per_page; deeper lists are for export, not paging
MAX_QUERY_CHARS = 500
MAX_FILTER_CHARS = 200
MIN_WILDCARD_LETTERS = 2
MAX_WILDCARDS = 5
MAX_QUERY_WORDS = 64

TITLE_BONUS = 4.0  # weight of "every word is in the headline" in the ranking
# -word excludes, as on the big engines (a hyphen inside a word stays part of it); "+" is
# left out: every word is required already, and Whoosh's +word would make the others optional
_EXCLUDE = r"(?<![^\s(])-(?=\S)"


def _parser(fields: list[str]) -> MultifieldParser:
    """A plain word also finds its forms (meeting: meetings, met), as stemming would, without
    giving up exact words in the index; words in "quotes" are matched as written."""
    parser = MultifieldParser(fields, SCHEMA, termclass=Variations)
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?!)", minusexpr=_EXCLUDE))
    return parser


_PARSER = _parser(list(TEXT_FIELDS))
_TITLE_PARSER = _parser(["title"])


@dataclass(frozen=True)
class SearchParams:
    """A validated search: every field is safe to hand to the store or the index."""

    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    place: str = ""
    source: str = ""
    sort: str = "newest"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def filters(self) -> dict:
        """The filters as the store and the index take them (keywords, None for "any")."""
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "place": self.place or None,
            "source": self.source or None,
        }


@dataclass(frozen=True)
class ResultItem:
    id: str
    title: str
    published: date
    place: str | None
    source: str | None
    snippet: Markup  # built from escaped text, matches in <mark>
    url: str


@dataclass(frozen=True)
class SearchPage:
    params: SearchParams
    total: int
    items: list[ResultItem] = field(default_factory=list)
    facets: Facets | None = None  # when asked for

    @property
    def pages(self) -> int:
        reachable = min(self.total, MAX_DEPTH)
        return max(1, ceil(reachable / self.params.per_page))

    @property
    def has_next(self) -> bool:
        return self.params.page < self.pages


@dataclass(frozen=True)
class Period:
    """A year, month or day of the archive, with its articles and its parts."""

    year: int
    month: int | None
    day: int | None
    first: date
    last: date
    page: SearchPage
    parts: list[tuple[date, int]]  # (start of each month or day, articles)

    @property
    def label(self) -> str:
        if self.day:
            return self.first.strftime("%-d %B %Y")
        if self.month:
            return self.first.strftime("%B %Y")
        return str(self.year)


def build_params(
    *,
    q: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    place: str | None = None,
    source: str | None = None,
    sort: str | None = None,
    page: int | str | None = None,
    per_page: int | str | None = None,
) -> SearchParams:
    """Validate raw parameters into `SearchParams`, or raise `QueryError` naming the bad one."""
    q = (q or "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError("q", f"the query is {len(q):,} characters; the limit is {MAX_QUERY_CHARS}")
    first, last = _date("from", date_from), _date("to", date_to)
    if first and last and first > last:
        raise QueryError("from", f"{first} is after to={last}")
    sort = (sort or "").strip() or ("relevance" if q else "newest")
    if sort not in SORTS:
        raise QueryError("sort", f"must be one of {', '.join(SORTS)}")
    if sort == "relevance" and not q:
        sort = "newest"
    size = _integer("per_page", per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE)
    number = _integer("page", page, 1, MAX_DEPTH // size)
    return SearchParams(
        q=q,
        date_from=first,
        date_to=last,
        place=_filter_text("place", place),
        source=_filter_text("source", source),
        sort=sort,
        page=number,
        per_page=size,
    )


def search(archive: Archive, params: SearchParams, *, facets: bool = False) -> SearchPage:
    """Matches for `params.q` under the filters, or the filtered archive when q is empty."""
    if not params.q:
        return _browse(archive, params, facets=facets)
    query = parse_query(params.q)
    try:
        hits = archive.index.search(
            query,
            match_filter=match_filter(**params.filters),
            sort=params.sort,
            page=params.page,
            per_page=params.per_page,
            facets=facets,
            seconds=archive.settings.search_seconds,
        )
    except SearchTimeout:
        limit = archive.settings.search_seconds
        raise QueryError("q", f"took longer than {limit:g} s: add words or filters") from None
    rows = archive.store.get_many(hits.ids)
    items = [
        result_item(rows[article_id], hits.terms) for article_id in hits.ids if article_id in rows
    ]
    found = None
    if facets:
        tally = hits.tally
        days = {day_from_number(number): count for number, count in tally.days.items()}
        found = build_facets(days=days, places=tally.places, sources=tally.sources)
    return SearchPage(params, hits.total, items, found)


def _browse(archive: Archive, params: SearchParams, *, facets: bool) -> SearchPage:
    filters = params.filters
    total, rows = archive.store.browse(
        **filters,
        newest_first=params.sort != "oldest",
        offset=params.offset,
        limit=params.per_page,
    )
    found = None
    if facets:
        days, places, sources = archive.store.facet_counts(**filters)
        found = build_facets(days=days, places=places, sources=sources)
    return SearchPage(params, total, [result_item(row, frozenset()) for row in rows], found)


def timeline(found: SearchPage) -> tuple[str | None, list[Bucket]]:
    """The search's matches a day, week, month or year (the unit), first match to last."""
    days = found.facets.days if found.facets else {}
    if not days:
        return None, []
    unit = choose_unit(min(days), max(days))
    return unit, buckets(days, unit=unit)


def parse_query(text: str) -> Query:
    """Whoosh query syntax, every word required, guarded against runaway wildcards.

    Stories whose headline holds the words rank first: the query matches title or
    body, and the same query on the title alone adds to the score where it matches.
    """
    words = len(re.findall(r"\w+", text))
    if words > MAX_QUERY_WORDS:
        raise QueryError("q", f"has {words} words; the limit is {MAX_QUERY_WORDS}")
    query = _parse(_PARSER, text)
    if query is NullQuery:
        raise QueryError("q", "has no words to search for")
    wildcards = [leaf for leaf in query.leaves() if isinstance(leaf, Wildcard | Prefix | Every)]
    if len({getattr(leaf, "text", "") for leaf in wildcards}) > MAX_WILDCARDS:
        raise QueryError("q", f"has more than {MAX_WILDCARDS} wildcard terms")
    for leaf in wildcards:
        letters = sum(char not in "*?" for char in getattr(leaf, "text", ""))
        if letters < MIN_WILDCARD_LETTERS:
            raise QueryError(
                "q", f"a wildcard needs at least {MIN_WILDCARD_LETTERS} letters besides * and ?"
            )
    in_title = _parse(_TITLE_PARSER, text)
    return query if in_title is NullQuery else AndMaybe(query, in_title.with_boost(TITLE_BONUS))


def _parse(parser: MultifieldParser, text: str) -> Query:
    try:
        return parser.parse(text)
    except (QueryParserError, ValueError, TypeError) as error:
        raise QueryError("q", f"cannot be parsed ({error})") from error


def get_article(archive: Archive, article_id: str) -> ArticleRecord:
    if len(article_id) > 64:
        raise NotFound("no article has an id that long")
    record = archive.store.get(article_id)
    if record is None:
        canonical = archive.store.resolve_alias(article_id)
        if canonical:
            raise Moved(article_id, canonical)
        raise NotFound(f"no article with id {article_id!r}")
    return record


def stats(archive: Archive) -> Stats:
    return archive.store.stats()


def months(archive: Archive) -> list[tuple[date, int]]:
    """The first day of every month that has articles, with its count, newest first."""
    return [(date(year, month, 1), count) for year, month, count in archive.store.month_counts()]


def period(
    archive: Archive,
    *,
    year: int,
    month: int | None = None,
    day: int | None = None,
    page: int | str | None = None,
    sort: str | None = None,
) -> Period:
    """The articles of one year, month or day (oldest first unless sorted), and its parts."""
    first, last = _period_bounds(year, month, day)
    params = build_params(
        date_from=first.isoformat(), date_to=last.isoformat(), sort=sort or "oldest", page=page
    )
    unit = "day" if month else "month"
    parts = [] if day else archive.store.period_counts(date_from=first, date_to=last, unit=unit)
    return Period(year, month, day, first, last, search(archive, params), parts)


def article_url(article_id: str) -> str:
    return f"/articles/{article_id}"


def _period_bounds(year: int, month: int | None, day: int | None) -> tuple[date, date]:
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, day), date(year, month, day)
    except (ValueError, OverflowError) as error:
        raise NotFound(f"no such date in the calendar ({error})") from error


def result_item(row: ArticleRecord, terms: frozenset[str]) -> ResultItem:
    return ResultItem(
        id=row.id,
        title=row.title,
        published=row.published,
        place=row.place,
        source=row.source,
        snippet=Markup(snippet(row.body, terms)),  # safe: snippet() escapes the text itself
        url=article_url(row.id),
    )


def _date(parameter: str, value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else _bad_date(parameter, value)
    except ValueError:
        return _bad_date(parameter, value)


def _bad_date(parameter: str, value: str) -> date:
    raise QueryError(parameter, f"{value[:40]!r} is not a date of the form YYYY-MM-DD")


def _integer(parameter: str, value: int | str | None, default: int, maximum: int) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, str) and not WHOLE_NUMBER.fullmatch(value):  # int() reads "١" too
        raise QueryError(parameter, f"{value[:40]!r} is not a whole number")
    number = int(value)
    if not 1 <= number <= maximum:
        raise QueryError(parameter, f"must be between 1 and {maximum:,}")
    return number


def _filter_text(parameter: str, value: str | None) -> str:
    value = " ".join((value or "").split())
    if len(value) > MAX_FILTER_CHARS:
        raise QueryError(parameter, f"is longer than {MAX_FILTER_CHARS} characters")
    return value
