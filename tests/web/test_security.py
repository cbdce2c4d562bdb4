"""app/security.py: the headers every response carries, and redirects that stay on the site.

Every kind of response is fetched through the real app: pages, error pages, the feed,
static files, JSON, redirects, a 405, a 413 and a 500. The pages are also read for
anything the Content-Security-Policy would block, so that the policy breaks nothing.
"""

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from support.html_scan import assert_inert
from support.stories import SEED, SEED_ID, SMALL_LIMIT

from app.ingest import ingest
from app.settings import Settings
from app.web.app import create_app
from app.web.security import CONTENT_SECURITY_POLICY, site_relative

BODY_LIMIT = 1024
PAGES = {  # url: status
    "/": 200,
    "/search": 200,
    "/search?q=Budapest": 200,
    "/search?from=someday": 400,
    "/help": 200,
    f"/articles/{SEED_ID}": 200,
    "/articles/0000000000000000": 404,
    "/archive/2025": 200,
    "/archive/2025/10": 200,
    "/archive/2025/10/17": 200,
    "/archive/2025/13": 404,
    "/nope": 404,
}
OTHER_RESPONSES = {  # url: status
    "/search.atom?q=Budapest": 200,
    "/static/style.css": 200,
    "/static/nope.css": 404,
    "/api/search?q=Budapest": 200,
    "/api/search?page=0": 422,
    "/api/search?sort=best": 400,
    "/api/articles/nope": 404,
    "/api/export?q=Budapest": 200,
    "/openapi.json": 200,
    f"/articles/{SEED_ID}/": 307,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An app over the seed, with a small body limit and a route that fails."""
    data = tmp_path_factory.mktemp("security") / "data"
    settings = Settings(data_dir=data, max_article_bytes=SMALL_LIMIT, max_request_bytes=BODY_LIMIT)
    app = create_app(settings)

    @app.get("/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        ingest(app.state.archive, [SEED])
        yield client


def assert_secured(response, policy: str = CONTENT_SECURITY_POLICY) -> None:
    headers = response.headers
    assert headers["content-security-policy"] == policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


def test_the_policy_is_at_least_as_strict_as_asked():
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert all("unsafe" not in value and "*" not in value for value in directives.values())


@pytest.mark.parametrize(("url", "status"), PAGES.items())
def test_every_page_is_secured_and_needs_nothing_the_policy_blocks(site, url, status):
    response = site.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert_secured(response)
    assert_inert(response.text)


@pytest.mark.parametrize(("url", "status"), OTHER_RESPONSES.items())
def test_every_other_response_is_secured(site, url, status):
    response = site.get(url)
    assert response.status_code == status
    assert_secured(response)


def test_the_api_docs_run_from_this_site_under_the_strict_policy(site):
    """/docs loads Swagger UI from this site (no CDN) and starts it without inline script."""
    response = site.get("/docs")
    assert response.status_code == 200
    assert_secured(response)
    sources = re.findall(r'<(?:script|link)[^>]* (?:src|href)="([^"]+)"', response.text)
    assert sources and all(source.startswith("/") for source in sources)
    assert "<script>" not in response.text and "<style" not in response.text
    for source in sources:
        assert site.get(source).status_code == 200, source


def test_redoc_which_would_load_from_a_cdn_is_not_served(site):
    assert site.get("/redoc").status_code == 404


def test_a_body_over_the_limit_is_refused_with_the_headers(site):
    response = site.post("/api/articles", content=b"x" * (BODY_LIMIT + 1))
    assert response.status_code == 413
    assert_secured(response)


def test_an_internal_error_is_sent_with_the_headers(site):
    response = site.get("/boom")
    assert response.status_code == 500
    assert_secured(response)
    assert_inert(response.text)


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("DELETE", "/api/articles", {"GET", "HEAD", "POST"}),
        ("PUT", "/api/search", {"GET", "HEAD"}),
        ("POST", f"/articles/{SEED_ID}", {"GET", "HEAD"}),
        ("DELETE", "/openapi.json", {"GET", "HEAD"}),
    ],
)
def test_a_wrong_method_is_told_every_method_of_the_path(site, method, url, allowed):
    response = site.request(method, url)
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == allowed
    assert_secured(response)


# --- Redirects stay on the site -------------------------------------------------------------

HOSTILE_PATHS = [
    "//evil.example",
    "//evil.example/",
    "//evil.example/articles/x",
    "//evil.example/articles/x/",
    "///evil.example/search/",
    "/\\evil.example",
    "/\\evil.example/",
    "/\\/evil.example/",
    "/%2F%2Fevil.example/",
    "/%2f%2fevil.example/articles/x/",
    "/%5C%5Cevil.example/",
    "/%5Cevil.example/search/",
    "/%09/evil.example/",
    "/articles/%2F%2Fevil.example",
    "/articles/%2F%2Fevil.example/",
    "/articles/%5Cevil.example/",
    "/articles/\\evil.example/",
    "/articles/http:%2F%2Fevil.example/",
    "/static//evil.example/",
    "/static/%2F%2Fevil.example/",
    "/api/search/",
    "/search/?q=//evil.example",
    f"/articles/{SEED_ID}/",
    f"/api/articles/{SEED_ID}/",
]
HOSTS = ["testserver", "evil.example", "testserver@evil.example", "evil.example:80"]
SITE = "http://testserver/some/page"


def browser_target(location: str) -> str:
    """The host a browser on SITE goes to for `location` (it reads `\\` as `/`, drops tabs)."""
    cleaned = location.replace("\\", "/").replace("\t", "").replace("\n", "").replace("\r", "")
    return urlsplit(urljoin(SITE, cleaned)).netloc


@pytest.mark.parametrize("host", HOSTS)
def test_no_redirect_leaves_the_site(site, host):
    redirects = 0
    for path in HOSTILE_PATHS:
        response = site.get(f"http://testserver{path}", headers={"Host": host})
        assert response.status_code < 500, path
        if response.is_redirect:
            redirects += 1
            location = response.headers["location"]
            assert location.startswith("/") and not location.startswith(("//", "/\\")), path
            assert browser_target(location) == "testserver", (path, location)
    assert redirects >= 4  # the slash redirects among them: the test is not empty


def test_a_slash_redirect_keeps_the_path_and_query_but_not_the_host(site):
    response = site.get(f"/articles/{SEED_ID}/?a=1", headers={"Host": "evil.example"})
    assert response.status_code == 307
    assert response.headers["location"] == f"/articles/{SEED_ID}?a=1"


@pytest.mark.parametrize(
    ("location", "relative"),
    [
        ("http://testserver/articles/x?a=1#top", "/articles/x?a=1#top"),
        ("https://evil.example/x", "/x"),
        ("http://testserver@evil.example/x", "/x"),
        ("//evil.example/x", "/x"),
        ("///evil.example/x", "/evil.example/x"),
        ("/\\evil.example/x", "/evil.example/x"),
        ("\\\\evil.example", "/evil.example"),
        ("/\t/evil.example", "/"),
        ("javascript:alert(1)", "alert(1)"),
        ("http://evil.example", "/"),
        ("/search?q=a%20b", "/search?q=a%20b"),
        ("page2", "page2"),
    ],
)
def test_site_relative(location, relative):
    assert site_relative(location) == relative
    assert browser_target(relative) == "testserver"


@pytest.mark.parametrize("url", ["/", "/search?q=meeting", f"/articles/{SEED_ID}", "/api/stats"])
def test_head_is_answered_as_get_without_a_body(site, url):
    got, head = site.get(url), site.head(url)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))
    assert_secured(head)
