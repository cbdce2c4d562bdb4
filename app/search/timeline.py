"""Matches per day, week, month or year, drawn as an accessible inline SVG bar chart.

A results page says how many articles match, not *when*. A small chart of matches over
time shows the shape of a story (a burst, a slow fade), and each bar links to the matches
of its period. Pure functions: per-day counts in, `Bucket`s and markup out. The query
layer supplies the counts, the page supplies the links (`href`) and the colours.

The SVG holds no script, no event handler and no `style` attribute, so it renders under
`Content-Security-Policy: default-src 'self'`. Bars carry `class="bar"` (`"bar empty"` for
periods without matches) and `fill="currentColor"`, which the page's CSS may override.
"""

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from markupsafe import Markup, escape

UNITS = ("day", "week", "month", "year")
# Spans count both ends (1 Jan..1 Jan is 1 day). The limits keep a chart between a handful
# and ~120 bars: ≤ 62 days by day, ≤ 2 years by week (≤ 106 bars), ≤ 10 years by month
# (≤ 121 bars), longer by year, so even a century stays a readable 100 bars.
MAX_DAY_SPAN = 62
MAX_WEEK_SPAN = 731
MAX_MONTH_SPAN = 3653
# Fixed English names: labels must not change with the server's locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

SVG_NS = "http://www.w3.org/2000/svg"
MIN_SLOT = 5.0  # px per bar at least: a chart with many bars grows wider, never thinner
MAX_BAR = 40.0  # px: a chart of three bars should not be three slabs
LABEL_BAND = 16  # px under the baseline for the first and last dates
TOP_PAD = 2  # px above the tallest bar
EMPTY_HEIGHT = 1  # px: a period without matches is a baseline tick, not a gap
MIN_HEIGHT = 2  # px: any match at all stands taller than an empty period
# Characters XML 1.0 cannot carry (most C0 controls, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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
        return f"week of {_day_label(start)}"
    if unit == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    if unit == "year":
        return str(start.year)
    return _day_label(start)


