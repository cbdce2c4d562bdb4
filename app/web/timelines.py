"""The timeline as the pages show it: a search's (or a place's, source's or topic's)
matches over time, and the home page's chart of the whole archive.

A search's chart is each period's share of the archive's stories by default, with the
archive's own stories behind it; the same chart as counts is a link away (`?chart=counts`,
which the bars' links keep); a few matches are a list of their dates instead. The query
layer says what the numbers are (`queries.charted`); this module only chooses the view,
the words and the links.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from fastapi import Request

from app.archive import Archive
from app.counting import counted, noun_of
from app.search import queries as search
from app.search.timeline import Bucket, Charted, overview, percent
from app.web.chart import svg
from app.web.urls import period_url, search_url

VIEW = "chart"  # the query parameter that asks for a view
COUNTS = "counts"  # the one view asked for: raw counts
HOME_WIDTH, HOME_HEIGHT = 280, 100  # px: the home page's chart fills its narrow column


@dataclass(frozen=True)
class Timeline:
    """What `_timeline.html` draws."""

    charted: Charted | None
    svg: str  # Markup, or "" for none
    counts: bool  # the bars are counts (asked for, or shares would say nothing)
    shares: bool  # each period's share of the archive's stories means something here
    behind: bool  # the archive's stories are drawn behind the bars
    noun: str  # what is counted: "matching stories", "matching articles" or "stories"
    legend: str  # what the bars are, e.g. "matching stories a week"
    switch: str  # the same page drawn the other way; "" where shares say nothing
    csv: str  # the timeline as CSV


def timeline_of(request: Request, archive: Archive, found: search.SearchPage) -> Timeline:
    """`found`'s timeline, drawn as the request asks; the archive's stories a day are
    counted once, and only when something matched."""
    params = found.params
    csv = search_url(params, path="/api/timeline", page="", per_page="", sort="", format="csv")
    days = found.facets.days if found.facets else {}
    several = sum(1 for count in days.values() if count) > 1  # else nothing to chart or list
    charted = search.charted(found, search.archive_days(archive)) if several else None
    if charted is None:
        return Timeline(None, "", True, False, False, "", "", "", csv)
    # Browsing the whole archive, its own stories are charted (every share would be 100 %);
    # every version counted, the matches are articles, no share of the archive's stories.
    whole = not (params.q or params.filters)
    shares = charted.shares and not whole
    asked = shares and request.query_params.get(VIEW) == COUNTS
    noun = noun_of(params)
    drawn = [replace(bucket, archive=None) for bucket in charted.buckets] if whole else None

    def narrowed(bucket: Bucket) -> str:
        dates = {"from": bucket.start.isoformat(), "to": bucket.end.isoformat()}
        return search_url(params, page="", **dates, **{VIEW: COUNTS if asked else ""})

    what = noun[1] if whole else f"matching {noun[1]}"
    if shares and not asked:
        legend = f"the share of the archive's stories that match, a {charted.unit}"
    else:
        legend = f"{what} a {charted.unit}"
    in_all = counted(found.total, noun, "" if whole else "matching")
    title = f"{legend[0].upper()}{legend[1:]}; {in_all} in all"
    chart = svg(drawn or charted.buckets, href=narrowed, title=title, counts=asked, noun=noun)
    switch = _switched(request, "" if asked else COUNTS) if shares else ""
    counts = asked or not shares
    return Timeline(charted, chart, counts, shares, not whole, what, legend, switch, csv)


def _switched(request: Request, view: str) -> str:
    """This page's address, relative, with the view changed ("": the default)."""
    kept = {name: value for name, value in request.query_params.items() if name != VIEW}
    return "?" + urlencode({**kept, **({VIEW: view} if view else {})})


def home_chart(everything: Mapping[date, int]) -> tuple[str, str]:
    """The archive's own stories a year, or its densest year's a month when that year
    holds most of them (`timeline.overview`), each bar a link to its period; its caption.
    Nothing for an archive of less than two periods."""
    year, chart = overview(everything)
    if sum(1 for bucket in chart if bucket.held) < 2:
        return "", ""
    if year is None:
        title, href = "Stories a year", _year_url
    else:
        part = percent(sum(bucket.count for bucket in chart) / sum(everything.values()))
        title = f"Stories a month in {year}, the year of {part} of the archive's stories"
        href = _month_url
    chart_svg = svg(
        chart, href=href, title=title, chart_id="years", width=HOME_WIDTH, height=HOME_HEIGHT
    )
    gaps = "; outlined: the archive holds nothing" if not all(b.held for b in chart) else ""
    return title + gaps, chart_svg


def _year_url(bucket: Bucket) -> str:
    return period_url(bucket.start.year)


def _month_url(bucket: Bucket) -> str:
    return period_url(bucket.start.year, bucket.start.month)
