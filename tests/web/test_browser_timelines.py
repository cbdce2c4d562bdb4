"""Timelines that cannot mislead, as a reader sees them in Chromium (issue 22, point 2).

A search's chart is each period's share of the archive's stories, with the archive's own
stories drawn behind; the counts are a click away; a period the archive holds nothing of
is a band a screen reader names as such; a few matches are a list of their days; the home
page charts the archive's years. The server and the corpus are tests/web/conftest.py's.
"""

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page
from support.browser import (
    BURST_PLACE,
    QUERY,
    axe_path,
    corpus,
    serious_violations,
    stories_of,
    tab,
)

pytestmark = pytest.mark.e2e

STORIES = corpus()
NARROWED = f"/search?q={QUERY}&from=2024-01-01&to=2025-12-31&place={BURST_PLACE}"
# weeks of February to April 2025: a story every 12 days leaves three weeks without any
GAPPED = f"/search?q={QUERY}&from=2025-02-01&to=2025-04-30"
FEW = f"/search?q={QUERY}&place=BERLIN"  # eight stories: their days, not a chart
SHARE_TITLE = (
    "The share of the archive's stories that match, a {unit}; {total} matching stories in all"
)
LINK = re.compile(r"^(.+?): ([\d,]+) of the archive's ([\d,]+) stor(?:y|ies) \(([\d.]+) %\)$")
PAGES = {  # a chart in every way it is drawn, on every page type that has one
    "shares": NARROWED,
    "counts": f"{NARROWED}&chart=counts",
    "gaps": GAPPED,
    "dates": FEW,
    "place": f"/places/{BURST_PLACE}",
    "source": "/sources/Reuters",
    "topic": "/topics/harvest",
    "home": "/",
}


def query(page: Page) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}


def result_total(page: Page) -> int:
    found = re.match(r"([\d,]+) stor(?:y|ies)\b", page.locator("h1.result-count").inner_text())
    assert found
    return int(found.group(1).replace(",", ""))


def bars(page: Page) -> list[tuple[str, float]]:
    """Each linked bar's name and drawn height, in order."""
    return page.locator("svg.timeline a").evaluate_all(
        "links => links.map(a => [a.querySelector('title').textContent,"
        " a.querySelector('rect.bar').getBBox().height])"
    )


def tallest(page: Page) -> str:
    return max(bars(page), key=lambda bar: bar[1])[0]


def test_a_chart_shows_shares_by_default_and_counts_a_click_away(browser, site):
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto(NARROWED)
        total = result_total(page)
        name = SHARE_TITLE.format(unit="month", total=total)
        assert page.get_by_role("group", name=name).count() == 1
        named = [LINK.match(title) for title, _height in bars(page)]
        assert all(named) and sum(int(m.group(2)) for m in named) == total
        shares = {m.group(1): int(m.group(2)) / int(m.group(3)) for m in named if m}
        assert LINK.match(tallest(page)).group(1) == max(shares, key=shares.get)
        assert page.locator("svg.timeline path.volume").count() == 1  # the archive, behind

        with page.expect_navigation():
            page.get_by_role("link", name="Show counts").click()
        assert query(page)["chart"] == "counts"
        counts = f"Matching stories a month; {total:,} matching stories in all"
        assert page.get_by_role("group", name=counts).count() == 1
        most = max(named, key=lambda m: int(m.group(2))).group(1)
        assert LINK.match(tallest(page)).group(1) == most != max(shares, key=shares.get)

        at = [LINK.match(title).group(1) for title, _height in bars(page)].index(most)
        with page.expect_navigation():  # a bar narrows the search and keeps the view
            page.locator("svg.timeline a").nth(at).click()
        assert query(page)["chart"] == "counts" and query(page)["q"] == QUERY
        assert result_total(page) == int(next(m for m in named if m.group(1) == most).group(2))

        watched.goto(f"{NARROWED}&chart=counts")
        with page.expect_navigation():
            page.get_by_role("link", name="Show shares").click()
        assert "chart" not in query(page) and page.get_by_role("group", name=name).count() == 1
        watched.assert_stayed_home()


def test_a_period_the_archive_holds_nothing_of_is_a_band_read_out_as_such(browser, site):
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto(GAPPED)
        tree = page.locator("svg.timeline").aria_snapshot()
        gaps = re.findall(r'img "(.+?): the archive holds nothing here"', tree)
        assert gaps == ["week of 24 Feb 2025", "week of 24 Mar 2025", "week of 14 Apr 2025"]
        for label in gaps:  # none of the archive's stories is of that week
            monday = datetime.strptime(label, "week of %d %b %Y").date()
            assert not [s for s in STORIES if 0 <= (s.published - monday).days < 7]
        bands = page.locator("svg.timeline rect.gap")
        assert bands.count() == len(gaps)
        empty = page.locator("svg.timeline rect.bar.empty title").all_text_contents()
        assert empty and all(": none of the archive's " in name for name in empty)  # not gaps
        box = bands.first.bounding_box()
        assert box and box["height"] > 40  # a band the height of the chart, not a tick
        legend = page.locator(".timeline-views").inner_text()
        assert "outlined: the archive holds nothing" in legend
        assert page.locator(".timeline-table tr.gap td:first-child").all_text_contents() == gaps
        watched.assert_stayed_home()


def test_a_few_matches_are_a_list_of_their_days_each_narrowing_the_search(browser, site):
    berlin = sorted(s.published for s in STORIES if s.is_grain and s.place == "BERLIN")
    assert 1 < len(berlin) <= 10
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto(FEW)
        assert page.locator("svg.timeline").count() == 0
        days = page.locator("ul.timeline-dates li a")
        assert days.all_inner_texts() == [f"{d.day} {d:%b %Y}" for d in sorted(set(berlin))]
        with page.expect_navigation():
            days.nth(2).click()
        day = sorted(set(berlin))[2].isoformat()
        assert (query(page)["from"], query(page)["to"]) == (day, day)
        assert result_total(page) == berlin.count(sorted(set(berlin))[2])
        watched.assert_stayed_home()


def test_the_home_page_charts_the_archive_s_years_each_a_link(browser, site):
    years = sorted({story.published.year for story in STORIES})
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto("/")
        chart = page.get_by_role("group", name="Stories a year")
        names = chart.locator("a title").all_text_contents()
        assert names == [
            f"{year}: {stories_of([s for s in STORIES if s.published.year == year])} stories"
            for year in years
        ]
        with page.expect_navigation():
            chart.locator("a").last.click()
        assert urlsplit(page.url).path == f"/archive/{years[-1]}"
        watched.assert_stayed_home()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGES)
def test_axe_finds_nothing_serious_in_any_timeline(browser, site, kind, scheme):
    with tab(browser, site, csp=False, bypass_csp=True, color_scheme=scheme) as watched:
        watched.goto(PAGES[kind])
        assert watched.page.locator(".timeline-box").count() == 1, kind
        assert serious_violations(watched.page, axe_path()) == []
        assert watched.refused == []
