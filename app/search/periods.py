"""A year, a month or a day of the archive, and where its page leads: to the nearest periods
that hold stories.

The calendar's neighbours lead into nothing at the archive's edges and across its gaps
(Reuters-21578 is 1987 alone: its 1986 and 1988 are empty, and so is every month's May of
another year). Here each step goes to the nearest period of the same length that holds a
story, or is None where the archive ends (`steps`, pure: the archive's days in, dates out).
"""

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from app.archive import Archive
from app.errors import NotFound
from app.filters import long_date
from app.search.generations import once_a_generation
from app.search.params import parse_params
from app.search.queries import SearchPage, archive_days, search

PARTS = ("year", "month")  # the periods whose pages list their parts: months, days


@dataclass(frozen=True)
class Steps:
    """The first day of the nearest period of the same length before and after a period
    that holds stories; for a month, also the same month of the nearest year before and
    after whose month holds stories. None: the archive holds nothing that way."""

    before: date | None = None
    after: date | None = None
    year_before: date | None = None  # a month's: the same month, in an earlier year
    year_after: date | None = None


@dataclass(frozen=True)
class Period:
    """A year, month or day of the archive, with its stories, its parts and its steps."""

    year: int
    month: int | None
    day: int | None
    first: date
    last: date
    page: SearchPage
    parts: list[tuple[date, int]]  # (start of each month or day, stories)
    steps: Steps

    @property
    def weeks(self) -> list[list[tuple[date, int] | None]]:
        """A month's days a week a row, Monday first, each with its stories (0 for none):
        a calendar, where the days without a story show too. None pads the weeks."""
        assert self.month is not None, "only a month has weeks"
        counts = dict(self.parts)
        weeks = calendar.Calendar().monthdayscalendar(self.year, self.month)  # 0: not in it
        dated = [[self.first.replace(day=n) if n else None for n in week] for week in weeks]
        return [[(day, counts.get(day, 0)) if day else None for day in week] for week in dated]

    @property
    def months(self) -> list[tuple[date, int]]:
        """A year's twelve months, each with its stories (0 for none)."""
        counts = dict(self.parts)
        firsts = (date(self.year, month, 1) for month in range(1, 13))
        return [(first, counts.get(first, 0)) for first in firsts]

    @property
    def unit(self) -> str:
        return _unit(self.month, self.day)

    @property
    def label(self) -> str:
        return label(self.first, self.unit)


def period(
    archive: Archive,
    *,
    year: int,
    month: int | None = None,
    day: int | None = None,
    page: int | str | None = None,
    sort: str | None = None,
) -> Period:
    """The stories of one year, month or day (oldest first unless sorted), its parts and
    the nearest periods beside it that hold stories."""
    first, last = _bounds(year, month, day)
    params = parse_params({"from": first, "to": last, "sort": sort or "oldest", "page": page})
    unit = _unit(month, day)
    found = search(archive, params, facets=unit in PARTS)
    days = once_a_generation(archive, "days", lambda: archive_days(archive))
    beside = steps(days, first, last, unit)
    return Period(year, month, day, first, last, found, _parts(found, unit), beside)


def _parts(found: SearchPage, unit: str) -> list[tuple[date, int]]:
    """A year's stories a month, or a month's a day, as the page's own search counts them."""
    if found.facets is None:
        return []
    return found.facets.months if unit == "year" else list(found.facets.days.items())


def label(first: date, unit: str) -> str:
    """How a period starting at `first` is named: 17 October 2025, October 2025, 2025."""
    if unit == "day":
        return long_date(first)
    return f"{first:%B %Y}" if unit == "month" else str(first.year)


def steps(days: Mapping[date, int], first: date, last: date, unit: str) -> Steps:
    """The steps from the period `first`..`last` (a `unit` long) over the days that hold
    stories (a day counted 0 holds none)."""
    held = sorted(day for day, count in days.items() if count)
    before, after = _start(_last_before(held, first), unit), _start(_first_after(held, last), unit)
    if unit != "month":
        return Steps(before, after)
    same_month = [day for day in held if day.month == first.month]
    return Steps(
        before,
        after,
        _start(_last_before(same_month, first), unit),
        _start(_first_after(same_month, last), unit),
    )


def start_of(day: date, unit: str) -> date:
    """The first day of the year, month or day `day` lies in."""
    if unit == "year":
        return date(day.year, 1, 1)
    return day.replace(day=1) if unit == "month" else day


def _unit(month: int | None, day: int | None) -> str:
    return "day" if day else "month" if month else "year"


def _last_before(held: Sequence[date], first: date) -> date | None:
    at = bisect_left(held, first)
    return held[at - 1] if at else None


def _first_after(held: Sequence[date], last: date) -> date | None:
    at = bisect_right(held, last)
    return held[at] if at < len(held) else None


def _start(day: date | None, unit: str) -> date | None:
    return None if day is None else start_of(day, unit)


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _bounds(year: int, month: int | None, day: int | None) -> tuple[date, date]:
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), month_end(date(year, month, 1))
        return date(year, month, day), date(year, month, day)
    except (ValueError, OverflowError) as error:
        reader = _not_in_calendar(year, month, day)
        raise NotFound(f"no such date in the calendar ({error})", for_reader=reader) from error


def _not_in_calendar(year: int, month: int | None, day: int | None) -> str:
    """Why a year, month or day is not in the calendar, in a reader's words."""
    if not date.min.year <= year <= date.max.year:
        return f"The calendar runs from the year 1 to {date.max.year}: there is no year {year:,}."
    if month is not None and not 1 <= month <= 12:
        return f"There is no month {month}: months run from 1 (January) to 12 (December)."
    assert month is not None, "a year in the calendar is in it whole"
    first, length = date(year, month, 1), calendar.monthrange(year, month)[1]
    return f"{first:%B %Y} has {length} days: there is no day {day} in it."
