"""Issue 22's pages in a real browser (Debian's Chromium, Playwright), over the shared corpus
of tests/support/browser.py: where a period's steps lead, the small untruths mended, the
controls ("/", the hint on a touch screen, Tab order, the size of targets), /docs, and how
much of the search page the first screen shows.

Positions and sizes are measured with bounding boxes, Tab order with the keyboard; axe-core
checks the page states this module adds (/docs opened up, an empty month, a refused page) in
both colour schemes, and their screenshots land beside test_browser.py's.
"""

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page
from support.browser import (
    BURST_PLACE,
    QUERY,
    corpus,
    luminance,
    screenshots_dir,
    serious_violations,
    tab,
)

pytestmark = pytest.mark.e2e

STORIES = corpus()
DAYS = sorted({story.published for story in STORIES})
YEARS = sorted({day.year for day in DAYS})
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MIN_TARGET = 24  # px, WCAG 2.2's 2.5.8 (target size, minimum)


def boxes(page: Page, selector: str) -> list[dict]:
    return [box for box in (el.bounding_box() for el in page.locator(selector).all()) if box]


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


# --- 6. Navigation leads somewhere -------------------------------------------------------------


def test_a_year_s_steps_walk_the_years_that_hold_stories_and_stop_at_the_ends(browser, site):
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto(f"/archive/{YEARS[0]}")
        assert page.locator(".period-steps a[rel=prev]").count() == 0
        walked = [YEARS[0]]
        while page.locator(".period-steps a[rel=next]").count():
            with page.expect_navigation():
                page.locator(".period-steps a[rel=next]").click()
            walked.append(int(page.locator("h1").inner_text()))
        assert walked == YEARS
        watched.goto(f"/archive/{YEARS[0] - 3}")  # before the archive: it leads into it
        assert page.locator(".period-steps a").all_inner_texts() == [f"{YEARS[0]} →"]
        watched.assert_stayed_home()


def test_an_empty_day_leads_to_the_nearest_days_that_hold_stories(browser, site):
    empty = DAYS[0] + timedelta(days=1)
    assert empty not in DAYS
    after = min(day for day in DAYS if day > empty)
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto(f"/archive/{empty:%Y/%m/%d}")
        assert "The archive holds no stories from" in page.locator("main .notice").inner_text()
        assert page.get_by_role("link", name=re.compile("first")).count() == 0  # nothing to sort
        with page.expect_navigation():
            page.locator(".period-steps a[rel=next]").click()
        assert path_of(page) == f"/archive/{after:%Y/%m/%d}"
        on_that_day = sum(1 for story in STORIES if story.published == after)
        assert page.locator("ol.results li").count() == on_that_day
        with page.expect_navigation():
            page.locator(".period-steps a[rel=prev]").click()
        assert path_of(page) == f"/archive/{DAYS[0]:%Y/%m/%d}"


def test_an_empty_month_offers_nothing_to_sort(browser, site):
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto(f"/archive/{YEARS[0] - 1}/05")
        main = page.locator("main").inner_text()
        assert "oldest first" not in main and "newest first" not in main
        assert page.locator("main a[type='application/json']").count() == 0
        watched.goto(f"/archive/{YEARS[0]}/01")  # one that holds stories offers both orders
        assert page.get_by_role("link", name="newest first").count() == 1


# --- 7. Small untruths -------------------------------------------------------------------------


def test_every_article_is_said_to_be_newest_first_and_a_search_best_first(browser, site):
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto("/search")
        sort = page.locator("select[name=sort]")
        assert sort.evaluate("s => s.selectedOptions[0].text") == "Newest first"
        assert "Best first" not in sort.inner_text()
        dates = page.locator("ol.results time").evaluate_all("ts => ts.map(t => t.dateTime)")
        assert dates == sorted(dates, reverse=True)  # what it says
        watched.goto(f"/search?q={QUERY}")
        assert sort.evaluate("s => s.selectedOptions[0].text") == "Best first"


