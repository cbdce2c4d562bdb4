"""The JSON API (app/web/api.py): what each endpoint returns, and that no input makes a 500.

Every request goes through a real app over a real SQLite store and Whoosh index in
tmp_path (the `client` fixture, which holds the seed). Expected values are derived
from the seed file or from the stories a test adds, never written down blind. On
PostgreSQL, `test_postgresql.py` holds every endpoint to the same answers; the SQL
itself is tested on both databases where it lives (the store, archive, query layer,
ingest).
"""

import csv
import io
import json
import math
import re
import time
from collections import Counter
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import SecretStr
from support.helpers import (
    BAD_FILTERS,
    COCOA_NEWS,
    COCOA_TERMS,
    ODD_QUERIES,
    SEED_SPEC,
    all_routes,
    counts,
    expected_ids,
    make,
    refusal_names,
)
from support.stories import SEED, SEED_ID

from app.engine import MAX_QUERY_WORDS, MAX_WILDCARDS, MIN_WILDCARD_LETTERS
from app.search.params import MAX_DEPTH, MAX_QUERY_CHARS
from app.web.app import create_app

SEED_PARAGRAPHS = [
    " ".join(part.split()) for part in re.split(r"\n\s*\n", SEED.read_text("utf-8").strip())
]
ONLY_MARK_TAGS = re.compile(r"</?mark>")
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '"><svg onload=alert(1)>',
]


def assert_error_shape(response) -> None:
    """The one error shape: JSON with a `detail` string (400, 404, 405) or list (422)."""
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    if response.status_code == 422:
        assert isinstance(detail, list) and detail
    else:
        assert isinstance(detail, str) and detail


# --- One article -----------------------------------------------------------------------------


def test_article_by_id(client):
    response = client.get(f"/api/articles/{SEED_ID}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    article = response.json()
    assert article["id"] == SEED_ID
    assert article["published"] == "2025-10-17"
    assert article["place"] == "WASHINGTON"
    assert article["source"] == "TASS"
    assert article["title"].startswith("The upcoming meeting")
    assert article["url"] == f"/articles/{SEED_ID}"
    paragraphs = article["body"].split("\n\n")
    assert len(paragraphs) == 6
    assert all(part and part == part.strip() and "\n" not in part for part in paragraphs)
    # the file's paragraphs, less the header and dateline on the first
    assert paragraphs[1:] == SEED_PARAGRAPHS[1:]
    assert SEED_PARAGRAPHS[0].endswith(paragraphs[0])
    assert article["lead"] == paragraphs[0]
    assert article["word_count"] == len(article["body"].split()) > 0


@pytest.mark.parametrize(
    "article_id",
    ["0000000000000000", "FA15ABBC2923D210X", "nope", "x" * 65, "x" * 5000, "%00", "a'; --"],
)
def test_unknown_article_is_404_with_detail(client, article_id):
    response = client.get(f"/api/articles/{article_id}")
    assert response.status_code == 404
    assert_error_shape(response)


# --- Search ------------------------------------------------------------------------------------


def test_search_finds_the_seed_with_marked_snippet(client):
    response = client.get("/api/search", params={"q": "Budapest"})
    assert response.status_code == 200
    found = response.json()
    assert found["total"] == 1
    assert found["page"] == 1 and found["pages"] == 1
    (item,) = found["items"]
    assert item["id"] == SEED_ID
    assert item["url"] == f"/articles/{SEED_ID}"
    assert item["published"] == "2025-10-17"
    assert re.search(r"<mark>Budapest</mark>", item["snippet"], re.I)


@pytest.mark.parametrize(
    ("dates", "total"),
    [
        ({"from": "2025-10-18"}, 0),
        ({"to": "2025-10-16"}, 0),
        ({"from": "2025-10-17", "to": "2025-10-17"}, 1),
        ({"from": "2025-10-01", "to": "2025-10-31"}, 1),
        ({"from": "2025-10-17"}, 1),
        ({"to": "2025-10-17"}, 1),
    ],
)
def test_search_date_filter(client, dates, total):
    found = client.get("/api/search", params={"q": "Budapest", **dates}).json()
    assert found["total"] == total
    assert [item["id"] for item in found["items"]] == [SEED_ID] * total


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ("Putin Trump", True),  # every word required
        ("Putin Zanzibar", False),
        ("Budapest OR Vienna", True),
        ("Budapest NOT Hungary", False),
        ('"President Putin"', True),
        ('"Putin President"', False),
        ("title:meeting", True),
        ("title:Lavrov", False),  # in the body, not the headline
        ("place:WASHINGTON", True),
        ("source:TASS", True),
        ("meetings", True),  # stemmed
        ("BUDAPEST", True),
        ("negotiat*", True),  # the README's and the help page's example: "negotiations"
        ("prepar*", True),
    ],
)
def test_documented_query_syntax(client, query, matches):
    found = client.get("/api/search", params={"q": query}).json()
    assert [item["id"] for item in found["items"]] == ([SEED_ID] if matches else [])


def test_accents_are_folded(client, add_stories):
    add_stories(client.app.state.archive, {"001_00000000000000a1.txt": "Crowds in São Paulo."})
    for query in ("Sao", "São"):
        found = client.get("/api/search", params={"q": query}).json()
        assert [item["id"] for item in found["items"]] == ["00000000000000a1"]


# --- Browsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"sort": "newest"},
        {"sort": "oldest"},
        {"place": "MOSCOW"},
        {"place": "moscow"},  # any case
        {"place": "United Nations"},
        {"place": "St. Petersburg"},
        {"source": "tass"},
        {"source": "Reuters", "sort": "oldest"},
        {"from": "2024-01-10"},
        {"to": "2024-01-10"},
        {"from": "2024-02-01", "to": "2025-10-17"},
        {"from": "2025-10-17", "to": "2025-10-17", "sort": "oldest"},
        {"place": "WASHINGTON", "source": "TASS"},
        {"place": "NOWHERE"},
        {"from": "2030-01-01"},
    ],
)
def test_browse_filters_and_order(client, corpus, filters):
    response = client.get("/api/articles", params={**filters, "per_page": 100})
    assert response.status_code == 200
    found = response.json()
    expected = expected_ids(
        corpus,
        place=filters.get("place"),
        source=filters.get("source"),
        date_from=date.fromisoformat(filters["from"]) if "from" in filters else None,
        date_to=date.fromisoformat(filters["to"]) if "to" in filters else None,
        oldest_first=filters.get("sort") == "oldest",
    )
    assert [item["id"] for item in found["items"]] == expected
    assert found["total"] == len(expected)
    assert all(item["url"] == f"/articles/{item['id']}" for item in found["items"])


