"""The web application: both faces (pages and JSON) over one archive, behind the middleware
every response passes through, with one error policy (`handlers.py`)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.archive import Archive
from app.processes import end_with, server_pid
from app.settings import Settings, get_settings
from app.web import api, browse, docs, handlers, health, pages, templating, terms
from app.web.middleware import BodyLimit, HeadAsGet
from app.web.security import SecureResponses


def create_app(settings: Settings | None = None, *, catch_up: bool = True) -> FastAPI:
    """The ASGI app over the archive in `settings` (the process's settings by default).

    At start it brings the index up to the store (`Archive.catch_up`) unless `catch_up`
    is False: under `serve`, its follower does, while the workers answer.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        archive = Archive(settings)
        if catch_up:
            archive.catch_up()
        archive.warm()
        app.state.archive = archive
        yield
        archive.close()

    app = FastAPI(
        title="News Archive",
        summary="Search and read an archive of news articles.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by `docs.py`, from the package, not a CDN
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecureResponses)  # added last, so it wraps the 413s as well
    app.mount("/static", StaticFiles(directory=templating.STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(browse.router)
    app.include_router(terms.router)
    app.include_router(health.router)
    docs.mount(app)
    handlers.register(app)
    return app


def worker_app() -> FastAPI:
    """The app of one of `serve --workers N`'s processes (uvicorn's factory, by name).

    Its settings come from the environment, like its parent's; the parent has ingested
    the seeds and started the follower, so that N workers do not race to. It dies with
    its parent, however that ends (SIGKILL included): a killed node must neither answer
    from a frozen index nor hold its port.
    """
    end_with(server_pid())
    return create_app(get_settings(), catch_up=False)
