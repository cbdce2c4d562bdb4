"""The web application: both faces (pages and JSON) over one archive, and one error policy.

Errors are raised as typed exceptions (`QueryError`, `NotFound`) and turned into
responses here, in one place: `{"detail": ...}` under /api/, a styled page elsewhere.
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.archive import Archive
from app.errors import Moved, NotFound, QueryError
from app.settings import Settings, get_settings
from app.web import api
from app.web import pages as web
from app.web.security import SecureResponses, security_headers

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def create_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app over the archive in `settings` (the process's settings by default)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        archive = Archive(settings)
        archive.repair()  # an ingest killed between store and index leaves drift: mend it first
        app.state.archive = archive
        yield
        archive.close()

    app = FastAPI(
        title="News Archive",
        summary="Search and read an archive of news articles.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecureResponses)  # added last, so it wraps the 413s as well
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(web.router)
    app.add_exception_handler(QueryError, _query_error)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Moved, _moved)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
    return app


class HeadAsGet:
    """Answers HEAD as GET without the body (FastAPI's GET routes refuse HEAD with 405).

    Link checkers, feed readers and monitors ask HEAD first; the headers, Content-Length
    included, are the GET's.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


class BodyLimit:
    """Refuses request bodies over `max_bytes` with 413, before they are read whole.

    A declared Content-Length over the limit is answered at once; a body sent
    without one is counted as it arrives and cut off at the limit.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await JSONResponse({"detail": self._reason()}, 413)(scope, receive, send)
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise HTTPException(413, self._reason())  # FastAPI passes it to our handler
            return message

        await self.app(scope, counted, send)

    def _reason(self) -> str:
        return f"the request body is over the limit of {self.max_bytes:,} bytes"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _query_error(request: Request, error: Exception) -> Response:
    return _error(request, 400, str(error))


async def _not_found(request: Request, error: Exception) -> Response:
    return _error(request, 404, str(error))


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
    return _error(request, error.status_code, error.detail, headers)


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
    return web.error_page(request, 400, f"{where}: {first.get('msg', 'invalid value')}")


async def _internal_error(request: Request, _exc: Exception) -> Response:
    """Last resort: the same shape as every other error; the traceback goes to the log.

    Starlette sends this response from outside every middleware, so it is given the
    security headers here.
    """
    response = _error(request, 500, "internal error: the archive could not answer this request")
    response.headers.update(security_headers(request.url.path))
    return response


def _error(
    request: Request, status: int, detail: object, headers: Mapping[str, str] | None = None
) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    page = web.error_page(request, status, str(detail))
    page.headers.update(headers or {})  # Allow, WWW-Authenticate: a page needs them as much
    return page
