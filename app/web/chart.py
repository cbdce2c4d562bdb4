"""The timeline's buckets drawn as an accessible inline SVG bar chart.

A small chart of matches over time shows the shape of a story (a burst, a slow fade), and
each bar links to the matches of its period. Pure functions: buckets in, markup out; the
page supplies the links (`href`) and the colours.

The SVG holds no script, no event handler and no `style` attribute, so it renders under
`Content-Security-Policy: default-src 'self'`. Bars carry `class="bar"` (`"bar empty"` for
periods without matches) and take their colour from the page's CSS (a two-year chart has a
hundred bars: an attribute each weighs 2 KB on the search page).
"""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from app.search.timeline import Bucket, day_label

SVG_NS = "http://www.w3.org/2000/svg"
MIN_SLOT = 5.0  # px per bar at least: a chart with many bars grows wider, never thinner
MAX_BAR = 40.0  # px: a chart of three bars should not be three slabs
LABEL_BAND = 16  # px under the baseline for the first and last dates
TOP_PAD = 2  # px above the tallest bar
EMPTY_HEIGHT = 1  # px: a period without matches is a baseline tick, not a gap
MIN_HEIGHT = 2  # px: any match at all stands taller than an empty period
# Characters XML 1.0 cannot carry (most C0 controls, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


MATCHES = ("match", "matches")  # what a chart counts, one and many: a search's matches
ARTICLES = ("article", "articles")  # or the archive's articles


def summary(buckets: list[Bucket], noun: tuple[str, str] = MATCHES) -> str:
    """One sentence for the chart's <desc>, e.g.
    "42 matches from 1 Jan 1987 to 31 Oct 1987; peak: Mar 1987 (12)."."""
    if not buckets:
        return f"No {noun[1]}."
    first, last = day_label(buckets[0].start), day_label(buckets[-1].end)
    when = f"on {first}" if first == last else f"from {first} to {last}"
    total = sum(bucket.count for bucket in buckets)
    if not total:
        return f"No {noun[1]} {when}."
    if len(buckets) == 1:
        return f"{_counted(total, noun)} {when}."
    peak = max(buckets, key=lambda bucket: bucket.count)  # the earliest of equal peaks
    return f"{_counted(total, noun)} {when}; peak: {peak.label} ({peak.count:,})."


def _counted(count: int, noun: tuple[str, str]) -> str:
    if not count:
        return f"no {noun[1]}"
    return f"1 {noun[0]}" if count == 1 else f"{count:,} {noun[1]}"


def svg(
    buckets: list[Bucket],
    *,
    href: Callable[[Bucket], str],
    title: str,
    width: int = 640,
    height: int = 120,
    chart_id: str = "timeline",
    noun: tuple[str, str] = MATCHES,
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
        _bar(bucket, n * slot, slot, baseline, tallest, href, noun)
        for n, bucket in enumerate(buckets)
    ]
    parts = [
        _open_tag(chart_id, full_width, height),
        f'<title id="{_text(chart_id)}-title">{_text(title)}</title>',
        f'<desc id="{_text(chart_id)}-desc">{_text(summary(buckets, noun))}</desc>',
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
    noun: tuple[str, str],
) -> str:
    bar_width = min(slot - min(2.0, slot / 5), MAX_BAR)
    tall = _bar_height(bucket.count, tallest, baseline - TOP_PAD)
    name = f"<title>{_text(f'{bucket.label}: {_counted(bucket.count, noun)}')}</title>"
    box = (x + (slot - bar_width) / 2, baseline - tall, bar_width, tall)
    if not bucket.count:
        return _rect("bar empty", *box, inside=name)
    hit = _rect("hit", x, 0, slot, baseline, fill="none", pointer_events="all")
    bar = _rect("bar", *box)
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
    first = f'<text class="axis" x="0" {common}>{_text(day_label(buckets[0].start))}</text>'
    if len(buckets) == 1:
        return first
    last_day = _text(day_label(buckets[-1].end))
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
