"""The pages to browse the archive by, without a query: a year (its months), a month (a
calendar of its days), a day; every place, source and topic with its articles, and each one's
page with its own timeline, its busiest sources or places and its latest stories.

Like `pages.py`, only HTTP in and templates out: the counts come from the query layer.
"""

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.archive import Archive
from app.errors import NotFound
from app.facets import FACETS
from app.facets import facet as facet_of
from app.search import periods
from app.search import queries as search
from app.search.params import parse_params
from app.web.deps import ArchiveDep
from app.web.templating import templates
from app.web.timelines import timeline_of

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
BUSIEST_SHOWN = 12  # the other facets' values a source's, place's or topic's page lists


@router.get("/archive/{year:int}")
def year_page(request: Request, archive: ArchiveDep, year: int) -> Response:
    return _period_page(request, archive, year=year)


@router.get("/archive/{year:int}/{month:int}")
def month_page(request: Request, archive: ArchiveDep, year: int, month: int) -> Response:
    return _period_page(request, archive, year=year, month=month)


@router.get("/archive/{year:int}/{month:int}/{day:int}")
def day_page(request: Request, archive: ArchiveDep, year: int, month: int, day: int) -> Response:
    return _period_page(request, archive, year=year, month=month, day=day)


def _period_page(request: Request, archive: Archive, **when: int) -> Response:
    raw = request.query_params
    period = periods.period(archive, **when, page=raw.get("page"), sort=raw.get("sort"))
    return templates.TemplateResponse(request, "period.html", {"period": period})


def _names_page(request: Request, archive: Archive, facet: str) -> Response:
    """Every place (or source) of the archive, or of a search's matches when the query
    string holds one (the facet's "all" link), the commonest first; `match` keeps those
    whose name holds it."""
    raw = dict(request.query_params)
    params = parse_params({**raw, facet: "", "page": ""})
    values = search.named_counts(archive, params, facet)
    wanted = raw.get("match", "").strip().casefold()
    context = {
        "facet": facet,
        "params": params,
        "every": len(values),
        "values": [pair for pair in values if wanted in pair[0].casefold()],
        "match": raw.get("match", ""),
    }
    return templates.TemplateResponse(request, "names.html", context)


def _named_page(request: Request, archive: Archive, facet: str, name: str) -> Response:
    """One place's (source's, topic's) articles: their timeline, the other facets' busiest
    values among them (its facet's `beside`), the latest stories."""
    declared = facet_of(facet)
    raw = dict(request.query_params)
    chosen = {facet: name, "sort": raw.get("sort") or "newest", "page": raw.get("page")}
    params = parse_params(chosen)
    found = search.search(archive, params, facets=True)
    if not found.total or found.facets is None:
        among = declared.among
        raise NotFound(
            f"the archive holds no stories {among} the {facet} {name!r}",
            for_reader=f"The archive holds no stories {among} the {facet} “{name}”.",
        )
    named = found.facets.named
    wanted = params.filters.value(facet).casefold()
    context = {
        "facet": facet,
        # its commonest spelling: the one value of its facet, but for a topic's, which lists
        # the others its articles have
        "name": next(value for value, _ in named[facet] if value.casefold() == wanted),
        "found": found,
        "timeline": timeline_of(request, archive, found),
        "busiest": [(other, named[other][:BUSIEST_SHOWN]) for other in declared.beside],
        "span": (min(found.facets.days), max(found.facets.days)),
    }
    return templates.TemplateResponse(request, "named.html", context)


def _names_route(facet: str) -> Callable[[Request, Archive], Response]:
    def names_page(request: Request, archive: ArchiveDep) -> Response:
        return _names_page(request, archive, facet)

    return names_page


def _named_route(facet: str) -> Callable[[Request, Archive, str], Response]:
    def named_page(request: Request, archive: ArchiveDep, name: str) -> Response:
        return _named_page(request, archive, facet, name)

    return named_page


for _facet in FACETS:  # /places and /places/{name}, /sources…: a pair of pages a facet
    router.add_api_route(_facet.path, _names_route(_facet.name), name=f"{_facet.plural}_page")
    router.add_api_route(
        f"{_facet.path}/{{name:path}}", _named_route(_facet.name), name=f"{_facet.name}_page"
    )