def _day_label(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def summary(buckets: list[Bucket]) -> str:
    """One sentence for the chart's <desc>, e.g.
    "42 matches from 1 Jan 1987 to 31 Oct 1987; peak: Mar 1987 (12)."."""
    if not buckets:
        return "No matches."
    first, last = _day_label(buckets[0].start), _day_label(buckets[-1].end)
    when = f"on {first}" if first == last else f"from {first} to {last}"
    total = sum(bucket.count for bucket in buckets)
    if not total:
        return f"No matches {when}."
    if len(buckets) == 1:
        return f"{_matches(total)} {when}."
    peak = max(buckets, key=lambda bucket: bucket.count)  # the earliest of equal peaks
    return f"{_matches(total)} {when}; peak: {peak.label} ({peak.count:,})."


def _matches(count: int) -> str:
    if not count:
        return "no matches"
    return "1 match" if count == 1 else f"{count:,} matches"


def svg(
    buckets: list[Bucket],
    *,
    href: Callable[[Bucket], str],
    title: str,
    width: int = 640,
    height: int = 120,
    chart_id: str = "timeline",
) -> Markup:
    """An inline SVG bar chart of `buckets`, one bar per bucket, or "" when there are none.

    Each bar with matches is a link to `href(bucket)` covering its whole column, so even a
    1-match bar is an easy target; periods without matches are a 1 px baseline tick with a
    tooltip but no link (nothing to see there, one Tab stop fewer). The chart is wider than
    `width` when bars would be narrower than 5 px. `chart_id` prefixes the ids that
    `aria-labelledby`/`aria-describedby` point at: give each chart on a page its own.
    """
    if not buckets:
        return Markup("")  # safe: the empty string holds nothing to escape
    least = LABEL_BAND + TOP_PAD + MIN_HEIGHT
    if width < 1 or height < least:
        raise ValueError(f"a chart needs width ≥ 1 and height ≥ {least}")
    slot = max(width / len(buckets), MIN_SLOT)
    full_width = slot * len(buckets)
    baseline = height - LABEL_BAND
    tallest = max(bucket.count for bucket in buckets)
    bars = [
        _bar(bucket, n * slot, slot, baseline, tallest, href) for n, bucket in enumerate(buckets)
    ]
    parts = [
        _open_tag(chart_id, full_width, height),
        f'<title id="{_text(chart_id)}-title">{_text(title)}</title>',
        f'<desc id="{_text(chart_id)}-desc">{_text(summary(buckets))}</desc>',
        *bars,
        _axis(buckets, full_width, height),
        "</svg>",
    ]
    # Safe to mark as Markup: every value above came through _text() or _number(), which
    # escape &, <, >, " and ' and drop characters XML cannot hold; the rest is literal.
    # Without Markup, Jinja's autoescape would print the chart as text.
    return Markup("".join(parts))


def _open_tag(chart_id: str, width: float, height: int) -> str:
    # role="group", not "img": an img's children are presentational, which would hide the
    # bars' links from screen readers while leaving them in the Tab order.
    ident = _text(chart_id)
    return (
        f'<svg xmlns="{SVG_NS}" class="timeline" role="group" '
        f'aria-labelledby="{ident}-title" aria-describedby="{ident}-desc" '
        f'width="{_number(width)}" height="{height}" '
        f'viewBox="0 0 {_number(width)} {height}">'
    )


def _bar(
    bucket: Bucket,
    x: float,
    slot: float,
    baseline: int,
    tallest: int,
    href: Callable[[Bucket], str],
) -> str:
    bar_width = min(slot - min(2.0, slot / 5), MAX_BAR)
    tall = _bar_height(bucket.count, tallest, baseline - TOP_PAD)
    name = f"<title>{_text(f'{bucket.label}: {_matches(bucket.count)}')}</title>"
    box = (x + (slot - bar_width) / 2, baseline - tall, bar_width, tall)
    if not bucket.count:
        return _rect("bar empty", *box, fill="currentColor", inside=name)
    hit = _rect("hit", x, 0, slot, baseline, fill="none", pointer_events="all")
    bar = _rect("bar", *box, fill="currentColor")
    return f'<a href="{_text(_checked_href(href(bucket)))}">{name}{hit}{bar}</a>'


def _bar_height(count: int, tallest: int, room: int) -> float:
    """Proportional to `count`, the tallest bar filling `room`; see MIN_/EMPTY_HEIGHT."""
    if not count or not tallest:
        return EMPTY_HEIGHT
    return max(room * count / tallest, MIN_HEIGHT)


def _rect(
    css_class: str, x: float, y: float, width: float, height: float, inside: str = "", **paint: str
) -> str:
    """A <rect>; `paint` holds presentation attributes (pointer_events="all")."""
    attributes = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in paint.items())
    head = (
        f'<rect class="{css_class}" x="{_number(x)}" y="{_number(y)}" '
        f'width="{_number(width)}" height="{_number(height)}"{attributes}'
    )
    return f"{head}>{inside}</rect>" if inside else f"{head}/>"


def _axis(buckets: list[Bucket], width: float, height: int) -> str:
    """The first and last dates under the bars; hidden from screen readers, <desc> says it."""
    y = height - 4
    common = f'y="{y}" font-size="11" fill="currentColor" aria-hidden="true"'
    first = f'<text class="axis" x="0" {common}>{_text(_day_label(buckets[0].start))}</text>'
    if len(buckets) == 1:
        return first
    last_day = _text(_day_label(buckets[-1].end))
    last = f'<text class="axis" x="{_number(width)}" text-anchor="end" {common}>{last_day}</text>'
    return first + last


def _checked_href(url: str) -> str:
    """Refuse javascript:, data: and the like: a bar links to a page, nothing else."""
    # Browsers ignore controls, tabs and newlines in a URL ("java\tscript:"); so do we here.
    scheme = urlsplit(re.sub("[\x00-\x20]", "", url)).scheme.lower()
    if scheme not in ("", "http", "https"):
        raise ValueError(f"a bar's link must be a relative or http(s) URL, not {scheme}:")
    return url


def _text(value: str) -> str:
    """`value` escaped for XML text or a quoted attribute, minus characters XML forbids."""
    return str(escape(_NOT_XML.sub("", str(value))))


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
