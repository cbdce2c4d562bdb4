"""app.search.queries: the one query layer; parameter validation, query guards, search and browse
agreeing, periods of the calendar, article lookup, and a property test that no
parameters whatever escape as anything but `QueryError`.

Archives are filled with real files through ingest (the `add_stories` fixture).
"""

from datetime import date

import hypothesis
import pytest
from hypothesis import strategies as st
from support.databases import settings_on_both  # noqa: F401  (the `settings` fixture)
from support.helpers import COCOA_TERMS, TALK_NEWS, make, search_params
from support.stories import SEED_ID, SMALL_LIMIT, write_story

from app.archive import Archive
from app.engine import MAX_WILDCARDS
from app.errors import NotFound, QueryError
from app.ingest import ingest
from app.search.periods import period
from app.search.queries import (
    SearchPage,
    get_article,
    named_counts,
    search,
    significant_terms,
    stats,
    years,
)
from app.settings import Settings

# Files whose names carry their ids; dates, places and agencies chosen to exercise filters.
STORIES = {
    "001_00000000000000a1.txt": ("Budapest summit talks began.", {}),
    "002_00000000000000a2.txt": (
        "Budapest hosts a trade fair.",
        {"day": "2024-03-20", "month_day": "March 20"},
    ),
    "003_00000000000000a3.txt": (
        "Summit talks in Paris ended.",
        {"day": "2024-04-02", "place": "PARIS", "month_day": "April 2", "agency": "Reuters"},
    ),
    "004_00000000000000a4.txt": (
        "Budapest talks resumed in winter.",
        {"day": "2023-12-31", "month_day": "December 31"},
    ),
    "005_00000000000000a5.txt": (
        "Budapest leap day talks.",
        {"day": "2024-02-29", "place": "KYIV", "month_day": "February 29"},
    ),
}
TALKS = {"00000000000000a1", "00000000000000a3", "00000000000000a4", "00000000000000a5"}


@pytest.fixture
def filled(archive, add_stories):
    report = add_stories(archive, STORIES)
    assert report.added == len(STORIES) and not report.rejected
    return archive


def ids(page: SearchPage) -> list[str]:
    return [item.id for item in page.items]


def run(archive, **raw) -> SearchPage:
    return search(archive, search_params(**raw))


# --- the engine's refusals, named as `q` ---------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "*",
        "a*",
        "?",
        "*a",
        " ".join(f"w{n}{n}*" for n in range(MAX_WILDCARDS + 1)),
        "(((",
        ")))",
        "( ^3 ) NOT AND",  # a boost alone in brackets: Whoosh's parser gave it no field
        "published:(^3)budapest",
    ],
)
def test_runaway_or_empty_queries_are_refused(archive, q):
    with pytest.raises(QueryError) as caught:
        search(archive, search_params(q=q))
    assert caught.value.parameter == "q"


# --- search -----------------------------------------------------------------------------


def test_a_query_finds_through_the_index(filled):
    page = run(filled, q="talks")
    assert set(ids(page)) == TALKS
    assert page.total == len(TALKS)


def test_no_query_browses_the_store(filled):
    page = run(filled)
    assert page.total == len(STORIES)
    assert ids(page) == sorted(ids(page), key=lambda i: filled.store.get(i).published, reverse=True)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"place": "moscow"},
        {"source": "reuters"},
        {"date_from": "2024-03-01"},
        {"date_from": "2024-02-01", "date_to": "2024-03-20"},
        {"date_to": "2023-12-31"},
        {"place": "KYIV", "date_from": "2024-02-29", "date_to": "2024-02-29"},
        {"place": "nowhere"},
    ],
)
def test_search_and_browse_agree_on_the_total(filled, filters):
    """Every story says Budapest or talks or both; "budapest OR talks" matches them all."""
    with_query = run(filled, q="budapest OR talks", **filters)
    without = run(filled, **filters)
    assert with_query.total == without.total
    assert sorted(ids(with_query)) == sorted(ids(without))


