"""Story threads over HTTP: a search shows a story once with its other versions a link away
(`collapse=false` shows them all, the totals say what they count); the thread page and its
JSON twin list the versions oldest first with what changed, escaped."""

import re
from datetime import date, timedelta

import pytest
from support.capitals import CORRECTION, ORIGINAL, STORIES
from support.helpers import get_page, listed_ids, make, shown_total

FIRST = (
    "Cocoa growers in Ghana said the main crop was late this year after a dry spell, and "
    "buyers in Accra expected arrivals to pick up within weeks as the rains returned."
)
SECOND = FIRST.replace("within weeks", "within two weeks") + (
    "\n\nThe marketing board kept its producer price unchanged."
)
THIRD = SECOND + "\n\nExporters said <b>quality</b> was good."
OTHER = "Cocoa futures fell in London on heavy selling by speculators, dealers said."
DAY = date(2024, 3, 4)


@pytest.fixture
def thread(client):
    stories = [
        make("v1", FIRST, DAY, place="ACCRA"),
        make("v2", SECOND, DAY, place="ACCRA"),
        make("v3", THIRD, DAY + timedelta(days=1), place="ACCRA"),
        make("x1", OTHER, DAY, place="LONDON"),
    ]
    client.app.state.archive.add(stories, source_paths=[None] * len(stories))
    assert client.app.state.archive.store.threads_of(["v1", "v2", "v3", "x1"]) == {
        "v1": "v1",
        "v2": "v1",
        "v3": "v1",
        "x1": "x1",
    }


def test_a_search_shows_a_story_once_with_its_other_versions_a_link_away(client, thread):
    every = listed_ids(get_page(client, "/search", q="cocoa", collapse="false"))
    best = next(i for i in every if i.startswith("v"))  # the thread's best-matching version
    page = get_page(client, "/search", q="cocoa")
    assert listed_ids(page) == [i for i in every if i in (best, "x1")]
    assert shown_total(page) == 2
    assert "A story's versions count once: 4 articles in all." in page
    link = re.search(r'<a class="versions-link" href="([^"]+)">2 more versions</a>', page)
    assert link and link.group(1) == f"/articles/{best}/versions"
    api = client.get("/api/search", params={"q": "cocoa"}).json()
    assert (api["total"], api["articles"]) == (2, 4)
    assert {item["id"]: item["versions"] for item in api["items"]} == {best: 3, "x1": 1}


def test_collapse_false_shows_every_version_and_counts_articles(client, thread):
    page = get_page(client, "/search", q="cocoa", collapse="false")
    assert sorted(listed_ids(page)) == ["v1", "v2", "v3", "x1"]
    assert shown_total(page) == 4 and "Show each story once" in page
    api = client.get("/api/search", params={"q": "cocoa", "collapse": "false"}).json()
    assert (api["total"], api["articles"]) == (4, None)
    refused = client.get("/api/search", params={"q": "cocoa", "collapse": "maybe"})
    assert refused.status_code == 400 and refused.json()["detail"].startswith("collapse:")


def test_the_facets_and_the_export_count_what_the_search_lists(client, thread):
    collapsed = client.get("/api/search", params={"q": "cocoa"}).json()
    assert {c["value"]: c["count"] for c in collapsed["facets"]["place"]} == {
        "ACCRA": 1,
        "LONDON": 1,
    }
    exported = client.get("/api/export", params={"q": "cocoa", "format": "ndjson"}).text
    assert len(exported.splitlines()) == 2
    every = client.get("/api/export", params={"q": "cocoa", "format": "ndjson", "collapse": "0"})
    assert len(every.text.splitlines()) == 4


def test_the_thread_page_lists_the_versions_oldest_first_with_what_changed(client, thread):
    page = get_page(client, "/articles/v2/versions")
    assert "3 versions of this story" in page
    assert re.findall(r'<h2><a href="/articles/(v\d)">', page) == ["v1", "v2", "v3"]
    second = page.split('href="/articles/v2"', 1)[1].split("</li>", 1)[0]
    assert '<ins><span class="visually-hidden">[added: </span>two ' in second
    assert "<del>" not in second  # nothing was taken out
    assert "came from" not in page  # opened directly: the reader came from no article
    marked = get_page(client, "/articles/v2/versions", from_article="1")
    assert (
        "the article you came from" in marked.split('href="/articles/v2"', 1)[1].split("</li>")[0]
    )
    assert marked.count("the article you came from") == 1
    third = page.split('href="/articles/v3"', 1)[1].split("</li>", 1)[0]
    assert "&lt;b&gt;quality&lt;/b&gt;" in third and "<b>quality" not in third  # escaped
    assert "5 words added, 0 removed" in third


def test_the_thread_json_is_the_page_s_twin(client, thread):
    answer = client.get("/api/articles/v3/versions").json()
    assert answer["thread"] == "v1"
    assert [v["id"] for v in answer["versions"]] == ["v1", "v2", "v3"]
    first, second, third = answer["versions"]
    assert first["changes"] is None and (first["inserted"], first["deleted"]) == (0, 0)
    assert {"kind": "inserted", "text": "two "} in second["changes"]
    assert (second["inserted"], second["deleted"]) == (9, 0)
    assert "".join(c["text"] for c in third["changes"] if c["kind"] != "deleted") == THIRD
    assert third["inserted"] == 5


