"""app.web.browse over HTTP: a month as a calendar and a year as its months, with the periods
beside; every place and source (of the archive, or of a search), each one's own page; and
the JSON twins that agree with them."""

import csv
import html
import io
import json
import re
from datetime import date
from urllib.parse import quote

import pytest
from support.helpers import COCOA_NEWS, TOPIC_NEWS, add_news, get_page, listed_ids, shown_total
from support.stories import SEED_ID

from app.facets import TOP_NAMES

_NAME = re.compile(r'<li><a href="([^"]*)">([^<]*)</a> <span class="count">([\d,]+)</span></li>')
MANY_PLACES = [  # more places than a facet lists, each with fewer stories than the one before
    (f"m{n:02d}", f"2022-06-0{1 + n % 9}", f"PORT {n:02d}", "AP", f"Harbour news: ship {n} in.")
    for n in range(TOP_NAMES + 5)
]


@pytest.fixture
def news(client):
    add_news(client, COCOA_NEWS)


def names_listed(page: str) -> list[tuple[str, str, int]]:
    """(href, name, count) of each place or source a names page lists."""
    block = page.split('<ul class="names" id="names">', 1)[1].split("</ul>", 1)[0]
    return [
        (html.unescape(h), html.unescape(v), int(n.replace(",", "")))
        for h, v, n in _NAME.findall(block)
    ]


# --- A month, a year -----------------------------------------------------------------------------


