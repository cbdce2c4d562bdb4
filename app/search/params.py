"""A search's parameters: read and checked once, from the query string, for both faces.

`parse_params` takes the query string's names and values as a client sent them and
refuses what cannot be served with a `QueryError` that names the parameter, so that
the pages and the API refuse the same things in the same words. `PARAMETERS` lists
them with their help, for the API's documentation; `SearchParams.to_query` gives the
query string back, defaults left out, for every URL the pages build.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from math import ceil

from app.counting import counted, noun_of
from app.engine import MAX_QUERY_WORDS, MAX_WILDCARDS, MIN_WILDCARD_LETTERS
from app.errors import QueryError
from app.filters import HELP, READER_NAMES, Filters

SORTS = ("relevance", "newest", "oldest")
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_DEPTH = 10_000  # page × per_page; deeper lists are for export, not paging
MAX_QUERY_CHARS = 500
WHOLE_NUMBER = re.compile(r"\s*\+?[0-9]+\s*")  # ASCII digits, as the JSON API reads them
TOO_MANY = 10**15  # a whole number of more digits is not read: it is past every maximum


@dataclass(frozen=True)
class Parameter:
    """One query-string parameter of every list: its name, help and, for numbers, the most."""

    name: str
    help: str
    maximum: int | None = None  # a whole number from 1 to this; None for text


PARAMETERS = (
    Parameter("q", "Words to find (see /help)."),
    *(Parameter(name, text) for name, text in HELP.items()),
    Parameter("sort", "relevance (default with q), newest (default) or oldest."),
    Parameter("page", "From 1.", maximum=MAX_DEPTH),
    Parameter("per_page", "Results a page.", maximum=MAX_PER_PAGE),
    Parameter(
        "collapse",
        "true (default): a story's versions are one result, its best match (browsing: its "
        "newest), and the total and facets count stories; false: every version, and they "
        "count articles.",
    ),
)
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


@dataclass(frozen=True)
class SearchParams:
    """A validated search: every field is safe to hand to the store or the engine."""

    q: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: str = "newest"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    collapse: bool = True  # a story thread is one result

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def newest_first(self) -> bool:
        return self.sort != "oldest"

    def to_query(self) -> dict[str, str]:
        """The query-string form, default values left out."""
        values = {
            "q": self.q,
            **self.filters.to_query(),
            "sort": "" if self.sort == _default_sort(self.q) else self.sort,
            "page": "" if self.page == 1 else str(self.page),
            "per_page": "" if self.per_page == DEFAULT_PER_PAGE else str(self.per_page),
            "collapse": "" if self.collapse else "false",
        }
        return {name: value for name, value in values.items() if value}


def parse_params(raw: Mapping[str, object]) -> SearchParams:
    """Validate the query string's values into `SearchParams`, or raise `QueryError`."""
    q = str(raw.get("q") or "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(
            "q",
            f"the query is {len(q):,} characters; the limit is {MAX_QUERY_CHARS}",
            for_reader=f"Your search is {len(q):,} characters long; it can be at most "
            f"{MAX_QUERY_CHARS:,}. Keep the words that matter most.",
        )
    chosen = Filters.from_query(raw)
    sort = str(raw.get("sort") or "").strip() or _default_sort(q)
    if sort not in SORTS:
        raise QueryError(
            "sort",
            f"must be one of {', '.join(SORTS)}",
            for_reader="Results can be sorted best first, newest first or oldest first.",
        )
    if sort == "relevance" and not q:
        sort = "newest"
    size = _whole_number("per_page", raw.get("per_page"), DEFAULT_PER_PAGE, MAX_PER_PAGE)
    page = _whole_number("page", raw.get("page"), 1, MAX_DEPTH)  # past the last: `check_page`
    collapse = _boolean("collapse", raw.get("collapse"), default=True)
    return SearchParams(q=q, filters=chosen, sort=sort, page=page, per_page=size, collapse=collapse)


