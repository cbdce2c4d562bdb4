"""app.web.atom: search results as an Atom 1.0 feed.

Every feed here is read back twice: by xml.etree, which refuses anything that is not
well-formed XML, and by feedparser, a real feed reader whose `bozo` flag reports feeds it
had to guess at. Hostile titles and snippets must come back as the same text.
"""

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from app.search.queries import ResultItem
from app.web.atom import DEFAULT_AUTHOR, atom_feed

NS = {"atom": "http://www.w3.org/2005/Atom"}
BASE = "https://archive.example/"
HOSTILE = "<script>alert(1)</script> ]]> & \"double\" 'single'"


def item(number: int = 1, **changes: object) -> ResultItem:
    values: dict[str, object] = {
        "id": f"a{number}",
        "title": f"Story {number}",
        "published": date(1987, 3, number),
        "place": "MOSCOW",
        "source": "TASS",
        "snippet": Markup("talks on <mark>grain</mark> &amp; oil"),
        "headline": Markup(f"Story {number}"),  # the pages', not the feed's
    }
    values.update(changes)
    values.setdefault("shown", values["title"])  # a title in capitals is shown otherwise
    return ResultItem(**values)  # type: ignore[arg-type]


def feed(items: Iterable[ResultItem], **changes: object) -> str:
    arguments: dict[str, object] = {
        "items": items,
        "feed_title": "Search: grain",
        "feed_id": "https://archive.example/search?q=grain",
        "self_url": "https://archive.example/search.atom?q=grain&sort=newest",
        "alternate_url": "https://archive.example/search?q=grain&sort=newest",
        "base_url": BASE,
        "url_of": lambda article_id: f"/articles/{article_id}",
        "updated": datetime(1987, 3, 1, 12, 30, tzinfo=UTC),
    }
    arguments.update(changes)
    return atom_feed(**arguments)  # type: ignore[arg-type]


def root_of(document: str) -> ET.Element:
    return ET.fromstring(document.encode("utf-8"))


def entries(document: str) -> list[ET.Element]:
    return root_of(document).findall("atom:entry", NS)


def text(element: ET.Element, path: str) -> str | None:
    found = element.find(path, NS)
    assert found is not None, path
    return found.text


