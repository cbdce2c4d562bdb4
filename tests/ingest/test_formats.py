"""app.ingest.formats and the ingest of every format: JSON Lines (plain and gzipped), feeds from
files and from a server on loopback, saved HTML pages, and what each bad item reports."""

import gzip
import json
from pathlib import Path

import pytest
from support.stories import SMALL_LIMIT

from app.archive import Archive
from app.article import Article
from app.errors import ParseError
from app.ingest.formats import format_of, read_source
from app.ingest.pipeline import ingest
from app.settings import Settings

SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpora"
WIKINEWS = SHARED / "wikinews.jsonl.gz"

RECORD = {
    "id": "wire-1",
    "published": "2024-05-06",
    "title": "Grain exports rise",
    "body": "Grain exports rose in April.\n\nShipments doubled.",
    "source": "Wire",
    "dateline": "ODESSA, May 6 -",
    "url": "https://wire.example/1",
    "authors": ["A. Writer", "B. Writer"],
}

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


def jsonl(path: Path, lines: list[object | str]) -> Path:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def items(source, **kwargs) -> list[tuple[str, Article | ParseError]]:
    return list(read_source(source, max_bytes=SMALL_LIMIT, **kwargs))


@pytest.mark.parametrize("name", ["wire.jsonl", "wire.jsonl.gz", "wire.ndjson"])
def test_a_record_keeps_its_own_id_title_place_link_and_authors(tmp_path, name):
    [(where, article)] = items(jsonl(tmp_path / name, [RECORD]))
    assert where == f"{tmp_path / name}:1"
    assert (article.id, article.title, article.place) == ("wire-1", "Grain exports rise", "ODESSA")
    assert (article.source_url, article.authors) == (
        "https://wire.example/1",
        "A. Writer, B. Writer",
    )
    assert article.paragraphs == ["Grain exports rose in April.", "Shipments doubled."]


def test_aliases_of_fields_are_read(tmp_path):
    record = {"date_publish": "2024-05-06T10:20:30Z", "headline": "H", "maintext": "Text here."}
    [(_, article)] = items(jsonl(tmp_path / "a.jsonl", [record]))
    assert (str(article.published), article.title, article.body) == (
        "2024-05-06",
        "H",
        "Text here.",
    )


def test_an_id_that_is_not_url_safe_is_replaced_by_a_derived_one(tmp_path):
    [(_, article)] = items(jsonl(tmp_path / "a.jsonl", [{**RECORD, "id": "a/b?c"}]))
    assert article.id != "a/b?c"
    assert article.id == article.content_hash[:16]


BAD_LINES = {
    "{not json": "invalid JSON",
    "[1, 2]": "expected a JSON object",
    json.dumps({**RECORD, "body": ""}): "no body text",
    json.dumps({**RECORD, "published": "2024-13-45"}): "does not exist",
    json.dumps({**RECORD, "published": None, "date": None}): "no date",
    json.dumps({**RECORD, "title": {"nested": 1}}): "must be text",
    "[" * 50_000: "nested too deeply",
}


def test_each_bad_line_is_named_with_its_number_and_reason_and_good_lines_are_kept(tmp_path):
    lines = [RECORD, *BAD_LINES, {**RECORD, "id": "wire-2", "body": "Another story."}]
    found = items(jsonl(tmp_path / "mixed.jsonl", lines))
    good = [article.id for _, article in found if isinstance(article, Article)]
    bad = {where: str(error) for where, error in found if isinstance(error, ParseError)}
    assert good == ["wire-1", "wire-2"]
    for number, reason in enumerate(BAD_LINES.values(), start=2):
        assert reason in bad[f"{tmp_path / 'mixed.jsonl'}:{number}"]


def test_a_line_that_is_not_utf8_is_rejected_alone(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(json.dumps(RECORD).encode() + b'\n{"body": "caf\xe9"}\n')
    found = items(path)
    assert isinstance(found[0][1], Article)
    assert "not UTF-8" in str(found[1][1])


def test_an_endless_line_is_cut_at_the_limit_not_read_whole(tmp_path):
    path = tmp_path / "huge.jsonl"
    path.write_bytes(
        b'{"body": "' + b"x" * (20 * SMALL_LIMIT) + b'"}\n' + json.dumps(RECORD).encode()
    )
    found = items(path)
    assert "over the limit" in str(found[0][1])
    assert found[1][1].id == "wire-1"


def test_a_corrupt_gzip_file_is_reported_after_its_good_lines(tmp_path):
    whole = gzip.compress((json.dumps(RECORD) + "\n").encode() * 2000)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    found = items(path)
    assert isinstance(found[0][1], Article)
    assert "gzip stream is corrupt or cut short" in str(found[-1][1])


def test_bytes_read_add_up_to_the_file_size(tmp_path):
    path = jsonl(tmp_path / "a.jsonl.gz", [RECORD] * 50)
    counted = []
    items(path, on_bytes=counted.append)
    assert sum(counted) == path.stat().st_size


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
    archive = Archive(Settings(data_dir=tmp_path / "data"))  # the default size limit
    report = ingest(archive, [WIKINEWS])
    records = [json.loads(line) for line in gzip.open(WIKINEWS, "rt", encoding="utf-8")]
    assert (report.added + report.duplicates, report.rejected) == (len(records), [])
    for record in records[:: len(records) // 20]:
        stored = archive.store.get(record["id"]) or archive.store.get(
            archive.store.resolve_alias(record["id"]) or ""
        )
        assert stored.title == record["title"]
        assert str(stored.published) == record["published"]
        assert stored.body == "\n\n".join(
            p.strip() for p in record["body"].split("\n\n") if p.strip()
        )
        assert stored.source_url == record["url"]
    assert not archive.differences()
    archive.close()
