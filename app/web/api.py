"""The JSON API: HTTP in, calls of the query layer, JSON out. No query logic here."""

import inspect
import keyword
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from app.archive import Archive
from app.errors import NotFound, Unprocessable
from app.facets import FACETS, Facet
from app.ingest import ingest_records
from app.search import export
from app.search import queries as search
from app.search.headlines import shown_titles
from app.search.params import PARAMETERS, Parameter, SearchParams, parse_params
from app.search.related import related
from app.search.suggestions import suggestion
from app.search.timeline import as_csv
from app.search.versions import superseded, versions
from app.web.deps import ArchiveDep, WriterDep
from app.web.schemas import (
    AddedOut,
    ArticleOut,
    ErrorOut,
    NamesOut,
    RelatedOut,
    SearchOut,
    StatsOut,
    TermsOut,
    TimelineOut,
    VersionsOut,
    added_out,
    article_out,
    names_out,
    result_out,
    search_out,
    stats_out,
    terms_out,
    timeline_out,
    versions_out,
)
from app.web.urls import article_url, public_base

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
EXPORTED: dict[int | str, dict[str, Any]] = {
    200: {"content": {media: {"schema": {"type": "string"}} for media in export.FORMATS.values()}}
}


def _query_parameter(parameter: Parameter) -> inspect.Parameter:
    """One query-string parameter as FastAPI declares it: text, or a whole number in range."""
    name = parameter.name + "_" if keyword.iskeyword(parameter.name) else parameter.name
    documented: dict[str, Any] = {"alias": parameter.name, "description": parameter.help}
    annotation: object
    if parameter.maximum is None:
        query, annotation = Query(None, **documented), str | None
    else:
        query, annotation = Query(None, ge=1, le=parameter.maximum, **documented), int | None
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=query, annotation=annotation
    )


async def search_params(**values: object) -> SearchParams:
    """The search parameters every list endpoint takes, validated by the query layer.

    FastAPI reads the parameters from `__signature__`, made below from `PARAMETERS`, so
    that the API declares (and /docs shows) exactly what the pages read. A coroutine, as
    it never blocks (see `deps.py`).
    """
    return parse_params({_QUERY_NAMES[name]: value for name, value in values.items()})


_DECLARED = [_query_parameter(parameter) for parameter in PARAMETERS]
_QUERY_NAMES = {
    declared.name: parameter.name for declared, parameter in zip(_DECLARED, PARAMETERS, strict=True)
}
search_params.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    _DECLARED, return_annotation=SearchParams
)
Params = Annotated[SearchParams, Depends(search_params)]


def json_of(answer: BaseModel) -> Response:
    """`answer` as the JSON FastAPI would send for it, not validated again: it was built
    from validated values. (FastAPI validates what a route returns against its
    `response_model`, on the thread pool for a plain function; with the dependencies made
    coroutines, a warm search on one worker went from 6.7 to 4.6 ms.) The routes keep
    `response_model` for /docs."""
    return Response(answer.model_dump_json(), media_type="application/json")


@router.get("/search", response_model=SearchOut, responses=ERRORS)
def search_articles(archive: ArchiveDep, params: Params) -> Response:
    """Full-text search with date, place, source and topic filters, facets and "did you
    mean"."""
    found = search.search(archive, params, facets=True)
    return json_of(search_out(found, suggestion=suggestion(archive, found)))


@router.get("/articles", response_model=SearchOut, responses=ERRORS)
def list_articles(archive: ArchiveDep, params: Params) -> Response:
    """Browse the archive by the filters (q, if given, searches as /api/search does)."""
    return json_of(search_out(search.search(archive, params, facets=True)))


TIMELINE_CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}


@router.get("/timeline", response_model=TimelineOut, responses={**ERRORS, **TIMELINE_CSV})
def search_timeline(
    archive: ArchiveDep,
    params: Params,
    format: Annotated[str, Query(pattern="^(json|csv)$", description="json or csv.")] = "json",
) -> Response:
    """How many stories match a day, week, month or year, as /api/search's total divides,
    beside the whole archive's stories of the same days and the matches' share of them;
    as CSV, one row a bucket (start, end, label, matches, archive, share)."""
    found = search.search(archive, params, facets=True)
    charted = search.charted(found, search.archive_days(archive)) if found.total else None
    if format == "csv":
        rows = as_csv(charted.every, shares=charted.shares) if charted else as_csv([])
        headers = {"Content-Disposition": 'attachment; filename="timeline.csv"'}
        return Response(rows, media_type=export.FORMATS["csv"], headers=headers)
    return json_of(timeline_out(found.total, charted))


