"""The filters of a search or a listing: one value from the query string to the store and engine.

Every layer takes a `Filters` whole, so that adding a filter means: a field here (with
its query-string name and help), the store's column, the index's column and, for a
facet, its label (`FACET_LABELS`); nothing else spells the filters out.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date

from app.article import NUL
from app.errors import QueryError

MAX_FILTER_CHARS = 200
# Filters that keep the articles whose column of the same name equals the value, any case.
NAMED = ("place", "source")
# Filters that keep the articles whose tags of that kind hold the value, any case: an
# article has any number of topics.
TAGGED = ("topic",)
FACETED = (*NAMED, *TAGGED)
FACET_LABELS = {"source": "Source", "place": "Place", "topic": "Topic"}  # facets, in order
READER_NAMES = {"from": "start date", "to": "end date", **{name: name for name in FACETED}}
HELP = {  # query-string name: what it means, for the API's documentation
    "from": "Earliest date, inclusive (YYYY-MM-DD).",
    "to": "Latest date, inclusive (YYYY-MM-DD).",
    "place": "Dateline place, any case.",
    "source": "Agency or source, any case.",
    "topic": "Subject tag the source gave (cocoa, earn), any case.",
}


@dataclass(frozen=True)
class Filters:
    """What an article must be besides matching the words: in a date range, from a place…"""

    date_from: date | None = None
    date_to: date | None = None
    place: str = ""  # any case; "" is any place
    source: str = ""
    topic: str = ""  # any case; "" is any topic

    def __bool__(self) -> bool:
        return any(getattr(self, field.name) for field in fields(self))

    def named(self) -> dict[str, str]:
        """The named filters that are set, by column: {"place": "MOSCOW"}."""
        return {name: value for name in NAMED if (value := getattr(self, name))}

    def faceted(self) -> dict[str, str]:
        """The filters that are set and have a facet, named and tagged: {"topic": "cocoa"}."""
        return {name: value for name in FACETED if (value := getattr(self, name))}

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
                for_reader=f"The start date, {_long(first)}, is after the end date, "
                f"{_long(last)}: swap them, or change one.",
            )
        named = {name: _name(name, raw.get(name)) for name in FACETED}
        return cls(date_from=first, date_to=last, **named)


def _long(day: date) -> str:
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
