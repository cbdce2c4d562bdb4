"""One error policy: every typed error becomes `{"detail": ...}` under /api/, a styled page
elsewhere. Routes raise the errors of `app.errors`; only this module builds their answers."""

from collections.abc import Mapping
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount

from app.errors import STORE_AWAY, Moved, QueryError, Refused, said_by_driver
from app.web import pages
from app.web.security import SECURITY_HEADERS

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# What a page says of the errors Starlette raises itself, whose details are a program's
FOR_READER = {
    404: "There is no page at this address: it may be mistyped, or the page may have moved.",
    405: "This address is there to be read, not to be sent to in that way.",
    413: "That request is too large for the archive to read.",
}
STORE_AWAY_FOR_READER = (
    "The archive's database is not answering just now, so this page cannot be shown. "
    "Try again in a moment."
)
RETRY_AFTER_SECONDS = 5  # a database restart or failover takes seconds, not minutes
INTERNAL_FOR_READER = (
    "The archive could not answer this request: something went wrong on its side. "
    "Try again in a moment."
)


def register(app: FastAPI) -> None:
    """Send each kind of error to its handler."""
    app.add_exception_handler(Moved, _moved)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for away in STORE_AWAY:
        app.add_exception_handler(away, _store_away)
    app.add_exception_handler(Exception, _internal_error)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _refused(request: Request, error: Exception) -> Response:
    """A refusal: the JSON names the parameter; a page tells the reader what to do (and a
    page number past the last leads to the first)."""
    assert isinstance(error, Refused)
    if _is_api(request):
        return _error(request, error.status, error.detail, error.headers)
    paging = isinstance(error, QueryError) and error.parameter == "page"
    page = pages.error_page(request, error.status, error.for_reader, first_page=paging)
    page.headers.update(error.headers)
    return page


async def _moved(request: Request, error: Exception) -> Response:
    """A duplicate's id: a permanent redirect to the same kind of page for the stored article.

    The path is rebuilt from the route, with only the id parameter changed: replacing
    every path segment equal to the alias would also replace `articles` in
    /api/articles/articles.
    """
    assert isinstance(error, Moved)
    canonical = quote(error.article_id, safe="")
    params = {
        name: canonical if value == error.alias else value
        for name, value in request.path_params.items()
    }
    path = request.app.url_path_for(request.scope["route"].name, **params)
    return RedirectResponse(str(path), status_code=308)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    headers = error.headers
    allowed = _allowed_methods(request) if error.status_code == 405 else []
    if allowed:  # Starlette names the methods of the first route at the path, not of all
        headers = {**(headers or {}), "Allow": ", ".join(allowed)}
    detail = error.detail if _is_api(request) else FOR_READER.get(error.status_code, error.detail)
    return _error(request, error.status_code, detail, headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route (mounted apps aside) serves at this request's path."""
    routes = [route for route in request.app.router.routes if not isinstance(route, Mount)]

    def served(method: str) -> bool:
        scope = {**request.scope, "method": "GET" if method == "HEAD" else method}  # HeadAsGet
        return any(route.matches(scope)[0] is Match.FULL for route in routes)

    return [method for method in METHODS if served(method)]


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    if _is_api(request):
        return JSONResponse({"detail": jsonable_encoder(error.errors())}, status_code=422)
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())[1:])
    reason = first.get("msg", "invalid")
    said = f"The address holds a value the archive cannot read: {where}, {reason}."
    return pages.error_page(request, 400, said)


async def _store_away(request: Request, error: Exception) -> Response:
    """The database is not answering: a 503 that says so, and when to try again. The log's
    line is the store's (`app.store.outages`), once an outage, not a traceback a request."""
    detail = f"the archive's database is not answering: {said_by_driver(error)}"
    said = detail if _is_api(request) else STORE_AWAY_FOR_READER
    return _error(request, 503, said, {"Retry-After": str(RETRY_AFTER_SECONDS)})


async def _internal_error(request: Request, _exc: Exception) -> Response:
    """Last resort: the same shape as every other error; the traceback goes to the log.

    Starlette sends this response from outside every middleware, so it is given the
    security headers here.
    """
    detail = "internal error: the archive could not answer this request"
    response = _error(request, 500, detail if _is_api(request) else INTERNAL_FOR_READER)
    response.headers.update(SECURITY_HEADERS)
    return response


def _error(
    request: Request, status: int, detail: object, headers: Mapping[str, str] | None = None
) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    page = pages.error_page(request, status, str(detail))
    page.headers.update(headers or {})  # Allow, WWW-Authenticate: a page needs them as much
    return page
