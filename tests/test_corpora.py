"""The shared Reuters-21578 corpus, ingested whole, as a user would: counts, ids, one known
story, and headline searches. Skips where ../shared/corpora is absent (a fresh clone)."""

import json
import random
import re
from collections import Counter
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from support.helpers import search_params, shown_total
from support.reuters import REUTERS, needs_reuters
from support.reuters import records as reuters_records

from app.archive import Archive
from app.article import normal_topics
from app.cleaning import clean_paragraphs, clean_place
from app.ingest import ingest
from app.search.queries import search, stats
from app.settings import Settings
from app.web.app import create_app

pytestmark = needs_reuters


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return reuters_records()


@pytest.fixture(scope="module")
def reuters(tmp_path_factory, records):
    """An archive holding the whole corpus, and the ingest's report."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("reuters") / "data")
    archive = Archive(settings)
    report = ingest(archive, [REUTERS])
    yield archive, report
    archive.close()


def canonical(archive: Archive, article_id: str) -> str | None:
    if archive.store.get(article_id):
        return article_id
    return archive.store.resolve_alias(article_id)


def stored_place(record: dict) -> str:
    """A record's place as the store keeps it: clean, and one spelling whatever the case."""
    return (clean_place(record.get("place")) or "").casefold()


def without_sign_off(body: str) -> str:
    return " ".join(clean_paragraphs([" ".join(part.split()) for part in body.split("\n\n")]))


def test_every_story_is_stored_once_and_every_id_leads_to_it(reuters, records):
    """A story sent twice, once with the wire's sign-off ("… REUTER") and once without, is
    the same story: 178 exact repeats, 43 more once the sign-off is gone. Its topics are
    part of it: the same text under other topics (16 of those repeats) is another story."""
    archive, report = reuters
    texts = Counter(
        f"{r['published']} {r['title']} {without_sign_off(r['body'])} {stored_place(r)} "
        f"{normal_topics(r['topics'])}"
        for r in records
    )
    repeats = sum(count - 1 for count in texts.values())
    assert (report.added, report.duplicates, report.rejected) == (
        len(records) - repeats,
        repeats,
        [],
    )
    assert stats(archive).articles == archive.store.article_count() == len(records) - repeats
    assert all(canonical(archive, record["id"]) for record in records)


def test_check_passes(reuters):
    archive, _report = reuters
    assert not archive.differences()


def test_reuters_1_is_the_bahia_cocoa_review(reuters):
    archive, _report = reuters
    with TestClient(create_app(archive.settings)) as client:
        article = client.get("/api/articles/reuters-1").json()
    assert (article["title"], article["published"], article["place"]) == (
        "BAHIA COCOA REVIEW",
        "1987-02-26",
        "SALVADOR",
    )


def test_a_search_for_a_headline_finds_that_story_first(reuters, records):
    archive, _report = reuters
    titles = Counter(record["title"] for record in records)
    sample = random.Random(21578).sample([r for r in records if titles[r["title"]] == 1], 200)
    misses = []
    for record in sample:
        typed = re.sub(r"[^\w.\s-]", " ", record["title"].lower())  # as typed: no <> or quotes
        found = search(archive, search_params(q=typed, per_page=1))
        if not found.items or found.items[0].id != canonical(archive, record["id"]):
            misses.append(record["title"])
    assert misses == []


# --- search features on the whole corpus (issue 4's acceptance) ------------------------------


@pytest.fixture(scope="module")
def client(reuters):
    archive, _report = reuters
    with TestClient(create_app(archive.settings)) as test_client:
        yield test_client


def test_the_month_facets_of_cocoa_sum_to_its_total(client):
    found = client.get("/api/search", params={"q": "cocoa"}).json()
    assert found["total"] > 50
    assert sum(month["count"] for month in found["facets"]["month"]) == found["total"]


def test_the_timeline_of_oil_sums_to_its_total(client):
    timeline = client.get("/api/timeline", params={"q": "oil"}).json()
    total = client.get("/api/search", params={"q": "oil"}).json()["total"]
    assert timeline["total"] == total > 1000
    assert sum(bucket["count"] for bucket in timeline["buckets"]) == total


