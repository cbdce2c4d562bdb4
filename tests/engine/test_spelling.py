"""app.engine.spelling: respelling a query's unknown words, over a real index in
tmp_path: nearest first, the same first letter first, the most frequent of equals."""

from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
from support.helpers import make

from app.engine.index import SearchIndex


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    opened = SearchIndex(tmp_path / "index")
    yield opened
    opened.close()


NUMBERS = count()


def add(index: SearchIndex, *bodies: str) -> None:
    index.update([make(f"d{next(NUMBERS)}", body) for body in bodies])


def test_one_edit_comes_before_a_more_frequent_word_two_edits_away(index):
    add(index, "Cocoa rose.", "Local news.", "Local news again.", "Local, local.")
    assert index.respell("cocao") == "cocoa"


def test_the_same_first_letter_comes_before_one_edit_with_another(index):
    add(index, "Cocoa rose.", "Bacon fell.")
    assert index.respell("bocoa") == "bacon"  # two edits, but b as typed; cocoa is one edit
    assert index.respell("docoa") == "cocoa"  # no d word near: one edit, any first letter


def test_the_most_frequent_of_equally_near_words_wins(index):
    add(index, "A cat.", "A cart.", "A coat, a coat, a coat.")
    assert index.respell("caat") == "coat"


def test_known_short_and_far_words_are_kept(index):
    add(index, "Coffee prices fell in Brazil.")
    assert index.respell("coffee prices") is None
    assert index.respell("xz") is None  # two letters: too short to guess
    assert index.respell("qqqqqqq") is None  # nothing within two edits
    assert index.respell("Cofee Brazl") == "coffee brazil"


def test_words_of_the_title_count_as_known_and_numbers_are_never_offered(index):
    index.update([make("t", "Plain body.", title="Zanzibar"), make("n", "Figure 1987 and 1988.")])
    assert index.respell("zanzibar") is None
    assert index.respell("plian") == "plain"
    assert index.respell("figre") == "figure"


def test_a_commit_changes_the_respelling(index):
    add(index, "A cat.", "A cart.", "A coat.")
    assert index.respell("caat") == "coat"  # equally frequent: the last in the alphabet
    add(index, "A cart, a cart, a cart.")
    assert index.respell("caat") == "cart"


def test_a_rare_known_word_gives_way_to_a_far_commoner_word_one_edit_away(index):
    add(index, *(f"The price of oil, day {n}." for n in range(25)), "A prise of war.")
    assert index.respell("oil prise") == "oil price"
    assert index.respell("oil price") is None  # the common word itself stays
    add(index, *(f"Another prise, {n}." for n in range(5)))  # no longer rare
    assert index.respell("oil prise") is None


def test_a_rare_word_with_no_far_commoner_neighbour_is_kept(index):
    add(index, "A prise of war.", "The price of oil.", "A price again.")
    assert index.respell("prise") is None  # price: in only twice as many documents
