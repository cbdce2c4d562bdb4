"""app.ingest.feeds: RSS/Atom entries into articles.

Every input is written here as a literal document, so each rule (which text is
the body, which id an entry keeps, what boilerplate is dropped) is checked on
bytes a reader can see; the property tests check that no input escapes as
anything but `ParseError`.
"""

from datetime import date
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.documents import LIMIT, sha16

from app.article import Article
from app.errors import ParseError
from app.ingest.feeds import parse_feed, read_feed


def outcomes(raw: bytes) -> list[Article | ParseError]:
    """What parse_feed yields for each entry, without the locations."""
    return [result for _, result in parse_feed(raw, max_bytes=LIMIT)]


def articles(raw: bytes) -> list[Article]:
    """The entries of a feed, all of which must be articles."""
    results = outcomes(raw)
    assert all(isinstance(result, Article) for result in results), results
    return results


# --- documents -----------------------------------------------------------------------------


def rss_item(
    *,
    guid: str | None = "tag:gazette.example.com,2021:harbour",
    title: str = "Harbour reopens after storm",
    link: str = "https://gazette.example.com/2021/03/harbour-reopens",
    date_line: str = "<pubDate>Thu, 04 Mar 2021 08:30:00 GMT</pubDate>",
    description: str = "The harbour reopened on Thursday.",
    content: str | None = None,
    creator: str = "Maria Lopez",
) -> str:
    parts = [f"<title>{escape(title)}</title>", f"<link>{escape(link)}</link>", date_line]
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{escape(guid)}</guid>')
    parts.append(f"<description>{escape(description)}</description>")
    if content is not None:
        parts.append(f"<content:encoded><![CDATA[{content}]]></content:encoded>")
    parts.append(f"<dc:creator>{escape(creator)}</dc:creator>")
    return "<item>" + "\n".join(parts) + "</item>"


def rss(*items: str, channel: str = "The Coastal Gazette") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f"<channel><title>{escape(channel)}</title><link>https://gazette.example.com/</link>"
        "<description>Coastal news</description>\n" + "\n".join(items) + "\n</channel></rss>"
    ).encode("utf-8")


FULL_TEXT = (
    "<p>The harbour at Port Ellis reopened on Thursday after three days of storm.</p>"
    "<p>Harbour master John Reed said the breakwater had held.</p>"
)

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Valley Courier</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>
  <updated>2022-07-09T12:00:00Z</updated>
  <entry>
    <title type="html">Bridge &lt;em&gt;finally&lt;/em&gt; opens</title>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2022-07-08T18:30:00Z</updated>
    <link rel="alternate" href="https://courier.example.org/bridge"/>
    <author><name>Ann Berg</name></author>
    <author><name>Tom Ruiz</name></author>
    <summary type="text">A short summary that is not the body.</summary>
    <content type="html">&lt;p&gt;The new bridge over the Elm opened to traffic on Friday.&lt;/p&gt;
      &lt;p&gt;It replaces a ferry that ran for &amp;amp;nbsp;sixty years.&lt;/p&gt;</content>
  </entry>
</feed>
"""

RSS1 = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://old.example.net/">
    <title>Old Wire</title><link>https://old.example.net/</link><description>d</description>
  </channel>
  <item rdf:about="https://old.example.net/1">
    <title>Council meets</title>
    <link>https://old.example.net/1</link>
    <description>The council met on Monday to set the budget.</description>
    <dc:date>2003-12-13T18:30:02Z</dc:date>
  </item>
</rdf:RDF>
"""


# --- RSS 2.0 --------------------------------------------------------------------------------


def test_an_entry_s_categories_are_its_topics_rss_text_and_atom_terms():
    item = rss_item().replace(
        "</item>",
        "<category>World</category><category domain='x'> Asia,  Pacific </category>"
        "<category>world</category><category></category></item>",
    )
    [article] = articles(rss(item))
    assert article.topics == ("world", "asia, pacific")
    atom = ATOM.replace(
        b"<author><name>Ann Berg</name></author>",
        b'<category term="Transport" label="Getting about"/><category term="" label="Rivers"/>'
        b'<category term="&lt;script&gt;alert(1)&lt;/script&gt;"/>'
        b"<author><name>Ann Berg</name></author>",
    )
    [article] = articles(atom)
    assert article.topics == ("transport", "rivers", "<script>alert(1)</script>")
    [untagged] = articles(rss(rss_item()))
    assert untagged.topics == ()


