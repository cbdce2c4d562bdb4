"""The web application: both faces (pages and JSON) over one archive, and one error policy.

Errors are raised as typed exceptions (`QueryError`, `NotFound`) and turned into
responses here, in one place: `{"detail": ...}` under /api/, a styled page elsewhere.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from app import api, web
from app.archive import Archive
from app.search import NotFound, QueryError
from app.settings import Settings, get_settings


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
        max_body_size=settings.max_request_bytes,
    )
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(web.router)
    app.add_exception_handler(QueryError, _query_error)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _query_error(request: Request, error: Exception) -> Response:
    return _error(request, 400, str(error))


async def _not_found(request: Request, error: Exception) -> Response:
    return _error(request, 404, str(error))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return _error(request, error.status_code, error.detail, error.headers)


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    if _is_api(request):
        return JSONResponse({"detail": jsonable_encoder(error.errors())}, status_code=422)
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())[1:])
    return web.error_page(request, 400, f"{where}: {first.get('msg', 'invalid value')}")


async def _internal_error(request: Request, _exc: Exception) -> Response:
    """Last resort: the same shape as every other error; the traceback goes to the log."""
    return _error(request, 500, "internal error: the archive could not answer this request")


def _error(request: Request, status: int, detail: object, headers=None) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    return web.error_page(request, status, str(detail))
