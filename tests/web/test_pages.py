"""The HTML pages (app/web.py and templates/): content, escaping, paging, errors.

Each page is checked against its JSON twin where it has one: the same query
layer answers both, so the ids listed, their order and the totals must agree.
"""

import csv
import html
import io
import re
import time
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from support.helpers import (
    BAD_FILTERS,
    COCOA_NEWS,
    ODD_QUERIES,
    STYLESHEET,
    add_news,
    corpus_stories,
    counts,
    get_page,
    link,
    listed_ids,
    make,
    shown_total,
)
from support.stories import SEED, SEED_ID

from app.engine import MAX_QUERY_WORDS, MAX_WILDCARDS, MIN_WILDCARD_LETTERS
from app.ingest import ingest
from app.search.facets import MONTHS_LISTED
from app.search.params import MAX_DEPTH, MAX_QUERY_CHARS
from app.search.timeline import FEW_MATCHES, percent
from app.web import pages
from app.web.app import create_app
from app.web.urls import page_numbers

OWN_SCRIPT = '<script src="/static/app.js" defer></script>'


def without_own_script(page: str) -> str:
    """The page less the one script every page loads, so that any other <script> stands out."""
    assert page.count(OWN_SCRIPT) == 1
    return page.replace(OWN_SCRIPT, "")


def seed_article(client) -> dict:
    return client.get(f"/api/articles/{SEED_ID}").json()


# --- Pages and their content -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search",
        "/search?q=Budapest",
        f"/articles/{SEED_ID}",
        "/archive/2025",
        "/archive/2025/10",
        "/archive/2025/10/17",
    ],
)
def test_every_page_answers_html(client, url):
    page = get_page(client, url)
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert f'href="/articles/{SEED_ID}' in page or f"<code>{SEED_ID}</code>" in page


def test_stylesheet_is_served(client):
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert response.text.strip()


def test_search_page_finds_the_seed(client):
    page = get_page(client, "/search", q="Budapest")
    assert re.search(r"<mark>Budapest</mark>", page, re.I)
    assert listed_ids(page) == [SEED_ID]
    assert shown_total(page) == 1
    assert re.search(r"1 story\b", page)
    assert 'value="Budapest"' in page  # the query is kept in the form


def test_article_page(client):
    article = seed_article(client)
    page = get_page(client, f"/articles/{SEED_ID}")
    assert f"<h1>{escape(article['title'])}</h1>" in page
    assert f"<title>{escape(article['title'])}" in page
    assert "17 October 2025" in page
    assert "WASHINGTON" in page and "TASS" in page
    lead, *paragraphs = article["body"].split("\n\n")
    assert len(paragraphs) == 5
    for paragraph in paragraphs:
        assert f"<p>{escape(paragraph)}</p>" in page
    # the headline is the lead cut short: the lead goes on from there, not printed twice
    title = article["title"]
    assert title.endswith("…") and lead.startswith(title[:-1])
    assert f"<p>{escape('…' + lead[len(title) - 1 :])}</p>" in page
    assert escape(lead) not in page
    assert 'href="/archive/2025/10/17"' in page


def test_a_result_leads_to_its_article_with_the_search_which_it_highlights_and_links_back_to(
    client,
):
    results = get_page(client, "/search", q="Budapest", sort="newest")
    href = html.unescape(re.search(r'<h3><a href="(/articles/[^"]+)"', results).group(1))
    assert href == f"/articles/{SEED_ID}?q=Budapest&sort=newest"
    page = get_page(client, href)
    assert "<mark>Budapest</mark>" in page
    back = re.search(r'<p class="back"><a href="([^"]+)">', page)
    assert back and html.unescape(back.group(1)) == "/search?q=Budapest&sort=newest"
    assert "Back to the results for “Budapest”" in page
    plain = get_page(client, f"/articles/{SEED_ID}")
    assert "<mark>" not in plain and 'class="back"' not in plain
    refused = get_page(client, f"/articles/{SEED_ID}", q="Budapest", page="0")
    assert 'class="back"' not in refused and "<mark>" not in refused  # hand-edited: ignored


def test_a_headline_in_capitals_is_shown_readable_with_the_original_on_hover(client):
    shouted = "EXXON <XON> CUTS CRUDE PRICES"
    loud = make("loud", "Exxon cut the price it pays for crude.", title=shouted)
    client.app.state.archive.add([loud], source_paths=[None])
    page = get_page(client, "/search", q="crude")
    assert (
        f'title="{escape(shouted)}">Exxon <span class="ticker">XON</span> Cuts '
        "<mark>Crude</mark> Prices</a>"
    ) in page
    assert client.get("/api/search", params={"q": "crude"}).json()["items"][0]["title"] == shouted
    article = get_page(client, "/articles/loud")
    assert f'<h1 title="{escape(shouted)}">Exxon <span class="ticker">XON</span>' in article


def test_an_article_links_its_place_and_source_and_the_stories_before_and_after(client, corpus):
    ordered = sorted(corpus, key=lambda row: (row["published"], row["id"]))
    middle = ordered[3]
    page = get_page(client, f"/articles/{middle['id']}")
    assert f'href="/places/{quote(middle["place"])}"' in page
    assert f'href="/sources/{quote(middle["source"])}"' in page
    before = re.search(r'<a rel="prev" href="/articles/([^"]+)"', page)
    after = re.search(r'<a rel="next" href="/articles/([^"]+)"', page)
    assert (before.group(1), after.group(1)) == (ordered[2]["id"], ordered[4]["id"])
    first = get_page(client, f"/articles/{ordered[0]['id']}")
    assert 'rel="prev"' not in first and 'rel="next"' in first


@pytest.mark.parametrize("url", ["/archive/2025", "/archive/2025/10", "/archive/2025/10/17"])
def test_archive_pages_list_the_seed(client, url):
    page = get_page(client, url)
    assert listed_ids(page) == [SEED_ID]
    assert shown_total(page) == 1


def test_home_page_shows_latest_and_the_archive_s_years_sources_and_places(client, corpus):
    page = get_page(client, "/")
    newest = sorted(corpus, key=lambda row: (row["published"], row["id"]), reverse=True)
    assert listed_ids(page) == [row["id"] for row in newest][:10]
    by_year = counts([{"year": row["published"].year} for row in corpus], "year")
    shown = re.findall(r'<li><a href="/archive/(\d{4})">\d{4}</a> <span class="count">(\d+)', page)
    assert {int(y): int(n) for y, n in shown} == dict(by_year)
    for name in ("source", "place"):
        for value, count in counts(corpus, name).items():
            href = html.escape(f"/{name}s/{quote(value)}")
            shown = (
                f'<li><a href="{href}">{html.escape(value)}</a> <span class="count">{count}</span>'
            )
            assert shown in page, shown


