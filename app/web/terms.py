"""What a search's matches talk about, as a page of its own: the results page links to it
and its script puts the list in place, so that counting a sample's words never delays the
results (it costs more than the search; see `app/search/significant.py`).

Like `pages.py`, only HTTP in and a template out.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.search import queries as search
from app.search.params import parse_params
from app.web.deps import ArchiveDep
from app.web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@router.get("/search/terms")
def terms_page(request: Request, archive: ArchiveDep) -> Response:
    """A bad parameter is refused as a page the reader can act on (`handlers.py`)."""
    found = search.significant_terms(archive, parse_params(dict(request.query_params)))
    return templates.TemplateResponse(request, "terms.html", {"found": found})
