"""Every address the pages link to, built in one place and used by templates and code alike.

A search's address comes from its parameters (`SearchParams.to_query`, defaults left
out) with some changed; an article's from its id, escaped as a path segment.
"""

from urllib.parse import quote, urlencode

from app.search.params import SearchParams

SEGMENT_SAFE = "!$&'()*+,;=:@"  # what RFC 3986 allows in a path segment besides unreserved


def search_url(params: SearchParams, path: str = "/search", **changes: object) -> str:
    """The URL of `path` (/search, or its JSON, CSV or Atom twin) for `params` with some
    changed, by query-string name; an empty or None value drops that parameter."""
    values: dict[str, object] = {**params.to_query(), **changes}
    query = urlencode({name: value for name, value in values.items() if value not in ("", None)})
    return f"{path}?{query}" if query else path


def article_url(article_id: str) -> str:
    return f"/articles/{quote(article_id, safe=SEGMENT_SAFE)}"