def home_chart_names(page: str) -> list[str]:
    chart = page.split('<figure class="timeline-box">')[1].split("</svg>")[0]
    return [html.unescape(name) for name in re.findall(r"<title[^>]*>([^<]*)</title>", chart)]


def test_home_page_charts_the_years_that_hold_stories_and_one_band_between(client, add_stories):
    archive = client.app.state.archive
    archive.add([make("old", "An old story.", date(1987, 3, 2))], source_paths=[None])
    page = get_page(client, "/")  # the seed is from 2025: 37 years between without a story
    seeded = client.get("/api/stats").json()["articles"] - 1
    assert home_chart_names(page) == [
        "Stories a year",
        "1987: 1 story",
        "1988 to 2024: the archive holds nothing here",
        f"2025: {seeded} stor{'y' if seeded == 1 else 'ies'}",
    ]
    assert '<rect class="gap"' in page and "outlined: the archive holds nothing" in page


def test_home_page_charts_the_months_of_a_year_that_holds_most_stories(client, add_stories):
    archive = client.app.state.archive
    old = [make(f"old{n}", f"Old story {n}.", date(1987, 3 + n % 2 * 3, 2)) for n in range(20)]
    archive.add(old, source_paths=[None] * len(old))  # March and June 1987; the seed, 2025
    page = get_page(client, "/")
    share = 20 / client.get("/api/stats").json()["articles"]
    title = f"Stories a month in 1987, the year of {share * 100:.1f} % of the archive's stories"
    assert home_chart_names(page) == [
        title,
        "Mar 1987: 10 stories",
        "Apr 1987 to May 1987: the archive holds nothing here",
        "Jun 1987: 10 stories",
    ]
    assert '<a href="/archive/1987/03">' in page and '<a href="/archive/1987/06">' in page


@pytest.mark.parametrize(
    "url",
    [
        "/nope",
        "/articles/0000000000000000",
        "/articles/" + "x" * 100,
        "/archive/2025/13",
        "/archive/2025/00",
        "/archive/2025/02/30",
        "/archive/2025/10/32",
        "/archive/2024/02/30",
        "/archive/99999999999",
        "/archive/0",
        "/archive/-1",
        "/archive/2025/10/17/1",
    ],
)
def test_not_found_pages_are_styled(client, url):
    page = get_page(client, url, status=404)
    assert "Not found" in page


WAYS_ON = re.compile(r'<li><a href="([^"]+)">([^<]+)</a></li>')


@pytest.mark.parametrize(
    ("url", "said", "way"),
    [
        ("/archive/1987/13", "There is no month 13: months run from 1", ("1987", "/archive/1987")),
        ("/archive/1987/02/30", "February 1987 has 28 days", ("February 1987", "/archive/1987/02")),
        ("/archive/0", "The calendar runs from the year 1 to 9999: there is no year 0.", None),
        ("/articles/nope-123", "The archive holds no article with the id “nope-123”: ", None),
        ("/articles/" + "x" * 100, "The archive holds no article with an id that long", None),
        ("/nope", "There is no page at this address", None),
        ("/places/Nowhere", "The archive holds no stories from the place “Nowhere”.", None),
        ("/topics/none", "The archive holds no stories on the topic “none”.", None),
    ],
)
def test_a_not_found_page_says_what_is_wrong_in_a_reader_s_words_and_where_to_go_on(
    client, url, said, way
):
    main = html.unescape(get_page(client, url, status=404).split('<main id="main">', 1)[1])
    assert said in main
    assert "no such date in the calendar" not in main and "'" not in main.split("</p>")[0]
    ways = WAYS_ON.findall(main.split('aria-label="Where to go on"', 1)[1])
    assert ways[-2:] == [("/", "The home page"), ("/help", "How to search")]
    if way:
        assert ways[0] == way[::-1]
    elif url.startswith("/places/") or url.startswith("/topics/"):
        assert ways[0] in (("/places", "Every place"), ("/topics", "Every topic"))


def test_the_json_twin_of_a_not_found_page_keeps_the_program_s_words(client):
    assert client.get("/api/articles/nope-123").json() == {
        "detail": "no article with id 'nope-123'"
    }
    assert client.get("/api/nope").json() == {"detail": "Not Found"}


@pytest.mark.parametrize("url", ["/search?q=Budapest&page=9", "/archive/2025?page=9"])
def test_the_first_page_link_keeps_any_name_a_client_sent(client, url):
    """A client's names are not Python's: "path" and "self" once made this a 500."""
    page = html.unescape(get_page(client, url + "&path=x&self=y", status=400))
    assert f"{url.split('?')[0]}?" in page and "path=x&self=y" in page
    assert "page=9" not in page.split('<main id="main">', 1)[1].split("</form>")[-1]


def test_a_page_number_past_the_last_of_a_period_leads_to_its_first_page(client):
    page = html.unescape(get_page(client, "/archive/2025", status=400, page="2", sort="newest"))
    assert "There is 1 page of stories here: page 2 is past the last." in page
    assert '<a href="/archive/2025?sort=newest">The first page</a>' in page


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", '"><svg onload=alert(1)>'])
def test_unknown_id_holding_html_is_escaped_on_the_404_page(client, payload):
    page = get_page(client, f"/articles/{payload}", status=404)
    assert payload not in page
    assert "<script" not in without_own_script(page).lower() and "<svg" not in page.lower()


def test_leap_day_is_a_real_day(client, corpus):
    page = get_page(client, "/archive/2024/02/29")
    assert listed_ids(page) == ["0000000000000003"]


# --- Bad input: a 400 page that says why, or a 200; never a 500 -------------------------------


def test_bad_date_shows_the_reason_in_a_reader_s_words_and_keeps_the_query(client):
    params = {"q": "Budapest", "from": "2024-13-45"}
    detail = client.get("/api/search", params=params).json()["detail"]
    assert detail.startswith("from: ")  # the JSON names the parameter, for programs
    page = get_page(client, "/search", status=400, **params)
    assert "The start date “2024-13-45” is not a date in the calendar" in page
    assert "from:" not in page and "YYYY-MM-DD" not in page
    assert 'value="Budapest"' in page
    assert 'value="2024-13-45"' in page  # the bad date is shown back to be mended
    assert listed_ids(page) == []


@pytest.mark.parametrize("query", ODD_QUERIES.values(), ids=ODD_QUERIES.keys())
def test_odd_queries_never_500(client, query):
    api = client.get("/api/search", params={"q": query})
    response = client.get("/search", params={"q": query})
    assert response.status_code == api.status_code  # refused by both faces, or by neither
    assert response.headers["content-type"].startswith("text/html")
    assert STYLESHEET in response.text
    if response.status_code == 400:  # a sentence for the reader, not the API's detail
        said = re.search(r'role="alert">\s*<h1>[^<]*</h1>\s*<p>([^<]*)</p>', response.text)
        assert said and not said.group(1).startswith("q:")
        assert api.json()["detail"].startswith("q: ")


