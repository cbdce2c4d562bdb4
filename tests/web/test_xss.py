"""Cross-site scripting: hostile text anywhere in an article or a query stays text.

Each payload goes into an article's title, body, place, region, source, authors, topics
and source URL, and into the query string as the words searched for and as the place,
source and topic filters. Every kind of page that shows any of them, the snippets of the JSON API
and the Atom feed are then read as a browser (or feed reader) reads them: nothing in them
may be an element, attribute or URL the payload made (`html_scan.assert_inert`), and the
payload must come back as the same text, so escaping is neither missing nor doubled.
"""

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from fastapi.testclient import TestClient
from support.html_scan import assert_inert, parse_page
from support.stories import ROOT, SMALL_LIMIT

from app.article import Article, new_article
from app.settings import Settings
from app.web.app import create_app
from app.web.urls import name_url

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror=alert&#40;1&#41;>",
    '"><svg onload=alert(1)>',
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "'><script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    "` onmouseover=alert(1) `",
    '\\"><script>alert(1)</script>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="//evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<link rel="stylesheet" href="//evil.example/x.css">',
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "]]><script>alert(1)</script>",
    '<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
    "{{7*7}}",
    "{% print 7*7 %}",
    "${7*7} #{7*7}",
]
ATOM = "{http://www.w3.org/2005/Atom}"
FIRST_DAY = date(2024, 1, 1)
MARKS = {"mark"}


def word(number: int) -> str:
    """The word only article `number` holds, to find it by."""
    return f"zebra{number:02d}"


def hostile(number: int, payload: str) -> Article:
    """An article with `payload` in every field a page shows."""
    return new_article(
        id=f"x{number:02d}",
        title=f"{word(number)} {payload}",
        published=FIRST_DAY + timedelta(days=number),
        place=payload,
        region=payload,
        source=payload,
        body=f"{word(number)} {payload} tail.\n\nSecond {payload} paragraph.",
        source_url=f"https://example.org/{payload}",
        authors=payload,
        topics=(payload,),
    )


ARTICLES = [hostile(number, payload) for number, payload in enumerate(PAYLOADS)]
CASES = [pytest.param(number, id=f"payload-{number:02d}") for number in range(len(PAYLOADS))]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app over the hostile articles, shared: every test here only reads."""
    data = tmp_path_factory.mktemp("xss") / "data"
    settings = Settings(data_dir=data, max_article_bytes=SMALL_LIMIT)
    with TestClient(create_app(settings)) as client:
        client.app.state.archive.add(ARTICLES, source_paths=[None] * len(ARTICLES))
        yield client


def html(client: TestClient, url: str, status: int = 200, **params: str) -> str:
    response = client.get(url, params=params or None)
    assert response.status_code == status, (url, params, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def links_to(markup: str, article_id: str) -> bool:
    """Whether the page links to the article (from a search's results, with the search)."""
    return re.search(rf'href="/articles/{re.escape(article_id)}(\?[^"]*)?"', markup) is not None


def assert_shown_as_text(markup: str, *texts: str) -> None:
    """Each of `texts` reads back exactly from the page, and none was sent as raw markup."""
    page = assert_inert(markup)
    for text in texts:
        assert text in page.text, text
        if re.search(r"[<>\"']", text):
            assert text not in markup, text


def assert_snippet(snippet: str, body: str) -> None:
    """A snippet is escaped text of the body, with only <mark> around matched words."""
    page = assert_inert(snippet)
    assert {element.tag for element in page.elements} <= MARKS, snippet
    for piece in page.text.split("…"):
        assert " ".join(piece.split()) in " ".join(body.split()), (piece, body)


def test_there_are_at_least_thirty_payloads():
    assert len(set(PAYLOADS)) == len(PAYLOADS) >= 30


@pytest.mark.parametrize("number", CASES)
def test_the_article_page_shows_every_field_as_text(site, number):
    article = ARTICLES[number]
    markup = html(site, f"/articles/{article.id}")
    assert_shown_as_text(markup, article.title, *article.paragraphs, PAYLOADS[number])
    links = [element.attributes.get("href") for element in parse_page(markup).find("a")]
    assert article.source_url in links  # the link to the source, its URL intact


@pytest.mark.parametrize("number", CASES)
def test_lists_show_the_article_as_text(site, number):
    article = ARTICLES[number]
    day = article.published
    for url in (f"/archive/{day.year}/{day.month:02d}/{day.day:02d}", f"/search?q={word(number)}"):
        markup = html(site, url)
        assert links_to(markup, article.id), url
        assert_shown_as_text(markup, article.title, PAYLOADS[number])


@pytest.mark.parametrize("number", CASES)
@pytest.mark.parametrize("parameter", ["q", "place", "source", "topic"])
def test_a_payload_in_the_query_is_echoed_as_text(site, number, parameter):
    payload = PAYLOADS[number]
    response = site.get("/search", params={parameter: payload})
    assert response.status_code in (200, 400), response.text[:300]
    assert_shown_as_text(response.text, payload)
    page = parse_page(response.text)
    values = [
        e.attributes.get("value")
        for e in page.find("input")
        if e.attributes.get("name") == parameter
    ]
    assert payload in values  # the form holds it as typed, to be mended
    if parameter != "q":  # the filter matches the article stored with that place, source, topic
        assert links_to(response.text, ARTICLES[number].id)


@pytest.mark.parametrize("number", CASES)
def test_a_topic_is_text_and_its_link_a_quoted_path_to_its_own_page(site, number):
    """Kept case-folded, shown as text on the article's page, the topics' list and its own
    page, which its link (the path segment quoted) leads to."""
    article = ARTICLES[number]
    (topic,) = article.topics
    assert topic == " ".join(PAYLOADS[number].split()).casefold()
    own = name_url("topic", topic)
    assert re.fullmatch(r"/topics/[A-Za-z0-9%!$&'()*+,;=:@._~-]+", own), own
    for url in (f"/articles/{article.id}", "/topics"):
        markup = html(site, url)
        assert_shown_as_text(markup, topic)
        links = [element.attributes.get("href") for element in parse_page(markup).find("a")]
        assert own in links, url
    # TestClient decodes a path twice (uvicorn once): a topic holding % is asked for by filter
    markup = html(site, "/search", topic=topic) if "%" in topic else html(site, own)
    assert_shown_as_text(markup, topic)
    assert links_to(markup, article.id)


@pytest.mark.parametrize("number", CASES)
def test_snippets_escape_the_text_and_mark_only_words(site, number):
    article = ARTICLES[number]
    for q in (word(number), PAYLOADS[number]):
        response = site.get("/api/search", params={"q": q})
        assert response.status_code in (200, 400), response.text[:300]
        for item in response.json().get("items", []):
            body = next(a.body for a in ARTICLES if a.id == item["id"])
            assert_snippet(item["snippet"], body)
    (item,) = site.get("/api/search", params={"q": word(number)}).json()["items"]
    assert f"<mark>{word(number)}</mark>" in item["snippet"]
    assert item["title"] == article.title  # JSON carries the text as data


@pytest.mark.parametrize("number", CASES)
def test_the_feed_carries_the_payload_as_text(site, number):
    article = ARTICLES[number]
    response = site.get("/search.atom", params={"q": word(number)})
    assert response.status_code == 200
    (entry,) = ET.fromstring(response.content).findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == article.title
    # as stored: two payloads only case apart are one name, in one spelling (app.spellings)
    stored = site.app.state.archive.store.get(article.id)
    assert stored.source.lower() == article.source.lower()
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == stored.source
    assert entry.find(f"{ATOM}category").get("term") == stored.place
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert_snippet(entry.findtext(f"{ATOM}summary"), article.body)
    assert not [element for element in entry.iter() if "script" in element.tag.lower()]


@pytest.mark.parametrize("number", CASES)
def test_a_payload_as_an_article_id_is_shown_as_text_on_the_404_page(site, number):
    response = site.get(f"/articles/{quote(PAYLOADS[number], safe='')}")
    assert response.status_code == 404
    assert_inert(response.text)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search",
        "/search?per_page=100",
        "/search?q=zebra*&per_page=100",
        "/search?q=alert+OR+script&per_page=100",
        "/archive/2024",
        "/archive/2024/01",
        "/archive/2024/02",
    ],
)
def test_pages_listing_every_payload_are_inert(site, url):
    markup = html(site, url)
    page = assert_inert(markup)
    shown = [article for article in ARTICLES if links_to(markup, article.id)]
    assert shown, "the page lists none of the hostile articles"
    for article in shown:
        assert article.title in page.text


