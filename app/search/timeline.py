"""Matches per day, week, month or year: the buckets of a search's timeline.

A results page says how many stories match, not *when*. Pure functions: per-day counts
in, consecutive `Bucket`s out, which both faces show (`/api/timeline`, and the page's
chart drawn by `app/web/chart.py`).

Raw counts mislead where the archive itself is uneven: a week it holds 454 stories of
shows fewer matches than one it holds 2,459 of, though the subject may have grown. So a
bucket also holds the whole archive's stories of its days (`archive`), and its matches'
`share` of them; a period the archive holds nothing of is a gap, not "no matches".
"""

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby, pairwise

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
    """One bar: the days `start`..`end` (both inclusive) and the matches published in them,
    with the whole archive's stories of those days (`archive`; None for a bucket of the
    archive's own stories, whose `count` they are)."""

    start: date
    end: date
    count: int
    label: str  # "17 Oct 2025", "week of 13 Oct 2025", "Oct 2025" or "2025"
    archive: int | None = None

    @property
    def held(self) -> int:
        """The archive's stories of these days."""
        return self.count if self.archive is None else self.archive

    @property
    def share(self) -> float | None:
        """The part of the archive's stories of these days that match; None where the
        archive holds none (or the bucket counts the archive itself)."""
        return self.count / self.archive if self.archive else None


# A stretch of more than a year without a story in the archive is left out of the span
# that picks a chart's unit: Reuters-21578's 1987 and Wikinews' 2019–2020 are charted a
# bar a month, not a year, the 31 years between one band. Shorter lulls (a month without
# a story) stay in the span: a sparse archive is still charted a bar a month, not a day.
GAP_DAYS = 367


def choose_unit(first: date, last: date, archive: Mapping[date, int] | None = None) -> str:
    """The period of one bar for a chart of `first`..`last`.

    "day" when the span (both ends counted) is at most 62 days, "week" up to two years
    (731 days), "month" up to ten years (3,653 days), else "year": about 10 to 120 bars.
    Given the archive's stories a day, its gaps of `GAP_DAYS` or more are not counted in
    the span: a chart of the days the archive holds is not coarsened by the years it holds
    nothing of (each run of periods without a story is one bucket: `gaps_merged`).
    """
    span = abs((last - first).days) + 1
    if archive is not None:
        span -= _unheld(min(first, last), max(first, last), archive)
    if span <= MAX_DAY_SPAN:
        return "day"
    if span <= MAX_WEEK_SPAN:
        return "week"
    return "month" if span <= MAX_MONTH_SPAN else "year"


def _unheld(first: date, last: date, archive: Mapping[date, int]) -> int:
    """The days of `first`..`last` in stretches of `GAP_DAYS` or more without a story."""
    held = sorted(day.toordinal() for day, count in archive.items() if count)
    inside = [day for day in held if first.toordinal() <= day <= last.toordinal()]
    edges = [first.toordinal() - 1, *inside, last.toordinal() + 1]
    return sum(gap for a, b in pairwise(edges) if (gap := b - a - 1) >= GAP_DAYS)


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
    archive: Mapping[date, int] | None = None,
) -> list[Bucket]:
    """Per-day counts grouped into consecutive buckets covering `first`..`last`.

    `first` and `last` default to the earliest and latest day in `day_counts`; days outside
    them are left out. Periods without matches are kept (count 0) so the chart has no gaps.
    Weeks start on Monday, months are calendar months, and the first and last buckets are
    clipped to the range, so no bucket reaches outside it. No days, or `first` after
    `last`, give no buckets. `unit` defaults to `choose_unit(first, last, archive)`.
    Given the archive's stories a day, each bucket holds those of its days too.
    """
    if not day_counts:
        return []
    first = min(day_counts) if first is None else first
    last = max(day_counts) if last is None else last
    if first > last:
        return []
    unit = unit or choose_unit(first, last, archive)
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    spans = list(_spans(first, last, unit))
    position = {_floor(start, unit): n for n, (start, _) in enumerate(spans)}
    counts = _counted(day_counts, first, last, unit, position)
    # The archive's stories, never fewer than the matches: the two are counted apart, and
    # a story added between the two counts must not make a share greater than 1.
    held = counts if archive is None else _counted(archive, first, last, unit, position)
    return [
        Bucket(
            start,
            end,
            count,
            _label(_floor(start, unit), unit),
            None if archive is None else max(stories, count),
        )
        for (start, end), count, stories in zip(spans, counts, held, strict=True)
    ]


def _counted(
    day_counts: Mapping[date, int], first: date, last: date, unit: str, position: dict[date, int]
) -> list[int]:
    counts = [0] * len(position)
    for day, count in day_counts.items():
        if first <= day <= last:
            counts[position[_floor(day, unit)]] += count
    return counts


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


def gathered(
    day_counts: Mapping[date, int], first: date, last: date, archive: Mapping[date, int]
) -> Bucket:
    """The matches of `first`..`last` in one bucket, with the archive's stories of those
    days: the matches a chart leaves out, far from the rest, counted apart."""
    count = sum(n for day, n in day_counts.items() if first <= day <= last)
    held = sum(n for day, n in archive.items() if first <= day <= last)
    return Bucket(first, last, count, span_label(first, last), max(held, count))