def read(document: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(document.encode("utf-8"))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


# --- the feed --------------------------------------------------------------------------------


def test_output_starts_with_an_xml_declaration_and_is_an_atom_feed():
    document = feed([item()])
    assert document.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    assert root_of(document).tag == "{http://www.w3.org/2005/Atom}feed"
    assert read(document).version == "atom10"


def test_feed_has_every_required_element():
    root = root_of(feed([item()]))
    assert text(root, "atom:id") == "https://archive.example/search?q=grain"
    assert text(root, "atom:title") == "Search: grain"
    assert root.find("atom:title", NS).get("type") == "text"
    assert text(root, "atom:generator") == "newsarchive"
    links = {link.get("rel"): link for link in root.findall("atom:link", NS)}
    assert links["self"].get("href") == "https://archive.example/search.atom?q=grain&sort=newest"
    assert links["self"].get("type") == "application/atom+xml"
    assert links["alternate"].get("type") == "text/html"


def test_entry_has_every_required_element():
    (entry,) = entries(feed([item(5)]))
    assert text(entry, "atom:id") == "https://archive.example/articles/a5"
    assert text(entry, "atom:title") == "Story 5"
    assert entry.find("atom:title", NS).get("type") == "text"
    assert text(entry, "atom:published") == "1987-03-05T00:00:00Z"
    assert text(entry, "atom:updated") == "1987-03-05T00:00:00Z"
    assert text(entry, "atom:author/atom:name") == "TASS"
    link = entry.find("atom:link", NS)
    assert (link.get("rel"), link.get("type")) == ("alternate", "text/html")
    assert link.get("href") == "https://archive.example/articles/a5"
    assert entry.find("atom:category", NS).get("term") == "MOSCOW"
    assert entry.find("atom:summary", NS).get("type") == "html"


def test_an_entry_s_title_is_the_headline_as_the_pages_show_it():
    sent = item(
        title="ICCO TO EXAMINE BUFFER STOCK PROPOSAL", shown="ICCO to Examine Buffer Stock Proposal"
    )
    (entry,) = entries(feed([sent]))
    assert text(entry, "atom:title") == "ICCO to Examine Buffer Stock Proposal"


def test_summary_is_the_snippet_html_escaped_once():
    document = feed([item()])
    assert "talks on &lt;mark&gt;grain&lt;/mark&gt; &amp;amp; oil" in document
    (entry,) = entries(document)
    assert text(entry, "atom:summary") == "talks on <mark>grain</mark> &amp; oil"


def test_a_feed_reader_sees_the_same_titles_links_and_ids_in_order():
    items = [item(n, title=f"Headline {n}") for n in (3, 1, 2)]
    parsed = read(feed(items))
    assert [e.title for e in parsed.entries] == ["Headline 3", "Headline 1", "Headline 2"]
    assert [e.link for e in parsed.entries] == [BASE + f"articles/a{n}" for n in (3, 1, 2)]
    assert [e.id for e in parsed.entries] == [BASE + f"articles/a{n}" for n in (3, 1, 2)]
    assert parsed.feed.title == "Search: grain"


def test_an_empty_result_is_still_a_valid_feed():
    document = feed([])
    assert entries(document) == []
    parsed = read(document)
    assert parsed.entries == [] and parsed.feed.title == "Search: grain"
    assert text(root_of(document), "atom:updated") == "1987-03-01T12:30:00Z"


def test_an_empty_feed_without_updated_says_now():
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = text(root_of(feed([], updated=None)), "atom:updated")
    assert stamp.endswith("Z")
    moment = datetime.fromisoformat(stamp.removesuffix("Z")).replace(tzinfo=UTC)
    assert before <= moment <= datetime.now(UTC)


def test_items_may_be_any_iterable_read_once():
    assert len(entries(feed(iter([item(1), item(2)])))) == 2


# --- dates -----------------------------------------------------------------------------------


def test_feed_updated_is_the_latest_entry_when_that_is_newer():
    document = feed([item(2), item(9), item(4)], updated=datetime(1987, 3, 1, tzinfo=UTC))
    assert text(root_of(document), "atom:updated") == "1987-03-09T00:00:00Z"


def test_feed_updated_is_the_given_moment_when_that_is_newer_in_utc():
    later = datetime(1987, 3, 20, 15, 0, 0, 123, tzinfo=timezone(timedelta(hours=3)))
    document = feed([item(2)], updated=later)
    assert text(root_of(document), "atom:updated") == "1987-03-20T12:00:00Z"


def test_a_naive_updated_is_taken_as_utc():
    document = feed([], updated=datetime(1987, 3, 20, 8, 15))
    assert text(root_of(document), "atom:updated") == "1987-03-20T08:15:00Z"


def test_dates_before_year_1000_keep_four_digits():
    (entry,) = entries(feed([item(published=date(999, 1, 2))]))
    assert text(entry, "atom:published") == "0999-01-02T00:00:00Z"


# --- authors, places and urls ----------------------------------------------------------------


@pytest.mark.parametrize("source", [None, "", "  ", "\x0b"])
def test_entries_without_a_source_are_by_the_archive(source):
    (entry,) = entries(feed([item(source=source)]))
    assert text(entry, "atom:author/atom:name") == DEFAULT_AUTHOR


@pytest.mark.parametrize("place", [None, "", "  "])
def test_entries_without_a_place_have_no_category(place):
    (entry,) = entries(feed([item(place=place)]))
    assert entry.find("atom:category", NS) is None


def test_base_url_with_or_without_a_slash_makes_one_absolute_url():
    for base in ("https://archive.example", "https://archive.example/"):
        (entry,) = entries(feed([item(7)], base_url=base))
        assert text(entry, "atom:id") == "https://archive.example/articles/a7"


def test_an_absolute_item_url_is_kept():
    (entry,) = entries(feed([item()], url_of=lambda _id: "https://elsewhere.example/x"))
    assert entry.find("atom:link", NS).get("href") == "https://elsewhere.example/x"


# --- hostile text ----------------------------------------------------------------------------


def test_markup_quotes_and_cdata_ends_survive_as_text():
    hostile = item(title=HOSTILE, place=HOSTILE, source=HOSTILE, snippet=Markup(HOSTILE))
    document = feed([hostile], feed_title=HOSTILE)
    assert "<script>" not in document
    (entry,) = entries(document)
    assert text(entry, "atom:title") == HOSTILE
    assert text(entry, "atom:summary") == HOSTILE
    assert text(entry, "atom:author/atom:name") == HOSTILE
    assert entry.find("atom:category", NS).get("term") == HOSTILE
    assert text(root_of(document), "atom:title") == HOSTILE
    assert read(document).entries[0].title == HOSTILE


def test_characters_xml_forbids_are_dropped_and_the_rest_kept():
    title = "vertical\x0btab, nul\x00, escape\x1b, \ud800 surrogate, \ufffe, tab\tok, é ✓ 𝄞"
    document = feed([item(title=title, snippet=Markup("bell\x07 <mark>x</mark>"))])
    (entry,) = entries(document)
    assert text(entry, "atom:title") == "verticaltab, nul, escape,  surrogate, , tab\tok, é ✓ 𝄞"
    assert text(entry, "atom:summary") == "bell <mark>x</mark>"
    document.encode("utf-8")  # a lone surrogate left in would make this raise


def test_hostile_feed_level_strings_stay_in_their_attributes():
    document = feed([], self_url='https://a.example/s?q="x"&y=<z>', feed_id="tag:a.example,1987:&")
    root = root_of(document)
    self_link = [link for link in root.findall("atom:link", NS) if link.get("rel") == "self"]
    assert self_link[0].get("href") == 'https://a.example/s?q="x"&y=<z>'
    assert text(root, "atom:id") == "tag:a.example,1987:&"


# Every character XML 1.0 can hold, bar CR (a parser reads it back as LF): no controls,
# surrogates or non-characters, plus the characters that need escaping.
XML_TEXT = st.text(
    st.characters(blacklist_categories=["Cc", "Cs", "Cn"]) | st.sampled_from("\t\n<&>\"'"),
    max_size=60,
)


@settings(max_examples=150, deadline=None, database=None)
@given(title=st.text(max_size=60), snippet=st.text(max_size=60), place=st.text(max_size=20))
def test_any_text_makes_a_well_formed_feed(title, snippet, place):
    document = feed([item(title=title, snippet=Markup(snippet), place=place)])
    (entry,) = entries(document)
    assert entry.find("atom:title", NS) is not None
    assert read(document).entries[0].link == BASE + "articles/a1"


@settings(max_examples=150, deadline=None, database=None)
@given(title=XML_TEXT)
def test_text_that_xml_can_hold_round_trips_exactly(title):
    (entry,) = entries(feed([item(title=title)]))
    assert (text(entry, "atom:title") or "") == title
