"""The engine's array path against Whoosh's own search, on a fixed index of real stories.

Every kind of query the language has, with and without filters, in every order: the
same ids, the same totals and the same facets as `Searcher.search` over the same
segments (several, with deletions), except where Whoosh is wrong, each case named.
Skips where ../shared/corpora is absent (a fresh clone).
"""

from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
from support.helpers import make
from support.reuters import articles, needs_reuters
from whoosh import index as whoosh_index
from whoosh.query import And, NumericRange, Term
from whoosh.sorting import FieldFacet

from app.article import Article
from app.engine import language
from app.engine.evaluate import scope
from app.engine.index import SearchIndex
from app.engine.matches import MatchFilter, candidates, narrowed, ordered_ids, tally
from app.engine.schema import day_from_number, day_number, document
from app.facets import facet
from app.filters import Filters
from app.search.facets import build_facets

pytestmark = needs_reuters
STORIES = 2000
BATCHES = (800, 500, 300, 200, 150, 50)  # one segment a commit, of falling sizes
QUERIES = {
    "word": "oil",
    "two words": "oil prices",
    "phrase": '"oil prices"',
    "phrase of three": '"the company said"',
    "minus": "trade -japan",
    "NOT": "trade NOT japan",
    "minus a group": "oil -(opec OR saudi)",
    "minus inside brackets": "oil (prices -crude)",
    "OR": "cocoa OR coffee",
    "group": "(wheat OR corn) exports",
    "field": "title:grain",
    "prefix": "bank*",
    "wildcard": "pr?ce*",
    "acronym": "U.S. dollar",
    "quoted word": '"shares"',
    "boost": "shares^3 stake",
    "phrase minus": '"interest rates" -bank',
    "nothing": "zzyzxqv",
}
# Where Whoosh is wrong: query → (what it must match, what it must not). Whoosh's AndNot
# over a phrase lets through stories holding the excluded word (see the test below).
WHOOSH_WRONG = {'"interest rates" -bank': ('"interest rates"', "bank")}
FILTERS = {
    "none": Filters(),
    "dates": Filters(date_from=date(1987, 3, 2), date_to=date(1987, 3, 4)),
    "place": Filters(place="new york"),
    "source and dates": Filters(date_from=date(1987, 3, 3), source="REUTERS"),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """Several segments, and deleted documents in them: stories rewritten after a commit.

    Written through Whoosh's own writer and its default merge policy (the layout in
    which its NOT went wrong), then opened as the archive opens its index.
    """
    path = tmp_path_factory.mktemp("equivalence") / "index"
    SearchIndex(path).close()  # an empty index of the archive's schema and version
    stories = articles(STORIES)
    written = whoosh_index.open_dir(str(path))
    start = 0
    for size in BATCHES:
        commit(written, stories[start : start + size])
        start += size
    commit(written, [revised(story) for story in stories[::37]])
    opened = SearchIndex(path)
    yield opened
    opened.close()


def commit(written: whoosh_index.Index, stories: list[Article]) -> None:
    """One commit of these stories, replacing any document with the same id."""
    writer = written.writer()
    for story in stories:
        writer.update_document(**document(story))
    writer.commit()


def revised(story: Article) -> Article:
    return make(
        story.id,
        story.body + " Revised.",
        story.published,
        place=story.place,
        source=story.source,
        title=story.title,
    )


def whoosh_filter(filters: Filters) -> object:
    parts = []
    if filters.date_from or filters.date_to:
        first = day_number(filters.date_from) if filters.date_from else 0
        last = day_number(filters.date_to) if filters.date_to else 99_999_999
        parts.append(NumericRange("published", first, last))
    named = [(facet(name), value) for name, value in filters.chosen]
    parts += [Term(named.field, value.lower()) for named, value in named if not named.many]
    return And(parts) if parts else None


def whoosh_ids(index: SearchIndex, text: str, filters: Filters, sort: str) -> list[str]:
    """Whoosh's own answer: every match's id in the order asked."""
    query = language.parse(text)
    sortedby = None
    if sort != "relevance":
        newest = sort == "newest"
        sortedby = [FieldFacet("published", reverse=newest), FieldFacet("id", reverse=newest)]
    with index.searching() as searcher:
        hits = searcher.search(query, limit=None, filter=whoosh_filter(filters), sortedby=sortedby)
        return [hit["id"] for hit in hits]


def expected_ids(index: SearchIndex, text: str, filters: Filters, sort: str) -> list[str]:
    """Whoosh's answer, or for a case it gets wrong, its answers to the parts it gets right."""
    if text not in WHOOSH_WRONG:
        return whoosh_ids(index, text, filters, sort)
    wanted, unwanted = WHOOSH_WRONG[text]
    excluded = set(whoosh_ids(index, unwanted, Filters(), "relevance"))
    return [found for found in whoosh_ids(index, wanted, filters, sort) if found not in excluded]


def ours(index: SearchIndex, text: str, filters: Filters, sort: str) -> tuple[list[str], object]:
    with index.searching() as searcher:
        found = every_match(searcher, text, MatchFilter.of(filters))
        return ordered_ids(found, sort, 0, None), tally(found, facets=True)


def every_match(searcher, text: str, wanted: MatchFilter):
    """Our matches of `text` under the filter, every version (as Whoosh knows no stories)."""
    found = candidates(scope(searcher, float("inf")), language.parse(text), collapse=False)
    return narrowed(found, wanted)[0]


def facets_of(index: SearchIndex, ids: list[str]) -> tuple[Counter, dict[str, Counter]]:
    """Days, places and sources of the given documents, read from the index's columns."""
    wanted = set(ids)
    days: Counter = Counter()
    named: dict[str, Counter] = {"place": Counter(), "source": Counter()}
    with index.searching() as searcher:
        reader = searcher.reader()
        columns = {name: reader.column_reader(name) for name in ("published", "place", "source")}
        for docnum in reader.all_doc_ids():
            if reader.stored_fields(docnum)["id"] in wanted:
                days[columns["published"][docnum]] += 1
                for name in named:
                    named[name][columns[name][docnum]] += 1
    return days, named


def test_the_fixture_has_several_segments_and_deletions(index):
    with index.searching() as searcher:
        segments = [leaf.reader().segment() for leaf, _offset in searcher.leaf_searchers()]
    assert len(segments) >= 3
    assert sum(segment.deleted_count() for segment in segments) > 0


@pytest.mark.parametrize("filters", FILTERS.values(), ids=list(FILTERS))
@pytest.mark.parametrize("text", QUERIES.values(), ids=list(QUERIES))
def test_the_same_matches_totals_and_facets_as_whoosh(index, text, filters):
    expected = expected_ids(index, text, filters, "relevance")
    found, counted = ours(index, text, filters, "relevance")
    assert sorted(found) == sorted(expected)
    assert counted.total == len(expected)
    days, named = facets_of(index, expected)
    assert counted.days == days
    months: Counter = Counter()
    for day, count in days.items():
        months[day // 100] += count
    assert counted.months == months
    shown = build_facets(days={}, named=counted.named).named
    assert shown == build_facets(days={}, named=named).named


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("text", QUERIES.values(), ids=list(QUERIES))
def test_date_order_is_whooshs_sort_by_day_then_id(index, text, sort):
    assert ours(index, text, FILTERS["dates"], sort)[0] == expected_ids(
        index, text, FILTERS["dates"], sort
    )


@pytest.mark.parametrize("text", [q for k, q in QUERIES.items() if k not in {"prefix", "wildcard"}])
def test_relevance_order_is_whooshs(index, text):
    """The same scores in the same order (BM25F, title bonus, boosts); wildcards are left
    out: Whoosh scores a pattern by how many terms it expands to in each segment."""
    assert ours(index, text, Filters(), "relevance")[0] == expected_ids(
        index, text, Filters(), "relevance"
    )


@pytest.mark.parametrize("text", WHOOSH_WRONG)
def test_where_whoosh_lets_excluded_stories_through_we_do_not(index, text):
    """Named so that a Whoosh that mends it is noticed: then the case leaves WHOOSH_WRONG."""
    _wanted, unwanted = WHOOSH_WRONG[text]
    excluded = set(whoosh_ids(index, unwanted, Filters(), "relevance"))
    assert set(whoosh_ids(index, text, Filters(), "relevance")) & excluded
    assert not set(ours(index, text, Filters(), "relevance")[0]) & excluded


def test_day_numbers_read_back(index):
    with index.searching() as searcher:
        found = every_match(searcher, "oil", MatchFilter())
    first = day_from_number(int(found.columns.days[found.docs].min()))
    assert date(1987, 2, 26) <= first <= date(1987, 3, 9)