@router.get("/terms", response_model=TermsOut, responses=ERRORS)
def search_terms(archive: ArchiveDep, params: Params) -> Response:
    """The 20 words and two-word names most over-represented in the best 200 matches (by
    relevance; without q the newest 200 articles under the filters) against the whole
    archive, by log-likelihood (G²); stop words, numbers and the query's words left out."""
    return json_of(terms_out(search.significant_terms(archive, params)))


@router.get("/export", response_class=StreamingResponse, responses={**ERRORS, **EXPORTED})
def export_articles(
    request: Request,
    archive: ArchiveDep,
    params: Params,
    format: Annotated[str, Query(pattern="^(csv|ndjson)$", description="csv or ndjson.")] = "csv",
) -> StreamingResponse:
    """Every match of the search (no page limit: as many rows as its total, a story's
    versions once unless collapse=false), streamed as CSV or NDJSON, each with its
    article's full address; the file is named after the search (opec-1987-03.csv)."""
    records = export.matching_articles(archive, params)
    write = export.csv_chunks if format == "csv" else export.ndjson_chunks
    base = public_base(request, archive.settings.public_url)
    chunks = write(records, url_of=lambda article_id: base + article_url(article_id))
    name = f"{export.file_name(params)}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(chunks, media_type=export.FORMATS[format], headers=headers)


@router.get("/articles/{article_id}", response_model=ArticleOut, responses=NOT_FOUND)
def read_article(archive: ArchiveDep, article_id: str) -> Response:
    """One article, whole, with its headline as shown and what replaced it, if anything."""
    record = search.get_article(archive, article_id)
    shown = shown_titles(archive, [record])[record.id]
    return json_of(article_out(record, shown, superseded(archive, record)))


@router.get("/articles/{article_id}/versions", response_model=VersionsOut, responses=NOT_FOUND)
def article_versions(archive: ArchiveDep, article_id: str) -> Response:
    """Every version of the article's story (updates, corrections, resends), oldest first,
    each with the words changed since the one before."""
    return json_of(versions_out(versions(archive, article_id)))


@router.get("/articles/{article_id}/related", response_model=RelatedOut, responses=NOT_FOUND)
def related_articles(archive: ArchiveDep, article_id: str) -> Response:
    """The five stories most like this one, none a version of its own story."""
    record = search.get_article(archive, article_id)
    return json_of(RelatedOut(items=[result_out(item) for item in related(archive, record.id)]))


ArticlesIn = Annotated[
    dict[str, Any] | list[dict[str, Any]],
    Body(
        description="One article or a list. Fields: id, published (YYYY-MM-DD), title, body "
        "(paragraphs separated by a blank line), source, place or dateline, url, authors, "
        "topics (a list, or text separated by commas); aliases date, date_publish, headline, "
        "text, maintext, and tags, keywords, subjects for topics, are accepted.",
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
    answer = added_out(report)
    if answer.rejected and not answer.stored:
        raise Unprocessable([item.model_dump() for item in answer.rejected])
    return answer


@router.delete(
    "/articles/{article_id}",
    status_code=204,
    responses={
        404: {"model": ErrorOut, "description": "No article is stored under this id."},
        401: {"model": ErrorOut, "description": "No valid bearer token."},
        403: {"model": ErrorOut, "description": "Writes are disabled on this server."},
    },
)
def delete_article(archive: ArchiveDep, _writer: WriterDep, article_id: str) -> Response:
    """Delete an article, with the ids of its duplicates, from the store and every node's
    index; needs the API token."""
    if not archive.delete([article_id]):
        raise NotFound(f"no article is stored under the id {article_id!r}")
    return Response(status_code=204)


@router.get("/stats", response_model=StatsOut)
def archive_stats(archive: ArchiveDep) -> Response:
    """How many articles, their date span, and counts by source, by place and by topic."""
    return json_of(stats_out(search.stats(archive)))


def _names_route(facet: Facet) -> Callable[[Archive, SearchParams], Response]:
    def list_names(archive: ArchiveDep, params: Params) -> Response:
        return json_of(names_out(search.named_counts(archive, params, facet.name)))

    list_names.__doc__ = (
        f"Every {facet.name} among the matches (the archive's, with no query and no filter), "
        f"the commonest first: /api/search's {facet.name} facet, whole. {facet.help}"
    )
    return list_names


for _facet in FACETS:  # /api/places, /api/sources, /api/topics: a list a facet
    router.add_api_route(
        _facet.path,
        _names_route(_facet),
        response_model=NamesOut,
        responses=ERRORS,
        name=f"list_{_facet.plural}",
    )
