"""The HTML pages (app/web.py and templates/): content, escaping, paging, errors.

Each page is checked against its JSON twin where it has one: the same query
layer answers both, so the ids listed, their order and the totals must agree.
"""

import html
import re
from datetime import date

import pytest
from conftest import SEED_ID
from helpers import (
    BAD_FILTERS,
    CORPUS,
    ODD_QUERIES,
    corpus_rows,
    corpus_stories,
    link,
    listed_ids,
    shown_total,
)
from markupsafe import escape

STYLESHEET = '<link rel="stylesheet" href="/static/style.css">'


@pytest.fixture
def corpus(client, add_stories):
    report = add_stories(client.app.state.archive, corpus_stories())
    assert report.added == len(CORPUS)
    return corpus_rows()


def get_page(client, url: str, status: int = 200, **params) -> str:
    response = client.get(url, params=params or None)  # an empty dict would drop url's query
    assert response.status_code == status, (url, params, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    assert STYLESHEET in response.text  # every page, errors included, is a styled page
    return response.text


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
    assert f'href="/articles/{SEED_ID}"' in page or f"<code>{SEED_ID}</code>" in page


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
    assert re.search(r"1 result\b", page)
    assert 'value="Budapest"' in page  # the query is kept in the form


def test_article_page(client):
    article = seed_article(client)
    page = get_page(client, f"/articles/{SEED_ID}")
    assert f"<h1>{escape(article['title'])}</h1>" in page
    assert f"<title>{escape(article['title'])}" in page
    assert "17 October 2025" in page
    assert "WASHINGTON" in page and "TASS" in page
    paragraphs = article["body"].split("\n\n")
    assert len(paragraphs) == 6
    for paragraph in paragraphs:
        assert f"<p>{escape(paragraph)}</p>" in page
    assert 'href="/archive/2025/10/17"' in page


@pytest.mark.parametrize("url", ["/archive/2025", "/archive/2025/10", "/archive/2025/10/17"])
def test_archive_pages_list_the_seed(client, url):
    page = get_page(client, url)
    assert listed_ids(page) == [SEED_ID]
    assert shown_total(page) == 1


def test_home_page_shows_latest_and_months(client, corpus):
    page = get_page(client, "/")
    newest = sorted(corpus, key=lambda row: (row["published"], row["id"]), reverse=True)
    assert listed_ids(page) == [row["id"] for row in newest][:10]
    months = {(row["published"].year, row["published"].month) for row in corpus}
    for year, month in months:
        assert f'href="/archive/{year}/{month:02d}"' in page


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


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", '"><svg onload=alert(1)>'])
def test_unknown_id_holding_html_is_escaped_on_the_404_page(client, payload):
    page = get_page(client, f"/articles/{payload}", status=404)
    assert payload not in page
    assert "<script" not in page.lower() and "<svg" not in page.lower()


def test_leap_day_is_a_real_day(client, corpus):
    page = get_page(client, "/archive/2024/02/29")
    assert listed_ids(page) == ["0000000000000003"]


# --- Bad input: a 400 page that says why, or a 200; never a 500 -------------------------------


def test_bad_date_shows_the_reason_and_keeps_the_query(client):
    params = {"q": "Budapest", "from": "2024-13-45"}
    detail = client.get("/api/search", params=params).json()["detail"]
    page = get_page(client, "/search", status=400, **params)
    assert str(escape(detail)) in page  # the same words as the API
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
    if response.status_code == 400:
        assert str(escape(api.json()["detail"])) in response.text


@pytest.mark.parametrize(
    ("params", "parameter"), BAD_FILTERS.values(), ids=list(BAD_FILTERS.keys())
)
def test_bad_filters_are_a_400_page_naming_the_parameter(client, params, parameter):
    page = get_page(client, "/search", status=400, q="Budapest", **params)
    assert re.search(rf"<p>{re.escape(parameter)}: ", page), parameter
    assert 'value="Budapest"' in page


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/archive/2025/10/17?page=abc", 400),
        ("/archive/2025/10/17?page=0", 400),
        ("/archive/2025/10/17?page=-1", 400),
        (f"/archive/2025/10/17?page={10**30}", 400),
        ("/archive/2025/10/17?page=2", 200),
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
    lowered = page.lower()
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
    assert "<script" not in page.lower() and "<svg" not in page.lower()
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
    page = get_page(client, "/search", per_page="10", page="4")
    assert listed_ids(page) == []
    assert "past the last" in page


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