@pytest.mark.parametrize("per_page", [1, 3, 8, 100])
@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_browse_paging(client, corpus, per_page, sort):
    everything = expected_ids(corpus, oldest_first=sort == "oldest")
    pages = math.ceil(len(everything) / per_page)
    seen = []
    for number in range(1, pages + 1):
        found = client.get(
            "/api/articles", params={"sort": sort, "per_page": per_page, "page": number}
        ).json()
        assert (found["total"], found["page"], found["per_page"]) == (
            len(everything),
            number,
            per_page,
        )
        assert found["pages"] == pages
        assert 1 <= len(found["items"]) <= per_page
        seen += [item["id"] for item in found["items"]]
    assert seen == everything
    past_end = client.get(
        "/api/articles", params={"sort": sort, "per_page": per_page, "page": pages + 1}
    )
    assert past_end.status_code == 400  # said with how many pages there are, by name
    said = f"there are {pages} pages" if pages != 1 else "there is 1 page"
    detail = past_end.json()["detail"]
    assert detail.startswith("page: ") and said in detail


def test_search_paging_covers_every_match_once(client, corpus):
    everything = client.get("/api/search", params={"q": "grain", "per_page": 100}).json()
    ids = [item["id"] for item in everything["items"]]
    assert everything["total"] == len(ids) == 5
    paged = []
    for number in (1, 2, 3):
        found = client.get("/api/search", params={"q": "grain", "per_page": 2, "page": number})
        assert found.json()["pages"] == 3
        paged += [item["id"] for item in found.json()["items"]]
    assert paged == ids


def test_default_per_page_and_its_limit(client, add_stories):
    stories = {f"{n:03d}_{n:016x}.txt": f"Filler story {n}." for n in range(1, 111)}
    add_stories(client.app.state.archive, stories)
    default = client.get("/api/articles").json()
    assert default["total"] == 111
    assert len(default["items"]) == default["per_page"] < 111
    most = client.get("/api/articles", params={"per_page": 100}).json()
    assert len(most["items"]) == 100
    assert client.get("/api/articles", params={"per_page": 101}).status_code in (400, 422)


# --- Stats -------------------------------------------------------------------------------------


def test_stats_of_the_seed(client):
    stats = client.get("/api/stats").json()
    assert stats == {
        "stories": 1,
        "articles": 1,
        "first_published": "2025-10-17",
        "last_published": "2025-10-17",
        "by_source": {"TASS": 1},
        "by_place": {"WASHINGTON": 1},
        "by_topic": {},
    }


def test_stats_of_the_corpus(client, corpus):
    stats = client.get("/api/stats").json()
    assert stats["articles"] == len(corpus)
    assert stats["first_published"] == min(row["published"] for row in corpus).isoformat()
    assert stats["last_published"] == max(row["published"] for row in corpus).isoformat()
    assert stats["by_source"] == dict(counts(corpus, "source"))
    assert stats["by_place"] == dict(counts(corpus, "place"))
    # most first
    assert list(stats["by_source"].values()) == sorted(stats["by_source"].values(), reverse=True)


# --- Documentation and error shape over every route -------------------------------------------


def test_terms_of_cocoa_with_their_counts_and_expected_counts(talk):
    found = talk.get("/api/terms", params={"q": "cocoa"}).json()
    assert (found["matches"], found["sample"], found["sampled_by"]) == (6, 6, "relevance")
    documents = talk.get("/api/stats").json()["articles"]
    terms = {term["term"]: term for term in found["terms"]}
    assert sorted(terms) == sorted(COCOA_TERMS)  # not drought (2 stories), expect or board
    for text, term in terms.items():
        assert term["kind"] == ("name" if " " in text else "word")
        assert term["count"] == 6  # in every cocoa story, in no other
        assert term["expected"] == round(6 * 6 / documents, 2)
        assert term["score"] > 3.84
        assert term["url"] == "/search?" + urlencode({"q": f'cocoa "{text}"'})
    scores = [term["score"] for term in found["terms"]]
    assert scores == sorted(scores, reverse=True)


def test_each_term_narrows_the_matches_to_its_count(talk):
    for filters in ({"q": "cocoa"}, {"q": "board", "place": "ACCRA"}, {"source": "Reuters"}):
        found = talk.get("/api/terms", params=filters).json()
        assert found["terms"] and found["sample"] == found["matches"], filters
        for term in found["terms"]:
            narrowed = dict(parse_qsl(urlsplit(term["url"]).query))
            assert {k: v for k, v in narrowed.items() if k != "q"} == {
                k: v for k, v in filters.items() if k != "q"
            }
            total = talk.get("/api/search", params=narrowed).json()["total"]
            assert total == term["count"], (filters, term)


def test_terms_without_a_query_read_the_newest_under_the_filters(talk):
    found = talk.get("/api/terms", params={"place": "ESSEN", "sort": "oldest"}).json()
    assert (found["matches"], found["sample"], found["sampled_by"]) == (10, 10, "oldest")
    assert {"steel", "mills", "output", "rise", "essen"} <= {t["term"] for t in found["terms"]}


def api_routes(client) -> list[APIRoute]:
    """The routes that answer JSON: the API's and the health check's."""
    routes = all_routes(client.app.routes)
    return [r for r in routes if r.path.startswith("/api/") or r.path in ("/healthz", "/livez")]


def test_openapi_lists_every_api_route(client):
    schema = client.get("/openapi.json").json()
    routes = api_routes(client)
    assert {r.path for r in routes} >= {
        "/api/search",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/stats",
    }
    assert set(schema["paths"]) == {r.path for r in routes}  # and no HTML page
    for route in routes:
        for method in route.methods:
            operation = schema["paths"][route.path][method.lower()]
            assert operation.get("summary") and operation.get("description"), route.path


