"""Facets (app/facets.py): how the matches of a search divide by source, place, year and month.

`build_facets` is checked on its own; then over a real archive, through the query layer,
the facets of a search (counted by the index) and of browsing (counted by the store) must
be the counts of the very articles the search lists, and each facet must find its count.
"""

from collections import Counter
from datetime import date

import pytest
from support.helpers import make, search_params

from app.facets import TOP_NAMES
from app.search.facets import MONTHS_LISTED, build_facets
from app.search.queries import named_counts as named_counts_of
from app.search.queries import search

# id, published, place, source, words: the stories of these tests
ROWS = [
    ("c01", "2023-11-02", "ACCRA", "Reuters", "cocoa harvest"),
    ("c02", "2023-11-20", "ACCRA", "AP", "cocoa prices"),
    ("c03", "2023-12-05", "ABIDJAN", "Reuters", "cocoa exports"),
    ("c04", "2024-01-15", "SÃO PAULO", "Reuters", "cocoa grinding"),
    ("c05", "2024-01-16", "ABIDJAN", "Reuters", "cocoa rains"),
    ("c06", "2024-03-01", "ACCRA", "AP", "cocoa smuggling"),
    ("o01", "2023-11-02", "ACCRA", "Reuters", "oil tanker"),
    ("o02", "2024-01-15", "SÃO PAULO", "AP", "oil refinery"),
    ("o03", "2024-06-30", "RIYADH", "AP", "oil output"),
    ("n01", "2024-03-01", None, None, "cocoa and oil without a dateline"),
]


def add_rows(archive, rows) -> None:
    articles = [
        make(key, f"{words} story {key}.", date.fromisoformat(day), place=place, source=source)
        for key, day, place, source, words in rows
    ]
    archive.add(articles, source_paths=[None] * len(articles))


def kept(rows, *, q: str = "", place: str = "", source: str = "", date_from: str = "") -> list:
    """The rows a search should list: every word of q in the text, the filters in any case."""
    return [
        row
        for row in rows
        if all(word in f"{row[4]} story" for word in q.split())
        and (not place or (row[2] or "").lower() == place.lower())
        and (not source or (row[3] or "").lower() == source.lower())
        and row[1] >= date_from
    ]


def named_counts(rows, column: int) -> dict[str, int]:
    return dict(Counter(row[column] for row in rows if row[column]))


# --- build_facets on its own -------------------------------------------------------------------


def test_years_and_months_add_up_the_days_oldest_first():
    days = {date(2024, 2, 29): 2, date(2023, 12, 31): 1, date(2024, 2, 1): 4, date(2024, 3, 9): 3}
    facets = build_facets(days=days, named={})
    assert facets.years == [(2023, 1), (2024, 9)]
    assert facets.months == [
        (date(2023, 12, 1), 1),
        (date(2024, 2, 1), 6),
        (date(2024, 3, 1), 3),
    ]
    assert list(facets.days) == sorted(days)
    assert sum(n for _, n in facets.years) == sum(n for _, n in facets.months) == 10


def test_names_are_most_frequent_first_ties_by_name_and_blank_ones_dropped():
    places = {"VIENNA": 2, "ACCRA": 5, "": 9, None: 7, "BERLIN": 2}
    facets = build_facets(days={}, named={"place": places, "source": {"AP": 1}})
    assert facets.named["place"] == [("ACCRA", 5), ("BERLIN", 2), ("VIENNA", 2)]
    assert facets.named["source"] == [("AP", 1)]


def test_only_the_most_frequent_names_are_listed():
    places = {f"PLACE {n:02d}": n for n in range(1, TOP_NAMES + 6)}
    listed = build_facets(days={}, named={"place": places}).named["place"]
    assert len(listed) == TOP_NAMES
    assert listed[0] == (f"PLACE {TOP_NAMES + 5:02d}", TOP_NAMES + 5)
    assert min(count for _, count in listed) == 6  # the five least frequent are left out


def test_how_many_names_there_are_is_kept_beyond_those_listed():
    places = {f"PLACE {n:02d}": n for n in range(1, TOP_NAMES + 6)} | {"place 01": 4}
    facets = build_facets(days={}, named={"place": places})
    assert facets.distinct == {"source": 0, "place": TOP_NAMES + 5, "topic": 0}  # two cases


