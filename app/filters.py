"""The filters of a search or a listing: one value from the query string to the store and engine.

Every layer takes a `Filters` whole: the dates, and a value for any of the facets
(`app/facets.py`, where a filter is declared); nothing else spells the filters out.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.article import NUL
from app.errors import QueryError
from app.facets import FACETS, facet_names

MAX_FILTER_CHARS = 200
READER_NAMES = {"from": "start date", "to": "end date", **{f.name: f.name for f in FACETS}}
HELP = {  # query-string name: what it means, for the API's documentation
    "from": "Earliest date, inclusive (YYYY-MM-DD).",
    "to": "Latest date, inclusive (YYYY-MM-DD).",
    **{f.name: f.help for f in FACETS},
}


@dataclass(frozen=True, init=False)
class Filters:
    """What an article must be besides matching the words: in a date range, from a place…

    `Filters(place="MOSCOW", date_from=…)`: a facet's value by its name, any case; "" is
    any. Hashable and equal by value, as a cache key must be."""

    date_from: date | None
    date_to: date | None
    chosen: tuple[tuple[str, str], ...]  # (facet, value) of those set, in `FACETS` order

    def __init__(
        self, date_from: date | None = None, date_to: date | None = None, **named: str
    ) -> None:
        if unknown := set(named) - set(facet_names()):
            raise TypeError(f"no facet is called {', '.join(sorted(unknown))}")
        chosen = tuple((f.name, named[f.name]) for f in FACETS if named.get(f.name))
        object.__setattr__(self, "date_from", date_from)
        object.__setattr__(self, "date_to", date_to)
        object.__setattr__(self, "chosen", chosen)

    def __bool__(self) -> bool:
        return bool(self.date_from or self.date_to or self.chosen)

    def value(self, name: str) -> str:
        """The value of the facet `name` ("" when not set)."""
        return dict(self.chosen).get(name, "")

    def faceted(self) -> dict[str, str]:
        """The facets' values that are set: {"topic": "cocoa"}."""
        return dict(self.chosen)

    def to_query(self) -> dict[str, str]:
        """The query-string form, filters not set left out."""
        values = {"from": self.date_from, "to": self.date_to, **self.faceted()}
        return {name: str(value) for name, value in values.items() if value}

    @classmethod
    def from_query(cls, raw: Mapping[str, object]) -> "Filters":
        """Validate the query-string values; `QueryError` names the bad parameter."""
        first, last = _date("from", raw.get("from")), _date("to", raw.get("to"))
        if first and last and first > last:
            raise QueryError(
                "from",
                f"{first} is after to={last}",
                for_reader=f"The start date, {long_date(first)}, is after the end date, "
                f"{long_date(last)}: swap them, or change one.",
            )
        named = {name: _name(name, raw.get(name)) for name in facet_names()}
        return cls(date_from=first, date_to=last, **named)


def long_date(day: date) -> str:
    """ "17 October 2025", as every page and refusal writes a day."""
    return f"{day.day} {day:%B %Y}"


def _date(parameter: str, value: object) -> date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise QueryError(
        parameter,
        f"{text[:40]!r} is not a date of the form YYYY-MM-DD",
        for_reader=f"The {READER_NAMES[parameter]} “{text[:40]}” is not a date in the calendar: "
        "pick one with the date box.",
    )


def _name(parameter: str, value: object) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > MAX_FILTER_CHARS:
        raise QueryError(
            parameter,
            f"is longer than {MAX_FILTER_CHARS} characters",
            for_reader=f"No {READER_NAMES[parameter]} has a name that long: choose one from "
            "the list beside the results.",
        )
    if NUL in text:
        raise QueryError(
            parameter,
            "holds a NUL character, which no stored name has",
            for_reader=f"No {READER_NAMES[parameter]} has that name: choose one from the list "
            "beside the results.",
        )
    return text
