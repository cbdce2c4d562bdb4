"""Export of a whole result set (app/export.py and GET /api/export): every match, streamed.

The rows must be the search's matches in the search's order, with no page limit, in CSV
that the csv module reads back or in NDJSON of one object a line; a parameter that cannot
be served must be refused with a 400 before anything is streamed.
"""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from support.helpers import make, search_params

from app.engine import MAX_QUERY_WORDS
from app.search.export import (
    BATCH,
    FIELDS,
    NAME_CHARS,
    csv_chunks,
    file_name,
    matching_articles,
    ndjson_chunks,
)
from app.search.queries import search
from app.web.app import create_app
from app.web.urls import article_url

PLACES = ("ACCRA", "SÃO PAULO", "RIYADH")
SOURCES = ("Reuters", "AP")


def add_stories(archive, count: int, *, word: str = "wheat", prefix: str = "s") -> list[str]:
    """`count` stories holding `word`, on days, places and sources that vary; their ids."""
    articles = [
        make(
            f"{prefix}{n:05d}",
            f"{word.capitalize()} shipment {n} left port {n % 7}.\n\nA second paragraph.",
            date(2023, 1, 1) + timedelta(days=n % 400),
            place=PLACES[n % len(PLACES)],
            source=SOURCES[n % len(SOURCES)],
        )
        for n in range(count)
    ]
    for start in range(0, count, 500):
        batch = articles[start : start + 500]
        archive.add(batch, source_paths=[None] * len(batch))
    return [article.id for article in articles]


def app_client(settings, **changes):
    """A client over an empty archive. Server errors come back as responses (a 500), and a
    refusal raised after the stream began shows as the 200 that was already sent."""
    return TestClient(
        create_app(settings.model_copy(update=changes)), raise_server_exceptions=False
    )


@pytest.fixture
def web(settings):
    with app_client(settings) as client:
        yield client


def search_ids(client, params: dict) -> tuple[int, list[str]]:
    """The total and every id of a search, page by page, as a client would walk it."""
    ids, page, total = [], 1, None
    while total is None or len(ids) < total:
        found = client.get("/api/search", params={**params, "per_page": 100, "page": page}).json()
        total = found["total"]
        ids += [item["id"] for item in found["items"]]
        page += 1
        if not found["items"]:
            break
    return total, ids


def ndjson(response) -> list[dict]:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = response.text.splitlines()
    assert response.text.endswith("\n") or not lines
    return [json.loads(line) for line in lines]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.text)))


# --- the query layer ------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize(
    "filters",
    [{}, {"q": "wheat"}, {"q": "port 3"}, {"place": "são paulo", "date_from": "2023-03-01"}],
    ids=["browse", "query", "two-words", "filtered"],
)
def test_matching_articles_are_the_search_in_its_order(archive, filters, sort):
    add_stories(archive, 130)
    add_stories(archive, 20, word="barley", prefix="b")
    first = search(archive, search_params(**filters, sort=sort, per_page=100))
    pages = [first] + [
        search(archive, search_params(**filters, sort=sort, page=n, per_page=100))
        for n in range(2, first.pages + 1)
    ]
    listed = [item.id for page in pages for item in page.items]
    exported = [row.record.id for row in matching_articles(archive, pages[0].params)]
    assert exported == listed
    assert len(exported) == pages[0].total > 0


def test_csv_reads_back_every_field(archive):
    body = 'Commas, "quotes", a line\nbreak and São Paulo; a tab\there.\n\nSecond paragraph.'
    article = make("odd,id", body, date(2024, 2, 29), place='X, "Y"', title='A, "B"\nC')
    archive.add([article], source_paths=[None])
    (exported,) = matching_articles(archive, search_params())
    record = exported.record
    header, row = list(csv.reader(io.StringIO("".join(csv_chunks([exported], url_of=article_url)))))
    assert tuple(header) == FIELDS
    values = dict(zip(header, row, strict=True))
    assert values["id"] == "odd,id"
    assert values["body"] == record.body
    assert values["title"] == record.title
    assert values["place"] == 'X, "Y"'
    assert values["published"] == "2024-02-29"
    assert values["url"] == "/articles/odd,id"
    assert values["word_count"] == str(record.word_count)
    assert values["region"] == values["authors"] == ""  # None is an empty cell


