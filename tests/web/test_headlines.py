"""A headline sent in capitals has one form wherever the archive shows it: results, the
article (its heading and its <title>), the stories before and after it, related stories,
versions, the Atom feed and every JSON twin (`headline`, beside `title` as sent), with the
original on hover; and a setting shows every headline exactly as sent."""

import html
import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from support.capitals import BY_ID, CORRECTION, ORIGINAL, STORIES
from support.helpers import get_page

from app.web.app import create_app

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
ICCO = "reuters-5598"  # ICCO TO EXAMINE BUFFER STOCK PROPOSAL TOMORRROW
NYMEX = "reuters-829"  # shown NYMEX and CFTC by the other stories' evidence
QUERY = "spokeswoman"  # in its text alone, not in its headline (which would be marked)


@pytest.fixture
def wires(client):
    stories = [story.article() for story in STORIES]
    client.app.state.archive.add(stories, source_paths=[None] * len(stories))
    return client


def hovered(page: str, shown: str) -> list[str]:
    """The hover text (title attribute) of every link or heading whose text is `shown`."""
    pattern = rf'title="([^"]*)">{re.escape(str(escape(shown)))}</'
    return [html.unescape(found) for found in re.findall(pattern, page)]


def test_results_show_the_readable_form_with_the_original_on_hover_and_in_the_json(wires):
    page = get_page(wires, "/search", q=QUERY)
    story = BY_ID[NYMEX]
    assert hovered(page, story.shown) == [story.title]
    (item,) = wires.get("/api/search", params={"q": QUERY}).json()["items"]
    assert (item["title"], item["headline"]) == (story.title, story.shown)


def test_an_article_s_heading_and_title_and_its_json_give_one_form(wires):
    story = BY_ID[ICCO]
    page = get_page(wires, f"/articles/{ICCO}")
    assert f"<title>{escape(story.shown)} – News Archive</title>" in page
    assert re.search(rf'<h1 title="{re.escape(story.title)}">{re.escape(story.shown)}</h1>', page)
    answer = wires.get(f"/api/articles/{ICCO}").json()
    assert (answer["title"], answer["headline"]) == (story.title, story.shown)


def test_the_stories_before_and_after_an_article_show_theirs(wires):
    ordered = sorted(STORIES, key=lambda story: (story.published, story.id))
    middle = next(n for n, story in enumerate(ordered) if story.id == ICCO)
    page = get_page(wires, f"/articles/{ICCO}")
    for rel, story in (("prev", ordered[middle - 1]), ("next", ordered[middle + 1])):
        found = re.search(rf'<a rel="{rel}" href="/articles/{story.id}"[^>]*>(.*?)</a>', page)
        assert found and html.unescape(re.sub("<[^>]+>", "", found.group(1))) == story.shown


def test_related_stories_and_versions_show_theirs(wires):
    related = wires.get(f"/api/articles/{ICCO}/related").json()["items"]
    assert related and all(item["headline"] == BY_ID[item["id"]].shown for item in related)
    page = get_page(wires, f"/articles/{ICCO}/related")
    for item in related:
        assert hovered(page, BY_ID[item["id"]].shown) == [BY_ID[item["id"]].title]
    versions = wires.get(f"/api/articles/{CORRECTION}/versions").json()["versions"]
    assert [v["headline"] for v in versions] == [BY_ID[ORIGINAL].shown, BY_ID[CORRECTION].shown]
    assert [v["title"] for v in versions] == [BY_ID[ORIGINAL].title, BY_ID[CORRECTION].title]
    listed = get_page(wires, f"/articles/{CORRECTION}/versions")
    assert f"<title>Versions of “{escape(BY_ID[ORIGINAL].shown)}”" in listed


def test_the_feed_gives_the_form_the_pages_show(wires):
    feed = ET.fromstring(wires.get("/search.atom", params={"q": "cocoa"}).content)
    entries = feed.findall("atom:entry", ATOM)
    assert entries
    for entry in entries:
        story_id = entry.find("atom:id", ATOM).text.rsplit("/", 1)[1]
        assert entry.find("atom:title", ATOM).text == BY_ID[story_id].shown


def test_a_setting_shows_every_headline_exactly_as_sent(settings):
    app = create_app(settings.model_copy(update={"headlines_as_sent": True}))
    with TestClient(app) as as_sent:
        stories = [story.article() for story in STORIES]
        app.state.archive.add(stories, source_paths=[None] * len(stories))
        result = get_page(as_sent, "/search", q=QUERY).split('class="result"', 1)[1]
        heading = result.split("</h3>", 1)[0]
        assert heading.endswith(f">{escape(BY_ID[NYMEX].title)}</a>") and "title=" not in heading
        (item,) = as_sent.get("/api/search", params={"q": QUERY}).json()["items"]
        assert item["headline"] == item["title"] == BY_ID[NYMEX].title
        article = get_page(as_sent, f"/articles/{ICCO}")
        assert f"<title>{escape(BY_ID[ICCO].title)} – News Archive</title>" in article