def test_an_article_links_its_versions_and_a_lone_one_does_not(client, thread):
    assert 'href="/articles/v1/versions?from_article=1">3 versions of this story</a>' in get_page(
        client, "/articles/v1"
    )
    assert "versions of this story" not in get_page(client, "/articles/x1")
    alone = client.get("/api/articles/x1/versions").json()
    assert [v["id"] for v in alone["versions"]] == ["x1"]


@pytest.mark.parametrize("path", ["/articles/nope/versions", "/api/articles/nope/versions"])
def test_an_unknown_article_has_no_versions(client, path):
    assert client.get(path).status_code == 404


def test_a_page_shows_every_change_escaped_whatever_the_text(client):
    nasty = '<script>alert("x")</script> & "quotes"'
    stories = [make("n1", FIRST, DAY), make("n2", f"{FIRST} {nasty}", DAY)]
    client.app.state.archive.add(stories, source_paths=[None, None])
    page = get_page(client, "/articles/n2/versions")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;" in page


@pytest.fixture
def corrected(client):
    """Reuters' Ivory Coast story and its correction, which changed the headline alone, among
    other cocoa stories (tests/support/capitals.py)."""
    stories = [story.article() for story in STORIES]
    client.app.state.archive.add(stories, source_paths=[None] * len(stories))
    threads = client.app.state.archive.store.threads_of([ORIGINAL, CORRECTION])
    assert threads == {ORIGINAL: ORIGINAL, CORRECTION: ORIGINAL}
    return client


def test_a_correction_of_the_headline_alone_is_shown_as_one(corrected):
    page = get_page(corrected, f"/articles/{ORIGINAL}/versions")
    fixed = page.split(f'id="version-{CORRECTION}"', 1)[1].split("</li>", 1)[0]
    assert "marked <strong>corrected</strong>" in fixed
    assert "headline changed" in fixed and "text unchanged" in fixed
    assert "0 words added" not in fixed and "The same headline and text" not in fixed
    assert "only the headline changed" in fixed
    headline = fixed.split('class="changes headline-changes"', 1)[1].split("</p>", 1)[0]
    assert '<ins><span class="visually-hidden">[added: </span>(Corrected)-Ivory ' in headline
    assert '<del><span class="visually-hidden">[removed: </span>Cocoa ' in headline
    second = corrected.get(f"/api/articles/{ORIGINAL}/versions").json()["versions"][1]
    assert (second["kind"], second["inserted"], second["deleted"]) == ("corrected", 0, 0)
    changed = {(run["kind"], run["text"].strip()) for run in second["headline_changes"]}
    assert {("inserted", "(Corrected)-Ivory"), ("deleted", "Cocoa")} <= changed


def test_a_superseded_version_says_a_later_one_exists_and_links_to_the_change(corrected):
    page = get_page(corrected, f"/articles/{ORIGINAL}")
    notice = page.split('class="notice superseded"', 1)[1].split("</p>", 1)[0]
    assert "A later version of this story exists: it was corrected" in notice
    link = f'href="/articles/{ORIGINAL}/versions?from_article=1#version-{CORRECTION}"'
    assert f"{link}>See what changed</a>" in notice
    assert f'href="/articles/{CORRECTION}">Read the latest version</a>' in notice
    assert "superseded" not in get_page(corrected, f"/articles/{CORRECTION}")  # the latest
    later = corrected.get(f"/api/articles/{ORIGINAL}").json()["superseded_by"]
    assert later == {
        "kind": "corrected",
        "id": CORRECTION,
        "url": f"/articles/{ORIGINAL}/versions#version-{CORRECTION}",
        "latest": CORRECTION,
    }
    assert corrected.get(f"/api/articles/{CORRECTION}").json()["superseded_by"] is None


def test_an_update_without_a_marker_is_said_to_be_an_update(client, thread):
    page = get_page(client, "/articles/v1")
    assert "A later version of this story exists: it was updated" in page
    assert 'versions?from_article=1#version-v2">See what changed' in page  # the next one
    assert 'href="/articles/v3">Read the latest version' in page


def test_related_stories_never_list_the_article_s_own_versions(corrected):
    archive = corrected.app.state.archive
    record = archive.store.get(ORIGINAL)
    likest = archive.index.more_like(record.to_article(), count=len(STORIES))
    assert CORRECTION in likest  # the same text: the likest of all
    others = [found for found in likest if found != CORRECTION][:5]
    assert len(others) == 5
    related = corrected.get(f"/api/articles/{ORIGINAL}/related").json()["items"]
    assert [item["id"] for item in related] == others
    page = get_page(corrected, f"/articles/{ORIGINAL}/related")
    assert f'href="/articles/{CORRECTION}"' not in page