def test_ndjson_is_one_object_a_line_with_text_as_written(archive):
    body = "Line one\nline two in São Paulo.\n\n<b>Second</b> paragraph."
    archive.add([make("n1", body, date(2024, 2, 29), place=None)], source_paths=[None])
    chunks = list(ndjson_chunks(matching_articles(archive, search_params()), url_of=article_url))
    assert len(chunks) == 1 and chunks[0].endswith("\n") and chunks[0].count("\n") == 1
    assert "São Paulo" in chunks[0]  # not \u-escaped
    row = json.loads(chunks[0])
    assert tuple(row) == FIELDS
    assert (row["id"], row["body"], row["place"]) == ("n1", archive.store.get("n1").body, None)
    assert "<b>Second</b>" in row["body"]
    assert row["published"] == "2024-02-29" and row["url"] == "/articles/n1"


def test_csv_is_written_a_batch_at_a_time(archive):
    add_stories(archive, BATCH + 10)
    chunks = list(
        csv_chunks(matching_articles(archive, search_params(q="wheat")), url_of=article_url)
    )
    assert len(chunks) == 2  # header and BATCH rows, then the rest: memory stays flat
    rows = list(csv.reader(io.StringIO("".join(chunks))))
    assert len(rows) == BATCH + 11


# --- GET /api/export ------------------------------------------------------------------------------


def test_every_match_is_exported_not_a_page(web):
    """1,200 matches: over the deepest page a search reaches with the default page size."""
    ids = add_stories(web.app.state.archive, 1200)
    add_stories(web.app.state.archive, 30, word="barley", prefix="b")
    total, listed = search_ids(web, {"q": "wheat", "sort": "oldest"})
    assert total == len(listed) == 1200
    assert set(listed) == set(ids)
    lines = ndjson(
        web.get("/api/export", params={"q": "wheat", "sort": "oldest", "format": "ndjson"})
    )
    assert [line["id"] for line in lines] == listed
    rows = csv_rows(web.get("/api/export", params={"q": "wheat", "sort": "oldest"}))
    assert len(rows) == total + 1
    assert tuple(rows[0]) == FIELDS
    assert [row[0] for row in rows[1:]] == listed


@pytest.mark.parametrize(
    "params",
    [
        {"q": "wheat"},
        {"q": "wheat", "sort": "newest"},
        {"q": "port 3", "sort": "oldest"},
        {"q": "wheat", "place": "SÃO PAULO", "source": "ap"},
        {"q": "wheat OR barley", "from": "2023-02-01", "to": "2023-03-31"},
        {},
        {"sort": "oldest", "source": "Reuters"},
        {"from": "2023-04-01"},
    ],
)
def test_export_lists_what_the_search_lists(web, params):
    add_stories(web.app.state.archive, 140)
    add_stories(web.app.state.archive, 25, word="barley", prefix="b")
    path = "/api/search" if params.get("q") else "/api/articles"
    total, listed = search_ids(web, params)
    if path == "/api/articles":
        assert web.get(path, params=params).json()["total"] == total
    assert total > 0
    lines = ndjson(web.get("/api/export", params={**params, "format": "ndjson"}))
    assert len(lines) == total
    assert [line["id"] for line in lines] == listed
    for line in lines:
        assert {"id", "title", "published", "url", "body"} <= set(line)
        assert line["url"] == f"http://testserver/articles/{line['id']}"  # in full
        assert isinstance(line["title"], str) and line["body"]
        date.fromisoformat(line["published"])
    rows = csv_rows(web.get("/api/export", params={**params, "format": "csv"}))
    assert tuple(rows[0]) == FIELDS
    assert [row[0] for row in rows[1:]] == listed


def test_an_export_gives_the_headline_as_sent_and_as_every_page_shows_it(web):
    """A headline sent in capitals: `title` as the wire sent it, `headline` as the search's
    JSON (and its pages) show it, the story's own capitals kept."""
    body = "The OPEC ministers met in Vienna on Monday.\n\nOutput was left unchanged."
    sent = "OPEC MINISTERS KEEP OUTPUT UNCHANGED"
    web.app.state.archive.add([make("c1", body, date(2024, 3, 4), title=sent)], source_paths=[None])
    (item,) = web.get("/api/search", params={"q": "ministers"}).json()["items"]
    assert item["title"] == sent and item["headline"] == "OPEC Ministers Keep Output Unchanged"
    (line,) = ndjson(web.get("/api/export", params={"q": "ministers", "format": "ndjson"}))
    assert (line["title"], line["headline"]) == (item["title"], item["headline"])
    header, row = csv_rows(web.get("/api/export", params={"q": "ministers"}))
    assert dict(zip(header, row, strict=True))["headline"] == item["headline"]


