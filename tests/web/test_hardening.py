"""Hard to break: any string in any search parameter, and GETs that change nothing.

Both faces of the search are driven with generated query strings (2,000 of them): each
is answered with results or a refusal that says why, the same way by the page and by the
JSON (whole numbers aside, see below), never with a 500. Every GET route of the app is
requested with plausible values and the store and the index are checked to be exactly as
they were. And the app's SQLite connections run with the durability the README states.
"""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from support.databases import settings_on
from support.helpers import corpus_stories, make
from support.stories import SEED, SEED_ID, SMALL_LIMIT, write_story

from app.archive import Archive
from app.ingest import ingest
from app.search.params import WHOLE_NUMBER
from app.settings import Settings
from app.web import api, browse, docs, health, terms
from app.web import pages as web
from app.web.app import create_app

PARAMETERS = ("q", "from", "to", "place", "source", "topic")
PARAMETERS += ("sort", "page", "per_page", "format", "x")
QUERY_PIECES = ["Budapest", "grain", "talks", "ab*", "*", "?", '"', "(", ")", "[", "]", "{"]
QUERY_PIECES += ["}", "TO", "AND", "OR", "NOT", "title:", "place:", "-", "+", "~2", "^3", "\\"]
QUERY_PIECES += ["(-x)", "(-", "-(", "!", "&", "|", "/", "'", "\x00", "😀", "新闻", "x"]
# Every character of the query syntax, with letters, NUL, an emoji and CJK, in any order.
SYNTAX = st.text(alphabet="()[]{}\"'-+*?~^:!&|/\\ \x00😀新闻abxTONRD", max_size=40)
PLAUSIBLE = ["2025-10-17", "2024-02-29", "2024-02-30", "1", "2", "20", "100", "101", "500"]
PLAUSIBLE += ["0", "-1", "1.5", "1e3", "newest", "oldest", "relevance", "WASHINGTON", "tass"]
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)  # Cs: unsendable
VALUES = st.one_of(
    ANY_TEXT,
    st.sampled_from(PLAUSIBLE),
    st.lists(st.sampled_from(QUERY_PIECES), max_size=8).map(" ".join),
    st.lists(st.sampled_from(QUERY_PIECES), max_size=8).map("".join),
    SYNTAX,
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=180, max_size=600),
)
QUERY_STRINGS = st.lists(st.tuples(st.sampled_from(PARAMETERS), VALUES), max_size=6)
# page and per_page as only one face reads them: the JSON parses integers as pydantic does,
# the page with the query layer, so "2.0" or a blank can be taken by one and refused by the
# other (see test_known_disagreements_on_whole_numbers). Both must still answer.


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An app over the seed and the corpus, shared: these tests only read."""
    root = tmp_path_factory.mktemp("hardening")
    for name, (body, parts) in corpus_stories().items():
        write_story(root / "corpus", name, body, **parts)
    settings = Settings(data_dir=root / "data", max_article_bytes=SMALL_LIMIT)
    with TestClient(create_app(settings)) as client:
        assert not ingest(client.app.state.archive, [SEED, root / "corpus"]).rejected
        yield client


def comparable(query: list[tuple[str, str]]) -> bool:
    """Whether both faces must agree on `query`: its page and per_page are whole numbers."""
    return all(WHOLE_NUMBER.fullmatch(v) for name, v in query if name in ("page", "per_page"))


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, database=None)
@given(query=QUERY_STRINGS)
def test_any_string_in_any_parameter_is_served_or_refused_never_a_500(site, query):
    as_json = site.get("/api/search", params=query)
    as_page = site.get("/search", params=query)
    assert as_json.status_code in (200, 400, 422), (query, as_json.text[:300])
    assert as_page.status_code in (200, 400), (query, as_page.text[:300])
    assert as_json.headers["content-type"].startswith("application/json")
    assert as_page.headers["content-type"].startswith("text/html")
    if as_json.status_code == 200:
        found = as_json.json()
        assert len(found["items"]) <= found["per_page"] and found["total"] >= len(found["items"])
    else:
        assert as_json.json()["detail"]
    if comparable(query):
        assert (as_json.status_code == 200) == (as_page.status_code == 200), query
        if as_json.status_code == as_page.status_code == 400:  # the page in a reader's words
            said = re.search(r'role="alert">\s*<h1>[^<]*</h1>\s*<p>([^<]+)</p>', as_page.text)
            assert said, query
            assert not re.match(r"(q|from|to|place|source|sort|page|per_page): ", said.group(1))


@pytest.mark.parametrize("value", ["１", "٣", "²", "-1", " 2 "])
def test_both_faces_read_whole_numbers_alike(site, value):
    """Only ASCII digits are a page number in either face (int() alone would read "١")."""
    api = site.get("/api/search", params={"page": value})
    page = site.get("/search", params={"page": value})
    assert (api.status_code == 200) == (page.status_code == 200), (api.text, page.status_code)


@pytest.mark.xfail(strict=True, reason="chosen: see the docstring")
@pytest.mark.parametrize("value", ["2.0", "0_1", ""])
def test_known_disagreements_on_whole_numbers(site, value):
    """The JSON's page is read by pydantic before the query layer sees it: it takes "2.0" as
    2 and "0_1" as 1 and refuses a blank; the page, as a form sends it, takes a blank as
    the default and refuses the other two. Kept so: the API's OpenAPI schema keeps its
    integer type. (One story a page, so that page 2 exists: a page past the last is
    refused by both.)"""
    api = site.get("/api/search", params={"page": value, "per_page": 1})
    page = site.get("/search", params={"page": value, "per_page": 1})
    assert (api.status_code == 200) == (page.status_code == 200)


# --- No GET changes state ------------------------------------------------------------------------

ALIAS = "seed-copy"
PATH_VALUES = {  # plausible values of each path parameter: found, a duplicate's id, unknown
    "article_id": [SEED_ID, ALIAS, "0000000000000000"],
    "year": ["2025", "1999"],
    "month": ["10", "13"],
    "day": ["17", "32"],
    "name": ["TASS", "BUDAPEST", "Nowhere%2FAt all", "%00"],  # a source, a place, neither
}
QUERY_VARIANTS = [
    {},
    {"q": "Budapest"},
    {"q": "Budapest", "sort": "oldest", "format": "ndjson", "page": "1"},
    {"from": "2025-01-01", "to": "2025-12-31", "place": "washington", "source": "tass"},
    {"q": "grain", "topic": "Grain"},
    {"q": "*", "page": "2"},  # refused: a wildcard needs letters
]
STATIC = {"/static": "/static/style.css", "/docs/assets": "/docs/assets/swagger-ui.css"}


def get_routes(app) -> list:
    """Every route of the app that answers GET, included routers' routes among them."""
    found = []
    for route in app.routes:
        included = getattr(route, "original_router", None)  # FastAPI's include_router
        found += included.routes if included else [route]
    return [route for route in found if "GET" in (getattr(route, "methods", None) or {"GET"})]


