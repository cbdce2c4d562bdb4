"""One thing, one count: a filter's or a search's count is the same on every page, facet,
list, terms page, export, timeline and JSON twin, and is said the same way ("3 stories": a
story's versions once; "5 articles" only for every version). A place sent in two cases is
one place, under one spelling, everywhere.

The archive: a story about the yen in Tokyo sent three times (one thread of three versions),
two more Tokyo stories (one sent with its place as "Tokyo"), and two London stories.
"""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from support.helpers import get_page, make, shown_total

DAY = date(1987, 3, 9)
YEN = (
    "The yen rose against the dollar in Tokyo on Monday as exporters sold dollars ahead of "
    "the fiscal year end, dealers said, and the central bank did not step in."
)
STORIES = [
    make("v1", YEN, DAY, place="TOKYO", source="Reuters", topics=("money-fx",)),
    make("v2", YEN + "\n\nThe dollar closed at 151.20 yen.", DAY, place="TOKYO", source="Reuters"),
    make(
        "v3",
        YEN + "\n\nThe dollar closed at 151.20 yen.\n\nVolume was light.",
        DAY + timedelta(days=1),
        place="TOKYO",
        source="Reuters",
    ),
    make("t1", "Tokyo stocks fell as the yen's rise hurt exporters.", DAY, place="Tokyo"),
    make("t2", "A Tokyo court ruled on a land dispute.", DAY + timedelta(days=20), place="TOKYO"),
    make("l1", "The yen was steady in London trading.", DAY, place="LONDON", source="Reuters"),
    make("l2", "London gold was fixed higher.", DAY + timedelta(days=2), place="LONDON"),
]
THREADS = {"v1": "v1", "v2": "v1", "v3": "v1"}


@pytest.fixture
def archive_client(client):
    archive = client.app.state.archive
    archive.add(STORIES, source_paths=[None] * len(STORIES))
    threads = archive.store.threads_of([story.id for story in STORIES])
    assert {key: threads[key] for key in THREADS} == THREADS, "the yen story is one thread"
    return client


def json(client, path: str, **params) -> dict:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def listed_count(page: str, name: str) -> int:
    """The count beside `name` in a list of names (home, /places, a facet)."""
    found = re.search(rf">{re.escape(name)}</a> <span class=\"count\">([\d,]+)</span>", page)
    assert found, f"{name} is not listed"
    return int(found.group(1).replace(",", ""))


def exported_rows(client, **params) -> list[dict]:
    answer = client.get("/api/export", params={**params, "format": "csv"})
    assert answer.status_code == 200, answer.text
    return list(csv.DictReader(io.StringIO(answer.text)))


def every_count_of(client, **params) -> dict[str, int]:
    """The count of the stories `params` choose, as every page and endpoint states it."""
    search = get_page(client, "/search", **params)
    terms = get_page(client, "/search/terms", **params)
    timeline = json(client, "/api/timeline", **params)
    counts = {
        "/search": shown_total(search),
        "/search/terms": shown_total(terms),
        "/api/search": json(client, "/api/search", **params)["total"],
        "/api/articles": json(client, "/api/articles", **params)["total"],
        "/api/terms": json(client, "/api/terms", **params)["matches"],
        "/api/timeline": timeline["total"],
        "/api/timeline buckets": sum(bucket["count"] for bucket in timeline["buckets"]),
        "/api/export rows": len(exported_rows(client, **params)),
    }
    link = re.search(r"download>CSV, ([\d,]+) stor(?:y|ies)</a>", search)
    assert link, "the export link says how many stories it holds"
    counts["export link"] = int(link.group(1))
    return counts


def test_a_place_has_one_count_on_every_page_and_in_every_answer(archive_client):
    client = archive_client
    tokyo = {"place": "TOKYO"}
    counts = every_count_of(client, **tokyo)
    counts["/places/TOKYO"] = shown_total(get_page(client, "/places/TOKYO"))
    counts["/places"] = listed_count(get_page(client, "/places"), "TOKYO")
    counts["/api/places"] = dict(
        (pair["value"], pair["count"]) for pair in json(client, "/api/places")["values"]
    )["TOKYO"]
    counts["home"] = listed_count(get_page(client, "/"), "TOKYO")
    counts["/api/stats"] = json(client, "/api/stats")["by_place"]["TOKYO"]
    every_tokyo_story = get_page(client, "/search", q="yen OR court")
    counts["facet of /search"] = listed_count(every_tokyo_story, "TOKYO")
    facets = json(client, "/api/search")["facets"]["place"]
    counts["facet of /api/search"] = {f["value"]: f["count"] for f in facets}["TOKYO"]
    assert counts == dict.fromkeys(counts, 3)  # v1-v3 once, t1 and t2