def test_a_month_is_a_calendar_whose_every_day_shows_and_whose_busy_days_link(client, news):
    page = get_page(client, "/archive/2024/01")
    calendar = page.split('<table class="calendar">', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<td(?: class=\"(\w+)\")?>(.*?)</td>", calendar, re.S)
    days = [cell for cell in cells if cell[0] != "outside"]
    assert len(days) == 31
    linked = re.findall(
        r'<a href="/archive/2024/01/(\d\d)"><span class="day">(\d+)</span> '
        r'<span class="count">(\d+)',
        calendar,
    )
    assert linked == [("15", "15", "1"), ("16", "16", "1")]
    assert sum(1 for kind, _ in days if kind == "empty") == 29
    assert calendar.count("no stories") == 29
    rows = re.findall(r"<tr>(.*?)</tr>", calendar.split("<tbody>")[1], re.S)
    first_week = re.findall(r"<td(?: class=\"(\w+)\")?>", rows[0])
    assert first_week[0] != "outside"  # 1 January 2024 was a Monday: no padding before it
    assert shown_total(page) == 2


def test_a_month_leads_to_the_months_and_the_years_beside_it(client, news):
    page = get_page(client, "/archive/2024/01")
    steps = page.split('<nav class="period-steps"', 1)[1].split("</nav>", 1)[0]
    # the nearest months that hold stories; no January of another year holds any
    linked = re.findall(r'href="(/archive/[\d/]+)"', steps)
    assert linked == ["/archive/2023/12", "/archive/2024/03"]
    assert 'rel="prev" href="/archive/2023/12"' in steps
    assert 'rel="next" href="/archive/2024/03"' in steps
    empty = get_page(client, "/archive/2024/02")  # a month without a story still shows its days
    assert "The archive holds no stories from February 2024" in empty
    assert empty.count("no stories</span>") == 29


def test_an_empty_period_offers_nothing_to_sort_and_leads_to_the_nearest_that_hold_stories(
    client, news
):
    empty = get_page(client, "/archive/2024/02")
    assert "oldest first" not in empty and "newest first" not in empty
    assert 'type="application/json"' not in empty.split('<main id="main">', 1)[1]
    steps = empty.split('<nav class="period-steps"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="(/archive/[\d/]+)"', steps) == [
        "/archive/2024/01",
        "/archive/2024/03",
    ]
    one = get_page(client, "/archive/2024/03")  # one story: nothing to sort either
    assert "newest first" not in one and shown_total(one) == 1
    two = get_page(client, "/archive/2024/01")
    assert 'oldest first · <a href="/archive/2024/01?sort=newest">newest first</a>' in two


def test_the_archive_s_ends_lead_no_further_and_its_gaps_are_stepped_over(client, news):
    first = get_page(client, "/archive/2023")  # the seed is of 2025; nothing before 2023
    assert 'rel="prev"' not in first and 'rel="next" href="/archive/2024"' in first
    last = get_page(client, "/archive/2025/10/17")
    assert 'rel="next"' not in last and 'rel="prev" href="/archive/2024/03/01"' in last
    before = get_page(client, "/archive/1990")  # an empty year before the archive
    assert 'rel="prev"' not in before and 'rel="next" href="/archive/2023"' in before


def test_a_day_s_breadcrumbs_are_spaced(client, news):
    crumbs = get_page(client, "/archive/2024/01/15").split('aria-label="Breadcrumbs">', 1)[1]
    text = re.sub(r"<[^>]+>", "", crumbs.split("</nav>", 1)[0])
    assert " ".join(text.split()) == "Home › 2024 › January › 15"
    assert "January › 15" in text  # not "January› 15"


def test_a_year_shows_all_twelve_months_and_the_years_beside(client, news):
    page = get_page(client, "/archive/2024")
    months = re.findall(
        r"<li(?: class=\"empty\")?>\s*(.*?)\s*</li>",
        page.split('<nav class="parts"')[1].split("</nav>")[0],
        re.S,
    )
    assert len(months) == 12
    assert months[0] == '<a href="/archive/2024/01">January</a> <span class="count">2</span>'
    assert months[1] == 'February <span class="count">none</span>'
    assert 'rel="prev" href="/archive/2023"' in page and 'rel="next" href="/archive/2025"' in page


def test_the_first_and_last_days_of_the_calendar_lead_nowhere_beyond_it(client):
    assert 'rel="prev"' not in get_page(client, "/archive/1/01/01")
    assert 'rel="next"' not in get_page(client, "/archive/9999/12")
    assert "February 10000" not in get_page(client, "/archive/9999/02")


# --- Every place, every source -------------------------------------------------------------------


@pytest.mark.parametrize(("facet", "path"), [("place", "/places"), ("source", "/sources")])
def test_the_archive_s_places_and_sources_are_listed_with_counts_and_their_own_pages(
    client, news, facet, path
):
    listed = names_listed(get_page(client, path))
    api = client.get(f"/api{path}").json()
    assert [(name, count) for _, name, count in listed] == [
        (c["value"], c["count"]) for c in api["values"]
    ]
    assert api["total"] == len(listed)
    assert sum(count for _, _, count in listed) == len(COCOA_NEWS) + 1  # and the seed
    assert [href for href, _, _ in listed] == [f"{path}/{quote(name)}" for _, name, _ in listed]


def test_the_places_of_a_search_narrow_it_each_to_its_count(client, news):
    page = get_page(client, "/places", q="cocoa", source="AP")
    listed = names_listed(page)
    assert [(name, count) for _, name, count in listed] == [("ACCRA", 2), ("SÃO PAULO", 1)]
    for href, _name, count in listed:
        assert shown_total(get_page(client, href)) == count
        assert "source=AP" in href and "q=cocoa" in href
    api = client.get("/api/places", params={"q": "cocoa", "source": "AP"}).json()
    assert [(c["value"], c["count"]) for c in api["values"]] == [("ACCRA", 2), ("SÃO PAULO", 1)]


def test_a_name_typed_in_the_box_keeps_the_places_that_hold_it(client, news):
    page = get_page(client, "/places", match="paulo")
    assert [name for _, name, _ in names_listed(page)] == ["SÃO PAULO"]
    assert 'value="paulo"' in page
    nothing = get_page(client, "/places", match="<b>zz</b>")
    assert "No place's name holds “&lt;b&gt;zz&lt;/b&gt;”" in nothing


def test_a_facet_with_more_places_than_it_lists_links_to_all_of_them(client):
    add_news(client, [(k, d, p, s, b) for k, d, p, s, b in MANY_PLACES])
    page = get_page(client, "/search", q="harbour")
    more = re.search(r'<p class="more"><a href="([^"]+)">All ([\d,]+) places, or find one', page)
    assert more and int(more.group(2)) == len(MANY_PLACES)
    every = names_listed(get_page(client, html.unescape(more.group(1))))
    assert sorted(name for _, name, _ in every) == sorted(row[2] for row in MANY_PLACES)
    few = get_page(client, "/search", q="harbour", place="PORT 01")
    assert "places, or find one" not in few


# --- A place's page, a source's page -------------------------------------------------------------


def test_a_place_s_page_shows_its_articles_timeline_and_busiest_sources(client, news):
    page = get_page(client, "/places/accra")  # any case: the commonest spelling is shown
    assert '<h1><span class="kind">Place:</span> ACCRA</h1>' in page
    assert shown_total(page) == 3
    assert listed_ids(page) == ["n06", "n02", "n01"]  # newest first
    assert '<figure class="timeline-box">' in page
    busiest = page.split('id="busiest-heading"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r">([^<>]+)</a> <span class=\"count\">(\d+)", busiest) == [
        ("AP", "2"),
        ("Reuters", "1"),
    ]
    total = client.get("/api/articles", params={"place": "accra"}).json()["total"]
    assert total == 3
    assert "from 2 November 2023 to 1 March 2024" in page


def test_a_name_s_page_links_to_every_other_value_only_when_it_lists_some_of_them(client, news):
    page = get_page(client, "/places/ACCRA")  # its two sources, both listed: no "All 2 sources"
    assert "Busiest sources" in page and "sources of these stories" not in page
    add_news(client, MANY_PLACES)
    busy = get_page(client, "/sources/AP")  # more places than a name's page lists
    assert f"All {len(MANY_PLACES) + 2} places of these stories" in busy


def test_a_source_s_page_pages_its_articles(client, news):
    first = get_page(client, "/sources/Reuters", per_page="1")
    assert shown_total(first) == 3
    oldest = get_page(client, "/sources/Reuters", sort="oldest")
    assert listed_ids(oldest) == ["n01", "n03", "n04"]


@pytest.mark.parametrize("name", ["Nowhere", "%3Cscript%3E", "a%2Fb"])
def test_a_name_the_archive_does_not_hold_is_not_found_and_said_so(client, news, name):
    page = get_page(client, f"/places/{name}", status=404)
    assert "The archive holds no stories from the place “" in page
    assert "<script>" not in page.split("<main", 1)[1]


def test_a_name_with_a_slash_has_its_page(client):
    add_news(client, [("s1", "2024-05-01", "ROME", "AP/Reuters", "Joint story.")])
    page = get_page(client, "/sources")
    assert "/sources/AP%2FReuters" in [href for href, _, _ in names_listed(page)]
    assert shown_total(get_page(client, "/sources/AP%2FReuters")) == 1


def test_a_month_facet_is_offered_before_a_year_is_chosen(client, news):
    page = get_page(client, "/search", q="cocoa")
    assert "<summary>Year</summary>" in page and "<summary>Month</summary>" in page
    assert f'to={date(2023, 11, 30).isoformat()}">November 2023</a>' in page


# --- Topics ---------------------------------------------------------------------------------------


@pytest.fixture
def tagged(client):
    add_news(client, TOPIC_NEWS)


def test_every_topic_is_listed_with_its_count_and_its_own_page(client, tagged):
    listed = names_listed(get_page(client, "/topics"))
    api = client.get("/api/topics").json()
    assert [(name, count) for _, name, count in listed] == [
        (c["value"], c["count"]) for c in api["values"]
    ]
    assert listed[:3] == [("/topics/cocoa", "cocoa", 6), ("/topics/brazil", "brazil", 2)] + [
        ("/topics/trade", "trade", 2)
    ]
    assert api["total"] == len(listed) == 7
    assert [name for _, name, _ in names_listed(get_page(client, "/topics", match="RA"))] == [
        "brazil",
        "trade",
    ]


def test_a_topic_s_page_counts_what_the_topic_filter_finds(client, tagged):
    page = get_page(client, "/topics/BRAZIL")  # any case
    assert '<h1><span class="kind">Topic:</span> brazil</h1>' in page
    assert shown_total(page) == 2
    assert listed_ids(page) == ["n05", "n04"]
    for path in ("/api/search", "/api/articles"):
        assert client.get(path, params={"topic": "Brazil"}).json()["total"] == 2
    aside = page.split('<aside class="shape"', 1)[1].split("</aside>", 1)[0]
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", aside)
    assert headings == ["Busiest places", "Busiest sources"]
    assert re.findall(r'">([^<>]+)</a> <span class="count">(\d+)', aside) == [
        ("SÃO PAULO", "2"),
        ("AP", "1"),
        ("Reuters", "1"),
    ]
    assert 'href="/search?topic=BRAZIL&amp;place=S%C3%83O+PAULO"' in aside  # as asked
    assert "from 15 January 2024 to 16 January 2024" in page
    missing = get_page(client, "/topics/nothing", status=404)
    assert "The archive holds no stories on the topic “nothing”." in missing


def test_a_search_s_topic_facet_narrows_it_and_its_chip_widens_it_again(client, tagged):
    page = get_page(client, "/search", q="cocoa")
    facet = page.split("<summary>Topic</summary>", 1)[1].split("</details>", 1)[0]
    offered = re.findall(r'<a href="([^"]+)">([^<]+)</a> <span class="count">(\d+)', facet)
    assert [(name, int(n)) for _, name, n in offered][:3] == [
        ("cocoa", 6),
        ("brazil", 2),
        ("trade", 2),
    ]
    for href, _name, count in offered:
        assert shown_total(get_page(client, html.unescape(href))) == int(count)
    narrowed = get_page(client, "/search", q="cocoa", topic="Trade")
    assert shown_total(narrowed) == 2
    chip = re.search(r'<p class="chosen">Topic: Trade <a href="([^"]+)"', narrowed)
    assert chip and "topic" not in html.unescape(chip.group(1))
    assert shown_total(get_page(client, html.unescape(chip.group(1)))) == 6
    assert '<input type="hidden" name="topic" value="Trade">' in narrowed
    assert "(1 chosen)" in narrowed


def test_an_article_links_each_of_its_topics_to_its_page(client, tagged):
    page = get_page(client, "/articles/n04")
    topics = page.split('<ul class="topics" aria-label="Topics">', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', topics) == [
        ("/topics/cocoa", "cocoa"),
        ("/topics/trade", "trade"),
        ("/topics/brazil", "brazil"),
    ]
    assert client.get("/api/articles/n04").json()["topics"] == ["cocoa", "trade", "brazil"]
    assert 'class="topics"' not in get_page(client, "/articles/" + SEED_ID)


def test_the_home_page_and_the_stats_list_the_topics(client, tagged):
    stats = client.get("/api/stats").json()
    assert stats["by_topic"] == {
        "cocoa": 6,
        "brazil": 2,
        "trade": 2,
        "crime": 1,
        "harvest": 1,
        "prices": 1,
        "weather": 1,
    }
    home = get_page(client, "/")
    topics = home.split("<h2>Topics</h2>", 1)[1].split("</ul>", 1)[0]
    linked = re.findall(r'<a href="(/topics/\w+)">', topics)
    assert linked[:2] == ["/topics/cocoa", "/topics/brazil"]
    assert '<a href="/topics">7 topics</a>' in home


def test_the_export_carries_the_topics(client, tagged):
    rows = client.get("/api/export", params={"topic": "brazil", "format": "ndjson"}).text
    assert [json.loads(line)["topics"] for line in rows.splitlines()] == [
        ["cocoa", "weather", "brazil"],
        ["cocoa", "trade", "brazil"],
    ]
    exported = client.get("/api/export", params={"topic": "brazil"}).text
    table = list(csv.DictReader(io.StringIO(exported)))
    assert [row["topics"] for row in table] == ["cocoa; weather; brazil", "cocoa; trade; brazil"]