def test_browse_export_equals_the_articles_list(web):
    add_stories(web.app.state.archive, 240)
    articles = web.get("/api/articles", params={"per_page": 100}).json()
    lines = ndjson(web.get("/api/export", params={"format": "ndjson"}))
    assert len(lines) == articles["total"] == 240
    assert [line["id"] for line in lines[:100]] == [item["id"] for item in articles["items"]]


def test_export_of_nothing_is_a_header_or_empty(web):
    add_stories(web.app.state.archive, 3)
    assert csv_rows(web.get("/api/export", params={"q": "zzqqxx"})) == [list(FIELDS)]
    assert ndjson(web.get("/api/export", params={"q": "zzqqxx", "format": "ndjson"})) == []


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_export_is_an_attachment_named_by_its_search_and_format(web, fmt):
    add_stories(web.app.state.archive, 3)
    response = web.get("/api/export", params={"q": "wheat", "format": fmt})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="wheat.{fmt}"'


def test_csv_is_the_default_format(web):
    add_stories(web.app.state.archive, 3)
    rows = csv_rows(web.get("/api/export", params={"q": "wheat"}))
    assert len(rows) == 4


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"sort": "sideways"}, "sort"),
        ({"from": "2024-13-01"}, "from"),
        ({"from": "2024-02-01", "to": "2024-01-01"}, "from"),
        ({"place": "P" * 1000}, "place"),
        ({"q": "x" * 1000}, "q"),
        # refused by the query parser: these must be refused before the stream starts too
        ({"q": "*"}, "q"),
        ({"q": "a*"}, "q"),
        ({"q": " ".join(f"*{a}{a}*" for a in "bcdefghijk")}, "q"),
        ({"q": '"' + " ".join(["w"] * (MAX_QUERY_WORDS + 1)) + '"'}, "q"),
    ],
    ids=[
        "sort",
        "from",
        "from-after-to",
        "place",
        "q-too-long",
        "q-star",
        "q-a-star",
        "q-many-wildcards",
        "q-too-many-words",
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_a_bad_parameter_is_a_400_before_any_streaming(web, params, parameter, fmt):
    add_stories(web.app.state.archive, 3)
    response = web.get("/api/export", params={"q": "wheat", **params, "format": fmt})
    assert response.status_code == 400, (response.status_code, response.text[:200])
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["detail"].startswith(f"{parameter}:")


def test_an_unknown_format_is_a_422_naming_format(web):
    response = web.get("/api/export", params={"q": "wheat", "format": "xml"})
    assert response.status_code == 422
    assert any("format" in problem["loc"] for problem in response.json()["detail"])


def test_an_export_past_its_time_limit_is_a_400(settings):
    with app_client(settings, search_seconds=1e-9) as client:
        add_stories(client.app.state.archive, 600)
        response = client.get("/api/export", params={"q": "wheat", "format": "ndjson"})
    assert response.status_code == 400, (response.status_code, response.text[:200])
    assert response.json()["detail"].startswith("q: took longer")


def test_behind_a_proxy_the_export_links_to_the_public_address(settings):
    with app_client(settings, public_url="https://news.example/archive") as client:
        add_stories(client.app.state.archive, 3)
        lines = ndjson(client.get("/api/export", params={"q": "wheat", "format": "ndjson"}))
    assert [line["url"] for line in lines] == [
        f"https://news.example/archive/articles/{line['id']}" for line in lines
    ]


SAO_PAULO = {"q": '"São Paulo" OR título:x', "from": "1987-03-02"}
EVERY_VERSION = {"topic": "cocoa", "to": "1987-04-15", "collapse": "false"}
YEN_1987 = {"q": "yen", "place": "TOKYO", "from": "1987-01-01", "to": "1987-12-31"}


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ({}, "archive"),
        ({"q": "opec", "from": "1987-03-01", "to": "1987-03-31"}, "opec-1987-03"),
        (YEN_1987, "yen-tokyo-1987"),
        ({"q": "cocoa", "from": "1987-03-16", "to": "1987-03-16"}, "cocoa-1987-03-16"),
        (SAO_PAULO, "sao-paulo-or-titulo-x-from-1987-03-02"),
        (EVERY_VERSION, "cocoa-to-1987-04-15-every-version"),
        ({"q": "<script>/../!!"}, "script"),
        ({"q": "!!!"}, "archive"),
        ({"q": "x" * 200}, "x" * NAME_CHARS),
    ],
)
def test_an_export_is_named_after_its_search(raw, name):
    assert file_name(search_params(**raw)) == name
