"""app.ingest.webpage: saved news article pages into articles.

Each page is written here as a literal document, so each rule (which text is the
body, which id a page keeps, what boilerplate is dropped, how bytes are decoded)
is checked on bytes a reader can see; the property test checks that no input
escapes as anything but `ParseError`.
"""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.documents import LIMIT, sha16

from app.article import Article
from app.errors import ParseError
from app.ingest.webpage import parse_html_page, read_page

# --- saved article pages --------------------------------------------------------------------

NAV = "Subscribe today for unlimited access"
FOOTER = "Copyright 2021 The Coastal Gazette. All rights reserved."
COMMENT = "Commenter Bob: totally unacceptable response from the council"
PARAGRAPHS = [
    "The harbour at Port Ellis reopened on Thursday after three days in which the storm "
    "kept every fishing boat tied up along the quay.",
    "Harbour master John Reed said the breakwater had held, although two pontoons were torn "
    "loose and will take weeks to replace.",
    '"We were lucky this time," Reed said, adding that the council would review its storm '
    "plans before next winter.",
    "Fishermen who lost a week of work can apply for support from the regional fund from "
    "Monday, officials confirmed.",
]
CANONICAL = "https://gazette.example.com/2021/03/harbour-reopens"


def page(
    *,
    charset: str = "utf-8",
    head_date: bool = True,
    time_tag: bool = True,
    site_name: bool = True,
    canonical: bool = True,
    paragraphs: list[str] = PARAGRAPHS,
) -> str:
    """A news article page as sites serve them: navigation, article, comments, footer."""
    head = [f'<meta charset="{charset}">', "<title>Harbour reopens after storm</title>"]
    head.append('<meta name="author" content="Maria Lopez">')
    if site_name:
        head.append('<meta property="og:site_name" content="The Coastal Gazette">')
    if head_date:
        head.append('<meta property="article:published_time" content="2021-03-04T08:30:00Z">')
    if canonical:
        head.append(f'<link rel="canonical" href="{CANONICAL}">')
    byline = "By Maria Lopez"
    if time_tag:
        byline += ' · <time datetime="2021-03-04">4 March 2021</time>'
    body = "\n".join(f"<p>{text}</p>" for text in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head>{"".join(head)}</head>
<body>
  <header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li>
    <li><a href="/subscribe">{NAV}</a></li></ul></nav></header>
  <main>
    <article>
      <h1>Harbour reopens after storm</h1>
      <p class="byline">{byline}</p>
      {body}
    </article>
    <section id="comments" class="comments"><h2>Comments</h2>
      <div class="comment"><p>{COMMENT}.</p></div>
      <div class="comment"><p>Commenter Alice: glad the boats are safe.</p></div>
    </section>
  </main>
  <footer><p>{FOOTER}</p><p><a href="/privacy">Privacy policy</a> · Cookie settings</p></footer>
</body></html>
"""


@pytest.fixture(scope="module")
def harbour() -> Article:
    return parse_html_page(page().encode("utf-8"), max_bytes=LIMIT)


def test_page_metadata(harbour):
    assert harbour.title == "Harbour reopens after storm"
    assert harbour.published == date(2021, 3, 4)
    assert harbour.authors == "Maria Lopez"
    assert harbour.source == "The Coastal Gazette"
    assert harbour.place is None


def test_page_main_text_is_the_article_paragraphs(harbour):
    assert harbour.paragraphs == PARAGRAPHS
    assert harbour.body == "\n\n".join(PARAGRAPHS)


@pytest.mark.parametrize("boilerplate", [NAV, "World news", FOOTER, "Cookie settings", COMMENT])
def test_page_boilerplate_is_dropped(harbour, boilerplate):
    assert boilerplate not in harbour.body


def test_page_id_and_source_url_come_from_the_canonical_url(harbour):
    assert harbour.id == sha16(CANONICAL)
    assert harbour.source_url == CANONICAL


def test_page_url_argument_is_the_source_url():
    url = "https://gazette.example.com/2021/03/harbour-reopens?utm_source=feed"
    article = parse_html_page(page().encode(), max_bytes=LIMIT, url=url)
    assert article.source_url == url
    assert article.id == sha16(CANONICAL)  # the same story whatever the tracking suffix


def test_page_may_not_claim_another_sites_canonical_url():
    url = "https://mirror.example.net/copied-story"
    article = parse_html_page(page().encode(), max_bytes=LIMIT, url=url)
    assert article.id == sha16(url)


def test_page_without_any_url_takes_its_id_from_the_content():
    article = parse_html_page(page(canonical=False).encode(), max_bytes=LIMIT)
    assert article.id == article.content_hash[:16]
    assert article.source_url is None


def test_page_without_site_name_is_sourced_to_the_host():
    raw = page(site_name=False, canonical=False).encode()
    article = parse_html_page(raw, max_bytes=LIMIT, url="https://news.example.com/harbour")
    assert article.source == "news.example.com"


@pytest.mark.parametrize(
    ("head_date", "time_tag"), [(True, False), (False, True)], ids=["meta", "time"]
)
def test_page_date_from_meta_or_time_element(head_date, time_tag):
    raw = page(head_date=head_date, time_tag=time_tag).encode()
    assert parse_html_page(raw, max_bytes=LIMIT).published == date(2021, 3, 4)


def test_page_without_a_date_is_refused():
    # The footer's copyright year must not be taken for a publication date.
    raw = page(head_date=False, time_tag=False, canonical=False).encode()
    with pytest.raises(ParseError, match="no publication date found in the page"):
        parse_html_page(raw, max_bytes=LIMIT)


@pytest.mark.parametrize("declared", ["windows-1252", "iso-8859-1", None])
def test_windows_1252_page(declared):
    text = ["Café owners in Malmö said the “storm” cost them €2,000 each — a lot."]
    html = page(charset=declared or "x", paragraphs=text + PARAGRAPHS[1:])
    if declared is None:
        html = html.replace('<meta charset="x">', "")
    article = parse_html_page(html.encode("cp1252"), max_bytes=LIMIT)
    assert article.lead == text[0]


def test_page_without_main_text_is_refused():
    raw = page(paragraphs=[]).encode()  # menu, headline, byline, comments and footer only
    with pytest.raises(ParseError, match="no main text"):
        parse_html_page(raw, max_bytes=LIMIT)


@pytest.mark.parametrize(
    "raw", [b"", b"  \n ", b"\x00\x01\x02binary"], ids=["empty", "blank", "nul"]
)
def test_page_that_is_not_html_is_refused(raw):
    with pytest.raises(ParseError):
        parse_html_page(raw, max_bytes=LIMIT)


def test_page_over_the_limit_is_refused():
    raw = page().encode()
    with pytest.raises(ParseError, match="over the limit"):
        parse_html_page(raw, max_bytes=len(raw) - 1)


def test_a_page_read_from_a_file_has_no_url_and_a_fetched_one_has_its_own():
    raw = page(canonical=False).encode()
    [(where, article)] = read_page(raw, where="saved/x.html", name="x.html", max_bytes=LIMIT)
    assert (where, article.source_url) == ("saved/x.html", None)
    url = "https://gazette.example.com/x"
    [(where, fetched)] = read_page(raw, where=url, name="x", max_bytes=LIMIT)
    assert (where, fetched.source_url, fetched.id) == (url, url, sha16(url))


# --- properties -----------------------------------------------------------------------------

PROPERTY = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(st.binary(max_size=2000))
def test_any_bytes_are_a_page_or_parse_error(raw):
    try:
        article = parse_html_page(raw, max_bytes=LIMIT, url="https://example.com/a")
    except ParseError:
        return
    assert article.body.strip()
