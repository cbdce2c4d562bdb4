"""The API's documentation page, /docs (Swagger UI), served from here.

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script: blank
on a machine without internet, and at odds with the site's Content-Security-Policy. Here
its files come from the `fastapi-offline` package (a maintained build, which we use for
its files alone), mounted under /docs/assets, and the page is a template that starts it
from a script of ours in /static, under the site's strict policy. FastAPI's /redoc is
not served: ReDoc loads its logo from a CDN and needs inline styles.
"""

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from app.web.templating import templates

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_PATH = "/docs/assets"

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@router.get("/docs")
def swagger_ui(request: Request) -> Response:
    return templates.TemplateResponse(request, "docs.html", {"assets": ASSETS_PATH})


def mount(app: FastAPI) -> None:
    """The documentation page and its files, on an app made with docs_url=None."""
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="docs-assets")
    app.include_router(router)