def _boolean(name: str, value: object, *, default: bool) -> bool:
    text = str(value if value is not None else "").strip().lower()
    if not text:
        return default
    if text not in BOOLEANS:
        raise QueryError(
            name,
            "must be true or false",
            for_reader="Versions of a story are shown together or apart: true or false.",
        )
    return BOOLEANS[text]


def _default_sort(q: str) -> str:
    return "relevance" if q else "newest"


READER_NUMBERS = {"page": "page number", "per_page": "number of results a page"}
# Every name a search reads from a query string, in the order /help lists them.
QUERY_NAMES = ("q", *READER_NAMES, "sort", *READER_NUMBERS, "collapse")


def _whole_number(parameter: str, value: object, default: int, maximum: int) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if not isinstance(value, int) and not WHOLE_NUMBER.fullmatch(str(value)):
        raise QueryError(  # not "١"
            parameter,
            f"{str(value)[:40]!r} is not a whole number",
            for_reader=f"The {READER_NUMBERS[parameter]} must be a whole number, such as 2.",
        )
    number = value if isinstance(value, int) else _read_whole(str(value))
    if not 1 <= number <= maximum:
        raise QueryError(
            parameter,
            f"must be between 1 and {maximum:,}",
            for_reader=_out_of_range(parameter, number, maximum),
        )
    return number


def _read_whole(text: str) -> int:
    """Text checked to be a whole number, as an int; one of more than 15 digits (Python
    refuses to read 4,300 or more) as `TOO_MANY`, past every maximum."""
    digits = text.strip().lstrip("+").lstrip("0")
    return int(digits or "0") if len(digits) <= 15 else TOO_MANY


def _out_of_range(parameter: str, number: int, maximum: int) -> str:
    if parameter == "page":
        shown = f"{number:,}" if number < TOO_MANY else "that far"
        return (
            f"There is no page {shown}: pages are numbered from 1, and paging reaches "
            f"the first {MAX_DEPTH:,} results of a list at most."
        )
    return f"A page can show between 1 and {maximum:,} results."


def page_count(total: int, per_page: int) -> int:
    """The pages a list of `total` results is paged in, `per_page` a page: as many as hold
    them, or as reach the first `MAX_DEPTH`; one at least (an empty list's)."""
    return max(1, min(ceil(total / per_page), MAX_DEPTH // per_page))


def check_page(params: SearchParams, total: int) -> None:
    """Refuse a page past the last of a list of `total` results: say how many pages it has,
    or, past the paging limit of a list that holds more, why paging stops there."""
    pages = page_count(total, params.per_page)
    if params.page <= pages:
        return
    noun = noun_of(params)
    if total > pages * params.per_page:
        raise QueryError(
            "page",
            f"must be between 1 and {pages:,}: paging reaches the first {MAX_DEPTH:,} results",
            for_reader=f"Only the first {pages * params.per_page:,} of these "
            f"{counted(total, noun)} can be paged through: {pages:,} pages. To reach the "
            "others, narrow the list (a month, more words, a place or a source), sort it the "
            "other way, or download them all.",
        )
    allowed = "must be 1" if pages == 1 else f"must be between 1 and {pages:,}"
    if not total:
        raise QueryError(
            "page",
            f"{allowed}: nothing matched",
            for_reader=f"There is no page {params.page:,} here: nothing matched.",
        )
    said = "is 1 page" if pages == 1 else f"are {pages:,} pages"
    raise QueryError(
        "page",
        f"{allowed}: there {said} of {counted(total, noun)}",
        for_reader=f"There {said} of {noun[1]} here: page {params.page:,} is past the last.",
    )


@dataclass(frozen=True)
class Limits:
    """What one search may ask, enforced here and by the engine, and shown on /help."""

    query_chars: int = MAX_QUERY_CHARS
    query_words: int = MAX_QUERY_WORDS
    wildcards: int = MAX_WILDCARDS
    wildcard_letters: int = MIN_WILDCARD_LETTERS
    depth: int = MAX_DEPTH


LIMITS = Limits()
