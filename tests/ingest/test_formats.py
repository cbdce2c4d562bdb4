"""app.ingest.formats: the registry (every suffix names one format, content names the rest), and
the ingest of every format: feeds from files and from a server on loopback, saved HTML pages,
a JSON Lines corpus."""

import gzip
import json
from itertools import chain
from pathlib import Path

import pytest
from support.stories import SMALL_LIMIT, story

from app.archive import Archive
from app.ingest import ingest
from app.ingest.formats import FORMATS, format_of, has_article_suffix, read_source
from app.settings import Settings

SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpora"
WIKINEWS = SHARED / "wikinews.jsonl.gz"

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Times</title>
<item><guid>tag:loop,1</guid><title>Harbour reopens</title><link>https://loop.example/1</link>
<pubDate>Thu, 04 Mar 2021 08:30:00 GMT</pubDate><description>
&lt;p&gt;The harbour reopened on Thursday.&lt;/p&gt;&lt;p&gt;Boats left.&lt;/p&gt;
</description></item></channel></rss>"""

PAGE = b"""<!DOCTYPE html><html><head><title>Council votes</title>
<meta property="article:published_time" content="2022-07-08T10:00:00Z">
<meta name="author" content="Sam Reporter"></head><body><nav>Home | Sports | Weather</nav>
<article><h1>Council votes to rebuild the bridge</h1>
<p>The city council voted on Friday to rebuild the old stone bridge over the river.</p>
<p>Work will start next spring and is expected to take two years to complete.</p>
<p>Residents welcomed the decision at a packed meeting in the town hall.</p></article>
<footer>Copyright The Town Paper. All rights reserved.</footer></body></html>"""


@pytest.mark.parametrize(
    ("name", "start", "kind"),
    [
        ("x.jsonl", b"", "jsonl"),
        ("x.rss", b"", "feed"),
        ("x.htm", b"", "html"),
        ("x.txt", b"<rss>", "text"),
        ("x.data", b'\xef\xbb\xbf  {"a": 1}', "jsonl"),
        ("x.data", b'<?xml version="1.0"?>\n<feed xmlns="...">', "feed"),
        ("x.data", b"<rss version='2.0'>", "feed"),
        ("x.data", b"<!doctype html><html>", "html"),
        ("x.data", b" date 2024-01-01 MOSCOW", "text"),
    ],
)
def test_format_by_suffix_then_by_content(name, start, kind):
    assert format_of(name, start) == kind


# --- the registry ---------------------------------------------------------------------------

SUFFIXES_BY_FORMAT = [(kind.name, suffix) for kind in FORMATS for suffix in kind.suffixes]
# The start of a document of each format, under a name that says nothing.
STARTS = {
    "jsonl": b'{"published": "2024-05-06", "body": "Text."}',
    "feed": b"<?xml version='1.0'?><rdf:RDF xmlns:rdf='...'>",
    "html": b"\xef\xbb\xbf\n  <HTML><body><p>Text.</p>",
    "text": story("Text.").encode(),
}


def test_the_four_formats_in_the_order_they_are_sniffed():
    assert [kind.name for kind in FORMATS] == ["jsonl", "feed", "html", "text"]


@pytest.mark.parametrize(("kind", "suffix"), SUFFIXES_BY_FORMAT)
def test_every_registered_suffix_names_its_format_whatever_the_content(kind, suffix):
    for start in STARTS.values():
        assert format_of(f"story{suffix}", start) == kind
        assert format_of(f"dir/STORY{suffix.upper()}", start) == kind
    assert has_article_suffix(f"story{suffix}")


def test_no_two_formats_share_a_suffix_nor_end_in_one_anothers():
    suffixes = [suffix for _, suffix in SUFFIXES_BY_FORMAT]
    assert len(suffixes) == len(set(suffixes))
    for suffix in suffixes:
        assert [other for other in suffixes if suffix.endswith(other)] == [suffix]


@pytest.mark.parametrize("kind", STARTS)
def test_sniffing_picks_the_format_for_a_name_without_a_known_suffix(kind):
    assert format_of("download", STARTS[kind]) == kind
    assert format_of("story.json", STARTS[kind]) == kind


@pytest.mark.parametrize("name", ["notes.md", "archive.gz", "feed.xml.bak", "jsonl", ""])
def test_a_name_without_a_registered_suffix_is_not_an_article_file(name):
    assert not has_article_suffix(name)


def test_a_file_without_a_known_suffix_is_read_as_its_content_says(tmp_path):
    path = tmp_path / "export.data"
    path.write_bytes(STARTS["jsonl"] + b"\n\n" + STARTS["jsonl"].replace(b"Text", b"More"))
    found = list(read_source(path, max_bytes=SMALL_LIMIT))
    assert [where for where, _ in found] == [f"{path}:1", f"{path}:3"]
    assert [article.body for _, article in found] == ["Text.", "More."]


# --- every format, ingested -------------------------------------------------------------------


def test_a_feed_file_and_a_page_file_ingest(archive, tmp_path):
    (tmp_path / "news.rss").write_bytes(RSS)
    (tmp_path / "page.html").write_bytes(PAGE)
    report = ingest(archive, [tmp_path])
    assert (report.added, report.rejected) == (2, [])
    titles = {row.title: row for row in archive.store.iter_all().__next__()}
    harbour = titles["Harbour reopens"]
    assert (str(harbour.published), harbour.source, harbour.source_url) == (
        "2021-03-04",
        "Loopback Times",
        "https://loop.example/1",
    )
    assert harbour.paragraphs == ["The harbour reopened on Thursday.", "Boats left."]
    bridge = titles["Council votes to rebuild the bridge"]
    assert (str(bridge.published), bridge.authors) == ("2022-07-08", "Sam Reporter")
    assert "Work will start next spring" in bridge.body
    assert "All rights reserved" not in bridge.body and "Sports" not in bridge.body


def test_a_feed_and_a_page_served_on_loopback_ingest_by_url(archive, web_server):
    base, routes = web_server
    routes["/feed"] = ("application/rss+xml", RSS)
    routes["/story"] = ("text/html", PAGE)
    report = ingest(archive, [f"{base}/feed", f"{base}/story", f"{base}/gone"])
    assert report.added == 2
    assert [(r.path, "404" in r.reason) for r in report.rejected] == [(f"{base}/gone", True)]
    stored = {row.source_path: row for row in archive.store.iter_all().__next__()}
    assert stored[f"{base}/story"].source_url == f"{base}/story"
    assert f"{base}/feed: entry 1" in stored


def test_the_same_feed_twice_changes_nothing(archive, web_server):
    base, routes = web_server
    routes["/feed"] = ("application/rss+xml", RSS)
    assert ingest(archive, [f"{base}/feed"]).added == 1
    assert ingest(archive, [f"{base}/feed"]).summary() == (
        "added 0, updated 0, unchanged 1, rejected 0"
    )


@pytest.mark.skipif(not WIKINEWS.exists(), reason="needs ../shared/corpora (not in a fresh clone)")
def test_wikinews_ingests_with_titles_dates_and_text(tmp_path):
    """Every story kept, clean of the wiki's junk; its two test pages refused, each named."""
    archive = Archive(Settings(data_dir=tmp_path / "data"))  # the default size limit
    report = ingest(archive, [WIKINEWS])
    records = [json.loads(line) for line in gzip.open(WIKINEWS, "rt", encoding="utf-8")]
    test_pages = [r for r in records if r["title"].startswith("TEST PAGE:")]
    assert len(test_pages) == 2
    assert report.added + report.duplicates == len(records) - len(test_pages)
    assert {(Path(r.path).name.rsplit(":", 1)[0], r.reason) for r in report.rejected} == {
        (WIKINEWS.name, "a Wikinews test page, not a story")
    }
    stories = [r for r in records if r not in test_pages]
    for record in stories[:: len(stories) // 20]:
        stored = archive.store.get(record["id"]) or archive.store.get(
            archive.store.resolve_alias(record["id"]) or ""
        )
        assert stored.title == record["title"]
        assert str(stored.published) == record["published"]
        assert stored.source_url == record["url"]
        assert stored.lead in record["body"] or "((" in record["body"]
    bodies = " ".join(kept.body for kept in chain.from_iterable(archive.store.iter_all()))
    for junk in ("((", "pre-publication review", "Please check the talk page"):
        assert junk not in bodies
    assert not archive.differences()
    archive.close()
