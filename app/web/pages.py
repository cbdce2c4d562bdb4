"""The HTML pages: HTTP in, calls of the query layer, Jinja2 templates out.

Templates autoescape everything; the only markup passed through is snippets, headlines
and highlighted paragraphs, which the engine builds from escaped text, marking the
searched words (see `app/engine/snippets.py`, `app/search/headlines.py`), and
the SVG charts (`chart.py`).
"""

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.errors import QueryError
from app.search import queries as search
from app.search.examples import PLACEHOLDER, examples
from app.search.headlines import shown_titles
from app.search.params import LIMITS, SearchParams, parse_params
from app.search.related import related
from app.search.suggestions import suggestion
from app.search.versions import superseded, version_count, versions
from app.web.atom import atom_feed
from app.web.deps import ArchiveDep
from app.web.templating import AS_TYPED, templates
from app.web.timelines import home_chart, timeline_of
from app.web.urls import (
    FROM_ARTICLE,
    article_url,
    first_page_url,
    public_base,
    search_url,
    ways_on,
)

LATEST_ON_HOME = 10
router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@router.get("/")
def home(request: Request, archive: ArchiveDep) -> Response:
    """The way in: the search box, and the archive's shape: its years, sources and places."""
    latest = search.search(archive, parse_params({"per_page": LATEST_ON_HOME}))
    years = search.years(archive)
    caption, chart = home_chart(search.archive_days(archive))
    context = {
        "latest": latest,
        "stats": search.stats(archive),
        "years": years,
        "chart": chart,
        "caption": caption,
        "examples": examples(archive),
    }
    return templates.TemplateResponse(request, "home.html", context)


@router.get("/search")
def search_page(request: Request, archive: ArchiveDep) -> Response:
    """Takes the query string as typed, so that a bad value is shown back, not refused blind."""
    raw = dict(request.query_params)
    try:
        found = search.search(archive, parse_params(raw), facets=True)
    except QueryError as error:
        context: dict[str, Any] = {"raw": raw, "error": error.for_reader, "refused": error}
        return templates.TemplateResponse(request, "search.html", context, status_code=400)
    offered, typed = suggestion(archive, found), None
    if offered and not found.total and raw.get(AS_TYPED) != "1":  # the respelling's results
        typed = found.params
        found = search.search(archive, replace(found.params, q=offered), facets=True)
    context = {
        "raw": raw,
        "found": found,
        "suggestion": None if typed else offered,
        "typed": typed,
        "timeline": timeline_of(request, archive, found),
        "examples": None if found.total else examples(archive),  # the "nothing matched" tips
    }
    return templates.TemplateResponse(request, "search.html", context)


@router.get("/search.atom")
def search_feed(request: Request, archive: ArchiveDep) -> Response:
    """The newest matches of any search, as an Atom feed."""
    params = parse_params({**request.query_params, "sort": "newest", "page": 1, "per_page": 50})
    found = search.search(archive, params)
    base = public_base(request, archive.settings.public_url)
    feed = atom_feed(
        items=found.items,
        feed_title=f"News Archive: {params.q or 'all articles'}",
        feed_id=base + search_url(params, sort=""),
        self_url=base + search_url(params, path="/search.atom", sort=""),
        alternate_url=base + search_url(params, sort=""),
        base_url=base,
        url_of=article_url,
    )
    return Response(feed, media_type="application/atom+xml; charset=utf-8")


@router.get("/help")
def help_page(request: Request, archive: ArchiveDep) -> Response:
    """The query language, with examples drawn from the archive (`examples.py`)."""
    context = {"limits": LIMITS, "examples": examples(archive), "placeholder": PLACEHOLDER}
    return templates.TemplateResponse(request, "help.html", context)


@router.get("/articles/{article_id}")
def article_page(request: Request, archive: ArchiveDep, article_id: str) -> Response:
    """The article at once; its related stories are a page of their own, which the article's
    script puts in place (working them out costs more than the rest of the page)."""
    article = search.get_article(archive, article_id)
    found_by = _search_of(request)
    context = {
        "article": article,
        "permalink": public_base(request, archive.settings.public_url) + article_url(article.id),
        "found_by": found_by,
        "terms": search.highlighted_words(archive, found_by.q) if found_by else frozenset(),
        "neighbours": search.neighbours(archive, article),
        "versions": version_count(archive, article),
        "shown": shown_titles(archive, [article])[article.id],
        "superseded": superseded(archive, article),
    }
    return templates.TemplateResponse(request, "article.html", context)


@router.get("/articles/{article_id}/versions")
def versions_page(request: Request, archive: ArchiveDep, article_id: str) -> Response:
    """The versions of an article's story in time order, each with what changed; the
    article's own marked when the reader came from its page (its links say so)."""
    context = {
        "versions": versions(archive, article_id),
        "article_id": article_id,
        "came_from": request.query_params.get(FROM_ARTICLE) == "1",
    }
    return templates.TemplateResponse(request, "versions.html", context)


def _search_of(request: Request) -> SearchParams | None:
    """The search an article was opened from (its results' links carry it), if any."""
    try:
        found_by = parse_params(dict(request.query_params))
    except QueryError:  # a link edited by hand: the article alone
        return None
    return found_by if found_by.q else None


@router.get("/articles/{article_id}/related")
def related_page(request: Request, archive: ArchiveDep, article_id: str) -> Response:
    article = search.get_article(archive, article_id)
    context = {
        "article": article,
        "shown": shown_titles(archive, [article])[article.id],
        "related": related(archive, article.id),
    }
    return templates.TemplateResponse(request, "related.html", context)


def error_page(
    request: Request, status: int, message: str, *, first_page: bool = False
) -> Response:
    """The styled error page every non-API error is shown with: what is wrong and what to
    do (`message`, in a reader's words), and where to go on: the page above an address that
    holds nothing, or a list's first page when the page asked for is past its last."""
    path = request.url.path
    ways = ways_on(path) if status == 404 else []
    if first_page:
        ways = [("The first page", first_page_url(path, request.query_params))]
    context = {"status": status, "message": message, "ways": ways}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)
