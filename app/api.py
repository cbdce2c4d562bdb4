"""The JSON API: HTTP in, calls of the query layer, JSON out. No query logic here."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from app import search
from app.deps import ArchiveDep
from app.store import ArticleRecord

router = APIRouter(prefix="/api", tags=["api"])

ERRORS = {
    400: {"description": "A parameter cannot be served; `detail` says which and why."},
    422: {"description": "A parameter has the wrong type."},
}

DateFrom = Annotated[
    str | None, Query(alias="from", description="Earliest date, inclusive (YYYY-MM-DD).")
]
DateTo = Annotated[
    str | None, Query(alias="to", description="Latest date, inclusive (YYYY-MM-DD).")
]
Place = Annotated[str | None, Query(description="Dateline place, any case (e.g. WASHINGTON).")]
Source = Annotated[str | None, Query(description="Agency or source, any case (e.g. TASS).")]
Sort = Annotated[
    str | None, Query(description="relevance (default with q), newest (default) or oldest.")
]
Page = Annotated[int, Query(ge=1, le=search.MAX_DEPTH, description="Page number, from 1.")]
PerPage = Annotated[
    int, Query(ge=1, le=search.MAX_PER_PAGE, description="Results a page (at most 100).")
]


class ResultOut(BaseModel):
    id: str
    title: str
    published: date
    place: str | None
    source: str | None
    snippet: str = Field(description="HTML-safe excerpt; matched words are in <mark>.")
    url: str


class SearchOut(BaseModel):
    total: int = Field(description="How many articles match, over all pages.")
    page: int
    per_page: int
    pages: int
    items: list[ResultOut]


class ArticleOut(BaseModel):
    id: str
    title: str
    published: date
    place: str | None
    region: str | None
    source: str | None
    lead: str
    body: str = Field(description="Paragraphs separated by a blank line.")
    word_count: int
    authors: str | None
    source_url: str | None = Field(description="Where the source published it, when known.")
    url: str = Field(description="The article's page in this archive.")


class StatsOut(BaseModel):
    articles: int
    first_published: date | None
    last_published: date | None
    by_source: dict[str, int]
    by_place: dict[str, int]


@router.get("/search", response_model=SearchOut, responses=ERRORS)
def search_articles(
    archive: ArchiveDep,
    q: Annotated[str | None, Query(description="Words to find (Whoosh query syntax).")] = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    place: Place = None,
    source: Source = None,
    sort: Sort = None,
    page: Page = 1,
    per_page: PerPage = search.DEFAULT_PER_PAGE,
) -> SearchOut:
    """Full-text search with date, place and source filters."""
    params = search.build_params(
        q=q,
        date_from=date_from,
        date_to=date_to,
        place=place,
        source=source,
        sort=sort,
        page=page,
        per_page=per_page,
    )
    return _search_out(search.search(archive, params))


@router.get("/articles", response_model=SearchOut, responses=ERRORS)
def list_articles(
    archive: ArchiveDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    place: Place = None,
    source: Source = None,
    sort: Sort = None,
    page: Page = 1,
    per_page: PerPage = search.DEFAULT_PER_PAGE,
) -> SearchOut:
    """Browse the archive by the filters, newest first unless sorted otherwise."""
    params = search.build_params(
        date_from=date_from,
        date_to=date_to,
        place=place,
        source=source,
        sort=sort,
        page=page,
        per_page=per_page,
    )
    return _search_out(search.search(archive, params))


@router.get(
    "/articles/{article_id}",
    response_model=ArticleOut,
    responses={404: {"description": "No article has this id."}},
)
def read_article(archive: ArchiveDep, article_id: str) -> ArticleOut:
    """One article, whole."""
    return _article_out(search.get_article(archive, article_id))


@router.get("/stats", response_model=StatsOut)
def archive_stats(archive: ArchiveDep) -> StatsOut:
    """How many articles, their date span, and counts by source and by place."""
    found = search.stats(archive)
    return StatsOut(**vars(found))


def _search_out(found: search.SearchPage) -> SearchOut:
    return SearchOut(
        total=found.total,
        page=found.params.page,
        per_page=found.params.per_page,
        pages=found.pages,
        items=[ResultOut(**{**vars(item), "snippet": str(item.snippet)}) for item in found.items],
    )


def _article_out(record: ArticleRecord) -> ArticleOut:
    fields = {name: getattr(record, name) for name in ArticleOut.model_fields if name != "url"}
    return ArticleOut(**fields, url=search.article_url(record.id))
