"""A search on the command line: its parameters written as NAME=VALUE, as the web's query
string names them, and its results as rows to print (text, JSON or CSV)."""

import csv
import io
import json
from collections.abc import Iterable

from app.counting import counted, noun_of
from app.errors import QueryError
from app.search.params import QUERY_NAMES
from app.search.queries import SearchPage

ROW_FIELDS = ("published", "id", "place", "source", "headline", "title", "versions")


def raw_params(q: str, pairs: Iterable[str]) -> dict[str, str]:
    """The query string `q` and `pairs` ("place=TOKYO", "from=1987-03-01") would make."""
    raw = {"q": q}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        name = name.strip()
        if not equals or name not in QUERY_NAMES:
            known = ", ".join(QUERY_NAMES[1:])
            raise QueryError("--param", f"{pair!r} is not NAME=VALUE, NAME one of {known}")
        raw[name] = value
    return raw


def heading(found: SearchPage) -> str:
    """ "134 stories for 'opec', page 1 of 7"."""
    words = f" for {found.params.q!r}" if found.params.q else ""
    return (
        f"{counted(found.total, noun_of(found.params))}{words}, "
        f"page {found.params.page:,} of {found.pages:,}"
    )


def rows(found: SearchPage) -> list[dict[str, object]]:
    """Each result of the page as a row: its headline as the pages show it and as sent."""
    return [
        {
            "published": item.published.isoformat(),
            "id": item.id,
            "place": item.place,
            "source": item.source,
            "headline": item.shown,
            "title": item.title,
            "versions": item.versions,
        }
        for item in found.items
    ]


def as_text(found: SearchPage) -> str:
    """One line a result: date, id and headline, tab-separated."""
    return "".join(f"{row['published']}\t{row['id']}\t{row['headline']}\n" for row in rows(found))


def as_json(found: SearchPage) -> str:
    page = {"total": found.total, "page": found.params.page, "pages": found.pages}
    return json.dumps({**page, "items": rows(found)}, ensure_ascii=False) + "\n"


def as_csv(found: SearchPage) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ROW_FIELDS)
    writer.writeheader()
    writer.writerows(rows(found))
    return buffer.getvalue()


PRINTERS = {"text": as_text, "json": as_json, "csv": as_csv}
