"""One thing, one count, in a real browser: a place's count read off the home page is the
count its own page, its search and the search's facet show, all said in stories; the export
link says what it holds and the file it downloads holds that, named after the search, its
links in full. (The shared `site` and `browser` of tests/web/conftest.py.)"""

import csv
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator
from support.browser import BURST_PLACE, QUERY, THREAD, corpus, stories_of, tab

pytestmark = pytest.mark.e2e

STORIES = corpus()
COUNTED = re.compile(r"([\d,]+) stor(?:y|ies)\b")


def stated(text: str) -> int:
    found = COUNTED.search(text)
    assert found, f"no count of stories in {text!r}"
    return int(found.group(1).replace(",", ""))


def listed_count(scope: Locator, name: str) -> int:
    """The count beside a name in a list of names (the home page's, a facet's)."""
    count = scope.locator(f'li:has(> a:text-is("{name}")) > .count').first
    return int(count.inner_text().replace(",", ""))


def test_a_place_s_count_is_one_number_from_the_home_page_to_its_facet(browser, site):
    expected = stories_of([story for story in STORIES if story.place == BURST_PLACE])
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto("/")
        assert listed_count(page.locator("aside.shape"), BURST_PLACE) == expected
        with page.expect_navigation():
            page.locator("aside.shape").get_by_role("link", name=BURST_PLACE, exact=True).click()
        assert stated(page.locator("main .meta").first.inner_text()) == expected
        with page.expect_navigation():
            page.get_by_role("link", name="Search them").click()
        assert stated(page.locator("h1.result-count").inner_text()) == expected
        grain = [s for s in STORIES if s.place == BURST_PLACE and s.is_grain]
        watched.goto(f"/search?q={QUERY}")
        assert listed_count(page.locator("#filters"), BURST_PLACE) == stories_of(grain)
        watched.assert_stayed_home()


def test_the_export_link_says_what_it_holds_and_the_file_holds_it(browser, site, tmp_path):
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto(f"/search?q={QUERY}&from=2025-03-01&to=2025-03-31")
        total = stated(page.locator("h1.result-count").inner_text())
        link = page.get_by_role("link", name=re.compile(r"^CSV, "))
        assert link.inner_text() == f"CSV, {total} stories"
        with page.expect_download() as downloading:
            link.click()
        download = downloading.value
        assert download.suggested_filename == f"{QUERY}-2025-03.csv"
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        with path.open(encoding="utf-8") as exported:
            rows = list(csv.DictReader(exported))
        assert len(rows) == total
        assert all(urlsplit(row["url"]).netloc == urlsplit(site.url).netloc for row in rows)
        watched.assert_stayed_home()


def test_a_story_sent_twice_exports_once_or_as_every_version_on_request(browser, site, tmp_path):
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto("/search?q=compressor")
        assert page.locator("h1.result-count").inner_text().startswith("1 story")
        every = page.get_by_role("link", name=re.compile(r"^every version"))
        assert every.inner_text() == f"every version, {len(THREAD)} articles"
        with page.expect_download() as downloading:
            every.click()
        path = tmp_path / "every.csv"
        downloading.value.save_as(path)
        with path.open(encoding="utf-8") as exported:
            assert sorted(row["id"] for row in csv.DictReader(exported)) == sorted(THREAD)
