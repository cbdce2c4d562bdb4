"""Every address the pages link to, built in one place and used by templates and code alike.

A search's address comes from its parameters (`SearchParams.to_query`, defaults left
out) with some changed; an article's from its id, escaped as a path segment; a year,
month or day of the archive from its numbers.
"""

import re
from collections.abc import Mapping
from datetime import date
from urllib.parse import quote, unquote, urlencode

from starlette.requests import Request

from app.facets import FACETS
from app.search.params import SearchParams
from app.search.significant import Term

SEGMENT_SAFE = "!$&'()*+,;=:@"  # what RFC 3986 allows in a path segment besides unreserved
NAMES_PATH = {facet.name: facet.path for facet in FACETS}  # each facet's pages
_PERIOD = re.compile(r"/archive/(\d{1,4})(?:/(\d{1,2})(/.*)?)?$")  # year, month, below


def link(path: str, **query: object) -> str:
    """`path` with a query string of the values given; an empty or None value is left out."""
    kept = {name: value for name, value in query.items() if value not in ("", None)}
    return f"{path}?{urlencode(kept)}" if kept else path


def first_page_url(path: str, query: Mapping[str, str]) -> str:
    """`path` with a query string as a client sent it, less its page: a list's first page.
    (Not by `link`: a client's names are not Python's, "path" among them.)"""
    kept = [(name, value) for name, value in query.items() if name != "page" and value]
    return f"{path}?{urlencode(kept)}" if kept else path


def search_url(params: SearchParams, path: str = "/search", **changes: object) -> str:
    """The URL of `path` (/search, or its JSON, CSV or Atom twin) for `params` with some
    changed, by query-string name; an empty or None value drops that parameter."""
    return link(path, **{**params.to_query(), **changes})


def terms_url(params: SearchParams) -> str:
    """The page of what a search's matches talk about (the same matches whatever the page)."""
    return search_url(params, path="/search/terms", page="", per_page="")


def narrowed_url(params: SearchParams, term: Term) -> str:
    """The search narrowed to one of the terms its matches talk about, from its first page."""
    return search_url(params, q=term.narrowing(params.q), page="")


def example_url(q: str) -> str:
    """A search for `q` alone, as /help shows it."""
    return search_url(SearchParams(q=q, sort="relevance"))


def public_base(request: Request, public_url: str | None) -> str:
    """The archive's address for links that leave the site (feeds, exports, a printed
    article): `NEWSARCHIVE_PUBLIC_URL` behind a proxy, else the address the request came to."""
    return (public_url or str(request.base_url)).rstrip("/")


def article_url(article_id: str) -> str:
    return f"/articles/{_segment(article_id)}"


def result_url(article_id: str, params: SearchParams) -> str:
    """An article as a search's result leads to it: with the search, which its page
    highlights and links back to."""
    return link(article_url(article_id), **(params.to_query() if params.q else {}))


FROM_ARTICLE = "from_article"  # the versions page's parameter: opened from the article's page


def versions_url(article_id: str, *, from_article: bool = False, at: str | None = None) -> str:
    """The versions of an article's story; `from_article` when the link is on its page
    (the page then marks it), `at` a version to open the page at."""
    marked = {FROM_ARTICLE: "1" if from_article else None}
    path = link(f"/articles/{_segment(article_id)}/versions", **marked)
    return path + (f"#{version_anchor(at)}" if at else "")


def version_anchor(article_id: str) -> str:
    """The id of a version's entry on the versions page."""
    return "version-" + _segment(article_id)


def related_url(article_id: str) -> str:
    return f"/articles/{_segment(article_id)}/related"


def article_json_url(article_id: str) -> str:
    return f"/api/articles/{_segment(article_id)}"


def period_url(year: int, month: int | None = None, day: int | None = None) -> str:
    """/archive/2025, /archive/2025/10 or /archive/2025/10/17."""
    parts = [str(year), *(f"{part:02d}" for part in (month, day) if part is not None)]
    return "/archive/" + "/".join(parts)


def day_url(day: date) -> str:
    return period_url(day.year, day.month, day.day)


def name_url(facet: str, value: str) -> str:
    """A place's, a source's or a topic's own page: /places/TOKYO, /topics/cocoa."""
    return f"{NAMES_PATH[facet]}/{_segment(value)}"


def _segment(text: str) -> str:
    return quote(text, safe=SEGMENT_SAFE)


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """The pages a pager links: the first, the last, and `around` either side of `current`;
    None where pages are left out."""
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


def ways_on(path: str) -> list[tuple[str, str]]:
    """(text, URL) of the page above an address that holds nothing, where there is one: the
    month of a day not in the calendar, the year of a month not in it; every place of a
    place the archive does not hold (a source's, a topic's alike)."""
    for facet, names in NAMES_PATH.items():
        if unquote(path).startswith(names + "/"):
            return [(f"Every {facet}", names)]
    found = _PERIOD.match(path)
    if not found or not 1 <= int(found[1]) <= date.max.year:
        return []
    year, month, below_month = int(found[1]), int(found[2] or 0), found[3]
    if below_month and 1 <= month <= 12:
        return [(f"{date(year, month, 1):%B %Y}", period_url(year, month))]
    return [(str(year), period_url(year))] if found[2] else []