@pytest.mark.parametrize(
    ("params", "parameter"), BAD_FILTERS.values(), ids=list(BAD_FILTERS.keys())
)
def test_bad_filters_are_a_400_page_saying_what_to_mend_in_a_reader_s_words(
    client, params, parameter
):
    page = get_page(client, "/search", status=400, q="Budapest", **params)
    said = re.search(
        r'<div class="notice error" role="alert">\s*<h1>[^<]*</h1>\s*<p>([^<]*)</p>', page
    )
    assert said, parameter
    assert not said.group(1).startswith(f"{parameter}:")  # the API's words, not a page's
    assert READER_WORDS[parameter] in said.group(1), (parameter, said.group(1))
    assert 'value="Budapest"' in page


READER_WORDS = {  # what the reader is told about, by parameter
    "page": "page",
    "per_page": "results",
    "from": "date",
    "to": "date",
    "sort": "sorted",
    "place": "place",
    "source": "source",
}


def test_a_page_no_list_reaches_is_explained_to_the_reader(client):
    deep = client.get("/search", params={"q": "Budapest", "page": "10001"})
    assert deep.status_code == 400
    assert "There is no page 10,001: pages are numbered from 1" in deep.text
    assert "the first 10,000 results of a list at most" in deep.text


def test_the_last_reachable_page_says_why_the_rest_cannot_be_reached():
    macro = pages.templates.env.get_template("_pagination.html").module.pagination
    params = SimpleNamespace(page=500, per_page=20)
    found = SimpleNamespace(total=25_000, pages=500, params=params, has_next=False)
    shown = str(macro(found, lambda n: f"/search?page={n}"))
    assert "only the first 10,000 of 25,000 are" in shown
    earlier = SimpleNamespace(total=25_000, pages=500, params=params, has_next=True)
    assert "only the first" not in str(macro(earlier, lambda n: f"/search?page={n}"))
    # every page says where paging stops, and why, beside its count ("Page 1 of 500")
    assert "Paging stops at page 500: it reaches the first 10,000 of 25,000." in str(
        macro(earlier, lambda n: f"/search?page={n}")
    )
    whole = SimpleNamespace(total=9_000, pages=450, params=params, has_next=True)
    assert "Paging stops" not in str(macro(whole, lambda n: f"/search?page={n}"))


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/archive/2025/10/17?page=abc", 400),
        ("/archive/2025/10/17?page=0", 400),
        ("/archive/2025/10/17?page=-1", 400),
        (f"/archive/2025/10/17?page={10**30}", 400),
        ("/archive/2025/10/17?page=2", 400),  # the day holds one story: one page
    ],
)
def test_archive_paging_input(client, url, status):
    page = get_page(client, url, status=status)
    assert listed_ids(page) == []


# --- Escaping ------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
JS_LINK = '<a href="javascript:alert(1)">x</a>'
PLACE_SVG = 'X"><SVG ONLOAD=ALERT(1)>'
PLACE_IMG = "X<IMG SRC=X ONERROR=ALERT(1)>"

# number: (payloads that must show escaped, body, parts)
HOSTILE = {
    1: ([SCRIPT], f"{SCRIPT} Zebra1 story.\n\nMore {SCRIPT} text.", {}),
    2: ([IMG], f"{IMG} Zebra2 story.\n\nMore {IMG} text.", {}),
    3: ([SVG], f"{SVG} Zebra3 story.\n\nMore {SVG} text.", {}),
    4: ([JS_LINK], f"{JS_LINK} Zebra4 story.\n\nMore {JS_LINK} text.", {}),
    5: ([PLACE_SVG], "Zebra5 plain story.", {"place": PLACE_SVG}),
    6: ([PLACE_IMG, IMG], "Zebra6 plain story.", {"place": PLACE_IMG, "agency": IMG}),
}


@pytest.fixture
def hostile(client, add_stories):
    """Stories holding HTML in body, title, place or source; returns {number: id}."""
    stories = {}
    for number, (_payloads, body, parts) in HOSTILE.items():
        day = f"2025-11-{number:02d}"
        parts = {"day": day, "month_day": f"November {number}", **parts}
        stories[f"{number:03d}_{number:016x}.txt"] = (body, parts)
    report = add_stories(client.app.state.archive, stories)
    assert report.added == len(HOSTILE), report.rejected
    ids = {number: f"{number:016x}" for number in HOSTILE}
    for number, (payloads, _body, parts) in HOSTILE.items():  # stored as given: it is data
        article = client.get(f"/api/articles/{ids[number]}").json()
        assert article["place"] == parts.get("place", "MOSCOW")
        assert article["source"] == parts.get("agency", "TASS")
        assert payloads[0] in f"{article['title']} {article['place']}"
    return ids


def assert_escaped(page: str, payloads: list[str]) -> None:
    for payload in payloads:
        assert payload not in page
        assert str(escape(payload)) in page
    lowered = without_own_script(page).lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "<svg" not in lowered
    assert 'href="javascript:' not in lowered


@pytest.mark.parametrize("number", HOSTILE)
@pytest.mark.parametrize("where", ["home", "search", "article", "day"])
def test_hostile_text_shows_escaped(client, hostile, number, where):
    url = {
        "home": "/",
        "search": f"/search?q=zebra{number}",
        "article": f"/articles/{hostile[number]}",
        "day": f"/archive/2025/11/{number:02d}",
    }[where]
    page = get_page(client, url)
    if where != "article":
        assert hostile[number] in listed_ids(page)
    assert_escaped(page, HOSTILE[number][0])


def test_hostile_snippets_mark_only_matches(client, hostile):
    page = get_page(client, "/search", q="alert")
    assert len(listed_ids(page)) >= 4
    snippets = re.findall(r'<p class="snippet">(.*?)</p>', page, re.S)
    assert snippets
    for snippet in snippets:
        assert all(tag in ("<mark>", "</mark>") for tag in re.findall(r"<[^>]*>", snippet))


@pytest.mark.parametrize("query", [SCRIPT, SVG, IMG, "</title><script>alert(1)</script>"])
def test_query_is_echoed_escaped(client, query):
    response = client.get("/search", params={"q": query})
    assert response.status_code in (200, 400)
    page = response.text
    shown = str(escape(query))
    assert query not in page
    assert "<script" not in without_own_script(page).lower() and "<svg" not in page.lower()
    assert re.search(rf"<title>{re.escape(shown)} – ", page)
    assert f'value="{shown}"' in page
    if response.status_code == 200:
        heading = re.search(r'<h1 class="result-count">(.*?)</h1>', page, re.S)
        assert heading and shown in heading.group(1)


