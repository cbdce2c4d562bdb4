"""app.search.examples: the query language's examples, drawn from the archive, find stories in
it, whatever it holds (the seed's TASS story, or a corpus of other news), and are worked out
once an index generation."""

from datetime import date

import pytest
from support.helpers import COCOA_NEWS, TALK_NEWS, make, search_params

from app.search.examples import Examples, examples
from app.search.queries import search


def every_query(found: Examples) -> list[dict]:
    """Each example as a search's parameters, as /help links it."""
    queries = [
        found.both,
        found.word,
        f'"{found.phrase}"',
        found.either,
        *([found.without, f"{found.word} -{found.unlike}"] if found.without else []),
        found.grouped,
        found.prefix,
        found.one_letter,
        f"title:{found.title}",
        found.in_place,
        found.from_source,
    ]
    assert found.month is not None
    month = {"date_from": found.month, "date_to": date(found.month.year, found.month.month, 28)}
    return [{"q": q} for q in queries] + [{"q": found.word, **month}]


def add(archive, rows) -> None:
    articles = [
        make(key, body, date.fromisoformat(day), place=place, source=source)
        for key, day, place, source, body in rows
    ]
    archive.add(articles, source_paths=[None] * len(articles))


NEWS = [
    *COCOA_NEWS,
    *TALK_NEWS,
    ("w1", "2024-06-01", "NEW YORK", "AP", "Wall Street shares rose. Wall Street traders cheered."),
    ("w2", "2024-06-02", "NEW YORK", "AP", "Wall Street shares fell as the Federal Reserve met."),
]


@pytest.mark.parametrize("rows", [[], NEWS], ids=["the seed alone", "the seed and other news"])
def test_every_example_finds_stories_in_the_archive(seeded, rows):
    add(seeded, rows)
    found = examples(seeded)
    assert found is not None
    for params in every_query(found):
        assert search(seeded, search_params(**params)).total, params
    assert found.word not in found.forms and found.other != found.word != found.third
    assert (found.without is None) == (not rows)  # one story holds every word: no "not"


def test_the_examples_are_the_archive_s_own_words_and_names(seeded):
    add(seeded, NEWS)
    found = examples(seeded)
    assert found is not None
    assert found.phrase in {"Wall Street", "Ivory Coast", "Federal Reserve", "Donald Trump"}
    assert found.place and found.source  # among the matches of the word
    assert found.prefix.endswith("*") and found.word.startswith(found.prefix[:-1])
    assert found.one_letter.count("?") == 1 and len(found.one_letter) == len(found.word)


def test_an_empty_archive_has_no_examples(archive):
    assert examples(archive) is None


def test_the_examples_are_worked_out_again_only_when_the_index_changes(seeded):
    first = examples(seeded)
    assert examples(seeded) is first
    add(seeded, NEWS)
    assert examples(seeded) is not first
