"""Matches per day, week, month or year: the buckets of a search's timeline.

A results page says how many articles match, not *when*. Pure functions: per-day counts
in, consecutive `Bucket`s out, which both faces show (`/api/timeline`, and the page's
chart drawn by `app/web/chart.py`).
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

UNITS = ("day", "week", "month", "year")
# Spans count both ends (1 Jan..1 Jan is 1 day). The limits keep a chart between a handful
# and ~120 bars: ≤ 62 days by day, ≤ 2 years by week (≤ 106 bars), ≤ 10 years by month
# (≤ 121 bars), longer by year, so even a century stays a readable 100 bars.
MAX_DAY_SPAN = 62
MAX_WEEK_SPAN = 731
MAX_MONTH_SPAN = 3653
# Fixed English names: labels must not change with the server's locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Bucket:
    """One bar: the days `start`..`end` (both inclusive) and the matches published in them."""

    start: date
    end: date
    count: int
    label: str  # "17 Oct 2025", "week of 13 Oct 2025", "Oct 2025" or "2025"


def choose_unit(first: date, last: date) -> str:
    """The period of one bar for a chart of `first`..`last`.

    "day" when the span (both ends counted) is at most 62 days, "week" up to two years
    (731 days), "month" up to ten years (3,653 days), else "year": about 10 to 120 bars.
    """
    span = abs((last - first).days) + 1
    if span <= MAX_DAY_SPAN:
        return "day"
    if span <= MAX_WEEK_SPAN:
        return "week"
    return "month" if span <= MAX_MONTH_SPAN else "year"


def buckets(
    day_counts: Mapping[date, int],
    *,
    first: date | None = None,
    last: date | None = None,
    unit: str | None = None,
) -> list[Bucket]:
    """Per-day counts grouped into consecutive buckets covering `first`..`last`.

    `first` and `last` default to the earliest and latest day in `day_counts`; days outside
    them are left out. Periods without matches are kept (count 0) so the chart has no gaps.
    Weeks start on Monday, months are calendar months, and the first and last buckets are
    clipped to the range, so no bucket reaches outside it. No days, or `first` after
    `last`, give no buckets. `unit` defaults to `choose_unit(first, last)`.
    """
    if not day_counts:
        return []
    first = min(day_counts) if first is None else first
    last = max(day_counts) if last is None else last
    if first > last:
        return []
    unit = unit or choose_unit(first, last)
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    spans = list(_spans(first, last, unit))
    position = {_floor(start, unit): n for n, (start, _) in enumerate(spans)}
    counts = [0] * len(spans)
    for day, count in day_counts.items():
        if first <= day <= last:
            counts[position[_floor(day, unit)]] += count
    return [
        Bucket(start, end, count, _label(_floor(start, unit), unit))
        for (start, end), count in zip(spans, counts, strict=True)
    ]


def _spans(first: date, last: date, unit: str) -> Iterator[tuple[date, date]]:
    start = first
    while True:
        following = _next(_floor(start, unit), unit)
        if following is None or following > last:
            yield start, last
            return
        yield start, following - timedelta(days=1)
        start = following


def _floor(day: date, unit: str) -> date:
    """The first day of the period that holds `day`."""
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def _next(start: date, unit: str) -> date | None:
    """The first day of the period after the one starting on `start`; None past year 9999."""
    try:
        if unit == "week":
            return start + timedelta(days=7)
        if unit == "month":
            year, month = divmod(start.year * 12 + start.month, 12)
            return date(year, month + 1, 1)
        if unit == "year":
            return date(start.year + 1, 1, 1)
        return start + timedelta(days=1)
    except (OverflowError, ValueError):
        return None


def _label(start: date, unit: str) -> str:
    """A clipped first week keeps its calendar name: "week of" its Monday."""
    if unit == "week":
        return f"week of {day_label(start)}"
    if unit == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    if unit == "year":
        return str(start.year)
    return day_label(start)


def day_label(day: date) -> str:
    """ "17 Oct 2025": the same in every locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
