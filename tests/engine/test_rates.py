"""app.engine.rates: how many documents hold a word or a two-word phrase in the body,
over a real index in tmp_path, against counts worked out from the stories themselves."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.helpers import make

from app.engine.index import SearchIndex

BODIES = [
    "Saudi Arabia raised output. Arabia is a peninsula.",
    "Officials in Saudi Arabia met. OPEC agreed.",
    "The Saudi delegation left; Arabia waited.",  # both words, never side by side
    "saudi arabia, in small letters, is the same phrase.",
]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    opened = SearchIndex(tmp_path / "index")
    opened.update(
        [make(f"s{n}", body, title=f"Headline {n} about OPEC") for n, body in enumerate(BODIES)]
    )
    yield opened
    opened.close()


def test_words_and_phrases_are_counted_in_the_body(index):
    rates = index.body_rates(
        ["saudi", "arabia", "opec", "absent"],
        [("saudi", "arabia"), ("arabia", "saudi"), ("absent", "word")],
        seconds=10,
    )
    assert rates.documents == len(BODIES)
    assert rates.words == {"saudi": 4, "arabia": 4, "opec": 1, "absent": 0}  # titles aside
    assert rates.phrases == {("saudi", "arabia"): 3, ("arabia", "saudi"): 0, ("absent", "word"): 0}


def test_nothing_asked_nothing_read(index):
    rates = index.body_rates([], [], seconds=10)
    assert (rates.documents, rates.words, rates.phrases) == (len(BODIES), {}, {})


def test_a_write_is_counted_at_once(index):
    """Rates are kept for the index generation: a commit makes a new one."""
    assert index.body_rates(["opec"], [("saudi", "arabia")], seconds=10).words == {"opec": 1}
    index.update([make("s9", "OPEC and Saudi Arabia again.")])
    rates = index.body_rates(["opec"], [("saudi", "arabia")], seconds=10)
    assert (rates.documents, rates.words, rates.phrases) == (
        5,
        {"opec": 2},
        {("saudi", "arabia"): 4},
    )