@pytest.mark.parametrize("parameter", ["place", "source"])
def test_filters_are_echoed_escaped(client, parameter):
    page = get_page(client, "/search", **{parameter: SVG})
    assert SVG not in page
    assert f'value="{escape(SVG)}"' in page


# --- Paging and empty results -------------------------------------------------------------------


@pytest.fixture
def many(client, add_stories):
    """25 stories besides the seed, each with the word "filler"."""
    stories = {
        f"{n:03d}_{n:016x}.txt": (
            f"Filler story number {n}.",
            {"day": f"2024-05-{n:02d}", "month_day": f"May {n}"},
        )
        for n in range(1, 26)
    }
    assert add_stories(client.app.state.archive, stories).added == 25
    return [f"{n:016x}" for n in range(1, 26)]


@pytest.mark.parametrize(
    ("params", "total"),
    [({"per_page": "10"}, 26), ({"q": "filler", "per_page": "10"}, 25)],
)
def test_pagination_links(client, many, params, total):
    pages = []
    url, query = "/search", params
    while url:
        page = get_page(client, url, **query)
        pages.append(page)
        assert f"Page {len(pages)} of 3" in page
        assert shown_total(page) == total
        assert (link(page, "prev") is None) == (len(pages) == 1)
        url, query = link(page, "next"), {}
        assert len(pages) <= 3, "the last page must have no next link"
    assert len(pages) == 3
    listed = [listed_ids(page) for page in pages]
    assert [len(ids) for ids in listed] == [10, 10, total - 20]
    assert not set(listed[0]) & set(listed[1])
    everything = [i for ids in listed for i in ids]
    assert len(set(everything)) == total
    api = client.get("/api/search", params={**params, "per_page": 100}).json()
    assert everything == [item["id"] for item in api["items"]]


@pytest.mark.parametrize("per_page", [1, 3])
@pytest.mark.parametrize("query", [{}, {"q": "grain"}, {"sort": "oldest"}])
def test_next_links_walk_every_result_once(client, corpus, per_page, query):
    api = client.get("/api/search", params={**query, "per_page": 100}).json()
    expected_pages = -(-api["total"] // per_page)
    walked, url, params = [], "/search", {**query, "per_page": str(per_page)}
    while url and len(walked) <= expected_pages:
        page = get_page(client, url, **params)
        walked.append(listed_ids(page))
        url, params = link(page, "next"), {}
    assert len(walked) == expected_pages
    assert [i for ids in walked for i in ids] == [item["id"] for item in api["items"]]
    assert all(len(ids) <= per_page for ids in walked)


def test_past_the_last_page(client, many):
    page = get_page(client, "/search", status=400, per_page="10", page="4")
    assert listed_ids(page) == []
    assert "There are 3 pages of stories here: page 4 is past the last." in page
    assert '<a href="/search?per_page=10">Go to the first page</a>' in page


SELECTED = re.compile(r'<option value="([^"]*)" selected>([^<]+)</option>')


@pytest.mark.parametrize(
    ("params", "chosen"),
    [
        ({}, ("", "Newest first")),  # every article: newest first, whatever a search's default
        ({"sort": "relevance"}, ("", "Newest first")),  # without words, by date
        ({"sort": "oldest"}, ("oldest", "Oldest first")),
        ({"q": "grain"}, ("", "Best first")),
        ({"q": "grain", "sort": "newest"}, ("newest", "Newest first")),
        ({"q": "grain", "page": "99"}, ("", "Best first")),  # a refused page keeps the choice
    ],
)
def test_the_sort_control_says_what_the_list_is_sorted_by(client, corpus, params, chosen):
    page = client.get("/search", params=params).text
    assert SELECTED.findall(page) == [chosen]
    assert ("Best first" in page) == ("q" in params)  # no relevance to sort by without words


def test_a_date_filter_s_chip_spaces_its_dates(client, corpus):
    page = get_page(client, "/search", q="grain", **{"from": "2024-01-01", "to": "2024-12-31"})
    chip = re.search(r'<p class="chosen">Dates:(.*?)<a ', page, re.S)
    assert chip and " ".join(chip.group(1).split()) == "from 1 January 2024 to 31 December 2024"


@pytest.mark.parametrize("filters", [{}, {"place": "MOSCOW"}, {"from": "2020-01-01"}])
def test_nothing_matched_offers_help(client, filters):
    page = get_page(client, "/search", q="zzqqxxunfindable", **filters)
    assert "Nothing matched" in page
    assert "zzqqxxunfindable" in page
    assert "<code>OR</code>" in page
    assert listed_ids(page) == []
    without = re.search(r'<a href="([^"]*)">Search without the filters</a>', page)
    assert bool(without) == bool(filters)
    if without:
        followed = get_page(client, html.unescape(without.group(1)))
        assert "Nothing matched" in followed
        assert all(value not in followed for value in filters.values())


# --- A page and its JSON twin agree ----------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Budapest"},
        {"q": "grain"},
        {"q": "grain", "sort": "oldest"},
        {"q": "grain", "sort": "newest"},
        {"q": "Budapest OR Vienna"},
        {"q": "grain", "place": "moscow"},
        {"q": "grain", "source": "TASS", "from": "2024-01-01", "to": "2024-12-31"},
        {"q": "grain", "per_page": "2", "page": "3"},
        {"q": "zzqqxxunfindable"},
        {},
        {"place": "WASHINGTON"},
        {"source": "reuters"},
        {"sort": "oldest", "per_page": "3", "page": "2"},
        {"from": "2024-02-01", "to": "2025-10-17"},
    ],
)
def test_search_page_agrees_with_api(client, corpus, params):
    page = get_page(client, "/search", **params)
    api = client.get("/api/search", params=params).json()
    assert listed_ids(page) == [item["id"] for item in api["items"]]
    assert shown_total(page) == api["total"]


@pytest.mark.parametrize(
    "url",
    ["/archive/2024/01/10", "/archive/2024/02/29", "/archive/2025/10/17", "/archive/2025/12/31"],
)
def test_day_page_agrees_with_api(client, corpus, url):
    day = date(*map(int, url.split("/")[2:])).isoformat()
    page = get_page(client, url)
    api = client.get("/api/articles", params={"from": day, "to": day, "sort": "oldest"}).json()
    assert listed_ids(page) == [item["id"] for item in api["items"]]
    assert listed_ids(page)  # each of these days has articles
    assert shown_total(page) == api["total"]