def urls(route) -> list[str]:
    """The route's path with each plausible combination of its parameters."""
    if route.path in STATIC:
        return [STATIC[route.path]]
    paths = [route.path]
    for name in route.param_convertors:
        assert name in PATH_VALUES, f"no plausible value for {name} of {route.path}"
        pattern = re.compile(r"\{" + name + r"(:\w+)?\}")
        paths = [pattern.sub(value, path) for path in paths for value in PATH_VALUES[name]]
    return paths


def fingerprint(archive: Archive) -> tuple:
    """Everything a write would change: rows with their hashes and times, aliases, the index."""
    with archive.store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, content_hash, ingested_at FROM articles ORDER BY id")
        ).all()
        aliases = connection.execute(text("SELECT id, article_id FROM aliases ORDER BY id")).all()
    return rows, aliases, sorted(archive.index.documents()), archive.index.doc_count()


@pytest.fixture
def with_alias(client):
    """The client's archive with a duplicate of the seed stored under another id."""
    archive = client.app.state.archive
    seed = archive.store.get(SEED_ID)
    copy = make(ALIAS, seed.body, seed.published, place=seed.place, source=seed.source)
    archive.add([copy], source_paths=[None])
    assert archive.store.resolve_alias(ALIAS) == SEED_ID
    return client


def test_no_get_changes_the_store_or_the_index(with_alias):
    archive = with_alias.app.state.archive
    before = fingerprint(archive)
    routes = get_routes(with_alias.app)
    assert {"/api/search", "/search", "/articles/{article_id}", "/static"} <= {
        route.path for route in routes
    }
    statuses = set()
    for route in routes:
        for url in urls(route):
            for params in QUERY_VARIANTS:
                response = with_alias.get(url, params=params, follow_redirects=False)
                assert response.status_code < 500, (url, params)
                statuses.add(response.status_code)
    assert {200, 308, 400, 404} <= statuses  # found, moved, refused and unknown were all asked
    assert fingerprint(archive) == before


def test_the_fingerprint_sees_a_write(with_alias):
    """The check above can fail: storing an article changes the fingerprint."""
    archive = with_alias.app.state.archive
    before = fingerprint(archive)
    archive.add([make("one-more", "A new story.")], source_paths=[None])
    assert fingerprint(archive) != before


def test_the_routes_listed_are_every_route_of_the_app(site):
    routers = (api.router, web.router, browse.router, health.router, docs.router, terms.router)
    own = [route for r in routers for route in r.routes]
    expected = {route.path for route in own if "GET" in route.methods}
    expected |= {"/openapi.json", "/static", "/docs/assets"}
    assert {route.path for route in get_routes(site.app)} == expected


# --- The durability the app runs with --------------------------------------------------------

SYNCHRONOUS_NORMAL = 1  # PRAGMA synchronous answers 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def test_the_app_runs_sqlite_in_wal_mode_with_synchronous_normal_on_every_connection(tmp_path):
    """journal_mode is kept in the file; synchronous is set per connection, so several of the
    app's connections are asked, after requests have drawn them from the pool."""
    with settings_on("sqlite", tmp_path) as settings:  # whatever NEWSARCHIVE_TEST_BACKEND says
        check_sqlite_connections(settings)


def check_sqlite_connections(settings: Settings) -> None:
    assert settings.sqlite_synchronous == "NORMAL"  # the default
    with TestClient(create_app(settings)) as client:
        ingest(client.app.state.archive, [SEED])
        assert client.get("/api/search", params={"q": "Budapest"}).json()["total"] == 1
        engine = client.app.state.archive.store.engine
        with engine.connect() as first, engine.connect() as second, engine.connect() as third:
            for connection in (first, second, third):
                assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                synchronous = connection.execute(text("PRAGMA synchronous")).scalar()
                assert synchronous == SYNCHRONOUS_NORMAL