def test_docs_page(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in response.text


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/nope", 404),
        ("POST", "/api/search", 405),
        ("PUT", f"/api/articles/{SEED_ID}", 405),
        ("GET", "/api/search?per_page=x", 422),
    ],
)
def test_error_shape_outside_the_routes(client, method, path, status):
    response = client.request(method, path)
    assert response.status_code == status
    assert_error_shape(response)


def test_every_api_route_answers_bad_input_in_the_error_shape(client):
    """Each route, fed junk in every parameter it declares, answers 4xx in the one shape."""
    routes = [r for r in api_routes(client) if r.dependant.query_params or r.dependant.path_params]
    assert len(routes) >= 3
    for route in routes:
        path = route.path.replace("{article_id}", "no-such-id")
        junk = {param.alias: "*" for param in route.dependant.query_params}
        response = client.get(path, params=junk)
        assert 400 <= response.status_code < 500, route.path
        assert_error_shape(response)


# --- No input makes a 500 ----------------------------------------------------------------------


def check_answer(response) -> None:
    assert response.status_code in (200, 400, 422), response.text
    if response.status_code == 200:
        found = response.json()
        assert found["total"] >= len(found["items"])
        assert len(found["items"]) <= found["per_page"]
    else:
        assert_error_shape(response)


@pytest.mark.parametrize("query", ODD_QUERIES.values(), ids=ODD_QUERIES.keys())
def test_search_odd_queries_never_500(client, query):
    response = client.get("/api/search", params={"q": query})
    check_answer(response)
    if response.status_code != 200:
        assert response.status_code == 400
        assert response.json()["detail"].startswith("q:")


@pytest.mark.parametrize("query", ODD_QUERIES.values(), ids=ODD_QUERIES.keys())
def test_terms_of_odd_queries_never_500(client, query):
    response = client.get("/api/terms", params={"q": query})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["detail"].startswith("q:")
    else:
        assert response.json()["matches"] >= response.json()["sample"]


def test_overlong_query_is_refused_naming_q(client):
    response = client.get("/api/search", params={"q": "x" * 5000})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("q:")


@pytest.mark.parametrize("query", ["*", "a*", "*x*", "?", "*a"])
def test_runaway_wildcards_are_refused(client, query):
    response = client.get("/api/search", params={"q": query})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("q:")


@pytest.mark.parametrize("path", ["/api/search", "/api/articles", "/api/terms"])
@pytest.mark.parametrize(
    ("params", "parameter"), BAD_FILTERS.values(), ids=list(BAD_FILTERS.keys())
)
def test_bad_filters_are_refused_naming_the_parameter(client, path, params, parameter):
    response = client.get(path, params={"q": "Budapest", **params})
    assert response.status_code in (400, 422), response.text
    assert_error_shape(response)
    assert refusal_names(response.status_code, response.json()["detail"], parameter), (
        response.json()
    )


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest", " oldest ", ""])
def test_every_sort_is_served(client, sort):
    response = client.get("/api/search", params={"q": "Budapest", "sort": sort})
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [SEED_ID]


