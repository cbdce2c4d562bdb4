"""The JSON API: HTTP in, calls of the query layer, JSON out. No query logic here."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query
from pydantic import BaseModel, Field

from app import search
from app.deps import ArchiveDep, WriterDep
from app.ingest import ingest_records
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


class RejectedOut(BaseModel):
    item: str = Field(description="Which item of the request (1-based).")
    reason: str


class AddedOut(BaseModel):
    added: int
    updated: int
    unchanged: int = Field(description="Already stored: the same id and text, or the same text.")
    rejected: list[RejectedOut]


ArticlesIn = Annotated[
    dict[str, Any] | list[dict[str, Any]],
    Body(
        description="One article or a list. Fields: id, published (YYYY-MM-DD), title, body "
        "(paragraphs separated by a blank line), source, place or dateline, url, authors; "
        "aliases date, date_publish, headline, text, maintext are accepted.",
        examples=[{"published": "2025-10-17", "title": "Talks in Budapest", "body": "Text."}],
    ),
]


@router.post(
    "/articles",
    response_model=AddedOut,
    responses={
        401: {"description": "No valid bearer token."},
        403: {"description": "Writes are disabled on this server."},
        413: {"description": "The request body is over the limit."},
        422: {"description": "No item could be stored; `detail` gives each reason."},
    },
)
def add_articles(archive: ArchiveDep, _writer: WriterDep, articles: ArticlesIn) -> AddedOut:
    """Add articles, validated and deduplicated as ingest does; needs the API token."""
    report = ingest_records(archive, articles if isinstance(articles, list) else [articles])
    rejected = [RejectedOut(item=r.path, reason=r.reason) for r in report.rejected]
    if rejected and not (report.added or report.updated or report.unchanged):
        raise HTTPException(422, [item.model_dump() for item in rejected])
    return AddedOut(
        added=report.added, updated=report.updated, unchanged=report.unchanged, rejected=rejected
    )


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