def test_rss_with_full_content_uses_the_content_not_the_summary():
    (article,) = articles(rss(rss_item(content=FULL_TEXT)))
    assert article.title == "Harbour reopens after storm"
    assert article.published == date(2021, 3, 4)
    assert article.source == "The Coastal Gazette"
    assert article.place is None
    assert article.authors == "Maria Lopez"
    assert article.source_url == "https://gazette.example.com/2021/03/harbour-reopens"
    assert article.paragraphs == [
        "The harbour at Port Ellis reopened on Thursday after three days of storm.",
        "Harbour master John Reed said the breakwater had held.",
    ]
    assert "reopened on Thursday." not in article.body  # the description is not the body


def test_rss_without_content_uses_the_description():
    (article,) = articles(rss(rss_item(description="<p>Only a <b>summary</b> here.</p>")))
    assert article.body == "Only a summary here."


def test_rss_entry_id_is_a_hash_of_the_guid():
    (article,) = articles(rss(rss_item(guid="tag:gazette.example.com,2021:harbour")))
    assert article.id == sha16("tag:gazette.example.com,2021:harbour")


def test_entry_id_is_stable_when_the_text_changes_but_the_guid_does_not():
    before = articles(rss(rss_item(description="First version of the story.")))[0]
    after = articles(rss(rss_item(description="Corrected version, with more detail.")))[0]
    assert before.id == after.id
    assert before.content_hash != after.content_hash


def test_entry_without_guid_takes_its_id_from_the_link():
    (article,) = articles(rss(rss_item(guid=None, link="https://gazette.example.com/a")))
    assert article.id == sha16("https://gazette.example.com/a")


def test_entry_without_guid_or_link_takes_its_id_from_the_content():
    item = rss_item(guid=None, link="").replace("<link></link>", "")
    (article,) = articles(rss(item))
    assert article.id == article.content_hash[:16]


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<b>x</b>"])
def test_links_that_are_not_web_links_are_not_kept(link):
    (article,) = articles(rss(rss_item(link=link)))
    assert article.source_url is None


def test_title_entities_decoded_and_tags_stripped():
    (article,) = articles(rss(rss_item(title="Tom &amp; Jerry <b>return</b> &#8217;92")))
    assert article.title == "Tom & Jerry return ’92"


def test_entry_html_becomes_plain_text_and_scripts_are_dropped():
    content = (
        "<div><h2>Storm&nbsp;update</h2><p>Boats are <em>safe</em> &amp; dry.</p>"
        "<script>document.write('stolen cookies')</script>"
        "<style>p { color: red }</style>"
        "<ul><li>First point</li><li>Second point</li></ul>Line one<br>Line two</div>"
    )
    (article,) = articles(rss(rss_item(content=content)))
    assert article.paragraphs == [
        "Storm update",
        "Boats are safe & dry.",
        "First point",
        "Second point",
        "Line one",
        "Line two",
    ]
    assert "<" not in article.body and ">" not in article.body
    assert "stolen cookies" not in article.body and "color" not in article.body


def test_entry_without_date_is_an_error_and_the_others_are_articles():
    feed = rss(
        rss_item(guid="a", title="First"),
        rss_item(guid="b", title="Undated", date_line=""),
        rss_item(guid="c", title="Third"),
    )
    results = list(parse_feed(feed, max_bytes=LIMIT))
    assert [location for location, _ in results] == ["entry 1", "entry 2", "entry 3"]
    first, undated, third = (result for _, result in results)
    assert isinstance(first, Article) and first.title == "First"
    assert isinstance(undated, ParseError) and "no date" in str(undated)
    assert isinstance(third, Article) and third.title == "Third"


def test_entry_with_an_unreadable_date_says_so():
    (result,) = outcomes(rss(rss_item(date_line="<pubDate>soon</pubDate>")))
    assert isinstance(result, ParseError)
    assert str(result) == "entry date 'soon' is not a date"


def test_entry_without_text_is_an_error():
    (result,) = outcomes(rss(rss_item(description="")))
    assert isinstance(result, ParseError)
    assert "no text" in str(result)


def test_feed_with_no_entries_yields_nothing():
    assert list(parse_feed(rss(), max_bytes=LIMIT)) == []


