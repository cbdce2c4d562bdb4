"""The timeline's buckets drawn as an accessible inline SVG bar chart.

A small chart of matches over time shows the shape of a story (a burst, a slow fade), and
each bar links to the matches of its period. Pure functions: buckets in, markup out; the
page supplies the links (`href`) and the colours.

Where the buckets hold the archive's own stories of their days (`Bucket.archive`), a bar
is the matches' share of them unless `counts` is asked for, and the archive's stories are
drawn behind the bars as one shape, to their own scale: a week the archive holds little
of reads as such, not as a lull in the news. A period the archive holds nothing of is an
outlined band, named "the archive holds nothing here", not an empty bar.

The SVG holds no script, no event handler and no `style` attribute, so it renders under
`Content-Security-Policy: default-src 'self'`. Bars carry `class="bar"` (`"bar empty"` for
periods without matches, `"gap"` for the archive's gaps) and take their colour from the
page's CSS (a two-year chart has a hundred bars: an attribute each weighs 2 KB on the
search page).
"""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from app.counting import STORY, Noun, counted
from app.search.timeline import Bucket, day_label, percent

SVG_NS = "http://www.w3.org/2000/svg"
MIN_SLOT = 5.0  # px per bar at least: a chart with many bars grows wider, never thinner
MAX_BAR = 40.0  # px: a chart of three bars should not be three slabs
LABEL_BAND = 16  # px under the baseline for the first and last dates
TOP_PAD = 2  # px above the tallest bar
EMPTY_HEIGHT = 1  # px: a period without matches is a baseline tick, not a gap
MIN_HEIGHT = 2  # px: any match at all stands taller than an empty period
# Characters XML 1.0 cannot carry (most C0 controls, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
NOTHING_HERE = "the archive holds nothing here"
BEHIND = "Behind the bars, the archive's stories of each period, to their own scale."


def bar_name(bucket: Bucket, noun: Noun = STORY) -> str:
    """What a bar says of its period, e.g. "week of 29 Jun 1987: 11 of the archive's 454
    stories (2.4 %)"; "Mar 1987: 4,123 stories" for a bucket of the archive's own."""
    if not bucket.held:
        return f"{bucket.label}: {NOTHING_HERE}"
    if bucket.archive is None:
        return f"{bucket.label}: {counted(bucket.count, noun)}"
    held = f"the archive's {counted(bucket.archive)}"
    if not bucket.count:
        return f"{bucket.label}: none of {held}"
    if noun != STORY:  # articles are not a share of stories
        return f"{bucket.label}: {counted(bucket.count, noun)}, in days of {held}"
    return f"{bucket.label}: {bucket.count:,} of {held} ({percent(bucket.count / bucket.archive)})"


def summary(buckets: list[Bucket], *, counts: bool = False, noun: Noun = STORY) -> str:
    """Sentences for the chart's <desc>: its span, its peak, what is drawn behind, and the
    archive's gaps, e.g. "134 matching stories from 26 Feb 1987 to 20 Oct 1987; peak:
    week of 2 Mar 1987 (23)."."""
    if not buckets:
        return f"No {noun[1]}."
    own = all(bucket.archive is None for bucket in buckets)
    said = _peak(buckets, own=own, counts=counts or own or noun != STORY, noun=noun)
    return " ".join(filter(None, [said, "" if own else BEHIND, _gaps(buckets)]))


def _peak(buckets: list[Bucket], *, own: bool, counts: bool, noun: Noun) -> str:
    first, last = day_label(buckets[0].start), day_label(buckets[-1].end)
    when = f"on {first}" if first == last else f"from {first} to {last}"
    total = sum(bucket.count for bucket in buckets)
    kind = "" if own else "matching"
    if not total:
        return f"No {kind + ' ' if kind else ''}{noun[1]} {when}."
    if len(buckets) == 1:
        return f"{counted(total, noun, kind)} {when}."
    if counts:
        peak = max(buckets, key=lambda bucket: bucket.count)  # the earliest of equal peaks
        return f"{counted(total, noun, kind)} {when}; peak: {peak.label} ({peak.count:,})."
    peak = max(buckets, key=lambda bucket: bucket.share or 0)
    return (
        f"Each period's matching stories as a share of the archive's, {when}: highest in "
        f"{peak.label} ({percent(peak.share or 0)}, {peak.count:,} of {peak.held:,}); "
        f"{counted(total, noun, kind)} in all."
    )