@pytest.mark.parametrize("place", ["SÃO PAULO", "são paulo"])
def test_search_and_browse_agree_on_a_non_ascii_place(archive, add_stories, place):
    add_stories(
        archive,
        {
            "a.txt": ("Carnival parade in São Paulo.", {"place": "SÃO PAULO"}),
            "b.txt": "Carnival news from Moscow.",
        },
    )
    with_query = run(archive, q="carnival", place=place)
    without = run(archive, place=place)
    assert with_query.total == without.total == 1
    assert ids(with_query) == ids(without)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_search_and_browse_agree_on_the_order(filled, sort):
    assert ids(run(filled, q="budapest OR talks", sort=sort)) == ids(run(filled, sort=sort))


def test_results_are_their_article_with_the_match_marked(filled):
    """(The article's address is the web face's: tests/web/test_api.py checks every item's.)"""
    page = run(filled, q="Paris")
    assert ids(page) == ["00000000000000a3"]
    item = page.items[0]
    assert "<mark>Paris</mark>" in item.snippet
    assert item.title == "Summit talks in Paris ended."
    assert (item.place, item.source, item.published) == ("PARIS", "Reuters", date(2024, 4, 2))


def test_browse_results_have_unmarked_snippets(filled):
    for item in run(filled).items:
        assert "<mark>" not in item.snippet
        assert item.snippet


def test_search_escapes_article_html(archive, add_stories):
    add_stories(archive, {"x.txt": "Budapest <script>alert(1)</script> report."})
    snippet = run(archive, q="budapest").items[0].snippet
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet


def test_paging(filled):
    first = run(filled, sort="oldest", per_page=2)
    second = run(filled, sort="oldest", per_page=2, page=2)
    last = run(filled, sort="oldest", per_page=2, page=3)
    assert first.total == second.total == last.total == len(STORIES)
    assert first.pages == 3 and first.has_next and not last.has_next
    everything = ids(run(filled, sort="oldest"))
    assert ids(first) + ids(second) + ids(last) == everything


def test_a_page_past_the_end_is_refused_saying_how_many_pages_there_are(filled):
    for q, total in (("", len(STORIES)), ("talks", len(TALKS))):
        with pytest.raises(QueryError) as caught:
            run(filled, q=q, page=9, per_page=2)
        assert caught.value.parameter == "page"
        assert f"there are {-(-total // 2)} pages of {total} stories" in str(caught.value)


def test_the_seed_is_found(seeded):
    page = run(seeded, q="Ushakov Lavrov")
    assert ids(page) == [SEED_ID]
    assert "<mark>" in page.items[0].snippet


# --- periods ----------------------------------------------------------------------------


def test_year_period(filled):
    found = period(filled, year=2024)
    assert (found.first, found.last) == (date(2024, 1, 1), date(2024, 12, 31))
    assert found.label == "2024"
    assert found.page.total == 4
    assert ids(found.page) == sorted(
        ids(found.page), key=lambda i: filled.store.get(i).published
    )  # oldest first
    assert [tuple(part) for part in found.parts] == [
        (date(2024, 2, 1), 1),
        (date(2024, 3, 1), 2),
        (date(2024, 4, 1), 1),
    ]


@pytest.mark.parametrize(
    ("year", "month", "last_day"), [(2024, 2, 29), (2023, 2, 28), (2024, 4, 30), (2023, 12, 31)]
)
def test_month_period_bounds(archive, year, month, last_day):
    found = period(archive, year=year, month=month)
    assert (found.first, found.last) == (date(year, month, 1), date(year, month, last_day))


def test_month_period_parts_are_days(filled):
    found = period(filled, year=2024, month=3)
    assert found.label == "March 2024"
    assert found.page.total == 2
    assert [tuple(part) for part in found.parts] == [(date(2024, 3, 5), 1), (date(2024, 3, 20), 1)]


