"""Issue 22's points 3 and 4 in a real browser, over real wire stories of their own
(tests/support/capitals.py): headlines sent in capitals read as the archive writes their
words, the same on every page a reader meets them, the original on hover; and a story's
correction told on the version it replaced, shown on the versions page headline and all.
axe-core finds nothing serious on the pages these change, light and dark."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page
from support.browser import serious_violations, served, tab
from support.capitals import BY_ID, CORRECTION, ORIGINAL, STORIES
from support.helpers import Server

pytestmark = pytest.mark.e2e

NYMEX = BY_ID["reuters-829"]  # NYMEX and CFTC only by the other stories' evidence
GM = BY_ID["reuters-18183"]  # "Gm GM Praises Greenspan" once
PAGES = {
    "search": "/search?q=spokeswoman",
    "article": f"/articles/{ORIGINAL}",
    "related": f"/articles/{ORIGINAL}/related",
    "versions": f"/articles/{ORIGINAL}/versions?from_article=1",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    with served(tmp_path_factory.mktemp("headlines"), STORIES) as server:
        yield server


def seen(shown: str) -> str:
    """A headline's text as a page shows it: a ticker apart, without its brackets."""
    return re.sub(r"<([A-Z][A-Z0-9.]*)>", r"\1", shown)


def heading_of(page: Page, selector: str) -> tuple[str, str | None]:
    """A headline's text as the reader sees it, and its hover text."""
    found = page.locator(selector).first
    return found.inner_text(), found.get_attribute("title")


def test_a_headline_in_capitals_reads_as_the_archive_writes_its_words_wherever_it_is_met(
    browser, site: Server
):
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto("/search?q=spokeswoman")
        assert heading_of(page, "ol.results h3 a") == (NYMEX.shown, NYMEX.title)
        with page.expect_navigation():
            page.locator("ol.results h3 a").first.click()
        assert page.title() == f"{NYMEX.shown} – News Archive"
        assert heading_of(page, "h1") == (NYMEX.shown, NYMEX.title)
        page.locator(".related .related-list li").first.wait_for()  # put in place by the script
        for link in page.locator(".related .related-list a").all():
            story = BY_ID[urlsplit(link.get_attribute("href")).path.rsplit("/", 1)[1]]
            assert (link.inner_text(), link.get_attribute("title")) == (
                seen(story.shown),
                story.title,
            )
        watched.goto(f"/articles/{GM.id}")
        assert page.locator("h1").inner_text() == seen(GM.shown)  # "GM GM Praises", not "Gm GM"
        assert page.locator("h1 .ticker").inner_text() == "GM"
        neighbours = page.locator(".neighbours a").all()
        assert neighbours
        for link in neighbours:
            story = BY_ID[urlsplit(link.get_attribute("href")).path.rsplit("/", 1)[1]]
            assert link.inner_text() == seen(story.shown)
        watched.assert_stayed_home()


def test_a_corrected_story_says_so_and_leads_to_what_changed(browser, site: Server):
    original, correction = BY_ID[ORIGINAL], BY_ID[CORRECTION]
    with tab(browser, site) as watched:
        page = watched.page
        watched.goto(f"/articles/{ORIGINAL}")
        notice = page.locator(".story > .notice.superseded")
        assert "A later version of this story exists: it was corrected" in notice.inner_text()
        top = page.locator(".story > *").first
        assert top.get_attribute("class") == "notice superseded"  # at its top
        page.locator(".related .related-list li").first.wait_for()
        related = page.locator(".related .related-list a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        answer = site.http.get(f"/api/articles/{ORIGINAL}/related").json()["items"]
        assert related == [f"/articles/{item['id']}" for item in answer]
        assert f"/articles/{CORRECTION}" not in related  # its own correction is no other story
        with page.expect_navigation():
            notice.get_by_role("link", name="See what changed").click()
        assert urlsplit(page.url).fragment == f"version-{CORRECTION}"
        changed = page.locator(f"#version-{CORRECTION}")
        assert changed.evaluate("el => el.matches(':target')")
        assert changed.locator("h2").inner_text() == correction.shown
        meta = changed.locator(".meta").inner_text()
        assert "marked corrected" in meta and "headline changed" in meta
        assert "text unchanged" in meta and "0 words added" not in meta
        headline = changed.locator(".headline-changes")
        assert headline.locator("ins").all_text_contents() == ["[added: (Corrected)-Ivory ]"]
        assert headline.locator("del").all_text_contents() == [
            "[removed: Ivory ]",
            "[removed: Cocoa ]",
        ]
        first = page.locator(f"#version-{ORIGINAL}")
        assert first.locator("h2").inner_text() == original.shown
        assert "the article you came from" in first.locator(".meta").inner_text()
        watched.goto(f"/articles/{ORIGINAL}/versions")  # opened directly: no article came first
        assert "came from" not in page.locator("main").inner_text()
        watched.goto(f"/articles/{CORRECTION}")
        assert page.locator(".notice.superseded").count() == 0  # the latest says nothing
        watched.assert_stayed_home()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGES)
def test_axe_finds_nothing_serious_on_the_pages_these_change(
    browser, site, axe_script, kind, scheme
):
    with tab(browser, site, csp=False, bypass_csp=True, color_scheme=scheme) as watched:
        watched.goto(PAGES[kind])
        if kind == "article":
            watched.page.locator(".related .related-list li").first.wait_for()
        assert serious_violations(watched.page, axe_script) == []
        assert watched.refused == []


def test_the_readable_headlines_are_as_long_as_the_ones_sent():
    """Not a word changed: the letters are the same, in the same order, case aside."""
    for story in STORIES:
        assert re.sub(r"\W", "", story.shown).lower() == re.sub(r"\W", "", story.title).lower()