def test_every_month_is_listed_up_to_a_span_then_the_busiest_in_date_order():
    assert MONTHS_LISTED == 12
    months = {date(2020, n, 1): n for n in range(1, 13)}  # January 1 article … December 12
    label, listed = build_facets(days=months, named={}).months_listed
    assert (label, listed) == ("Month", sorted(months.items()))
    months[date(2021, 6, 1)] = 6  # a thirteenth month: the quietest (January 2020) goes
    label, listed = build_facets(days=months, named={}).months_listed
    assert label == "Busiest months"
    assert listed == sorted(pair for pair in months.items() if pair[0] != date(2020, 1, 1))


# --- over a real archive: the facets count what is listed ----------------------------------------


@pytest.mark.parametrize("q", ["cocoa", "oil", "story", ""])
@pytest.mark.parametrize(
    "filters",
    [{}, {"place": "accra"}, {"source": "REUTERS"}, {"date_from": "2024-01-01"}],
    ids=["unfiltered", "place", "source", "from"],
)
def test_facets_are_the_counts_of_the_matches(archive, q, filters):
    add_rows(archive, ROWS)
    found = search(archive, search_params(q=q, per_page=100, **filters), facets=True)
    rows = kept(ROWS, q=q, **filters)
    assert sorted(item.id for item in found.items) == sorted(row[0] for row in rows)
    assert found.total == len(rows) > 0
    facets = found.facets
    assert dict(facets.named["place"]) == named_counts(rows, 2)
    assert dict(facets.named["source"]) == named_counts(rows, 3)
    assert dict(facets.years) == dict(Counter(int(row[1][:4]) for row in rows))
    months = Counter(date.fromisoformat(row[1][:8] + "01") for row in rows)
    assert dict(facets.months) == dict(months)
    assert sum(n for _, n in facets.years) == sum(n for _, n in facets.months) == found.total


def test_the_index_and_the_store_count_alike(archive):
    """A query that matches everything (counted by the index) and browsing (by the store)."""
    add_rows(archive, ROWS)
    everything = search(archive, search_params(q="story"), facets=True)
    browsed = search(archive, search_params(), facets=True)
    assert everything.total == browsed.total == len(ROWS)
    assert everything.facets == browsed.facets


@pytest.mark.parametrize("name", ["place", "source"])
@pytest.mark.parametrize(
    "params", [{"q": "cocoa"}, {"q": "story", "date_from": "2024-01-01"}, {"source": "ap"}, {}]
)
def test_a_facet_whole_is_every_value_among_the_matches(archive, params, name):
    """`named_counts`, from the index for a query and from the store for browsing, holds
    every value (past those a search lists), in the facet's order."""
    rows = ROWS + [
        (f"x{n:02d}", "2024-07-01", f"PORT {n:02d}", f"WIRE {n:02d}", "cocoa story")
        for n in range(TOP_NAMES + 3)
    ]
    add_rows(archive, rows)
    column = 2 if name == "place" else 3
    whole = named_counts_of(archive, search_params(**params), name)
    wanted = named_counts(kept(rows, **params), column)
    assert dict(whole) == wanted
    assert whole == sorted(wanted.items(), key=lambda pair: (-pair[1], pair[0]))
    listed = search(archive, search_params(**params), facets=True).facets
    assert whole[:TOP_NAMES] == listed.named[name]
    assert listed.distinct[name] == len(whole)


@pytest.mark.parametrize("q", ["cocoa", ""])
def test_a_story_without_a_dateline_is_counted_but_named_in_no_facet(archive, q):
    add_rows(archive, ROWS)
    found = search(archive, search_params(q=q), facets=True)
    undated = sum(1 for row in kept(ROWS, q=q) if row[2] is None)
    assert undated == 1
    assert sum(n for _, n in found.facets.named["place"]) == found.total - undated
    assert sum(n for _, n in found.facets.named["source"]) == found.total - undated


def test_no_match_has_empty_facets(archive):
    add_rows(archive, ROWS)
    found = search(archive, search_params(q="zzqqxx"), facets=True)
    assert found.total == 0
    assert (found.facets.named["place"], found.facets.years, found.facets.days) == ([], [], {})


def test_facets_are_only_counted_when_asked_for(archive):
    add_rows(archive, ROWS)
    assert search(archive, search_params(q="cocoa")).facets is None
    assert search(archive, search_params()).facets is None


# --- each facet finds its count --------------------------------------------------------------