def test_day_period(filled):
    found = period(filled, year=2024, month=2, day=29)
    assert found.first == found.last == date(2024, 2, 29)
    assert found.label == "29 February 2024"
    assert ids(found.page) == ["00000000000000a5"]
    assert found.parts == []


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [
        (2024, 2, 30),
        (2023, 2, 29),
        (2024, 13, None),
        (2024, 0, None),
        (2024, 4, 31),
        (0, None, None),
    ],
)
def test_impossible_periods_are_not_found(archive, year, month, day):
    with pytest.raises(NotFound):
        period(archive, year=year, month=month, day=day)


def test_an_empty_period_has_no_articles(filled):
    found = period(filled, year=2022)
    assert (found.page.total, found.page.items, found.parts) == (0, [], [])


def test_years_run_from_the_first_to_the_last_with_their_articles(filled):
    assert [(y.label, y.start, y.end, y.count) for y in years(filled)] == [
        ("2023", date(2023, 1, 1), date(2023, 12, 31), 1),
        ("2024", date(2024, 1, 1), date(2024, 12, 31), 4),
    ]


def test_an_empty_archive_has_no_years(archive):
    assert years(archive) == []


def test_stats_count_the_archive(filled):
    found = stats(filled)
    assert found.stories == found.articles == len(STORIES)
    assert (found.first_published, found.last_published) == (date(2023, 12, 31), date(2024, 4, 2))
    assert found.named["place"] == {"MOSCOW": 3, "KYIV": 1, "PARIS": 1}
    assert list(found.named["source"]) == ["TASS", "Reuters"]  # the commonest first


def test_stats_of_an_empty_archive(archive):
    found = stats(archive)
    assert (found.stories, found.articles, found.first_published) == (0, 0, None)
    assert found.named["source"] == found.named["place"] == found.named["topic"] == {}


# --- topics: many to a story ------------------------------------------------------------

TAGGED = [
    make("t1", "Cocoa story.", date(2024, 1, 5), topics=("cocoa", "earn")),
    make("t2", "Grain story.", date(2024, 1, 6), place="PARIS", topics=("grain", "cocoa")),
    make("t3", "Plain story.", date(2024, 1, 7)),
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"topic": "cocoa"}, ["t2", "t1"]),
        ({"topic": "COCOA"}, ["t2", "t1"]),
        ({"topic": "Earn"}, ["t1"]),
        ({"topic": "cocoa", "place": "paris"}, ["t2"]),
        ({"topic": "nothing"}, []),
    ],
)
def test_browsing_by_topic_ignores_case(archive, raw, expected):
    archive.add(TAGGED, source_paths=[None] * len(TAGGED))
    assert ids(run(archive, **raw)) == expected


def test_a_story_counts_under_each_of_its_topics_and_new_ones_replace_the_old(archive):
    archive.add(TAGGED, source_paths=[None] * len(TAGGED))
    assert stats(archive).named["topic"] == {"cocoa": 2, "earn": 1, "grain": 1}
    topics = stats(archive).named["topic"]
    assert list(topics) == ["cocoa", "earn", "grain"]  # the commonest, then by name
    assert named_counts(archive, search_params(place="paris"), "topic") == [
        ("cocoa", 1),
        ("grain", 1),
    ]
    again = make("t1", "Cocoa story.", date(2024, 1, 5), topics=("sugar",))
    archive.add([again], source_paths=[None])
    assert stats(archive).named["topic"] == {"sugar": 1, "cocoa": 1, "grain": 1}
    assert ids(run(archive, topic="cocoa")) == ["t2"]


# --- articles ---------------------------------------------------------------------------


def test_get_article(seeded):
    record = get_article(seeded, SEED_ID)
    assert record.id == SEED_ID
    assert record.place == "WASHINGTON"