# a dateline's debris: the wire's priority code, a state's abbreviation, a stray lower case
DEBRIS = re.compile(r"^[a-z] |\s(?:Conn|Calif|Fla|Mass|N\.[YJ])\.?$|[A-Z]{2}[a-z][A-Z]|^[^A-Z]*$")


def test_every_place_is_clean_and_one_spelling_counted_alike_on_every_page(client):
    """Reuters' datelines sent `c CHICAGO`, `FARMINGTON Conn.`, `WALtHAM`, `dodge city`, and
    NEW YORK in three cases: every place is clean, spelt one way, and NEW YORK's count is
    one number on the home page, the places list and JSON, its own page and the facets."""
    places = {pair["value"]: pair["count"] for pair in client.get("/api/places").json()["values"]}
    assert [name for name in places if DEBRIS.search(name)] == []
    assert len({name.casefold() for name in places}) == len(places)
    new_york = places["NEW YORK"]
    home = client.get("/").text
    assert f'>NEW YORK</a> <span class="count">{new_york:,}</span>' in home
    assert f'>NEW YORK</a> <span class="count">{new_york:,}</span>' in client.get("/places").text
    assert shown_total(client.get("/places/NEW YORK").text) == new_york
    assert client.get("/api/stats").json()["by_place"]["NEW YORK"] == new_york
    facet = client.get("/api/search", params={"place": "new york"}).json()
    assert facet["total"] == {f["value"]: f["count"] for f in facet["facets"]["place"]}["NEW YORK"]
    assert facet["total"] == new_york


def test_the_timeline_of_opec_gives_shares_that_rise_where_counts_fall_and_marks_gaps(client):
    """Issue 22: OPEC is in fewer stories in the week of 29 June 1987 than in that of 2
    March, but the archive holds far fewer stories that week: the share rose. And the
    archive holds nothing from May 1987 nor from 6 July to 18 October: no "no matches"."""
    timeline = client.get("/api/timeline", params={"q": "OPEC"}).json()
    assert timeline["unit"] == "week"
    weeks = {bucket["label"]: bucket for bucket in timeline["buckets"]}
    march, june = weeks["week of 2 Mar 1987"], weeks["week of 29 Jun 1987"]
    assert march["count"] > june["count"] > 0 and march["archive"] > june["archive"]
    assert june["share"] > march["share"]
    for week in (march, june):
        browsed = {"from": week["start"], "to": week["end"]}
        assert week["archive"] == client.get("/api/articles", params=browsed).json()["total"]
        assert week["share"] == pytest.approx(week["count"] / week["archive"], abs=1e-6)
    gaps = [bucket for bucket in timeline["buckets"] if not bucket["archive"]]
    assert all(gap["count"] == 0 and gap["share"] is None for gap in gaps)
    for day in ("1987-05-15", "1987-08-01"):
        (gap,) = [gap for gap in gaps if gap["start"] <= day <= gap["end"]]
        browsed = {"from": gap["start"], "to": gap["end"]}
        assert client.get("/api/articles", params=browsed).json()["total"] == 0


def test_the_ndjson_export_of_oil_has_one_line_a_match(client):
    total = client.get("/api/search", params={"q": "oil"}).json()["total"]
    export = client.get("/api/export", params={"q": "oil", "format": "ndjson"})
    lines = export.text.splitlines()
    assert len(lines) == total
    assert len({json.loads(line)["id"] for line in lines}) == total


def test_did_you_mean_turns_cofee_into_coffee(client):
    assert client.get("/api/search", params={"q": "cofee"}).json()["suggestion"] == "coffee"


def test_the_related_stories_of_a_cocoa_story_are_about_cocoa(client):
    related = client.get("/api/articles/reuters-1/related").json()["items"]
    assert len(related) == 5
    for item in related:
        article = client.get(item["url"].replace("/articles/", "/api/articles/")).json()
        assert "cocoa" in (article["title"] + article["body"]).lower()


def test_the_terms_of_oil_prices_are_about_the_oil_market(client):
    found = client.get("/api/terms", params={"q": "oil prices"}).json()
    assert (found["sample"], found["sampled_by"]) == (200, "relevance")  # the best 200…
    assert found["matches"] > found["sample"]  # …of more
    terms = {term["term"] for term in found["terms"]}
    assert len(terms & {"opec", "crude", "barrel", "barrels", "bpd", "petroleum"}) >= 3, terms
    assert not terms & {"oil", "prices", "price", "the", "said"}  # its own words, stop words
    assert all(term["count"] > term["expected"] for term in found["terms"])


