"""app.web.chart: buckets into an accessible inline SVG. The tests parse the output as XML,
so anything left unescaped fails them."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from markupsafe import Markup

from app.counting import ARTICLE
from app.search.timeline import Bucket, buckets, gaps_merged
from app.web.chart import BEHIND, summary, svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def day(text: str) -> date:
    return date.fromisoformat(text)


def search_href(bucket: Bucket) -> str:
    return f"/search?from={bucket.start}&to={bucket.end}"


def parse(chart: str) -> ET.Element:
    return ET.fromstring(chart)


def links(root: ET.Element) -> list[ET.Element]:
    return root.findall("svg:a", NS)


# The archive's stories a day (the denominator) and a search's matches among them
ARCHIVE = {
    day("1987-01-03"): 100,
    day("1987-02-10"): 50,
    day("1987-03-05"): 400,
    day("1987-04-30"): 10,
}
MATCHES = {day("1987-01-03"): 2, day("1987-03-05"): 12, day("1987-04-30"): 1}
SAMPLE = buckets(MATCHES, unit="month", archive=ARCHIVE)
OWN = gaps_merged(
    buckets({day("1987-01-01"): 20, day("1987-03-05"): 12, day("1987-10-31"): 10}, unit="month"),
    "month",
)


def test_summary_of_the_archive_s_own_stories_gives_total_range_peak_and_gaps():
    assert summary(OWN) == (
        "42 stories from 1 Jan 1987 to 31 Oct 1987; peak: Jan 1987 (20). "
        "The archive holds nothing in Feb 1987; Apr 1987 to Sep 1987."
    )


def test_summary_of_shares_names_the_highest_share_and_what_is_behind():
    assert summary(SAMPLE) == (
        "Each period's matching stories as a share of the archive's, from 3 Jan 1987 to "
        "30 Apr 1987: highest in Apr 1987 (10.0 %, 1 of 10); 15 matching stories in all. "
        f"{BEHIND}"
    )
    assert summary(SAMPLE, counts=True) == (
        f"15 matching stories from 3 Jan 1987 to 30 Apr 1987; peak: Mar 1987 (12). {BEHIND}"
    )


def test_summary_of_one_day_and_of_nothing():
    assert summary(buckets({day("2025-10-17"): 1})) == "1 story on 17 Oct 2025."
    none = buckets(
        {day("2025-10-17"): 0, day("2025-10-18"): 0},
        archive={day("2025-10-17"): 3, day("2025-10-18"): 1},
    )
    assert summary(none) == f"No matching stories from 17 Oct 2025 to 18 Oct 2025. {BEHIND}"


def test_summary_of_many_gaps_names_the_longest():
    days = {day("2025-01-01") + timedelta(days=n): 1 for n in (0, 2, 4, 6, 20)}
    merged = gaps_merged(buckets(days), "day")
    assert summary(merged).endswith(
        "The archive holds nothing in 4 periods, the longest 8 Jan 2025 to 20 Jan 2025."
    )


# --- svg -------------------------------------------------------------------------------------


def test_no_buckets_draw_nothing():
    assert svg([], href=search_href, title="Matches") == ""


def test_svg_is_markup_that_parses_as_xml():
    chart = svg(SAMPLE, href=search_href, title="Matches by month")
    assert isinstance(chart, Markup)
    root = parse(chart)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_svg_is_named_and_described_by_its_title_and_desc():
    root = parse(svg(SAMPLE, href=search_href, title="Matches by month", chart_id="when"))
    assert root.get("role") == "group"
    title = root.find(f"svg:title[@id='{root.get('aria-labelledby')}']", NS)
    desc = root.find(f"svg:desc[@id='{root.get('aria-describedby')}']", NS)
    assert title is not None and title.text == "Matches by month"
    assert desc is not None and desc.text == summary(SAMPLE)
    assert root.get("aria-labelledby") == "when-title"


def test_each_bar_with_matches_links_to_its_href_and_is_titled():
    root = parse(svg(SAMPLE, href=search_href, title="Matches"))
    with_matches = [b for b in SAMPLE if b.count]
    assert [a.get("href") for a in links(root)] == [search_href(b) for b in with_matches]
    assert [a.find("svg:title", NS).text for a in links(root)] == [
        "Jan 1987: 2 of the archive's 100 stories (2.0 %)",
        "Mar 1987: 12 of the archive's 400 stories (3.0 %)",
        "Apr 1987: 1 of the archive's 10 stories (10.0 %)",
    ]
    assert all(a.find("svg:rect[@class='bar']", NS) is not None for a in links(root))


def test_empty_buckets_are_unlinked_baseline_ticks_with_a_title():
    root = parse(svg(SAMPLE, href=search_href, title="Matches"))
    empty = root.findall("svg:rect[@class='bar empty']", NS)
    assert [rect.find("svg:title", NS).text for rect in empty] == [
        "Feb 1987: none of the archive's 50 stories"
    ]
    assert float(empty[0].get("height")) == 1


def test_a_period_the_archive_holds_nothing_of_is_a_named_band_not_an_empty_bar():
    gapped = buckets(MATCHES, unit="month", archive={**ARCHIVE, day("1987-02-10"): 0})
    root = parse(svg(gapped, href=search_href, title="Matches", height=120))
    (band,) = root.findall("svg:rect[@class='gap']", NS)
    assert band.get("role") == "img"  # read out by name, as the bars' links are
    assert band.find("svg:title", NS).text == "Feb 1987: the archive holds nothing here"
    assert float(band.get("height")) == 120 - 16 - 2  # the chart's height: not a bar
    assert root.findall("svg:rect[@class='bar empty']", NS) == []
    assert "The archive holds nothing in Feb 1987." in root.find("svg:desc", NS).text


def heights(chart: str) -> list[float]:
    return [float(a.find("svg:rect[@class='bar']", NS).get("height")) for a in links(parse(chart))]


def test_bar_heights_are_shares_with_the_greatest_full():
    room = 120 - 16 - 2
    assert heights(svg(SAMPLE, href=search_href, title="Matches", height=120)) == pytest.approx(
        [room * 0.02 / 0.1, room * 0.03 / 0.1, room], abs=0.01
    )


def test_bar_heights_are_counts_when_asked_with_the_tallest_full():
    room = 120 - 16 - 2
    chart = svg(SAMPLE, href=search_href, title="Matches", height=120, counts=True)
    assert heights(chart) == pytest.approx([room * 2 / 12, room, room / 12], abs=0.01)


def test_the_archive_s_stories_are_one_shape_behind_the_bars():
    root = parse(svg(SAMPLE, href=search_href, title="Matches", width=400, height=120))
    (volume,) = root.findall("svg:path[@class='volume']", NS)
    assert volume.get("aria-hidden") == "true"
    # a step a period, the busiest (March, 400 stories) up to the top, in the order drawn
    assert volume.get("d") == "M0 104V78.5H100V91.25H200V2H300V101.45H400V104Z"
    assert list(root).index(volume) < list(root).index(links(root)[0])
    assert parse(svg(OWN, href=search_href, title="Stories")).find("svg:path", NS) is None


def test_articles_are_counted_not_shared_against_the_archive_s_stories():
    chart = svg(SAMPLE, href=search_href, title="Matches", height=120, noun=ARTICLE)
    assert heights(chart) == pytest.approx([102 * 2 / 12, 102, 102 / 12], abs=0.01)
    names = [a.find("svg:title", NS).text for a in links(parse(chart))]
    assert names[0] == "Jan 1987: 2 articles, in days of the archive's 100 stories"


def test_every_link_covers_its_whole_column_so_small_bars_are_easy_to_hit():
    root = parse(svg(SAMPLE, href=search_href, title="Matches", width=640))
    hits = [a.find("svg:rect[@class='hit']", NS) for a in links(root)]
    assert all(float(hit.get("width")) == pytest.approx(640 / 4) for hit in hits)
    assert all(hit.get("pointer-events") == "all" for hit in hits)


def test_many_buckets_widen_the_chart_rather_than_thin_the_bars():
    many = buckets({day("2000-01-01"): 1, day("2000-12-31"): 1}, unit="day")
    root = parse(svg(many, href=search_href, title="Matches", width=640))
    assert float(root.get("width")) == pytest.approx(len(many) * 5)
    assert root.get("viewBox") == f"0 0 {root.get('width')} 120"


def test_hrefs_with_ampersands_and_quotes_round_trip_through_the_parser():
    def tricky(bucket: Bucket) -> str:
        return f'/search?q="a&b"&from={bucket.start}&x=<y>'

    chart = svg(SAMPLE, href=tricky, title="Matches")
    assert [a.get("href") for a in links(parse(chart))][
        0
    ] == '/search?q="a&b"&from=1987-01-03&x=<y>'


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:x", "data:,x"]
)
def test_hrefs_that_are_not_pages_are_refused(url):
    with pytest.raises(ValueError, match="relative or http"):
        svg(SAMPLE, href=lambda bucket: url, title="Matches")


def test_titles_and_labels_are_escaped_and_illegal_characters_dropped():
    hostile = [Bucket(day("2025-01-01"), day("2025-01-01"), 3, "<script>alert(1)</script>&\"'")]
    chart = svg(hostile, href=search_href, title='<script>x</script> ]]> \x0b & "q"')
    assert "<script" not in chart
    root = parse(chart)
    assert root.find("svg:title", NS).text == '<script>x</script> ]]>  & "q"'
    assert links(root)[0].find("svg:title", NS).text == "<script>alert(1)</script>&\"': 3 stories"


def test_nothing_in_the_chart_needs_script_or_inline_style():
    chart = svg(SAMPLE, href=search_href, title="Matches")
    names = {name for element in parse(chart).iter() for name in element.attrib}
    assert "style" not in names
    assert not [name for name in names if name.lower().startswith("on")]
    assert not re.search(r"<script|<style|<foreignObject|xlink:href|url\(", chart)
    assert {"class", "fill"} <= names


def test_a_too_short_chart_is_refused():
    with pytest.raises(ValueError, match="height"):
        svg(SAMPLE, href=search_href, title="Matches", height=10)