@pytest.mark.parametrize("article_id", ["0000000000000000", "", "x" * 65, "../etc/passwd"])
def test_unknown_article_is_not_found(seeded, article_id):
    with pytest.raises(NotFound):
        get_article(seeded, article_id)


# --- what the matches talk about ---------------------------------------------------------


@pytest.fixture
def talk(archive: Archive) -> Archive:
    """Stories whose terms are known (see `TALK_NEWS`)."""
    articles = [
        make(key, body, date.fromisoformat(day), place=place, source=source)
        for key, day, place, source, body in TALK_NEWS
    ]
    archive.add(articles, source_paths=[None] * len(articles))
    return archive


def test_terms_are_counted_in_every_match_when_they_are_few(talk):
    found = significant_terms(talk, search_params(q="cocoa"))
    assert (found.total, found.sample, found.sampled_by) == (6, 6, "relevance")
    assert sorted(term.text for term in found.terms) == sorted(COCOA_TERMS)
    assert all(term.expected == 6 * 6 / len(TALK_NEWS) for term in found.terms)


def test_a_broad_search_is_sampled_by_relevance(talk):
    """The best three by relevance: the stories that say "number" in their headline
    ("Cocoa growers in Ghana expect harvest number 1.") before those that say it once."""
    found = significant_terms(talk, search_params(q="number"), sample=3)
    assert (found.total, found.sample, found.sampled_by) == (16, 3, "relevance")


def test_terms_of_the_filtered_archive_read_the_newest_first(talk):
    found = significant_terms(talk, search_params(place="ACCRA"), sample=4)
    assert (found.total, found.sample, found.sampled_by) == (6, 4, "newest")
    assert "drought" not in {term.text for term in found.terms}  # only in the two oldest


def test_terms_refuse_what_the_search_refuses(talk):
    with pytest.raises(QueryError, match="wildcard"):
        significant_terms(talk, search_params(q="*"))


# --- no input makes an unhandled error --------------------------------------------------


@pytest.fixture(scope="module")
def shared_archive(tmp_path_factory):
    """One archive for the property test (hypothesis reruns a test, not its fixtures)."""
    root = tmp_path_factory.mktemp("search-property")
    opened = Archive(Settings(data_dir=root / "data", max_article_bytes=SMALL_LIMIT))
    for name, (body, parts) in STORIES.items():
        write_story(root / "in", name, body, **parts)
    ingest(opened, [root / "in"])
    yield opened
    opened.close()


PARAMETER_TEXT = st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["2024-03-05", "1"]))
QUERY_TOKENS = st.sampled_from(
    ["budapest", "talks", "ab*", "*", "?", '"', "(", ")", "[", "]", "{", "}", "TO", "AND", "OR"]
    + ["NOT", "title:", "body:", "published:", "id:", "~2", "^3", "-", "+", "'", ":", "\\"]
)
QUERIES = st.one_of(
    st.text(max_size=40),
    st.lists(QUERY_TOKENS, max_size=8).map(" ".join),
    st.lists(QUERY_TOKENS, max_size=8).map("".join),
)


@hypothesis.settings(max_examples=150, deadline=None, database=None)
@hypothesis.given(
    q=QUERIES,
    date_from=PARAMETER_TEXT,
    place=PARAMETER_TEXT,
    sort=st.one_of(st.none(), st.sampled_from(["relevance", "newest", "oldest", "x"])),
    page=PARAMETER_TEXT,
)
def test_any_parameters_give_results_or_a_query_error(
    shared_archive, q, date_from, place, sort, page
):
    try:
        params = search_params(q=q, date_from=date_from, place=place, sort=sort, page=page)
        result = search(shared_archive, params)
    except QueryError as error:
        assert error.parameter in {"q", "from", "to", "sort", "page", "per_page", "place"}
        return
    assert len(result.items) <= params.per_page
    assert result.total >= len(result.items)