@pytest.mark.parametrize("path", ["/api/search", "/api/articles", "/api/timeline"])
@pytest.mark.parametrize("per_page", [1, 3, 20, 100])
def test_a_page_past_the_last_is_refused_saying_how_many_pages_there_are(client, path, per_page):
    """The seed is one story: one page. A page past it is refused by name with how many there
    are, not with the paging limit (10,000 results) the story is far from; past that limit
    even at one a page, the page number is FastAPI's 422."""
    params = {"q": "Budapest", "per_page": per_page}
    assert client.get(path, params={**params, "page": 1}).status_code == 200
    for past in (2, MAX_DEPTH // per_page):
        refused = client.get(path, params={**params, "page": past})
        assert refused.status_code == 400
        assert refused.json() == {"detail": "page: must be 1: there is 1 page of 1 story"}
    too_deep = client.get(path, params={**params, "page": MAX_DEPTH + 1})
    assert too_deep.status_code == 422
    assert refusal_names(too_deep.status_code, too_deep.json()["detail"], "page")


# --- Articles holding HTML ---------------------------------------------------------------------


@pytest.fixture
def html_articles(client, add_stories):
    """Stories whose text holds HTML; returns {id: payload}."""
    stories = {}
    for number, payload in enumerate(XSS_PAYLOADS, start=1):
        body = f"Zebra{number} {payload} zebra{number} tail.\n\nSecond {payload} paragraph."
        stories[f"{number:03d}_{number:016x}.txt"] = body
    report = add_stories(client.app.state.archive, stories)
    assert report.added == len(XSS_PAYLOADS)
    return {f"{number:016x}": payload for number, payload in enumerate(XSS_PAYLOADS, start=1)}


def test_json_returns_html_text_as_data(client, html_articles):
    for article_id, payload in html_articles.items():
        article = client.get(f"/api/articles/{article_id}").json()
        assert payload in article["body"]
        assert payload in article["title"]


def assert_safe_snippet(snippet: str) -> None:
    assert "<script" not in snippet.lower()
    assert "<img" not in snippet.lower()
    assert "<svg" not in snippet.lower()
    assert "<a " not in snippet.lower()
    tags = re.findall(r"<[^>]*>", snippet)
    assert all(ONLY_MARK_TAGS.fullmatch(tag) for tag in tags), tags


@pytest.mark.parametrize("number", range(1, len(XSS_PAYLOADS) + 1))
def test_snippets_escape_html_and_mark_only_matches(client, html_articles, number):
    payload = XSS_PAYLOADS[number - 1]
    for params in ({"q": f"zebra{number}"}, {"q": "alert"}, {"q": "paragraph"}):
        found = client.get("/api/search", params=params).json()
        assert found["items"], params
        for item in found["items"]:
            assert_safe_snippet(item["snippet"])
    found = client.get("/api/search", params={"q": f"zebra{number}"}).json()
    (item,) = found["items"]
    assert "<mark>" in item["snippet"]
    assert "&lt;" in item["snippet"]  # the payload is there, escaped
    assert item["title"].startswith(f"Zebra{number} {payload}")  # JSON data: not escaped


def test_browse_snippets_are_escaped(client, html_articles):
    found = client.get("/api/articles", params={"per_page": 100}).json()
    by_id = {item["id"]: item for item in found["items"]}
    for article_id in html_articles:
        assert_safe_snippet(by_id[article_id]["snippet"])
        assert "<mark>" not in by_id[article_id]["snippet"]  # nothing was searched
        assert "&lt;" in by_id[article_id]["snippet"]


# --- adding articles: POST /api/articles ------------------------------------------------------

TOKEN = "a-test-token-of-some-length"
NEW = {
    "id": "post-1",
    "published": "2024-06-01",
    "title": "Posted story",
    "body": "Zanzibar ferry.",
}


@pytest.fixture
def writable(settings):
    """A client over an app that accepts writes with TOKEN, and a small body limit."""
    from fastapi.testclient import TestClient

    from app.web.app import create_app

    limited = settings.model_copy(update={"api_token": SecretStr(TOKEN), "max_request_bytes": 4096})
    with TestClient(create_app(limited)) as test_client:
        yield test_client


def post(client, payload, token: str | None = TOKEN, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/articles", json=payload, headers=headers, **kwargs)


def test_writes_are_refused_when_no_token_is_configured(client):
    response = post(client, NEW)
    assert response.status_code == 403
    assert "NEWSARCHIVE_API_TOKEN" in response.json()["detail"]


@pytest.mark.parametrize("token", [None, "wrong-token-of-some-length", TOKEN + "x"])
def test_a_missing_or_wrong_token_is_refused(writable, token):
    response = post(writable, NEW, token=token)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert writable.get("/api/articles/post-1").status_code == 404


def test_a_posted_article_is_stored_and_found_at_once(writable):
    response = post(writable, NEW)
    expected = {"added": 1, "updated": 0, "unchanged": 0, "duplicates": 0, "rejected": []}
    assert response.json() == expected  # duplicates: issue 11 (b), the count the CLI reports
    assert writable.get("/api/articles/post-1").json()["title"] == "Posted story"
    found = writable.get("/api/search", params={"q": "zanzibar"}).json()
    assert [item["id"] for item in found["items"]] == ["post-1"]


def test_a_list_is_stored_with_dedup_and_each_bad_item_named(writable):
    again = {**NEW, "id": "post-2"}  # the same text under another id
    bad = {"id": "post-3", "published": "2024-02-30", "body": "x"}
    response = post(writable, [NEW, again, bad, {**NEW, "body": "Zanzibar ferry, corrected."}])
    body = response.json()
    assert (body["added"], body["updated"], body["unchanged"]) == (1, 1, 0)
    assert body["rejected"] == [{"item": "item 3", "reason": "date 2024-02-30 does not exist"}]
    assert writable.get("/api/articles/post-1").json()["body"] == "Zanzibar ferry, corrected."


def test_posted_tags_are_topics_that_a_post_again_adds_as_an_update(writable):
    """On both stores: tags posted are the article's topics, filtered and counted alike
    with and without words; the same story posted again with new tags is an update."""
    assert post(writable, NEW).json()["added"] == 1
    tagged = {**NEW, "tags": "Ferries, Zanzibar", "keywords": ["ferries", "Sea"]}
    assert post(writable, tagged).json()["updated"] == 1
    assert writable.get("/api/articles/post-1").json()["topics"] == ["ferries", "zanzibar", "sea"]
    for q in ("zanzibar", ""):
        found = writable.get("/api/search", params={"q": q, "topic": "SEA"}).json()
        assert [item["id"] for item in found["items"]] == ["post-1"]
        facet = {c["value"]: c["count"] for c in found["facets"]["topic"]}
        assert facet == {"ferries": 1, "zanzibar": 1, "sea": 1}
        whole = writable.get("/api/topics", params={"q": q}).json()
        assert whole == {"total": 3, "values": [{"value": v, "count": 1} for v in sorted(facet)]}
    assert writable.get("/api/articles", params={"topic": "lakes"}).json()["total"] == 0
    assert writable.get("/api/stats").json()["by_topic"] == {"ferries": 1, "sea": 1, "zanzibar": 1}


def delete(client, article_id: str, token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.delete(f"/api/articles/{article_id}", headers=headers)


def test_a_deleted_article_is_gone_from_every_face_with_its_duplicates_ids(writable):
    post(writable, [NEW, {**NEW, "id": "post-copy"}, {**NEW, "id": "other", "body": "Other."}])
    assert writable.get("/api/articles/post-copy", follow_redirects=False).status_code == 308
    response = delete(writable, "post-1")
    assert response.status_code == 204 and response.content == b""
    for gone in ("post-1", "post-copy"):
        assert writable.get(f"/api/articles/{gone}").status_code == 404
        assert writable.get(f"/articles/{gone}").status_code == 404
    assert writable.get("/api/search", params={"q": "zanzibar"}).json()["total"] == 0
    assert writable.get("/api/stats").json()["articles"] == 1  # "other"
    again = delete(writable, "post-1")
    assert again.status_code == 404
    assert "post-1" in again.json()["detail"]


@pytest.mark.parametrize("token", [None, "wrong-token-of-some-length"])
def test_deleting_needs_the_token(writable, token):
    post(writable, NEW)
    assert delete(writable, "post-1", token=token).status_code == 401
    assert delete(writable, "post-1", token=None).headers["www-authenticate"] == "Bearer"
    assert writable.get("/api/articles/post-1").status_code == 200


def test_deleting_is_refused_when_no_token_is_configured(client):
    assert delete(client, SEED_ID).status_code == 403
    assert client.get(f"/api/articles/{SEED_ID}").status_code == 200


@pytest.mark.parametrize("odd", ["nul%00id", "%E2%80%8B", "a" * 5000, "..%2F..%2Fetc"])
def test_deleting_an_odd_id_is_a_404_never_a_500(writable, odd):
    assert delete(writable, odd).status_code == 404


def test_nothing_storable_is_a_422_naming_each_item(writable):
    response = post(writable, [{"body": "no date"}, {"published": "2024-01-01"}])
    assert response.status_code == 422
    assert [item["item"] for item in response.json()["detail"]] == ["item 1", "item 2"]


def test_a_body_over_the_limit_is_refused_with_413(writable):
    response = post(writable, {**NEW, "body": "word " * 2000})
    assert response.status_code == 413
    assert "detail" in response.json()
    assert writable.get("/api/articles/post-1").status_code == 404


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(writable):
    def endless():
        yield b'{"body": "'
        raise AssertionError("the body was read past the declared length")

    response = writable.post(
        "/api/articles",
        content=endless(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Length": "100000000"},
    )
    assert response.status_code == 413


def test_a_body_without_a_length_is_cut_off_at_the_limit(writable):
    def chunks():  # a generator: sent chunked, with no Content-Length
        for _ in range(100):
            yield b" " * 1024

    response = writable.post(
        "/api/articles", content=chunks(), headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 413
    assert "over the limit of 4,096 bytes" in response.json()["detail"]


@pytest.mark.parametrize("chunked", [False, True], ids=["declared-length", "chunked"])
def test_a_body_at_the_limit_is_read_and_one_byte_more_is_refused(writable, chunked):
    document = json.dumps(NEW).encode()
    at_limit = document + b" " * (4096 - len(document))  # JSON allows trailing spaces

    def send(body: bytes):
        content = iter([body[:100], body[100:]]) if chunked else body
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        return writable.post("/api/articles", content=content, headers=headers)

    assert send(at_limit + b" ").status_code == 413
    assert writable.get("/api/articles/post-1").status_code == 404
    assert send(at_limit).json()["added"] == 1


def test_a_duplicates_id_redirects_to_the_stored_article(writable):
    post(writable, [NEW, {**NEW, "id": "post-2"}])
    response = writable.get("/api/articles/post-2", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (308, "/api/articles/post-1")
    assert writable.get("/api/articles/post-2").json()["id"] == "post-1"
    page = writable.get("/articles/post-2", follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (308, "/articles/post-1")


@pytest.mark.parametrize(
    ("alias", "path", "location"),
    [
        ("articles", "/api/articles/articles", "/api/articles/post-1"),
        ("related", "/api/articles/related/related", "/api/articles/post-1/related"),
        ("api", "/api/articles/api", "/api/articles/post-1"),
        ("articles", "/articles/articles", "/articles/post-1"),
    ],
)
def test_a_duplicates_id_that_is_also_a_path_word_redirects_by_the_id_alone(
    writable, alias, path, location
):
    """Only the id in the path is replaced, not every segment spelt like it."""
    post(writable, [NEW, {**NEW, "id": alias}])
    response = writable.get(path, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (308, location)


# --- Facets and case-blind filters ---------------------------------------------------------------

# id, published, place, source, body: stories whose counts the tests below work out
NEWS = [
    *COCOA_NEWS,
    ("n07", "2023-11-02", "ACCRA", "Reuters", "Oil tanker docks."),
    ("n08", "2024-01-15", "SÃO PAULO", "AP", "Oil refinery opens in Brazil."),
]
# the same place and source in other letter cases, as another wire writes them
NEWS_LOWER = ("n09", "2024-01-17", "são paulo", "reuters", "Cocoa beans reach Brazil.")


def add_news(client, rows) -> None:
    """Stores (id, published, place, source, body) rows in the client's archive."""
    articles = [
        make(key, body, date.fromisoformat(day), place=place, source=source)
        for key, day, place, source, body in rows
    ]
    client.app.state.archive.add(articles, source_paths=[None] * len(articles))


def news_rows(rows, word: str | None) -> list[dict]:
    """The rows a search for `word` finds; without a word, every row and the seed."""
    kept = [
        {"id": key, "published": date.fromisoformat(day), "place": place, "source": source}
        for key, day, place, source, body in rows
        if word is None or word in body.lower()
    ]
    return kept if word else [dict(SEED_SPEC), *kept]


def tally(rows: list[dict], key) -> dict[str, int]:
    return dict(Counter(key(row) for row in rows))


@pytest.mark.parametrize(("path", "word"), [("/api/search", "cocoa"), ("/api/articles", None)])
def test_facets_count_the_matches(client, path, word):
    add_news(client, NEWS)
    found = client.get(path, params={"q": word} if word else {}).json()
    rows = news_rows(NEWS, word)
    assert found["total"] == len(rows)
    facets = found["facets"]
    as_dict = {name: {c["value"]: c["count"] for c in facets[name]} for name in facets}
    assert as_dict["source"] == tally(rows, lambda row: row["source"])
    assert as_dict["place"] == tally(rows, lambda row: row["place"])
    assert as_dict["year"] == tally(rows, lambda row: str(row["published"].year))
    assert as_dict["month"] == tally(rows, lambda row: f"{row['published']:%Y-%m}")
    for name in ("year", "month"):
        assert sum(as_dict[name].values()) == found["total"]
        assert list(as_dict[name]) == sorted(as_dict[name])  # oldest first
    for name in ("source", "place"):
        ranked = [c["count"] for c in facets[name]]
        assert ranked == sorted(ranked, reverse=True)  # most frequent first


@pytest.mark.parametrize("word", [None, "cocoa", "brazil"])
@pytest.mark.parametrize(
    "filters",
    [
        {"place": "SÃO PAULO"},
        {"place": "são paulo"},
        {"place": "São Paulo"},
        {"source": "REUTERS"},
        {"place": "são paulo", "source": "ap"},
    ],
)
def test_place_and_source_filters_ignore_case_beyond_ascii(client, word, filters):
    add_news(client, [*NEWS, NEWS_LOWER])
    expected = [
        row
        for row in news_rows([*NEWS, NEWS_LOWER], word)
        if all(row[name].lower() == value.lower() for name, value in filters.items())
    ]
    params = {**filters, **({"q": word} if word else {})}
    totals = {
        path: client.get(path, params=params).json()["total"]
        for path in ("/api/search", "/api/articles", "/api/timeline")
    }
    assert set(totals.values()) == {len(expected)}, totals
    assert expected
    if len(filters) == 1:
        (name,) = filters
        assert len({row[name] for row in expected}) == 2  # both stored spellings are found


# --- Timeline ------------------------------------------------------------------------------------

# days of matches whose span picks each unit: a few days, months, years, decades
SPANS = {
    "day": ["2024-03-01", "2024-03-02", "2024-03-02", "2024-03-05"],
    "week": ["2024-01-01", "2024-02-14", "2024-06-30"],
    "month": ["2020-01-15", "2022-06-01", "2022-06-02", "2024-06-30"],
    "year": ["2000-05-05", "2009-12-31", "2015-01-01"],
}


def add_days(client, days: list[str], word: str = "wheat") -> None:
    rows = [(f"{word}{n}", day, "ACCRA", "AP", f"{word} story {n}.") for n, day in enumerate(days)]
    add_news(client, rows)


def assert_buckets_cover(buckets: list[dict], days: list[date]) -> None:
    """Consecutive, non-overlapping buckets from the first day to the last, each counting
    the days in it."""
    starts = [date.fromisoformat(b["start"]) for b in buckets]
    ends = [date.fromisoformat(b["end"]) for b in buckets]
    assert (starts[0], ends[-1]) == (min(days), max(days))
    assert all(start <= end for start, end in zip(starts, ends, strict=True))
    assert all(
        end + timedelta(days=1) == start for end, start in zip(ends[:-1], starts[1:], strict=True)
    )
    for bucket, start, end in zip(buckets, starts, ends, strict=True):
        assert bucket["count"] == sum(start <= day <= end for day in days), bucket
        assert bucket["label"]
    assert sum(bucket["count"] for bucket in buckets) == len(days)


# a story of the archive every so many days leaves no period of each unit without one
FILL_EVERY = {"day": 1, "week": 6, "month": 28, "year": 300}


def fill(client, first: str, last: str, unit: str) -> list[date]:
    """Another source's stories of another word from `first` to `last`, one in every
    period of `unit`: an archive that holds stories all along. A chart's unit follows the
    days the archive holds stories of (timeline.chart_of): a year without one is left out
    of the span, and periods without one must not outnumber half the bars."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    days = [start + timedelta(days=n) for n in range(0, (end - start).days, FILL_EVERY[unit])]
    add_news(
        client,
        [
            (f"filler{n}", day.isoformat(), "ACCRA", "Reuters", f"rye {n}.")
            for n, day in enumerate(days)
        ],
    )
    return days


@pytest.mark.parametrize("unit", SPANS)
def test_timeline_of_a_query_divides_its_total(client, unit):
    add_days(client, SPANS[unit])
    fill(client, SPANS[unit][0], SPANS[unit][-1], unit)  # not matched: no effect but on the unit
    add_days(client, ["1990-01-01", "2030-01-01"], word="barley")  # not matched: no effect
    timeline = client.get("/api/timeline", params={"q": "wheat"}).json()
    total = client.get("/api/search", params={"q": "wheat"}).json()["total"]
    assert timeline["total"] == total == len(SPANS[unit])
    assert timeline["unit"] == unit
    assert_buckets_cover(timeline["buckets"], [date.fromisoformat(d) for d in SPANS[unit]])


@pytest.mark.parametrize(
    ("params", "unit"),
    [({}, "month"), ({"source": "AP"}, "month"), ({"from": "2024-01-01"}, "week")],
)
def test_timeline_of_browsing_divides_its_total(client, params, unit):
    add_days(client, SPANS["month"])
    filler = fill(client, SPANS["month"][0], SEED_SPEC["published"].isoformat(), "week")
    days = [date.fromisoformat(d) for d in SPANS["month"]]
    if "source" not in params:  # the seed, from TASS, and the filler, from Reuters
        days += [SEED_SPEC["published"], *filler]
    days = [day for day in days if day.isoformat() >= params.get("from", "")]
    timeline = client.get("/api/timeline", params=params).json()
    assert timeline["total"] == client.get("/api/articles", params=params).json()["total"]
    assert timeline["total"] == len(days)
    assert timeline["unit"] == unit
    assert_buckets_cover(timeline["buckets"], days)


def test_timeline_of_nothing_has_no_unit_and_no_buckets(client):
    timeline = client.get("/api/timeline", params={"q": "zzqqxx"})
    assert timeline.status_code == 200
    assert timeline.json() == {"total": 0, "unit": None, "buckets": []}


def archive_total(client, first: str, last: str) -> int:
    """The whole archive's stories from `first` to `last`, as browsing counts them."""
    return client.get("/api/articles", params={"from": first, "to": last}).json()["total"]


def test_each_bucket_gives_the_archive_s_stories_of_its_days_and_the_share(client):
    add_days(client, SPANS["week"])
    fill(client, SPANS["week"][0], SPANS["week"][-1], "week")
    add_days(client, ["2024-01-02", "2024-01-03", "2024-06-30"], word="barley")
    buckets = client.get("/api/timeline", params={"q": "wheat"}).json()["buckets"]
    assert [bucket["charted"] for bucket in buckets] == [True] * len(buckets)
    for bucket in buckets:
        held = archive_total(client, bucket["start"], bucket["end"])
        assert bucket["archive"] == held >= bucket["count"], bucket
        share = bucket["count"] / held if held else None
        assert bucket["share"] == (None if share is None else pytest.approx(share, abs=1e-6))
    # 1 Jan 2024's week: the wheat story, two of rye (1 and 7 Jan) and two of barley
    assert buckets[0]["archive"] == 5 and buckets[0]["share"] == pytest.approx(1 / 5, abs=1e-6)


def test_a_stretch_the_archive_holds_nothing_of_is_one_bucket_marked_so(client):
    add_days(client, SPANS["month"])  # 15 Jan 2020, 1-2 Jun 2022, 30 Jun 2024: nothing between
    timeline = client.get("/api/timeline", params={"q": "wheat"}).json()
    assert timeline["unit"] == "day"  # the days that hold stories, not four years of months
    gaps = [bucket for bucket in timeline["buckets"] if not bucket["archive"]]
    assert [(gap["label"], gap["count"], gap["share"]) for gap in gaps] == [
        ("16 Jan 2020 to 31 May 2022", 0, None),
        ("3 Jun 2022 to 29 Jun 2024", 0, None),
    ]
    assert len(timeline["buckets"]) == 6  # 15 Jan 2020, a gap, 1 and 2 Jun 2022, a gap, 30 Jun
    assert sum(bucket["count"] for bucket in timeline["buckets"]) == timeline["total"] == 4


def test_matches_far_from_the_rest_are_a_bucket_each_side_not_charted(client):
    add_news(
        client,
        [(f"s{n}", f"2024-03-{n % 28 + 1:02d}", "ACCRA", "AP", f"walrus {n}.") for n in range(150)],
    )
    add_news(
        client,
        [
            ("early", "1987-06-01", "ACCRA", "AP", "walrus early."),
            ("late", "2031-01-02", "ACCRA", "AP", "walrus late."),
        ],
    )
    timeline = client.get("/api/timeline", params={"q": "walrus"}).json()
    first, *charted, last = timeline["buckets"]
    assert (first["start"], first["end"], first["count"], first["charted"]) == (
        "1987-06-01",
        "2024-02-29",
        1,
        False,
    )
    assert (last["start"], last["end"], last["count"], last["charted"]) == (
        "2024-03-29",
        "2031-01-02",
        1,
        False,
    )
    assert first["archive"] == archive_total(client, "1987-06-01", "2024-02-29")
    assert timeline["unit"] == "day" and all(bucket["charted"] for bucket in charted)
    assert sum(bucket["count"] for bucket in timeline["buckets"]) == timeline["total"] == 152


def test_the_timeline_as_csv_is_its_json_row_by_row(client):
    add_days(client, SPANS["month"])
    params = {"q": "wheat"}
    buckets = client.get("/api/timeline", params=params).json()["buckets"]
    response = client.get("/api/timeline", params={**params, "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="timeline.csv"'
    header, *rows = list(csv.reader(io.StringIO(response.text)))
    assert header == ["start", "end", "label", "matches", "archive", "share"]
    assert rows == [
        [
            b["start"],
            b["end"],
            b["label"],
            str(b["count"]),
            str(b["archive"]),
            "" if b["share"] is None else f"{b['share']:.6f}",
        ]
        for b in buckets
    ]
    nothing = client.get("/api/timeline", params={"q": "zzqqxx", "format": "csv"})
    assert nothing.text.splitlines() == [",".join(header)]


def test_a_timeline_of_every_version_gives_no_share(client):
    add_days(client, SPANS["week"])
    buckets = client.get("/api/timeline", params={"q": "wheat", "collapse": "false"}).json()[
        "buckets"
    ]
    assert buckets and {bucket["share"] for bucket in buckets} == {None}
    assert sum(bucket["archive"] for bucket in buckets) >= 3


@pytest.mark.parametrize("value", ["xml", "CSV ", "json; drop"])
def test_a_timeline_format_other_than_json_or_csv_is_refused_naming_format(client, value):
    response = client.get("/api/timeline", params={"q": "wheat", "format": value})
    assert response.status_code == 422
    assert_error_shape(response)
    assert "format" in json.dumps(response.json()["detail"])


# --- Sort ----------------------------------------------------------------------------------------

# the headline holds "cocoa" in every NEWS story but this one, the newest
BODY_ONLY = ("r01", "2024-12-31", "ACCRA", "AP", "Markets were calm.\n\nTraders spoke of cocoa.")


@pytest.mark.parametrize("path", ["/api/search", "/api/articles"])
@pytest.mark.parametrize("word", ["cocoa", None])
@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_sorts_order_by_date_then_id(client, path, word, sort):
    add_news(client, [*NEWS, BODY_ONLY])
    params = {"sort": sort, "per_page": 100, **({"q": word} if word else {})}
    found = client.get(path, params=params).json()
    expected = expected_ids(news_rows([*NEWS, BODY_ONLY], word), oldest_first=sort == "oldest")
    assert [item["id"] for item in found["items"]] == expected


def test_relevance_puts_headline_matches_first(client):
    add_news(client, [*NEWS, BODY_ONLY])
    for params in ({"q": "cocoa"}, {"q": "cocoa", "sort": "relevance"}):
        ids = [item["id"] for item in client.get("/api/search", params=params).json()["items"]]
        assert len(ids) == 7 and ids[-1] == "r01"
    newest = client.get("/api/search", params={"q": "cocoa", "sort": "newest"}).json()
    assert newest["items"][0]["id"] == "r01"


@pytest.mark.parametrize("path", ["/api/search", "/api/articles", "/api/timeline"])
@pytest.mark.parametrize("sort", ["best", "NEWEST"])
@pytest.mark.parametrize("word", ["cocoa", None])
def test_an_unknown_sort_is_refused_naming_sort(client, path, sort, word):
    response = client.get(path, params={"sort": sort, **({"q": word} if word else {})})
    assert response.status_code == 400
    assert_error_shape(response)
    assert response.json()["detail"].startswith("sort: must be one of relevance, newest, oldest")


# --- Did you mean --------------------------------------------------------------------------------

COFFEE = [
    ("k01", "2024-02-01", "SANTOS", "AP", "Coffee exports rose in March."),
    ("k02", "2024-02-02", "SANTOS", "AP", "Roasted coffee prices fell."),
    ("k03", "2024-02-03", "SANTOS", "AP", "Coffee growers fear a frost."),
]


def test_a_misspelt_query_is_offered_the_stored_spelling(client):
    add_news(client, COFFEE)
    found = client.get("/api/search", params={"q": "cofee"}).json()
    assert found["total"] == 0
    assert found["suggestion"] == "coffee"
    assert client.get("/api/search", params={"q": "coffee"}).json()["total"] == 3


@pytest.mark.parametrize("q", ["coffee", "title:cofee", "cofe*", "Budapest", "zzqqxx"])
def test_no_suggestion_for_plenty_qualified_wildcard_or_unknown_words(client, q):
    add_news(client, COFFEE)
    response = client.get("/api/search", params={"q": q})
    assert response.status_code == 200
    assert response.json()["suggestion"] is None


# --- Related stories -----------------------------------------------------------------------------

TOPICS = {
    "cocoa": "Cocoa beans: {}. Chocolate makers buy cocoa beans after the cocoa harvest.",
    "oil": "Crude oil: {}. Refinery buyers want crude oil barrels as OPEC meets.",
}
DETAILS = ["arrivals slow", "prices set", "demand grows", "rains help", "ships sail", "a strike"]


@pytest.fixture
def topics(client) -> dict[str, list[str]]:
    """Six stories on each of two topics; their ids by topic."""
    rows, ids = [], {}
    for topic, text in TOPICS.items():
        ids[topic] = [f"{topic}{n}" for n in range(len(DETAILS))]
        for n, detail in enumerate(DETAILS):
            rows.append((f"{topic}{n}", f"2024-04-{n + 1:02d}", "ACCRA", "AP", text.format(detail)))
    add_news(client, rows)
    return ids


@pytest.mark.parametrize("topic", TOPICS)
def test_related_are_five_others_on_the_same_topic(client, topics, topic):
    for article_id in topics[topic]:
        response = client.get(f"/api/articles/{article_id}/related")
        assert response.status_code == 200
        items = response.json()["items"]
        ids = [item["id"] for item in items]
        assert len(ids) == len(set(ids)) == 5
        assert article_id not in ids
        assert set(ids) <= set(topics[topic]), (article_id, ids)
        assert all(item["url"] == f"/articles/{item['id']}" for item in items)


def test_the_most_similar_story_is_related_first(client, topics):
    """A third topic of two stories: each is the other's first related story."""
    add_news(
        client,
        [
            ("t1", "2024-05-01", "ACCRA", "AP", "Tea auctions: Kenyan tea leaves sell."),
            ("t2", "2024-05-02", "ACCRA", "AP", "Tea auctions: Assam tea leaves fetch more."),
        ],
    )
    for article_id, other in (("t1", "t2"), ("t2", "t1")):
        items = client.get(f"/api/articles/{article_id}/related").json()["items"]
        assert items[0]["id"] == other
        assert article_id not in [item["id"] for item in items]


@pytest.mark.parametrize("article_id", ["0000000000000000", "nope", "x" * 65])
def test_related_of_an_unknown_article_is_404(client, article_id):
    response = client.get(f"/api/articles/{article_id}/related")
    assert response.status_code == 404
    assert_error_shape(response)


def test_related_of_a_duplicates_id_redirects_to_the_stored_articles_related(client, topics):
    add_news(client, [("copy", "2024-04-01", "ACCRA", "AP", TOPICS["cocoa"].format(DETAILS[0]))])
    assert client.get("/api/articles/copy", follow_redirects=False).status_code == 308
    response = client.get("/api/articles/copy/related", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/api/articles/cocoa0/related"


# --- Query guards ---------------------------------------------------------------------------------

REFUSAL_SECONDS = 1.0  # a bound on a refusal, generous enough for a loaded CI machine

# query: words the refusal must hold, saying which limit the query is over
GUARDS = {
    "chars": ("x" * (MAX_QUERY_CHARS + 1), f"the limit is {MAX_QUERY_CHARS}"),
    "words-in-a-phrase": (
        '"' + " ".join(["w"] * 200) + '"',
        f"has 200 words; the limit is {MAX_QUERY_WORDS}",
    ),
    "ten-wildcards": (
        " ".join(f"*{letter * 2}*" for letter in "bcdefghijk"),
        f"more than {MAX_WILDCARDS} wildcard terms",
    ),
    "ten-x-infixes": (" ".join(["*x*"] * 10), f"at least {MIN_WILDCARD_LETTERS} letters"),
    "star": ("*", f"at least {MIN_WILDCARD_LETTERS} letters"),
    "one-letter-prefix": ("a*", f"at least {MIN_WILDCARD_LETTERS} letters"),
}


@pytest.mark.parametrize("path", ["/api/search", "/api/articles", "/api/timeline"])
@pytest.mark.parametrize(("q", "limit"), GUARDS.values(), ids=list(GUARDS))
def test_query_guards_refuse_naming_q_and_the_limit(client, path, q, limit):
    started = time.monotonic()
    response = client.get(path, params={"q": q})
    assert time.monotonic() - started < REFUSAL_SECONDS  # refused before any search runs
    assert response.status_code == 400
    assert_error_shape(response)
    detail = response.json()["detail"]
    assert detail.startswith("q: ") and limit in detail, detail


@pytest.mark.parametrize(
    ("q", "status"),
    [
        (" ".join(["w"] * MAX_QUERY_WORDS), 200),
        (" ".join(["w"] * (MAX_QUERY_WORDS + 1)), 400),
        (" ".join(f"*{letter * 2}*" for letter in "bcdefghijk"[:MAX_WILDCARDS]), 200),
        (" ".join(f"{letter * 2}*" for letter in "bcdefghijk"[: MAX_WILDCARDS + 1]), 400),
        ("ab*", 200),
    ],
)
def test_a_query_at_a_limit_is_served(client, q, status):
    assert client.get("/api/search", params={"q": q}).status_code == status


def test_a_search_past_the_time_limit_is_refused(settings):
    slow = settings.model_copy(update={"search_seconds": 1e-9})
    with TestClient(create_app(slow)) as client:
        add_days(client, [(date(2020, 1, 1) + timedelta(days=n)).isoformat() for n in range(600)])
        for path in ("/api/search", "/api/articles", "/api/timeline"):
            response = client.get(path, params={"q": "wheat"})
            assert response.status_code == 400, path
            assert response.json()["detail"].startswith("q: took longer than"), path


@pytest.mark.parametrize("path", ["/api/search", "/api/articles", "/api/timeline"])
def test_a_search_of_an_empty_archive_finds_nothing(settings, path):
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get(path, params={"q": "coffee"})
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 0


def test_a_stored_text_under_a_new_id_is_answered_as_a_duplicate(writable):
    assert post(writable, NEW).json()["added"] == 1
    answer = post(writable, {**NEW, "id": "post-copy"})
    assert answer.status_code == 200
    assert answer.json() == {
        "added": 0,
        "updated": 0,
        "unchanged": 0,
        "duplicates": 1,
        "rejected": [],
    }


def test_the_write_answer_is_the_ingest_report_field_for_field():
    """The API's answer is built from the CLI's report, so neither can drop a count again."""
    from dataclasses import fields

    from app.ingest import IngestReport
    from app.web.schemas import AddedOut

    assert list(AddedOut.model_fields) == [field.name for field in fields(IngestReport)]


@pytest.mark.parametrize("q", ["Budapest (-Trump)", "(-Trump) Budapest", "Budapest (talks -x)"])
def test_a_minus_inside_brackets_is_an_exclusion_not_a_500(client, q):
    """Issue 11 (a): Whoosh's parser raised NotImplementedError: Minus for these."""
    response = client.get("/api/search", params={"q": q})
    assert response.status_code == 200
    plain = client.get("/api/search", params={"q": q.replace("(", "").replace(")", "")})
    assert response.json()["total"] == plain.json()["total"]
