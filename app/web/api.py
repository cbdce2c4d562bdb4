"""The JSON API: HTTP in, calls of the query layer, JSON out. No query logic here."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query
from fastapi.responses import StreamingResponse

from app.ingest import ingest_records
from app.search import export
from app.search import queries as search
from app.search import suggestions as discover
from app.web.deps import ArchiveDep, WriterDep
from app.web.schemas import (
    AddedOut,
    ArticleOut,
    ErrorOut,
    RejectedOut,
    RelatedOut,
    SearchOut,
    StatsOut,
    TimelineOut,
    article_out,
    result_out,
    search_out,
    stats_out,
    timeline_out,
)

router = APIRouter(prefix="/api", tags=["api"])

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorOut,
        "description": "A parameter cannot be served; `detail` says which and why.",
    },
    422: {"model": ErrorOut, "description": "A parameter has the wrong type."},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No article has this id."},
    308: {"description": "The id is a duplicate's: the article is stored under another id."},
}
EXPORTED = {
    200: {"content": {media: {"schema": {"type": "string"}} for media in export.FORMATS.values()}}
}


def search_params(
    q: Annotated[str | None, Query(description="Words to find (see /help).")] = None,
    date_from: Annotated[
        str | None, Query(alias="from", description="Earliest date, inclusive (YYYY-MM-DD).")
    ] = None,
    date_to: Annotated[
        str | None, Query(alias="to", description="Latest date, inclusive (YYYY-MM-DD).")
    ] = None,
    place: Annotated[str | None, Query(description="Dateline place, any case.")] = None,
    source: Annotated[str | None, Query(description="Agency or source, any case.")] = None,
    sort: Annotated[
        str | None, Query(description="relevance (default with q), newest (default) or oldest.")
    ] = None,
    page: Annotated[int, Query(ge=1, le=search.MAX_DEPTH, description="From 1.")] = 1,
    per_page: Annotated[
        int, Query(ge=1, le=search.MAX_PER_PAGE, description="Results a page.")
    ] = search.DEFAULT_PER_PAGE,
) -> search.SearchParams:
    """The search parameters every list endpoint takes, validated by the query layer."""
    return search.build_params(
        q=q,
        date_from=date_from,
        date_to=date_to,
        place=place,
        source=source,
        sort=sort,
        page=page,
        per_page=per_page,
    )


Params = Annotated[search.SearchParams, Depends(search_params)]


@router.get("/search", response_model=SearchOut, responses=ERRORS)
def search_articles(archive: ArchiveDep, params: Params) -> SearchOut:
    """Full-text search with date, place and source filters, facets and "did you mean"."""
    found = search.search(archive, params, facets=True)
    return search_out(found, suggestion=discover.suggestion(archive, found))


@router.get("/articles", response_model=SearchOut, responses=ERRORS)
def list_articles(archive: ArchiveDep, params: Params) -> SearchOut:
    """Browse the archive by the filters (q, if given, searches as /api/search does)."""
    return search_out(search.search(archive, params, facets=True))


@router.get("/timeline", response_model=TimelineOut, responses=ERRORS)
def search_timeline(archive: ArchiveDep, params: Params) -> TimelineOut:
    """How many articles match a day, week, month or year, as /api/search's total divides."""
    found = search.search(archive, params, facets=True)
    unit, buckets = search.timeline(found)
    return timeline_out(found.total, buckets, unit)


@router.get("/export", response_class=StreamingResponse, responses={**ERRORS, **EXPORTED})
def export_articles(
    archive: ArchiveDep,
    params: Params,
    format: Annotated[str, Query(pattern="^(csv|ndjson)$", description="csv or ndjson.")] = "csv",
) -> StreamingResponse:
    """Every match of the search (no page limit), streamed as CSV or NDJSON."""
    records = export.matching_articles(archive, params)
    chunks = export.csv_chunks(records) if format == "csv" else export.ndjson_chunks(records)
    headers = {"Content-Disposition": f'attachment; filename="articles.{format}"'}
    return StreamingResponse(chunks, media_type=export.FORMATS[format], headers=headers)


@router.get("/articles/{article_id}", response_model=ArticleOut, responses=NOT_FOUND)
def read_article(archive: ArchiveDep, article_id: str) -> ArticleOut:
    """One article, whole."""
    return article_out(search.get_article(archive, article_id))


@router.get("/articles/{article_id}/related", response_model=RelatedOut, responses=NOT_FOUND)
def related_articles(archive: ArchiveDep, article_id: str) -> RelatedOut:
    """The five stories most like this one."""
    record = search.get_article(archive, article_id)
    return RelatedOut(items=[result_out(item) for item in discover.related(archive, record.id)])


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
        400: {"model": ErrorOut, "description": "The body is not JSON."},
        401: {"model": ErrorOut, "description": "No valid bearer token."},
        403: {"model": ErrorOut, "description": "Writes are disabled on this server."},
        413: {"model": ErrorOut, "description": "The request body is over the limit."},
        422: {
            "model": ErrorOut,
            "description": "No item could be stored; `detail` gives each reason.",
        },
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
    return stats_out(search.stats(archive))
