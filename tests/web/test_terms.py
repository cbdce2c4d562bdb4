"""The page of what a search's matches talk about (app/web/terms.py): its list agrees with
/api/terms, each term's link narrows the search to exactly the stories counted, it works
for any filter and refuses what the search refuses, and a hostile term stays text.

A real app over a real store and index in tmp_path (the `client` fixture, which holds the
seed), with stories whose terms are known (`TALK_NEWS`).
"""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from support.helpers import (
    BAD_FILTERS,
    COCOA_TERMS,
    ODD_QUERIES,
    get_page,
)
from support.html_scan import assert_inert

from app.search.params import parse_params
from app.search.queries import TermsFound
from app.search.significant import Term
from app.web.templating import templates

LISTED = re.compile(r'<li><a href="([^"]+)">([^<]+)</a> <span class="meta">(\d+)<')


def listed(page: str) -> list[tuple[str, str, int]]:
    """(href, term, count) of each term the page lists, in order, unescaped."""
    return [
        (html.unescape(href), html.unescape(text), int(n)) for href, text, n in LISTED.findall(page)
    ]


def test_the_page_lists_the_terms_of_the_json_in_its_order(talk):
    for query in ({"q": "cocoa"}, {"place": "ACCRA"}, {"q": "board", "source": "AP"}):
        page = get_page(talk, "/search/terms", **query)
        terms = talk.get("/api/terms", params=query).json()["terms"]
        assert terms, query
        assert listed(page) == [(t["url"], t["term"], t["count"]) for t in terms]


def test_the_cocoa_stories_talk_about_ghana_and_the_ivory_coast(talk):
    page = get_page(talk, "/search/terms", q="cocoa")
    assert "<h1" in page and "What these matches talk about" in page
    assert sorted(term for _url, term, _n in listed(page)) == sorted(COCOA_TERMS)
    assert "Counted in all 6 of them" in page
    assert 'href="/search?q=cocoa"' in page  # back to the results


def test_each_term_narrows_the_search_to_the_stories_counted(talk):
    """The sample is every match here, so a term's count is the narrowed search's total."""
    for href, term, count in listed(get_page(talk, "/search/terms", q="cocoa")):
        (q,) = parse_qs(urlsplit(href).query)["q"]
        assert q == f'cocoa "{term}"'
        page = get_page(talk, href)
        assert f"{count} {'story' if count == 1 else 'stories'} for" in page


def test_the_results_link_to_the_page_that_the_script_puts_in_place(talk):
    page = get_page(talk, "/search", q="cocoa", place="ACCRA", page="1", per_page="5")
    (section,) = re.findall(r'<section class="terms"[^>]*>.*?</section>', page, re.S)
    assert 'data-terms="/search/terms?q=cocoa&amp;place=ACCRA"' in section
    assert 'href="/search/terms?q=cocoa&amp;place=ACCRA">What these matches talk about<' in section


def test_no_link_where_nothing_matched(talk):
    assert 'class="terms"' not in get_page(talk, "/search", q="zzzqqq", as_typed="1")


def test_the_whole_archive_stands_out_from_nothing(talk):
    """With every story read, the sample is the archive: no term is more common in it."""
    page = get_page(talk, "/search/terms")
    assert listed(page) == []
    assert "No word or name stands out" in page


@pytest.mark.parametrize("query", ODD_QUERIES.values(), ids=ODD_QUERIES.keys())
def test_odd_queries_are_answered_or_refused_never_a_500(talk, query):
    response = talk.get("/search/terms", params={"q": query})
    assert response.status_code in (200, 400), response.text[:300]
    assert_inert(response.text)


@pytest.mark.parametrize(("params", "parameter"), BAD_FILTERS.values(), ids=BAD_FILTERS.keys())
def test_bad_filters_are_refused_with_a_page(talk, params, parameter):
    page = get_page(talk, "/search/terms", status=400, q="cocoa", **params)
    assert "<h1" in page


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", '"onmouseover=alert(1)', "a&b"])
def test_a_hostile_term_is_text_and_its_link_searches_it_as_written(text):
    """Terms come from stories: whatever one holds, it is shown as text, and its link's q
    reads back as the query with it added."""
    params = parse_params({"q": "oil <b> 'x'", "place": "<i>"})
    found = TermsFound(params, 10, 10, "relevance", [Term(text, False, 4, 0.5, 12.0)])
    markup = templates.get_template("terms.html").render(found=found)
    page = assert_inert(markup)
    assert text in page.text and (text == "a&b" or text not in markup)
    ((href, shown, count),) = listed(markup)
    assert (shown, count) == (text, 4)
    query = parse_qs(urlsplit(href).query)
    assert query["q"] == [f"oil <b> 'x' \"{text}\""] and query["place"] == ["<i>"]