@pytest.mark.parametrize("q", ["alert", "onerror", "img OR svg", "href"])
def test_the_terms_of_hostile_stories_are_text_and_their_links_search_them(site, q):
    """The words of every payload, counted in the stories, listed and linked: as text, and
    each link's query the search's with the term added, as the JSON says."""
    page = assert_inert(html(site, "/search/terms", q=q))
    terms = site.get("/api/terms", params={"q": q}).json()["terms"]
    assert terms
    links = {e.attributes.get("href") for e in page.find("a")}
    for term in terms:
        assert term["term"] in page.text
        assert term["url"] in links
        assert parse_qs(urlsplit(term["url"]).query)["q"][0].endswith(f' "{term["term"]}"')


@pytest.mark.parametrize("number", CASES)
def test_a_payload_in_the_terms_query_is_echoed_as_text(site, number):
    response = site.get("/search/terms", params={"q": PAYLOADS[number]})
    assert response.status_code in (200, 400), response.text[:300]
    if response.status_code == 200:
        assert_shown_as_text(response.text, PAYLOADS[number])
    else:
        assert_inert(response.text)


# --- Markup passed through unescaped -------------------------------------------------------------

JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
SAFE_FILTER = re.compile(r"\|\s*safe\b")
MARKUP_CALL = re.compile(r"\bMarkup\(")
# Every place markup passes through unescaped, today: queries.result_item's snippet, the
# headlines and highlighted paragraphs (headlines.py), a story's changes (changes.py), and the
# timeline chart in app/web/chart.py (its empty form and its SVG). A new one must be justified
# and counted here.
EXPECTED_PASSTHROUGHS = 6


def passthroughs() -> list[tuple[str, str, str]]:
    """(file:line, the line, the line above) of every `|safe` and every `Markup(` call."""
    files = [(path, SAFE_FILTER) for path in sorted((ROOT / "templates").glob("*.html"))]
    files += [(path, MARKUP_CALL) for path in sorted((ROOT / "app").rglob("*.py"))]
    found = []
    for path, pattern in files:
        text = JINJA_COMMENT.sub(lambda c: "\n" * c.group(0).count("\n"), path.read_text())
        lines = text.splitlines()
        found += [
            (f"{path.relative_to(ROOT)}:{number + 1}", line, lines[number - 1] if number else "")
            for number, line in enumerate(lines)
            if pattern.search(line)
        ]
    return found


def test_every_unescaped_passthrough_is_counted_and_justified():
    found = passthroughs()
    assert len(found) == EXPECTED_PASSTHROUGHS, [place for place, _line, _above in found]
    for place, line, above in found:
        commented = re.search(r"\s#\s", line) or above.strip().startswith(("#", "{#"))
        assert commented, f"{place}: say in a comment why this markup is safe"
