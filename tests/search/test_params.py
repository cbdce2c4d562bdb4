"""app.search.params: the query string read and checked once for both faces; bad values
refused by name, defaults filled in, and the query string given back without defaults."""

from datetime import date

import pytest
from support.helpers import search_params

from app.errors import QueryError
from app.filters import MAX_FILTER_CHARS, Filters
from app.search.params import (
    DEFAULT_PER_PAGE,
    MAX_DEPTH,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    PARAMETERS,
    SearchParams,
    check_page,
    page_count,
    parse_params,
)

# --- refusals -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "parameter"),
    [
        ({"q": "x" * (MAX_QUERY_CHARS + 1)}, "q"),
        ({"date_from": "yesterday"}, "from"),
        ({"date_from": "2024-3-5"}, "from"),
        ({"date_from": "2024-13-45"}, "from"),
        ({"date_to": "2024-02-30"}, "to"),
        ({"date_to": "20240305"}, "to"),
        ({"date_from": "2024-03-06", "date_to": "2024-03-05"}, "from"),
        ({"sort": "random"}, "sort"),
        ({"page": -1}, "page"),
        ({"page": 0}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": 10**9}, "page"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": MAX_PER_PAGE + 1}, "per_page"),
        ({"per_page": 10**6}, "per_page"),
        ({"per_page": "many"}, "per_page"),
        ({"place": "X" * (MAX_FILTER_CHARS + 1)}, "place"),
        ({"source": "Y" * (MAX_FILTER_CHARS + 1)}, "source"),
        ({"place": "MOS\x00COW"}, "place"),  # no stored name holds one; PostgreSQL refuses it
        ({"source": "\x00"}, "source"),
    ],
)
def test_bad_parameters_are_refused_by_name(raw, parameter):
    with pytest.raises(QueryError) as caught:
        search_params(**raw)
    assert caught.value.parameter == parameter
    assert str(caught.value).startswith(f"{parameter}:")


def test_a_page_number_is_read_up_to_the_deepest_any_list_could_reach():
    """How deep a list's pages go depends on its length: `check_page` says, once counted."""
    assert search_params(page=MAX_DEPTH, per_page=50).page == MAX_DEPTH
    with pytest.raises(QueryError, match="page") as caught:
        search_params(page=MAX_DEPTH + 1)
    assert caught.value.for_reader.startswith("There is no page 10,001: pages are numbered")
    with pytest.raises(QueryError, match="page") as caught:  # too long for Python to read
        search_params(page="9" * 5000)
    assert caught.value.for_reader.startswith("There is no page that far")
    assert search_params(page="0" * 5000 + "7").page == 7


@pytest.mark.parametrize(
    ("total", "per_page", "pages"),
    [(0, 20, 1), (1, 20, 1), (20, 20, 1), (21, 20, 2), (25_000, 20, 500), (25_000, 3, 3_333)],
)
def test_page_count_is_the_pages_that_hold_the_list_or_reach_the_paging_limit(
    total, per_page, pages
):
    assert page_count(total, per_page) == pages


def test_a_page_past_the_last_says_how_many_pages_there_are_not_the_paging_limit():
    with pytest.raises(QueryError) as caught:
        check_page(search_params(page=999), total=590)
    refused = caught.value
    assert refused.parameter == "page" and str(refused.detail).startswith("page: ")
    assert "there are 30 pages of 590 stories" in str(refused.detail)
    assert refused.for_reader == "There are 30 pages of stories here: page 999 is past the last."
    assert "10,000" not in str(refused.detail) + refused.for_reader
    check_page(search_params(page=30), total=590)  # the last page is served
    with pytest.raises(QueryError, match="page: must be 1: nothing matched"):
        check_page(search_params(page=2), total=0)