def facet_totals(archive, q: str, name: str) -> list[tuple[str, int, int]]:
    """(value, facet count, total found when filtering by the value) for one facet."""
    facets = search(archive, search_params(q=q), facets=True).facets
    values = facets.named[name]
    return [
        (value, count, search(archive, search_params(q=q, **{name: value})).total)
        for value, count in values
    ]


@pytest.mark.parametrize("name", ["place", "source"])
@pytest.mark.parametrize("q", ["cocoa", ""])
def test_filtering_by_a_facet_finds_its_count(archive, q, name):
    add_rows(archive, ROWS)
    totals = facet_totals(archive, q, name)
    assert len(totals) >= 2
    assert [(value, count) for value, count, _ in totals] == [(v, t) for v, _, t in totals]


@pytest.mark.parametrize("name", ["place", "source"])
@pytest.mark.parametrize("q", ["cocoa", ""])
def test_a_name_stored_in_two_cases_is_one_facet_that_finds_its_count(archive, q, name):
    """The filters ignore case (`SÃO PAULO` finds `são paulo`), so the facets must too:
    two facets that each find both spellings would each promise less than they find."""
    spellings = {"place": ("SÃO PAULO", "são paulo"), "source": ("Reuters", "REUTERS")}[name]
    rows = [("x1", "2024-02-09", "LIMA", "AFP", "cocoa beans")]
    for n in range(5):
        spelling = spellings[n % 2]
        place, source = (spelling, "AP") if name == "place" else ("ACCRA", spelling)
        rows.append((f"m{n}", f"2024-02-0{n + 1}", place, source, "cocoa beans"))
    add_rows(archive, rows)
    totals = facet_totals(archive, q, name)
    assert len({value.lower() for value, _, _ in totals}) == len(totals), totals
    assert all(count == found for _, count, found in totals), totals


# --- topics: many to an article -----------------------------------------------------------------

TOPICS = {  # each row's topics: some two, some none
    "c01": ("cocoa", "ghana"),
    "c02": ("cocoa",),
    "c03": ("cocoa", "exports"),
    "c04": ("cocoa", "brazil", "exports"),
    "o01": ("oil", "ghana"),
    "o02": ("oil", "brazil"),
    "n01": ("cocoa", "oil"),
}


def add_tagged(archive, rows) -> None:
    articles = [
        make(
            key,
            f"{words} story {key}.",
            date.fromisoformat(day),
            place=place,
            source=source,
            topics=TOPICS.get(key, ()),
        )
        for key, day, place, source, words in rows
    ]
    archive.add(articles, source_paths=[None] * len(articles))


def topic_counts(rows) -> dict[str, int]:
    return dict(Counter(topic for row in rows for topic in TOPICS.get(row[0], ())))


@pytest.mark.parametrize(
    "params",
    [{}, {"topic": "COCOA"}, {"topic": "ghana", "source": "reuters"}, {"date_from": "2024-01-01"}],
    ids=["unfiltered", "topic", "topic-and-source", "from"],
)
def test_the_index_and_the_store_count_topics_alike(archive, params):
    """An article counts under each of its topics; a topic filter keeps those that have it,
    counted by the index (a query matching everything) and by the store (browsing) alike."""
    add_tagged(archive, ROWS)
    topic = params.get("topic", "").lower()
    rows = [
        row
        for row in kept(
            ROWS, source=params.get("source", ""), date_from=params.get("date_from", "")
        )
        if not topic or topic in TOPICS.get(row[0], ())
    ]
    everything = search(archive, search_params(q="story", per_page=100, **params), facets=True)
    browsed = search(archive, search_params(per_page=100, **params), facets=True)
    assert everything.total == browsed.total == len(rows) > 0
    assert sorted(item.id for item in everything.items) == sorted(row[0] for row in rows)
    assert everything.facets == browsed.facets
    assert dict(browsed.facets.named["topic"]) == topic_counts(rows)
    whole = [named_counts_of(archive, search_params(q=q, **params), "topic") for q in ("story", "")]
    assert whole[0] == whole[1] == browsed.facets.named["topic"]


@pytest.mark.parametrize("q", ["cocoa", ""])
def test_filtering_by_a_topic_finds_its_count(archive, q):
    add_tagged(archive, ROWS)
    totals = facet_totals(archive, q, "topic")
    assert len(totals) >= 4
    assert [(value, count) for value, count, _ in totals] == [(v, t) for v, _, t in totals]