def test_a_search_has_one_count_on_every_page_and_in_every_answer(archive_client):
    counts = every_count_of(archive_client, q="yen", place="TOKYO")
    assert counts == dict.fromkeys(counts, 2)  # the yen story once, and t1
    counts = every_count_of(archive_client, q="yen")
    assert counts == dict.fromkeys(counts, 3)  # and l1


def test_every_version_is_counted_in_articles_and_said_so(archive_client):
    client = archive_client
    page = get_page(client, "/search", q="yen")
    every = re.search(r"download>every version, ([\d,]+) articles</a>", page)
    assert every and int(every.group(1)) == 5
    assert "A story's versions count once: 5 articles in all." in page
    assert len(exported_rows(client, q="yen", collapse="false")) == 5
    assert json(client, "/api/search", q="yen")["articles"] == 5
    stats = json(client, "/api/stats")
    assert (stats["stories"], stats["articles"]) == (6, 8)  # with the seed
    home = get_page(client, "/")
    assert "6 stories (8 articles with their versions)" in home
    assert "Search 6 stories by word, name or place" in home


def test_a_period_counts_its_stories_as_the_search_of_its_dates(archive_client):
    client = archive_client
    month = get_page(client, "/archive/1987/03")
    dated = {"from": "1987-03-01", "to": "1987-03-31"}
    assert shown_total(month) == json(client, "/api/articles", **dated)["total"] == 5
    assert re.search(r'<a href="/archive/1987/03/09">.*?9</span> <span class="count">2<', month)


def test_every_day_of_a_month_counts_on_its_calendar_what_its_page_lists(archive_client):
    """The yen story's versions were sent on two days: it counts on one of them, the day of
    the version it is shown by (its latest), on the calendar and on the day's page alike."""
    client = archive_client
    month = get_page(client, "/archive/1987/03")
    days = re.findall(r'<a href="/archive/1987/03/(\d\d)">.*?<span class="count">(\d+)', month)
    assert days and sum(int(count) for _day, count in days) == shown_total(month)
    for day, count in days:
        assert shown_total(get_page(client, f"/archive/1987/03/{day}")) == int(count)


def test_a_story_whose_versions_name_two_places_counts_under_the_one_it_is_shown_by(client):
    """A later version datelined elsewhere: the story is one, under one place, and every
    place's count is the same on its list, its page, its filter and the facet."""
    versions = [
        make("p1", YEN, DAY, place="TOKYO"),
        make("p2", YEN + "\n\nOsaka dealers agreed.", DAY, place="OSAKA"),
    ]
    client.app.state.archive.add(versions, source_paths=[None, None])
    assert client.app.state.archive.store.threads_of(["p1", "p2"]) == {"p1": "p1", "p2": "p1"}
    listed = {pair["value"]: pair["count"] for pair in json(client, "/api/places")["values"]}
    facet = {f["value"]: f["count"] for f in json(client, "/api/search")["facets"]["place"]}
    assert listed == facet and sum(listed.values()) == json(client, "/api/stats")["stories"]
    for place in ("TOKYO", "OSAKA"):
        filtered = json(client, "/api/search", place=place)["total"]
        assert filtered == listed.get(place, 0) == len(exported_rows(client, place=place))
        if filtered:
            assert shown_total(get_page(client, f"/places/{place}")) == filtered


def test_a_place_sent_in_two_cases_is_one_place_under_one_spelling(archive_client):
    client = archive_client
    assert client.app.state.archive.store.get("t1").place == "TOKYO"
    places = [pair["value"] for pair in json(client, "/api/places")["values"]]
    assert sorted(places) == ["LONDON", "TOKYO", "WASHINGTON"]  # and the seed's
    items = json(client, "/api/search", place="tokyo", per_page=10)["items"]
    assert {item["place"] for item in items} == {"TOKYO"}
    assert '<span class="place">Tokyo</span>' not in get_page(client, "/search", q="stocks")


def test_an_export_says_what_it_holds_in_its_name_and_links_in_full(archive_client):
    answer = archive_client.get(
        "/api/export", params={"q": "yen", "from": "1987-03-01", "to": "1987-03-31"}
    )
    assert answer.headers["content-disposition"] == 'attachment; filename="yen-1987-03.csv"'
    urls = [row["url"] for row in csv.DictReader(io.StringIO(answer.text))]
    assert urls and all(url.startswith("http://testserver/articles/") for url in urls)
