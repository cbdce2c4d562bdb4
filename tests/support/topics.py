"""Stories on a few topics, each sharing its topic's words: what related stories are found among."""

from datetime import date, timedelta

from app.archive import Archive
from support.helpers import make

COFFEE = [
    "Coffee exports from Brazil rose in March.",
    "Roasted coffee prices fell again.",
    "Coffee growers fear a frost.",
    "Instant coffee sales doubled.",
]
# Each story of a topic shares its topic's words with every other, and only its detail differs.
COCOA = [
    f"Cocoa beans: {detail}. Chocolate makers buy cocoa beans after the cocoa harvest."
    for detail in (
        "Ivory Coast arrivals slow",
        "Ghana's board sets a farm price",
        "grinders in Europe report demand",
        "rains help the mid-crop",
        "exporters ship from Abidjan",
        "a new season opens",
        "farmers hold back sales",
    )
]
OIL = [
    f"Crude oil: {detail}. Refinery buyers want crude oil barrels as OPEC meets."
    for detail in (
        "Saudi output is unchanged",
        "ministers meet on quotas",
        "a tanker leaves the strait",
        "margins widen in Asia",
        "exports rise in the Gulf",
        "a strike cuts runs",
    )
]


def add_bodies(archive: Archive, prefix: str, bodies: list[str]) -> list[str]:
    """Stores one article a body, a day apart; returns their ids."""
    articles = [
        make(f"{prefix}{n}", body, date(2024, 1, 1) + timedelta(days=n))
        for n, body in enumerate(bodies, start=1)
    ]
    archive.add(articles, source_paths=[None] * len(articles))
    return [article.id for article in articles]