def test_a_date_chip_and_the_breadcrumbs_are_spaced(browser, site):
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto(f"/search?q={QUERY}&from=2024-01-01&to=2024-12-31")
        chip = page.locator(".facets .chosen", has_text="Dates").inner_text()
        assert chip.startswith("Dates: from 1 January 2024 to 31 December 2024")
        day = DAYS[-1]
        watched.goto(f"/archive/{day:%Y/%m/%d}")
        crumbs = page.locator(".breadcrumbs").inner_text()
        assert crumbs == f"Home › {day.year} › {day:%B} › {day.day}"


def test_a_page_past_the_last_says_how_many_pages_there_are_and_leads_to_the_first(browser, site):
    grain = sum(1 for story in STORIES if story.is_grain)
    pages = -(-grain // 20)
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto(f"/search?q={QUERY}&page=999")
        said = page.locator("[role=alert]").inner_text()
        assert f"There are {pages} pages of stories here: page 999 is past the last." in said
        assert "10,000" not in said
        with page.expect_navigation():
            page.get_by_role("link", name="Go to the first page").click()
        assert page.locator("ol.results li").count() == 20


def test_error_pages_speak_to_a_reader_and_lead_on(browser, site):
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto("/articles/nope-123")
        said = page.locator("main .notice p").first.inner_text()
        assert said.startswith("The archive holds no article with the id “nope-123”")
        watched.goto(f"/archive/{YEARS[0]}/13")
        assert "There is no month 13" in page.locator("main .notice p").first.inner_text()
        with page.expect_navigation():
            page.get_by_role("link", name=str(YEARS[0])).last.click()
        assert path_of(page) == f"/archive/{YEARS[0]}"


def test_the_help_page_s_examples_find_stories_of_this_archive(browser, site):
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto("/help")
        links = page.locator(".help table a").evaluate_all("as => as.map(a => a.href)")
        assert len(links) >= 10
        for href in links:
            page.goto(href)
            heading = page.locator("h1.result-count").inner_text()
            assert int(heading.split()[0].replace(",", "")) > 0, (href, heading)
        watched.goto("/")
        placeholder = page.locator("#q").get_attribute("placeholder") or ""
        word = re.match(r'e\.g\. (\S+) or "', placeholder)
        assert word and any(word[1] in story.record()["body"].lower() for story in STORIES)


# --- 8. Controls -------------------------------------------------------------------------------


def test_slash_leads_to_the_box_from_outside_a_field_and_is_typed_inside_one(browser, site):
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto("/")  # the box has the focus already (autofocus), and is empty
        box = page.locator("#q")
        assert box.evaluate("el => el === document.activeElement")
        page.keyboard.type(f"/{QUERY}")
        assert box.input_value() == QUERY  # not "/grain"
        page.keyboard.type("/x")
        assert box.input_value() == f"{QUERY}/x"  # once it holds words, a slash is typed
        watched.goto(f"/search?q={QUERY}")
        page.locator("ol.results h3 a").first.focus()  # outside any field
        page.keyboard.press("/")
        box = page.locator("#q")
        assert box.evaluate("el => el === document.activeElement")
        assert box.input_value() == QUERY  # selected, to be typed over; no slash added
        watched.goto("/places")
        page.locator("#match").focus()  # another field: the slash is its
        page.keyboard.type("a/b")
        assert page.locator("#match").input_value() == "a/b"
        assert page.locator("#site-q").input_value() == ""
        watched.assert_stayed_home()


def test_the_hint_shows_where_there_is_a_keyboard_not_on_a_touch_screen(browser, site):
    with tab(browser, site, viewport=DESKTOP) as watched:
        watched.goto("/help")
        assert watched.page.locator(".hint").is_visible()
    with tab(browser, site, viewport=PHONE, has_touch=True, is_mobile=True) as watched:
        watched.goto("/help")
        assert not watched.page.locator(".hint").is_visible()


def tab_stops(page: Page, limit: int = 400) -> list[dict]:
    """Every stop of the Tab key inside <main>, in order, with its box and its region: the
    results' column (hits), the column beside or after it (side), or above both (top)."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """() => { const el = document.activeElement;
                if (!el.closest('main')) return {outside: true, html: el.outerHTML.slice(0, 60)};
                const b = el.getBoundingClientRect();
                return {x: b.x + scrollX, y: b.y + scrollY, right: b.right + scrollX,
                        bottom: b.bottom + scrollY,
                        region: el.closest('.side') ? 'side' : el.closest('.hits') ? 'hits'
                                : 'top', html: el.outerHTML.slice(0, 60)}; }"""
        )
        if stop.get("outside"):
            if stops:  # out of <main> again: the footer
                return stops
            continue
        stops.append(stop)
    pytest.fail(f"{limit} presses of Tab did not leave <main>")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_tab_order_follows_the_layout_at_every_width(browser, site, viewport):
    """Above the results, then the results' column, then the timeline and the facets: on a
    desktop on the right of the results, on a phone after them."""
    with tab(browser, site, viewport=viewport) as watched:
        page = watched.page
        watched.goto(f"/search?q={QUERY}&place={BURST_PLACE}")
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        stops = tab_stops(page)
        regions = [stop["region"] for stop in stops]
        assert regions == sorted(regions, key=["top", "hits", "side"].index), regions
        hits = [stop for stop in stops if stop["region"] == "hits"]
        side = [stop for stop in stops if stop["region"] == "side"]
        assert hits and side
        if viewport is DESKTOP:
            assert min(s["x"] for s in side) >= max(h["right"] for h in hits)  # on the right
        else:
            assert min(s["y"] for s in side) >= max(h["bottom"] for h in hits)  # after
        for column in (hits, side):
            for before, after in zip(column, column[1:], strict=False):
                # down the column, or along a line (the timeline's bars, a page's numbers)
                assert after["y"] >= before["y"] - 2 or after["x"] > before["x"], (before, after)


TARGETS = [  # links and controls that are no part of running text
    ".facets li a",
    ".facets .chosen a",
    ".facet summary",
    ".twins a",
    ".collapsed a",
    ".pagination a",
    ".to-filters a",
]
SEARCHES = [  # dates and a place chosen, two pages; a story with versions ("Show every...")
    f"/search?q={QUERY}&from=2024-01-01&to=2025-12-31&place={BURST_PLACE}",
    "/search?q=compressor",
]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_search_page_s_targets_are_24_px_at_least(browser, site, viewport):
    with tab(browser, site, viewport=viewport) as watched:
        page = watched.page
        small, measured = {}, set()
        for url in SEARCHES:
            watched.goto(url)
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
            for selector in TARGETS:
                for box in boxes(page, selector):
                    measured.add(selector)
                    if box["height"] < MIN_TARGET or box["width"] < MIN_TARGET:
                        small.setdefault(selector, []).append((box["width"], box["height"]))
        assert small == {}
        hidden = {".to-filters a"} if viewport is DESKTOP else set()  # a phone's alone
        assert measured == set(TARGETS) - hidden


PERIOD_TARGETS = [".period-steps a", ".breadcrumbs a", ".parts a", ".pagination a"]


def test_a_period_s_targets_are_24_px_at_least(browser, site):
    with tab(browser, site, viewport=PHONE) as watched:
        page = watched.page
        watched.goto(f"/archive/{YEARS[1]}")
        found = [box for selector in PERIOD_TARGETS for box in boxes(page, selector)]
        assert found and all(min(b["height"], b["width"]) >= MIN_TARGET for b in found), found


# --- /docs ---------------------------------------------------------------------------------------


def open_every_operation(page: Page) -> None:
    page.locator(".opblock").first.wait_for()
    for control in page.locator(".opblock-summary-control").all():
        control.click()
    page.locator(".opblock-body").first.wait_for()


def try_a_search(page: Page) -> None:
    """Try it out on /api/search, with a word, and wait for the answer."""
    page.locator(".try-out__btn").first.click()
    page.locator(".opblock input[placeholder='q']").first.fill(QUERY)
    page.locator(".btn.execute").first.click()
    page.locator(".live-responses-table").first.wait_for()


DOCS_STATES = {
    "closed": lambda page: page.locator(".opblock").first.wait_for(),
    "open": open_every_operation,
    "tried": lambda page: (open_every_operation(page), try_a_search(page)),
    "authorize": lambda page: (
        page.locator(".opblock").first.wait_for(),
        page.locator(".btn.authorize").first.click(),
        page.locator(".modal-ux").wait_for(),
    ),
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("state", DOCS_STATES)
def test_the_api_docs_are_axe_clean_in_both_schemes_opened_up(
    browser, site, axe_script, state, scheme
):
    with tab(browser, site, csp=False, bypass_csp=True, color_scheme=scheme) as watched:
        watched.goto("/docs")
        DOCS_STATES[state](watched.page)
        assert serious_violations(watched.page, axe_script) == []
        assert watched.refused == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_api_docs_follow_the_scheme_and_lead_back_to_the_site(browser, site, scheme):
    with tab(browser, site, color_scheme=scheme) as watched:
        page = watched.page
        watched.goto("/docs")
        page.locator(".opblock").first.wait_for()
        operation = page.locator(".opblock").first.evaluate(
            "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el.querySelector("
            "'.opblock-summary-path')).color]"
        )
        background = page.locator("body").evaluate("el => getComputedStyle(el).backgroundColor")
        assert (luminance(background) < 0.2) == (scheme == "dark")
        text = luminance(operation[1])
        assert (text > 0.5) == (scheme == "dark"), operation  # light words on dark, or dark
        for role in ("banner", "main", "contentinfo", "search"):
            assert page.get_by_role(role).count() == 1, role
        assert page.locator("h1").count() == 1
        with page.expect_navigation():
            page.get_by_role("link", name="Home").first.click()
        assert path_of(page) == "/"
        watched.assert_stayed_home()


# --- 9. Density --------------------------------------------------------------------------------


def test_three_results_fit_the_first_desktop_screen(browser, site):
    with tab(browser, site, viewport=DESKTOP) as watched:
        watched.goto(f"/search?q={QUERY}")
        results = boxes(watched.page, "ol.results > li")
        assert results[0]["y"] < 300, results[0]
        third = results[2]
        assert third["y"] + third["height"] <= DESKTOP["height"], third


def test_the_first_result_starts_high_on_a_phone(browser, site):
    with tab(browser, site, viewport=PHONE) as watched:
        watched.goto(f"/search?q={QUERY}")
        first = boxes(watched.page, "ol.results > li")[0]
        assert first["y"] < 450, first


# --- Looks: the page states this module adds ----------------------------------------------------

STATES = {
    "docs": "/docs",
    "empty-month": f"/archive/{YEARS[0] - 1}/05",
    "page-past-the-last": f"/search?q={QUERY}&page=999",
    "not-in-the-calendar": f"/archive/{YEARS[0]}/02/30",
    "all-articles": "/search",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", [kind for kind in STATES if kind != "docs"])
def test_the_states_this_issue_changed_are_axe_clean(browser, site, axe_script, kind, scheme):
    with tab(browser, site, csp=False, bypass_csp=True, color_scheme=scheme) as watched:
        watched.goto(STATES[kind])
        assert serious_violations(watched.page, axe_script) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_screenshots_of_the_states_this_issue_changed(browser, site, viewport, scheme):
    with tab(browser, site, viewport=viewport, color_scheme=scheme) as watched:
        for kind, url in STATES.items():
            watched.goto(url)
            if kind == "docs":
                watched.page.locator(".opblock").first.wait_for()
            size = f"{viewport['width']}x{viewport['height']}"
            path = screenshots_dir() / f"{kind}-{size}-{scheme}.png"
            watched.page.screenshot(path=str(path))
            assert path.stat().st_size > 10_000


def test_the_corpus_has_the_gaps_these_tests_step_over():
    """The module's premise: days without stories between its first two, no year before."""
    assert DAYS[1] - DAYS[0] > timedelta(days=1) and date(YEARS[0] - 1, 12, 31) < DAYS[0]