def test_a_page_past_the_paging_limit_says_why_where_the_list_holds_more():
    check_page(search_params(page=500), total=25_000)
    with pytest.raises(QueryError) as caught:
        check_page(search_params(page=501), total=25_000)
    assert str(caught.value.detail) == (
        "page: must be between 1 and 500: paging reaches the first 10,000 results"
    )
    assert caught.value.for_reader.startswith(
        "Only the first 10,000 of these 25,000 stories can be paged through: 500 pages."
    )


# --- accepted values ------------------------------------------------------


def test_defaults_without_a_query():
    params = search_params()
    assert (params.q, params.sort, params.page, params.per_page) == ("", "newest", 1, 20)
    assert params.per_page == DEFAULT_PER_PAGE
    assert (
        params.filters.date_from,
        params.filters.date_to,
        params.filters.value("place"),
        params.filters.value("source"),
    ) == (None, None, "", "")


def test_a_query_sorts_by_relevance_by_default():
    assert search_params(q="budapest").sort == "relevance"


@pytest.mark.parametrize("q", [None, "", "   "])
def test_relevance_without_a_query_becomes_newest(q):
    assert search_params(q=q, sort="relevance").sort == "newest"


def test_values_are_cleaned():
    params = search_params(
        q="  budapest talks ",
        date_from=" 2024-03-01 ",
        date_to="2024-03-31",
        place="  UNITED   NATIONS ",
        sort=" oldest ",
        page="2",
        per_page=" 5 ",
    )
    assert params.q == "budapest talks"
    assert (params.filters.date_from, params.filters.date_to) == (
        date(2024, 3, 1),
        date(2024, 3, 31),
    )
    assert params.filters.value("place") == "UNITED NATIONS"
    assert (params.sort, params.page, params.per_page, params.offset) == ("oldest", 2, 5, 5)


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_blank_numbers_take_the_defaults(blank):
    params = search_params(page=blank, per_page=blank)
    assert (params.page, params.per_page) == (1, DEFAULT_PER_PAGE)


def test_the_same_day_as_from_and_to_is_allowed():
    params = search_params(date_from="2024-02-29", date_to="2024-02-29")
    assert params.filters.date_from == params.filters.date_to == date(2024, 2, 29)


def test_the_longest_query_is_allowed():
    assert search_params(q="x" * MAX_QUERY_CHARS).q == "x" * MAX_QUERY_CHARS


def test_the_query_string_leaves_defaults_out():
    assert SearchParams().to_query() == {}
    assert SearchParams(q="oil", sort="relevance").to_query() == {"q": "oil"}
    assert SearchParams(q="oil", sort="newest", page=2).to_query() == {
        "q": "oil",
        "sort": "newest",
        "page": "2",
    }


@pytest.mark.parametrize(
    "raw",
    [
        {"q": "oil", "from": "1987-03-01", "to": "1987-03-31", "place": "NEW YORK"},
        {"source": "Reuters", "sort": "oldest", "page": "3", "per_page": "50"},
        {"q": "oil", "collapse": "false"},
        {},
    ],
)
def test_the_query_string_reads_back_as_the_same_params(raw):
    params = parse_params(raw)
    assert parse_params(params.to_query()) == params


def test_every_parameter_is_documented_once():
    names = [parameter.name for parameter in PARAMETERS]
    assert len(names) == len(set(names))
    assert set(names) == {
        "q",
        "sort",
        "page",
        "per_page",
        "collapse",
        *Filters(
            date_from=date(2024, 1, 1), date_to=date(2024, 1, 1), place="x", source="y", topic="z"
        ).to_query(),
    }
    assert all(parameter.help for parameter in PARAMETERS)


@pytest.mark.parametrize(
    ("value", "collapse"), [("", True), ("true", True), ("0", False), (" False ", False)]
)
def test_collapse_reads_true_or_false(value, collapse):
    assert parse_params({"q": "oil", "collapse": value}).collapse is collapse


@pytest.mark.parametrize("value", ["yes", "2", "<b>"])
def test_collapse_refuses_anything_else_naming_it(value):
    with pytest.raises(QueryError) as refused:
        parse_params({"q": "oil", "collapse": value})
    assert refused.value.parameter == "collapse"