@pytest.mark.parametrize(
    ("url", "first", "last"),
    [
        ("/archive/2024", "2024-01-01", "2024-12-31"),
        ("/archive/2025/10", "2025-10-01", "2025-10-31"),
        ("/archive/2024/02", "2024-02-01", "2024-02-29"),
    ],
)
def test_period_page_agrees_with_api(client, corpus, url, first, last):
    page = get_page(client, url)
    api = client.get("/api/articles", params={"from": first, "to": last, "sort": "oldest"}).json()
    assert listed_ids(page) == [item["id"] for item in api["items"]]
    assert shown_total(page) == api["total"] > 0


# --- Stories for the search features below ------------------------------------------------------

# id, published, place, source, body
NEWS = [
    *COCOA_NEWS,
    ("n07", "2024-03-04", "ACCRA", "Reuters", "Markets were calm.\n\nTraders spoke of cocoa."),
    ("n08", "2024-01-15", "SÃO PAULO", "AP", "Oil refinery opens in Brazil."),
]


@pytest.fixture
def news(client):
    add_news(client, NEWS)


def follow(client, href: str) -> str:
    """The page an href of a page leads to."""
    return get_page(client, html.unescape(href))


def api_twin(params: dict) -> str:
    return "/api/search" if params.get("q") else "/api/articles"


# --- Facets --------------------------------------------------------------------------------------

_FACET = re.compile(r'<details class="facet" open>\s*<summary>(\w+)</summary>(.*?)</details>', re.S)
_FACET_LINK = re.compile(
    r'<li><a href="([^"]*)">([^<]*)</a> <span class="count">([\d,]+)</span></li>'
)
_REMOVAL = re.compile(r'<a href="([^"]*)" aria-label="Remove the (\w+) filter">')


def facets_shown(page: str) -> dict[str, list[tuple[str, str, int]]]:
    """{"Source": [(href, value, count), ...], ...}, as the page lists them."""
    return {
        name: [
            (href, html.unescape(value), int(count.replace(",", "")))
            for href, value, count in _FACET_LINK.findall(block)
        ]
        for name, block in _FACET.findall(page)
    }


def facets_expected(api: dict, params: dict) -> dict[str, list[tuple[str, int]]]:
    """What the page should list of the JSON's facets: a chosen filter and a facet of one
    value are not offered; years when the matches span years, and months (every one: these
    span fewer than `MONTHS_LISTED`)."""
    facets = api["facets"]
    expected = {}
    for label, name in (("Source", "source"), ("Place", "place")):
        if not params.get(name) and len(facets[name]) > 1:
            expected[label] = [(c["value"], c["count"]) for c in facets[name]]
    if len(facets["year"]) > 1:
        expected["Year"] = [(c["value"], c["count"]) for c in facets["year"]]
    assert len(facets["month"]) <= MONTHS_LISTED
    if len(facets["month"]) > 1:
        months = [(date.fromisoformat(c["value"] + "-01"), c["count"]) for c in facets["month"]]
        expected["Month"] = [(f"{month:%B %Y}", count) for month, count in months]
    return expected


FACET_PARAMS = [
    {"q": "cocoa"},
    {},
    {"q": "cocoa", "from": "2024-01-01", "to": "2024-12-31"},
    {"q": "cocoa", "place": "accra"},
    {"source": "AP"},
]


@pytest.mark.parametrize("params", FACET_PARAMS)
def test_facets_on_the_page_are_the_jsons(client, news, params):
    page = get_page(client, "/search", **params)
    api = client.get(api_twin(params), params=params).json()
    shown = {name: [(v, n) for _, v, n in values] for name, values in facets_shown(page).items()}
    assert shown == facets_expected(api, params)
    assert shown  # every one of these searches has something to narrow by


@pytest.mark.parametrize("params", FACET_PARAMS[:2])
def test_a_facet_link_narrows_to_its_count_and_its_removal_restores(client, news, params):
    page = get_page(client, "/search", **params)
    total = shown_total(page)
    shown = facets_shown(page)
    assert {"Source", "Place", "Year"} <= set(shown)
    for name, values in shown.items():
        for href, value, count in values:
            narrowed = follow(client, href)
            assert shown_total(narrowed) == count, (name, value)
            assert len(listed_ids(narrowed)) == min(count, 20)
            removals = {what: href for href, what in _REMOVAL.findall(narrowed)}
            what = name.lower() if name in ("Source", "Place") else "date"
            assert what in removals, (name, value)
            assert shown_total(follow(client, removals[what])) == total


# --- Timeline ------------------------------------------------------------------------------------

SVG_NS = "{http://www.w3.org/2000/svg}"


def timeline_chart(page: str) -> ET.Element:
    found = re.search(r'<svg [^>]*class="timeline" role="group".*?</svg>', page, re.S)
    assert found, "the page has no timeline chart"
    return ET.fromstring(found.group(0))


