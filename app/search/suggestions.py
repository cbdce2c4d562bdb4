""" "Did you mean": a respelt query, offered when a query finds little and the respelling
finds more. An offer only: it never changes what a search returns."""

from app.archive import Archive
from app.search.params import parse_params
from app.search.queries import SearchPage, search

SUGGEST_BELOW = 3  # offer a better spelling when a query finds fewer matches than this


def suggestion(archive: Archive, found: SearchPage) -> str | None:
    """A respelt query that finds more, when the query found little; else None.

    The engine respells only plain words (not field names, wildcards, quoted phrases
    or operators); the respelt query is run, and offered only if it finds more.
    """
    query = found.params.q
    if not query or found.total >= SUGGEST_BELOW:
        return None
    respelt = archive.index.respell(query)
    if respelt is None:
        return None
    better = search(archive, parse_params({"q": respelt, "per_page": 1}))
    return respelt if better.total > found.total else None
