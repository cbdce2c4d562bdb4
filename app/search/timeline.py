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


OUTLYING_SHARE = 0.02  # of the matches, at most, left out of a chart as outliers...
FOCUS_GAIN = 3  # ...and only when the rest spans this many times less time
NEAR_DAYS = 7  # a match this close to the rest (or a tenth of its span) is not far out


def focus(day_counts: Mapping[date, int]) -> tuple[date, date]:
    """The days a chart should cover: from the first match to the last, unless a few
    matches (at most `OUTLYING_SHARE` of them, half at each end) lie so far out that
    leaving them out narrows the span `FOCUS_GAIN` times: then the span of the rest (with
    the matches close to it, which are not outliers). "oil prices" in an archive of 1987
    wire stories and a few later ones is charted over 1987, a bar a week, not as one bar
    among 33 years."""
    ordered = sorted((day, count) for day, count in day_counts.items() if count)
    if not ordered:
        raise ValueError("no matches to chart")
    allowed = sum(count for _, count in ordered) * OUTLYING_SHARE / 2
    start, end = 0, len(ordered) - 1
    left = right = 0
    while start < end and left + ordered[start][1] <= allowed:
        left += ordered[start][1]
        start += 1
    while end > start and right + ordered[end][1] <= allowed:
        right += ordered[end][1]
        end -= 1
    near = timedelta(days=max(NEAR_DAYS, (ordered[end][0] - ordered[start][0]).days // 10))
    while start > 0 and ordered[start][0] - ordered[start - 1][0] <= near:
        start -= 1  # what lies close to the rest is not an outlier
    while end < len(ordered) - 1 and ordered[end + 1][0] - ordered[end][0] <= near:
        end += 1
    full = (ordered[-1][0] - ordered[0][0]).days + 1
    core = (ordered[end][0] - ordered[start][0]).days + 1
    if core * FOCUS_GAIN > full:
        return ordered[0][0], ordered[-1][0]
    return ordered[start][0], ordered[end][0]


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
