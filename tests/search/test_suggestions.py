"""app.search.suggestions: did you mean, over a real archive in tmp_path.

An offer: a suggestion is made only when a better spelling finds more.
"""

import pytest
from support.helpers import search_params
from support.topics import COFFEE, add_bodies

from app.search.queries import search
from app.search.suggestions import SUGGEST_BELOW, suggestion


def suggest(archive, q: str) -> str | None:
    return suggestion(archive, search(archive, search_params(q=q)))


# --- did you mean ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "better"),
    [
        ("cofee", "coffee"),
        ("Cofee", "coffee"),
        ("cofee exports", "coffee exports"),  # a known word is kept
        ("cofee OR tea", "coffee OR tea"),  # operators are kept
        ("frost cofee", "frost coffee"),
    ],
)
def test_a_misspelt_word_is_respelt_to_a_stored_one(archive, q, better):
    add_bodies(archive, "k", COFFEE)
    assert search(archive, search_params(q=q)).total < SUGGEST_BELOW
    assert suggest(archive, q) == better
    assert (
        search(archive, search_params(q=better)).total > search(archive, search_params(q=q)).total
    )


@pytest.mark.parametrize(
    "q",
    [
        "title:cofee",  # a field-qualified word
        "body:cofee",
        "cofe*",  # wildcards
        "cof?ee",
        '"cofee"',  # a quoted word or phrase is matched as written
        '"roasted cofee"',
        "coffee",  # spelt right
    ],
)
def test_field_qualified_wildcard_quoted_and_right_words_are_not_respelt(archive, q):
    add_bodies(archive, "k", COFFEE)
    assert suggest(archive, q) is None


def test_a_query_that_finds_plenty_gets_no_suggestion(archive):
    add_bodies(archive, "k", COFFEE)
    add_bodies(archive, "t", [f"A cofee typo, number {n}." for n in range(SUGGEST_BELOW)])
    assert search(archive, search_params(q="cofee")).total == SUGGEST_BELOW
    assert suggest(archive, "cofee") is None


def test_a_respelling_that_finds_no_more_is_not_offered(archive):
    add_bodies(archive, "k", COFFEE)
    # "brazil" and "frost" are both stored, but never together: the respelt query finds none
    assert search(archive, search_params(q="brazil frost")).total == 0
    assert suggest(archive, "brazl frost") is None


def test_browsing_gets_no_suggestion(archive):
    add_bodies(archive, "k", COFFEE)
    assert suggestion(archive, search(archive, search_params())) is None
