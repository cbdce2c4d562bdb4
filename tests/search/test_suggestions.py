"""Did you mean (app/search/suggestions.py) and related stories (app/search/related.py), over a
real archive in tmp_path.

Both are offers: a suggestion is made only when a better spelling finds more, and the
related stories of an article are the others most like it, it never among them.
"""

from datetime import date, timedelta

import pytest
from support.helpers import make, search_params

from app.search.queries import search
from app.search.related import RELATED_COUNT, related
from app.search.suggestions import SUGGEST_BELOW, suggestion

COFFEE = [
    "Coffee exports from Brazil rose in March.",
    "Roasted coffee prices fell again.",
    "Coffee growers fear a frost.",
    "Instant coffee sales doubled.",
]
# Each story of a topic shares its topic's words with every other, and only its detail differs.
COCOA = [
    f"Cocoa beans: {detail}. Chocolate makers buy cocoa beans after the cocoa harvest."
    for detail in (
        "Ivory Coast arrivals slow",
        "Ghana's board sets a farm price",
        "grinders in Europe report demand",
        "rains help the mid-crop",
        "exporters ship from Abidjan",
        "a new season opens",
        "farmers hold back sales",
    )
]
OIL = [
    f"Crude oil: {detail}. Refinery buyers want crude oil barrels as OPEC meets."
    for detail in (
        "Saudi output is unchanged",
        "ministers meet on quotas",
        "a tanker leaves the strait",
        "margins widen in Asia",
        "exports rise in the Gulf",
        "a strike cuts runs",
    )
]


def add_bodies(archive, prefix: str, bodies: list[str]) -> list[str]:
    """Stores one article a body, a day apart; returns their ids."""
    articles = [
        make(f"{prefix}{n}", body, date(2024, 1, 1) + timedelta(days=n))
        for n, body in enumerate(bodies, start=1)
    ]
    archive.add(articles, source_paths=[None] * len(articles))
    return [article.id for article in articles]


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


# --- related stories ----------------------------------------------------------------------------


@pytest.fixture
def topics(archive) -> dict[str, list[str]]:
    return {"cocoa": add_bodies(archive, "c", COCOA), "oil": add_bodies(archive, "o", OIL)}


@pytest.mark.parametrize("topic", ["cocoa", "oil"])
def test_related_stories_are_others_on_the_same_topic(archive, topics, topic):
    for article_id in topics[topic]:
        found = [item.id for item in related(archive, article_id)]
        assert len(found) == RELATED_COUNT
        assert article_id not in found
        assert len(set(found)) == len(found)
        assert set(found) <= set(topics[topic]), (article_id, found)


def test_the_most_similar_story_comes_first(archive, topics):
    """With only two other cocoa stories, they lead and the oil stories follow."""
    coffee = add_bodies(archive, "k", [body + " Coffee beans, coffee." for body in COFFEE[:3]])
    for article_id in coffee:
        found = [item.id for item in related(archive, article_id)]
        others = [other for other in coffee if other != article_id]
        assert sorted(found[: len(others)]) == sorted(others), (article_id, found)
        assert article_id not in found


def test_related_items_are_results(archive, topics):
    (item, *_rest) = related(archive, topics["cocoa"][0])
    assert item.id in topics["cocoa"]
    assert item.title and item.published


@pytest.mark.parametrize("count", [1, 3])
def test_related_count_is_honoured(archive, topics, count):
    assert len(related(archive, topics["oil"][0], count=count)) == count


def test_an_archive_of_one_has_nothing_related(archive):
    (only,) = add_bodies(archive, "c", COCOA[:1])
    assert related(archive, only) == []


def test_an_unknown_id_has_nothing_related(archive, topics):
    assert related(archive, "no-such-id") == []
