"""The HTML pages: HTTP in, calls of the query layer, Jinja2 templates out.

Templates autoescape everything; the only markup passed through is snippets,
which the index builds from escaped text (see `index.snippet`).
"""

from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from app import search
from app.deps import ArchiveDep

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
LATEST_ON_HOME = 10

environment = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=True)
templates = Jinja2Templates(env=environment)
router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


def search_url(params: search.SearchParams, **changes: object) -> str:
    """The /search URL for `params` with some changed; default values are left out."""
    values = {
        "q": params.q,
        "from": params.date_from.isoformat() if params.date_from else "",
        "to": params.date_to.isoformat() if params.date_to else "",
        "place": params.place,
        "source": params.source,
        "sort": params.sort if params.sort != ("relevance" if params.q else "newest") else "",
        "per_page": params.per_page if params.per_page != search.DEFAULT_PER_PAGE else "",
        "page": params.page if params.page != 1 else "",
    }
    values.update(changes)
    query = urlencode({key: value for key, value in values.items() if value not in ("", None)})
    return f"/search?{query}" if query else "/search"


def long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


templates.env.globals["search_url"] = search_url
templates.env.filters["long_date"] = long_date


@router.get("/")
def home(request: Request, archive: ArchiveDep) -> Response:
    latest = search.search(archive, search.build_params(per_page=LATEST_ON_HOME))
    context = {"latest": latest, "stats": search.stats(archive), "months": search.months(archive)}
    return templates.TemplateResponse(request, "home.html", context)


@router.get("/search")
def search_page(request: Request, archive: ArchiveDep) -> Response:
    """Takes the query string as typed, so that a bad value is shown back, not refused blind."""
    raw = dict(request.query_params)
    try:
        params = search.build_params(
            q=raw.get("q"),
            date_from=raw.get("from"),
            date_to=raw.get("to"),
            place=raw.get("place"),
            source=raw.get("source"),
            sort=raw.get("sort"),
            page=raw.get("page"),
            per_page=raw.get("per_page"),
        )
        found = search.search(archive, params)
    except search.QueryError as error:
        context = {"raw": raw, "error": str(error)}
        return templates.TemplateResponse(request, "search.html", context, status_code=400)
    return templates.TemplateResponse(request, "search.html", {"raw": raw, "found": found})


@router.get("/articles/{article_id}")
def article_page(request: Request, archive: ArchiveDep, article_id: str) -> Response:
    article = search.get_article(archive, article_id)
    return templates.TemplateResponse(request, "article.html", {"article": article})


@router.get("/archive/{year:int}")
def year_page(
    request: Request, archive: ArchiveDep, year: int, page: str | None = None
) -> Response:
    return _period_page(request, search.period(archive, year=year, page=page))


@router.get("/archive/{year:int}/{month:int}")
def month_page(
    request: Request, archive: ArchiveDep, year: int, month: int, page: str | None = None
) -> Response:
    return _period_page(request, search.period(archive, year=year, month=month, page=page))


@router.get("/archive/{year:int}/{month:int}/{day:int}")
def day_page(
    request: Request, archive: ArchiveDep, year: int, month: int, day: int, page: str | None = None
) -> Response:
    found = search.period(archive, year=year, month=month, day=day, page=page)
    return _period_page(request, found)


def _period_page(request: Request, period: search.Period) -> Response:
    return templates.TemplateResponse(request, "period.html", {"period": period})


def error_page(request: Request, status: int, message: str) -> Response:
    """The styled error page every non-API error is shown with."""
    context = {"status": status, "message": message}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)