def gaps_merged(chart: list[Bucket], unit: str) -> list[Bucket]:
    """`chart` with each run of periods the archive holds nothing of as one bucket: a
    chart draws one band for "Nov 1987 to Dec 2018", not 374 empty months."""
    merged: list[Bucket] = []
    for empty, grouped in groupby(chart, key=lambda bucket: not bucket.held):
        run = list(grouped)
        if empty and len(run) > 1:
            label = _run_label(run, unit)
            merged.append(Bucket(run[0].start, run[-1].end, 0, label, run[0].archive))
        else:
            merged.extend(run)
    return merged


GAPS_PER_BAR = 0.5  # at most one band of "nothing here" for every two bars with stories


def chart_of(
    day_counts: Mapping[date, int], first: date, last: date, archive: Mapping[date, int]
) -> tuple[str, list[Bucket]]:
    """The unit and the buckets (gaps merged) of a chart of `first`..`last` against the
    archive's stories a day: `choose_unit`'s, or a coarser one where that would leave
    more than `GAPS_PER_BAR` gaps a bar. An archive of a story every twelve days is
    charted a bar a month, not as weeks of which every other one "holds nothing"."""
    finest = choose_unit(first, last, archive)
    for unit in UNITS[UNITS.index(finest) :]:
        chart = gaps_merged(
            buckets(day_counts, first=first, last=last, unit=unit, archive=archive), unit
        )
        gaps = sum(1 for bucket in chart if not bucket.held)
        if gaps <= (len(chart) - gaps) * GAPS_PER_BAR:
            break
    return unit, chart


FEW_MATCHES = 10  # at most this many matches are listed by date, not charted


@dataclass(frozen=True)
class Charted:
    """A search's matches over time, as both faces give them: consecutive buckets over the
    days most of them lie in (`focus`), each with the archive's stories of its days (a run
    of periods the archive holds nothing of in one bucket, "Nov 1987 to Dec 2018"); the
    matches far before and after in a bucket each; and, for a few matches (`FEW_MATCHES`),
    the days that hold them, which a page lists rather than charts."""

    unit: str
    buckets: list[Bucket]
    before: Bucket | None
    after: Bucket | None
    dates: list[Bucket]
    shares: bool  # the matches are stories, as the archive's are: their share means something

    @property
    def every(self) -> list[Bucket]:
        """From the first match to the last, their counts summing to the total."""
        before = [self.before] if self.before else []
        return before + self.buckets + ([self.after] if self.after else [])


def charted(
    day_counts: Mapping[date, int], archive: Mapping[date, int], *, total: int, shares: bool
) -> Charted | None:
    """`total` matches, `day_counts` a day, against the archive's stories a day; None for
    no match. `shares`: whether the matches are counted as the archive's stories are."""
    days = {day: count for day, count in day_counts.items() if count}
    if not days:
        return None
    first, last = focus(days)
    unit, chart = chart_of(days, first, last, archive)
    one_day = timedelta(days=1)
    before = gathered(days, min(days), first - one_day, archive) if min(days) < first else None
    after = gathered(days, last + one_day, max(days), archive) if max(days) > last else None
    few = total <= FEW_MATCHES
    dates = [gathered(days, day, day, archive) for day in sorted(days)] if few else []
    return Charted(unit, chart, before, after, dates, shares)


def _run_label(run: list[Bucket], unit: str) -> str:
    """ "Nov 1987 to Dec 2018"; a run of days or weeks by its first and last days."""
    if unit in ("month", "year"):
        return f"{run[0].label} to {run[-1].label}"
    return span_label(run[0].start, run[-1].end)


def span_label(first: date, last: date) -> str:
    """ "6 Jul 1987 to 18 Oct 1987", or the one day."""
    return day_label(first) if first == last else f"{day_label(first)} to {day_label(last)}"


DOMINANT_SHARE = 0.5  # a year holding more than this part of the archive is charted by month


def overview(day_counts: Mapping[date, int]) -> tuple[int | None, list[Bucket]]:
    """The archive's own stories as its home page charts them: by year, or, when one year
    holds more than half of them, that year's months (its first story's to its last's),
    with the year; each run of periods without a story in one bucket; nothing for less
    than two years. Reuters-21578 and Wikinews are 18,838 stories in 1987 and some 300 in
    2019–2020: a year chart would be one bar and two slivers; 1987's months show a shape,
    and the list of years beside it tells the rest."""
    held = {day: count for day, count in day_counts.items() if count}
    years = buckets(held, unit="year")
    if sum(1 for year in years if year.count) < 2:
        return None, []  # one year or none: its line in the list of years says it all
    densest = max(years, key=lambda year: year.count)
    if densest.count <= sum(year.count for year in years) * DOMINANT_SHARE:
        return None, gaps_merged(years, "year")
    days = [day for day in held if day.year == densest.start.year]
    months = buckets(held, first=min(days), last=max(days), unit="month")
    return densest.start.year, gaps_merged(months, "month")


def percent(share: float) -> str:
    """ "2.4 %", "0.9 %", "under 0.1 %": a share as a reader reads it."""
    if 0 < share < 0.001:
        return "under 0.1 %"
    return f"{share * 100:.1f} %"


CSV_FIELDS = ("start", "end", "label", "matches", "archive", "share")


def as_csv(chart: list[Bucket], *, shares: bool = True) -> str:
    """The buckets as CSV: each period's matching stories, the archive's, and the share
    (left empty where there is none, or `shares` is false)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for bucket in chart:
        share = "" if bucket.share is None or not shares else f"{bucket.share:.6f}"
        writer.writerow((bucket.start, bucket.end, bucket.label, bucket.count, bucket.held, share))
    return out.getvalue()