def timeline_table(page: str) -> list[list[str]]:
    found = re.search(r'<details class="timeline-table">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert found, "the page has no timeline table"
    rows = re.findall(r"<tr(?: class=\"gap\")?>(.*?)</tr>", found.group(1), re.S)
    return [
        [html.unescape(cell) for cell in re.findall(r"<td[^>]*>([^<]*)</td>", row)] for row in rows
    ]


def table_rows(buckets: list[dict], *, shares: bool = True, behind: bool = True) -> list[list[str]]:
    """The rows the table should hold for the JSON's buckets: each with matches, each gap."""
    rows = []
    for b in buckets:
        if not b["archive"]:
            rows.append([b["label"], "the archive holds nothing here"])
        elif b["count"]:
            share = [percent(b["count"] / b["archive"])] if shares else []
            rows.append(
                [b["label"], f"{b['count']:,}", *([f"{b['archive']:,}"] if behind else []), *share]
            )
    return rows


# more cocoa stories than a list of dates holds (queries.FEW_MATCHES): a chart of them
MORE_COCOA = [
    (f"m{n:02d}", f"2024-0{2 + n % 2}-{3 + n:02d}", "ACCRA", "Reuters", f"Cocoa report {n}.")
    for n in range(FEW_MATCHES)
]


@pytest.mark.parametrize("params", [{"q": "cocoa"}, {}, {"q": "cocoa", "source": "reuters"}])
def test_timeline_bars_link_to_their_matches_and_a_table_repeats_them(client, news, params):
    add_news(client, MORE_COCOA)
    page = get_page(client, "/search", **params)
    timeline = client.get("/api/timeline", params=params).json()
    filled = [bucket for bucket in timeline["buckets"] if bucket["count"]]
    assert len(timeline["buckets"]) > 1 and filled
    links = timeline_chart(page).findall(f"{SVG_NS}a")
    assert len(links) == len(filled)
    for bar, bucket in zip(links, filled, strict=True):
        narrowed = get_page(client, bar.get("href"))
        assert shown_total(narrowed) == bucket["count"], bucket
    whole = not params  # browsing everything: the archive's own stories, no share
    assert timeline_table(page) == table_rows(
        timeline["buckets"], shares=not whole, behind=not whole
    )


def test_a_few_matches_are_a_list_of_their_days_each_a_link_to_it(client, news):
    page = get_page(client, "/search", q="cocoa")
    total = shown_total(page)
    assert 1 < total <= FEW_MATCHES and 'class="timeline"' not in page
    item = r'<li><a href="([^"]+)">([^<]+)</a> <span class="count">([\d,]+) of the archive\'s '
    listed = re.findall(
        item + r"([\d,]+)</span></li>",
        page.split('<ul class="timeline-dates">')[1].split("</ul>")[0],
    )
    days = client.get("/api/search", params={"q": "cocoa", "per_page": 100}).json()["items"]
    published = sorted({item["published"] for item in days})
    assert [label for _href, label, _n, _of in listed] == [
        f"{int(d[8:])} {date.fromisoformat(d):%b %Y}" for d in published
    ]
    for (href, _label, count, held), day in zip(listed, published, strict=True):
        assert shown_total(follow(client, href)) == int(count) > 0
        assert (
            int(held)
            == client.get("/api/articles", params={"from": day, "to": day}).json()["total"]
        )
    assert sum(int(count) for _href, _label, count, _held in listed) == total


def test_a_search_in_one_day_has_no_chart(client, news):
    page = get_page(client, "/search", q="cocoa", **{"from": "2024-01-15", "to": "2024-01-15"})
    assert shown_total(page) == 1
    assert 'class="timeline"' not in page


# --- Sort ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["", "relevance", "newest", "oldest"])
@pytest.mark.parametrize("q", ["cocoa", ""])
def test_every_sort_lists_as_the_json_does(client, news, q, sort):
    params = {"q": q, "sort": sort}
    page = get_page(client, "/search", **params)
    api = client.get("/api/search", params=params).json()
    assert listed_ids(page) == [item["id"] for item in api["items"]]
    assert shown_total(page) == api["total"] > 1
    if sort == "oldest":
        newest = client.get("/api/search", params={"q": q, "sort": "newest"}).json()
        assert listed_ids(page) == [item["id"] for item in reversed(newest["items"])]


def test_relevance_and_date_orders_differ(client, news):
    """n07 has "cocoa" only in its body: last by relevance, first by date."""
    assert listed_ids(get_page(client, "/search", q="cocoa"))[-1] == "n07"
    assert listed_ids(get_page(client, "/search", q="cocoa", sort="newest"))[0] == "n07"


# --- Did you mean --------------------------------------------------------------------------------

COFFEE = [
    ("k01", "2024-02-01", "SANTOS", "AP", "Coffee exports rose in March."),
    ("k02", "2024-02-02", "SANTOS", "AP", "Roasted coffee prices fell."),
    ("k03", "2024-02-03", "SANTOS", "Reuters", "Coffee growers fear a frost."),
]
_DID_YOU_MEAN = re.compile(r'Did you mean <a href="([^"]*)">([^<]*)</a>\?')


_INSTEAD = re.compile(r'Search instead for <a href="([^"]*)">([^<]*)</a>')


@pytest.mark.parametrize(
    ("params", "respelt", "total"),
    [
        ({"q": "cofee"}, {"q": "coffee"}, 3),
        ({"q": "cofee", "source": "AP"}, {"q": "coffee", "source": "AP"}, 2),
    ],
)
def test_a_search_finding_nothing_shows_its_respelling_s_results_and_offers_the_words_typed(
    client, params, respelt, total
):
    add_news(client, COFFEE)
    page = get_page(client, "/search", **params)
    assert shown_total(page) == total
    assert "showing results for <strong>coffee</strong>" in page
    assert set(listed_ids(page)) <= {"k01", "k02", "k03"} and len(listed_ids(page)) == total
    assert "<mark>Coffee</mark>" in page or "<mark>coffee</mark>" in page
    instead = _INSTEAD.search(page)
    assert instead and instead.group(2) == "cofee"
    as_typed = follow(client, instead.group(1))
    assert shown_total(as_typed) == 0
    offer = _DID_YOU_MEAN.search(as_typed)  # as typed: nothing, and the offer
    assert offer and offer.group(2) == "coffee"
    assert parse_qs(urlsplit(html.unescape(offer.group(1))).query) == {
        k: [v] for k, v in respelt.items()
    }


def test_a_search_finding_a_little_offers_a_respelling_without_replacing_its_results(client):
    add_news(client, [*COFFEE, ("k04", "2024-02-04", "SANTOS", "AP", "A market stall opened.")])
    page = get_page(client, "/search", q="cofee OR stall")
    assert listed_ids(page) == ["k04"]
    offer = _DID_YOU_MEAN.search(page)
    assert offer and offer.group(2) == "coffee OR stall"
    assert shown_total(follow(client, offer.group(1))) == 4


@pytest.mark.parametrize("q", ["coffee", "title:cofee", "cofe*"])
def test_no_did_you_mean_when_the_query_is_right_qualified_or_a_wildcard(client, q):
    add_news(client, COFFEE)
    assert "Did you mean" not in get_page(client, "/search", q=q)


# --- Related stories -----------------------------------------------------------------------------


def test_the_article_page_links_its_related_stories_which_their_page_lists(client):
    text = "Cocoa beans: {}. Chocolate makers buy cocoa beans after the cocoa harvest."
    details = ["arrivals slow", "prices set", "demand grows", "rains help", "ships sail", "strikes"]
    add_news(
        client,
        [
            (f"c{n}", f"2024-04-{n + 1:02d}", "ACCRA", "AP", text.format(detail))
            for n, detail in enumerate(details)
        ],
    )
    page = get_page(client, "/articles/c0")
    section = re.search(r'<section class="related"[^>]*>(.*?)</section>', page, re.S)
    assert section and '<h2 id="related-heading">Related stories</h2>' in section.group(1)
    assert 'data-related="/articles/c0/related"' in page
    assert re.findall(r'<a href="([^"]+)">', section.group(1)) == ["/articles/c0/related"]

    listing = get_page(client, "/articles/c0/related")
    linked = re.findall(r'<li><a href="/articles/([^"]+)">', listing)
    api = client.get("/api/articles/c0/related").json()["items"]
    assert linked == [item["id"] for item in api]
    assert len(linked) == 5 and "c0" not in linked
    assert '<a href="/articles/c0">' in listing  # back to the story


def test_a_related_page_with_nothing_related_says_so(client):
    page = get_page(client, f"/articles/{SEED_ID}/related")  # the seed is the only article
    assert "No other story in the archive shares this one" in page
    assert "related-list" not in page


def test_the_related_page_of_an_unknown_article_is_404(client):
    response = client.get("/articles/no-such-story/related")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]