def test_each_entry_read_is_named_after_the_document_it_is_in():
    feed = rss(rss_item(guid="a"), rss_item(guid="b", date_line=""))
    found = list(read_feed(feed, where="news.rss", name="news.rss", max_bytes=LIMIT))
    assert [where for where, _ in found] == ["news.rss: entry 1", "news.rss: entry 2"]
    assert [type(result) for _, result in found] == [Article, ParseError]


# --- Atom and RSS 1.0 -----------------------------------------------------------------------


def test_atom_with_html_content():
    (article,) = articles(ATOM)
    assert article.title == "Bridge finally opens"
    assert article.published == date(2022, 7, 8)  # <updated>: Atom has no other date here
    assert article.source == "Valley Courier"
    assert article.authors == "Ann Berg, Tom Ruiz"
    assert article.source_url == "https://courier.example.org/bridge"
    assert article.id == sha16("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a")
    assert article.paragraphs == [
        "The new bridge over the Elm opened to traffic on Friday.",
        "It replaces a ferry that ran for &nbsp;sixty years.",  # escaped twice in the feed
    ]


def test_rss_1_0():
    (article,) = articles(RSS1)
    assert article.title == "Council meets"
    assert article.published == date(2003, 12, 13)
    assert article.source == "Old Wire"
    assert article.body == "The council met on Monday to set the budget."


# --- not a feed -----------------------------------------------------------------------------

NOT_FEEDS = {
    "plain text": b"date 2024-03-05 MOSCOW, March 5. /TASS/. Not a feed at all.",
    "binary": bytes(range(256)) * 4,
    "html page": b"<!DOCTYPE html><html><head><title>Hi</title></head><body><p>x</p></body></html>",
    "json": b'{"title": "x", "items": []}',
    "truncated rss": b'<?xml version="1.0"?><rss version="2.0"><channel><title>x',
    "empty": b"   \n",
}


@pytest.mark.parametrize("raw", NOT_FEEDS.values(), ids=NOT_FEEDS.keys())
def test_input_that_is_not_a_feed_is_refused_at_the_call(raw):
    with pytest.raises(ParseError, match="not an RSS or Atom feed"):
        parse_feed(raw, max_bytes=LIMIT)  # before any entry is asked for


def test_bytes_naming_a_file_are_not_read_from_disk(tmp_path):
    # feedparser opens a path it is given as bytes; parse_feed must not touch the disk.
    path = tmp_path / "feed.xml"
    path.write_bytes(rss(rss_item()))
    with pytest.raises(ParseError, match="not an RSS or Atom feed"):
        list(parse_feed(str(path).encode(), max_bytes=LIMIT))


def test_feed_over_the_limit_is_refused():
    feed = rss(rss_item())
    with pytest.raises(ParseError, match="over the limit"):
        parse_feed(feed, max_bytes=len(feed) - 1)


# --- properties -----------------------------------------------------------------------------

PROPERTY = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(st.binary(max_size=2000))
def test_any_bytes_are_a_feed_or_parse_error(raw):
    try:
        results = list(parse_feed(raw, max_bytes=LIMIT))
    except ParseError:
        return
    assert all(isinstance(result, Article | ParseError) for _, result in results)


@PROPERTY
@given(
    title=st.text(max_size=80),
    description=st.text(max_size=300),
    content=st.text(max_size=300),
    guid=st.text(max_size=40),
    link=st.text(max_size=60),
    date_line=st.sampled_from(["", "<pubDate>Thu, 04 Mar 2021 08:30:00 GMT</pubDate>"])
    | st.text(max_size=40).map(lambda text: f"<pubDate>{escape(text)}</pubDate>"),
)
def test_any_entry_fields_give_an_article_or_parse_error(
    title, description, content, guid, link, date_line
):
    # Arbitrary text inside a well-formed feed exercises the per-entry path.
    item = rss_item(
        title=title, description=description, guid=guid, link=link, date_line=date_line
    ).replace("</item>", f"<content:encoded>{escape(content)}</content:encoded></item>")
    try:
        results = list(parse_feed(rss(item), max_bytes=LIMIT))
    except ParseError:
        return  # text that XML cannot carry (control characters) makes the feed unreadable
    for _, result in results:
        assert isinstance(result, Article | ParseError)
        if isinstance(result, Article):
            assert result.body and len(result.id) == 16