def _gaps(buckets: list[Bucket]) -> str:
    gaps = [bucket for bucket in buckets if not bucket.held]
    if not gaps:
        return ""
    if len(gaps) <= 3:
        return f"The archive holds nothing in {'; '.join(gap.label for gap in gaps)}."
    longest = max(gaps, key=lambda gap: gap.end - gap.start)
    return f"The archive holds nothing in {len(gaps)} periods, the longest {longest.label}."


def svg(
    buckets: list[Bucket],
    *,
    href: Callable[[Bucket], str],
    title: str,
    counts: bool = False,
    width: int = 640,
    height: int = 120,
    chart_id: str = "timeline",
    noun: Noun = STORY,
) -> Markup:
    """An inline SVG bar chart of `buckets`, one bar per bucket, or "" when there are none.

    Each bar with matches is a link to `href(bucket)` covering its whole column, so even a
    1-match bar is an easy target; periods without matches are a 1 px baseline tick with a
    tooltip but no link (nothing to see there, one Tab stop fewer), and periods the archive
    holds nothing of an outlined band with its own name. Bars are each period's share of
    the archive's stories where the buckets hold those, unless `counts`. The chart is wider
    than `width` when bars would be narrower than 5 px. `chart_id` prefixes the ids that
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
    own = all(bucket.archive is None for bucket in buckets)
    counts = counts or own or noun != STORY  # a share is of stories, against the archive's
    value = _count if counts else _shared
    tallest = max(value(bucket) for bucket in buckets) or 1
    bars = [
        _bar(bucket, (n * slot, slot), baseline, value(bucket) / tallest, href, noun)
        for n, bucket in enumerate(buckets)
    ]
    described = summary(buckets, counts=counts, noun=noun)
    parts = [
        _open_tag(chart_id, full_width, height),
        f'<title id="{_text(chart_id)}-title">{_text(title)}</title>',
        f'<desc id="{_text(chart_id)}-desc">{_text(described)}</desc>',
        "" if own else _volume(buckets, slot, baseline),
        *bars,
        _axis(buckets, full_width, height),
        "</svg>",
    ]
    # Safe to mark as Markup: every value above came through _text() or _number(), which
    # escape &, <, >, " and ' and drop characters XML cannot hold; the rest is literal.
    # Without Markup, Jinja's autoescape would print the chart as text.
    return Markup("".join(parts))


def _count(bucket: Bucket) -> float:
    return bucket.count


def _shared(bucket: Bucket) -> float:
    return bucket.share or 0.0


def _volume(buckets: list[Bucket], slot: float, baseline: int) -> str:
    """The archive's stories of each period as one stepped shape behind the bars, its
    busiest period reaching the top: a path of a few bytes a period, not a rect each."""
    most = max(bucket.held for bucket in buckets) or 1
    room = baseline - TOP_PAD
    steps = "".join(
        f"V{_number(baseline - room * bucket.held / most)}H{_number((n + 1) * slot)}"
        for n, bucket in enumerate(buckets)
    )
    return f'<path class="volume" aria-hidden="true" d="M0 {baseline}{steps}V{baseline}Z"/>'


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
    column: tuple[float, float],
    baseline: int,
    part: float,
    href: Callable[[Bucket], str],
    noun: Noun,
) -> str:
    """One period's bar in its column (left edge and width), `part` of the tallest's height."""
    x, slot = column
    bar_width = min(slot - min(2.0, slot / 5), MAX_BAR)
    left = x + (slot - bar_width) / 2
    name = f"<title>{_text(bar_name(bucket, noun))}</title>"
    if not bucket.held:  # a named band the height of the chart: role="img" has it read
        band = (left, TOP_PAD, bar_width, baseline - TOP_PAD)
        return _rect("gap", *band, inside=name, role="img")
    tall = max((baseline - TOP_PAD) * part, MIN_HEIGHT) if bucket.count else EMPTY_HEIGHT
    box = (left, baseline - tall, bar_width, tall)
    if not bucket.count:
        return _rect("bar empty", *box, inside=name)
    hit = _rect("hit", x, 0, slot, baseline, fill="none", pointer_events="all")
    bar = _rect("bar", *box)
    return f'<a href="{_text(_checked_href(href(bucket)))}">{name}{hit}{bar}</a>'


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