# --- Query guards and the time limit -------------------------------------------------------------

GUARDED = {
    "chars": "x" * (MAX_QUERY_CHARS + 1),
    "words-in-a-phrase": '"' + " ".join(["w"] * 200) + '"',
    "ten-wildcards": " ".join(f"*{letter * 2}*" for letter in "bcdefghijk"),
    "ten-x-infixes": " ".join(["*x*"] * 10),
    "star": "*",
    "one-letter-prefix": "a*",
}


@pytest.mark.parametrize("q", GUARDED.values(), ids=list(GUARDED))
def test_a_guarded_query_is_a_400_page_saying_which_limit(client, q):
    detail = client.get("/api/search", params={"q": q}).json()["detail"]
    started = time.monotonic()
    page = get_page(client, "/search", status=400, q=q)
    assert time.monotonic() - started < 1.0  # refused before any search runs
    assert detail.startswith("q: ")  # the API names the parameter; the page says the limit
    reason = detail.removeprefix("q: ")
    said = (
        f"it can be at most {MAX_QUERY_CHARS:,}"
        if q == GUARDED["chars"]
        else f"This search cannot be run: {escape(reason)}."
    )
    assert said in page and detail not in page


@pytest.mark.parametrize(
    ("path", "params", "per_page"),
    [
        ("/search", {"q": "Budapest", "per_page": "100"}, 100),
        ("/search", {"per_page": "7"}, 7),
        ("/search", {"q": "Budapest"}, 20),
        ("/archive/2025", {}, 20),
    ],
)
def test_a_page_past_the_last_says_how_many_there_are_not_the_paging_limit(
    client, path, params, per_page
):
    """A list of one story has one page, however deep the paging limit would let it go."""
    get_page(client, path, **params, page="1")
    for past in (2, MAX_DEPTH // per_page, MAX_DEPTH // per_page + 1):
        page = get_page(client, path, status=400, **params, page=str(past))
        said = page.split('<main id="main">', 1)[1]
        assert f"There is 1 page of stories here: page {past:,} is past the last." in said
        assert f"{MAX_DEPTH:,}" not in said
        assert ">The first page</a>" in said or ">Go to the first page</a>" in said


def test_a_search_past_the_time_limit_is_a_400_page(settings):
    slow = settings.model_copy(update={"search_seconds": 1e-9})
    with TestClient(create_app(slow)) as client:
        rows = [
            (f"w{n}", (date(2020, 1, 1) + timedelta(days=n)).isoformat(), "ACCRA", "AP", "Wheat.")
            for n in range(600)
        ]
        add_news(client, rows)
        page = get_page(client, "/search", status=400, q="wheat")
    assert "took longer than" in page


@pytest.mark.parametrize("url", ["/search?q=coffee", "/search.atom?q=coffee"])
def test_a_search_of_an_empty_archive_finds_nothing(settings, url):
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get(url)
    assert response.status_code == 200, response.text[:300]


# --- Atom feed -----------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, url: str, **params) -> ET.Element:
    response = client.get(url, params=params or None)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def entry_ids(root: ET.Element) -> list[str]:
    """The article ids of the entries, in order; every link absolute, to its article."""
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        href = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        assert href.startswith("http://testserver/articles/"), href
        assert entry.findtext(f"{ATOM}id") == href
        ids.append(href.rsplit("/articles/", 1)[1])
    return ids


@pytest.mark.parametrize(("matches", "entries"), [(60, 50), (7, 7)])
def test_the_feed_holds_the_newest_matches_up_to_50(client, matches, entries):
    rows = [
        (
            f"g{n:02d}",
            (date(2024, 1, 1) + timedelta(days=n)).isoformat(),
            "ACCRA",
            "AP",
            f"Gold {n}.",
        )
        for n in range(matches)
    ]
    add_news(client, [*rows, ("s1", "2030-01-01", "ACCRA", "AP", "Silver.")])
    root = feed(client, "/search.atom", q="gold")
    ids = entry_ids(root)
    assert len(ids) == entries
    newest = client.get("/api/search", params={"q": "gold", "sort": "newest", "per_page": 50})
    assert ids == [item["id"] for item in newest.json()["items"]]
    published = [entry.findtext(f"{ATOM}published") for entry in root.findall(f"{ATOM}entry")]
    assert published == sorted(published, reverse=True)


def test_the_feed_keeps_the_filters(client, news):
    ids = entry_ids(feed(client, "/search.atom", q="cocoa", place="são paulo"))
    api = client.get("/api/search", params={"q": "cocoa", "place": "são paulo", "sort": "newest"})
    assert ids == [item["id"] for item in api.json()["items"]] and len(ids) == 2


@pytest.mark.parametrize("params", [{"q": "cocoa"}, {"q": "cocoa", "source": "AP"}, {}])
def test_the_search_page_links_its_feed(client, news, params):
    page = get_page(client, "/search", **params)
    alternate = re.search(
        r'<link rel="alternate" type="application/atom\+xml" [^>]*href="([^"]*)">', page
    )
    assert alternate, "no feed link in <head>"
    href = html.unescape(alternate.group(1))
    assert urlsplit(href).path == "/search.atom"
    assert f'href="{alternate.group(1)}" type="application/atom+xml">Atom feed</a>' in page
    ids = entry_ids(feed(client, href))
    newest = client.get(api_twin(params), params={**params, "sort": "newest", "per_page": 50})
    assert ids == [item["id"] for item in newest.json()["items"]] and ids


@pytest.mark.parametrize("number", HOSTILE)
def test_hostile_text_round_trips_through_the_feed(client, hostile, number):
    root = feed(client, "/search.atom", q=f"zebra{number}")
    (entry,) = root.findall(f"{ATOM}entry")
    article = client.get(f"/api/articles/{hostile[number]}").json()
    assert entry.findtext(f"{ATOM}title") == article["title"]
    category = entry.find(f"{ATOM}category")
    assert category is not None and category.get("term") == article["place"]
    summary = entry.findtext(f"{ATOM}summary")  # HTML, as type="html" says: escaped once
    assert "<script" not in summary.lower() and "<img" not in summary.lower()
    assert "<svg" not in summary.lower()
    assert set(re.findall(r"<[^>]*>", summary)) <= {"<mark>", "</mark>"}


# --- Download CSV --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": "cocoa"},
        {"q": "cocoa", "place": "accra", "from": "2023-01-01", "sort": "oldest"},
        {"source": "reuters", "to": "2024-01-31"},
    ],
)
def test_download_csv_exports_what_the_page_finds(client, news, params):
    page = get_page(client, "/search", **params)
    found = re.search(r'<a href="([^"]*)" download>CSV, [\d,]+ stor(?:y|ies)</a>', page)
    assert found, "no Download CSV link"
    href = html.unescape(found.group(1))
    assert urlsplit(href).path == "/api/export"
    query = {key: values[0] for key, values in parse_qs(urlsplit(href).query).items()}
    assert query == {**params, "format": "csv"}
    response = client.get(href)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) == shown_total(page) + 1
    assert [row[0] for row in rows[1:21]] == listed_ids(page)