def test_the_atom_feed_of_gold_parses(client):
    feed = client.get("/search.atom", params={"q": "gold"})
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(feed.content)
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 50
    dates = [entry.findtext("{http://www.w3.org/2005/Atom}published") for entry in entries]
    assert dates == sorted(dates, reverse=True)


# --- topics (issue 15) --------------------------------------------------------------------------


def test_the_topic_cocoa_has_a_page_that_counts_what_its_filter_finds(client, records):
    tagged = sum(1 for r in records if "cocoa" in r["topics"])
    page = client.get("/topics/cocoa")
    assert page.status_code == 200
    total = client.get("/api/search", params={"topic": "cocoa"}).json()["total"]
    assert shown_total(page.text) == total
    assert client.get("/api/articles", params={"topic": "COCOA"}).json()["total"] == total
    assert tagged - 5 <= total <= tagged  # a few tagged stories are repeats of another
    listed = dict((c["value"], c["count"]) for c in client.get("/api/topics").json()["values"])
    assert listed["cocoa"] == total
    words = client.get("/api/search", params={"q": "cocoa", "topic": "cocoa"}).json()["total"]
    of_words = client.get("/api/topics", params={"q": "cocoa"}).json()["values"]
    assert dict((c["value"], c["count"]) for c in of_words)["cocoa"] == words <= total


def test_ingesting_again_with_topics_updates_every_story_and_adds_none(tmp_path, records):
    """A file first ingested without topics (as before they were kept), then the same
    records with them: each stored story is updated in place, none added or doubled."""
    unique: dict[str, dict] = {}
    for record in records[:600]:
        text = f"{record['published']} {record['title']} {record['body']} {record['place']}"
        if record["topics"]:
            unique.setdefault(text, record)
    chosen = list(unique.values())
    bare = tmp_path / "bare.jsonl"
    bare.write_text("".join(json.dumps({**r, "topics": [], "places": []}) + "\n" for r in chosen))
    tagged = tmp_path / "tagged.jsonl"
    tagged.write_text("".join(json.dumps(r) + "\n" for r in chosen))
    archive = Archive(Settings(data_dir=tmp_path / "data"))
    try:
        first = ingest(archive, [bare])
        assert (first.added, first.rejected) == (len(chosen), []) and len(chosen) > 100
        assert stats(archive).named["topic"] == {}
        again = ingest(archive, [tagged])
        assert (again.added, again.updated, again.duplicates) == (0, len(chosen), 0)
        assert stats(archive).articles == len(chosen)
        every_version = search(archive, search_params(topic="cocoa", collapse="false"))
        assert every_version.total == sum(1 for r in chosen if "cocoa" in r["topics"])
        assert not archive.differences()
    finally:
        archive.close()


def test_story_threads_are_found_and_a_search_for_cocoa_collapses_its_versions(reuters, client):
    archive, _report = reuters
    with archive.store.engine.connect() as connection:
        articles, threads = connection.exec_driver_sql(
            "SELECT count(*), count(DISTINCT thread) FROM articles"
        ).one()
    assert articles - threads > 500  # versions joined to an earlier one: 525 (README)
    stories = client.get("/api/search", params={"q": "cocoa", "per_page": 100}).json()
    every = client.get("/api/search", params={"q": "cocoa", "collapse": "false"}).json()
    assert stories["articles"] == every["total"] > stories["total"]
    corrected = {"reuters-5168", "reuters-5192"}  # a cocoa story and its correction
    found = client.get("/api/search", params={"q": "Ivory Coast confirms presence talks"})
    assert len(corrected & {item["id"] for item in found.json()["items"]}) == 1


def test_a_flash_and_its_full_story_are_one_thread_whose_page_shows_what_changed(client):
    answer = client.get("/api/articles/reuters-10948/versions").json()
    assert [v["id"] for v in answer["versions"]] == ["reuters-10934", "reuters-10948"]
    later = answer["versions"][1]
    assert later["changes"] and (later["inserted"] or later["deleted"])
    page = client.get("/articles/reuters-10934/versions").text
    assert "2 versions of this story" in page and ("<ins>" in page or "<del>" in page)