# --- JSON twins of every list page ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search",
        "/search?q=grain",
        "/search?q=grain&sort=oldest&per_page=2&page=2",
        "/search?place=moscow&source=tass",
        "/archive/2024",
        "/archive/2024/01",
        "/archive/2024/01/10",
    ],
)
def test_every_list_page_links_its_json_twin(client, corpus, url):
    page = get_page(client, url)
    twins = re.findall(r'<a href="([^"]*)" type="application/json">', page)
    assert len(twins) == 1, twins
    response = client.get(html.unescape(twins[0]))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    twin = response.json()
    assert [item["id"] for item in twin["items"]] == listed_ids(page)
    assert twin["total"] == shown_total(page)
    assert listed_ids(page)


# --- Help ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("more", [False, True], ids=["the seed alone", "a corpus besides"])
def test_help_page_and_every_example_answer_and_find_stories(client, add_stories, more):
    """The examples are drawn from the archive (`app/search/examples.py`): each finds some of
    its stories, whatever it holds."""
    if more:
        add_stories(client.app.state.archive, corpus_stories())
    page = get_page(client, "/help")
    article = re.search(r'<article class="help">(.*?)</article>', page, re.S)
    assert article
    examples = [html.unescape(href) for href in re.findall(r'href="([^"]*)"', article.group(1))]
    searches = [href for href in examples if href.startswith("/search?")]
    assert len(searches) >= 10
    for href in examples:
        response = client.get(href)
        assert response.status_code == 200, href
    for href in searches:
        assert shown_total(get_page(client, href)) > 0, href


def test_the_home_page_s_example_words_find_stories(client, add_stories):
    add_stories(client.app.state.archive, corpus_stories())
    placeholder = re.search(
        r'id="q"[^>]* placeholder="e\.g\. ([^"]+) or &quot;([^"]+)&quot;"', get_page(client, "/")
    )
    assert placeholder
    word, phrase = placeholder.groups()
    for q in (word, f'"{phrase}"'):
        assert shown_total(get_page(client, "/search", q=q)) > 0, q


def test_help_states_the_limits_the_search_enforces(client):
    text = " ".join(get_page(client, "/help").split())
    assert f"at most {MAX_QUERY_CHARS} characters and {MAX_QUERY_WORDS} words" in text
    assert f"at most {MAX_WILDCARDS} wildcards" in text
    assert f"at least {MIN_WILDCARD_LETTERS} letters" in text


def test_feed_links_use_the_configured_public_address(settings):
    public = settings.model_copy(update={"public_url": "https://news.example/archive"})
    with TestClient(create_app(public)) as test_client:
        ingest(test_client.app.state.archive, [SEED])
        feed = test_client.get(
            "/search.atom", params={"q": "Budapest"}, headers={"Host": "evil.example"}
        )
    assert "evil.example" not in feed.text
    assert f"https://news.example/archive/articles/{SEED_ID}" in feed.text


@pytest.mark.parametrize("sort", ["oldest", "newest"])
def test_a_period_page_sorts_both_ways_and_its_json_twin_agrees(client, add_stories, sort):
    stories = {
        f"{n:03d}_{n:016x}.txt": (f"Story {n} of the day.", {"day": f"2024-03-0{n}"})
        for n in range(1, 6)
    }
    add_stories(client.app.state.archive, stories)
    page = client.get("/archive/2024/03", params={"sort": sort}).text
    ids = listed_ids(page)
    expected = [f"{n:016x}" for n in (range(1, 6) if sort == "oldest" else range(5, 0, -1))]
    assert ids == expected
    [twin_url] = re.findall(r'<a href="([^"]*)" type="application/json">', page)
    twin = client.get(html.unescape(twin_url)).json()
    assert [item["id"] for item in twin["items"]] == ids


@pytest.mark.parametrize("q", ["Budapest (-Trump)", "(-Trump) Budapest"])
def test_a_minus_inside_brackets_is_served(client, q):
    assert client.get("/search", params={"q": q}).status_code == 200


@pytest.mark.parametrize(
    ("current", "last", "shown"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 500, [1, 2, 3, None, 500]),
        (250, 500, [1, None, 248, 249, 250, 251, 252, None, 500]),
        (4, 7, [1, 2, 3, 4, 5, 6, 7]),
        (500, 500, [1, None, 498, 499, 500]),
    ],
)
def test_the_pager_links_the_first_and_last_pages_and_those_around(current, last, shown):
    assert page_numbers(current, last) == shown


def test_the_pager_shows_numbered_pages_with_the_current_one_marked(client, many):
    page = get_page(client, "/search", q="filler", per_page="5", page="3")
    numbers = re.findall(r'<li><a (?:aria-current="page" )?href="[^"]*[?&;]page=(\d+)[^"]*"', page)
    assert numbers == ["1", "2", "3", "4", "5"]  # 25 stories: 5 pages of 5
    assert re.search(r'aria-current="page" href="[^"]*[?&;]page=3', page)


def test_a_search_finding_nothing_offers_no_empty_downloads(client):
    page = get_page(client, "/search", q="zzzqqq")
    assert "/api/export" not in page and "/search.atom" not in page.split("<main")[1]
    assert "download>CSV, 1 story</a>" in get_page(client, "/search", q="Budapest")


def test_a_timeline_is_charted_where_the_matches_are_and_says_what_it_left_out(client):
    spring = [
        make(f"s{n}", f"Walrus story {n}.", date(2024, 3, 1) + timedelta(days=n % 60))
        for n in range(150)
    ]
    stray = [
        make("early", "A walrus long ago.", date(1987, 6, 1)),
        make("late", "A walrus much later.", date(2031, 1, 2)),
    ]
    client.app.state.archive.add(spring + stray, source_paths=[None] * 152)
    page = get_page(client, "/search", q="walrus")
    assert shown_total(page) == 152
    bars = re.findall(r"<title>([^<]*): (?:none|[\d,]+) of the archive&#39;s [^<]*</title>", page)
    assert bars[0] == "1 Mar 2024" and bars[-1] == "29 Apr 2024"  # a bar a day, March–April
    assert "a bar a day" in page
    earlier = re.search(r'<a href="([^"]+)">1 earlier</a>', page)
    later = re.search(r'<a href="([^"]+)">1 later</a>', page)
    assert earlier and later
    assert listed_ids(follow(client, earlier.group(1))) == ["early"]
    assert listed_ids(follow(client, later.group(1))) == ["late"]
