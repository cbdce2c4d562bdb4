"""app.engine.cases: how a story's plain text writes its words (capitals, a capital
inside, shorthand in lower case), what a table, a ticker or a label says (nothing), and what
the index keeps of it for the archive to be asked (`SearchIndex.archive_cases`)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.helpers import make

from app.engine import LOWER, UPPER
from app.engine.cases import cased_words, is_shorthand, written
from app.engine.index import SearchIndex

# reuters-7053's lead, reuters-14444's table, reuters-12781's ticker and an earnings note
TEXT = (
    "Chicago Board of Trade, CBT, President Thomas Donovan said he was confident the "
    "Commodity Futures Trading Commission, CFTC, would not force the CBT and the MidAmerica "
    "Commodity Exchange, MCE, to merge speculative position limits.\n\n"
    "CCC STOCKS              2584    2584  800 TOTAL WHEAT STOCKS      4310\n\n"
    "The General Electric Co Plc <GECL.L> won a 2.5 mln stg order, it said.\n\n"
    "NOTE: Net includes a gain of 20 cts a share, 1.2 mln dlrs."
)


def test_a_text_says_how_it_writes_the_words_asked_of_it():
    found = written(TEXT, {"CBT", "CFTC", "MIDAMERICA", "STOCKS", "GECL", "NOTE", "DLR", "MLN"})
    assert found["CBT"]["CBT"] and found["CFTC"]["CFTC"]  # in capitals
    assert dict(found["MIDAMERICA"]) == {"MidAmerica": 1}  # a capital inside
    assert dict(found["DLR"]) == {"dlr": 1} and found["MLN"]["mln"] == 2  # shorthand, plurals
    assert "STOCKS" not in found  # a table says nothing
    assert "GECL" not in found  # nor a ticker
    assert "NOTE" not in found  # nor a label


def test_a_word_in_lower_case_alone_is_said_so_without_its_other_words_read():
    assert written("Exxon cut prices. Prices fell.", {"PRICES", "EXXON", "OIL"}) == {
        "PRICES": {"prices": 1},
        "EXXON": {"exxon": 1},
    }


def test_a_word_is_whole_or_nothing():
    assert written("The paradigm shifted; GMAC lent.", {"GM"}) == {}
    assert written("GMAC lent, and the board of GM met.", {"GM"})["GM"]["GM"] == 1


@pytest.mark.parametrize(("word", "shorthand"), [("MLN", True), ("QTR", True), ("OPEC", False)])
def test_shorthand_has_no_vowel(word, shorthand):
    assert is_shorthand(word) is shorthand


def test_the_index_is_given_the_capitals_and_the_shorthand_of_a_text():
    found = cased_words(TEXT)
    assert found[UPPER] == {"CBT", "CFTC", "MCE"}
    assert {"MLN", "STG", "CTS", "DLRS"} <= found[LOWER]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    opened = SearchIndex(tmp_path / "index")
    opened.update(
        [
            make("a", "The NYMEX board met. Prices rose 20 pct and 5 mln dlrs were paid."),
            make("b", "NYMEX said volume was a record, up 3 pct."),
            make("c", "The New York Mercantile Exchange spoke of a note to its members."),
            make("d", "A NOTE to members, and a note to others: notes, notes."),
            make("e", "Another note was sent."),
        ]
    )
    yield opened
    opened.close()


def test_the_archive_answers_for_the_words_most_of_its_texts_write_so(index):
    asked = {"NYMEX", "PCT", "MLN", "NOTE", "MEMBERS", "ABSENT"}
    assert index.archive_cases(asked) == {"NYMEX": UPPER, "PCT": LOWER, "MLN": LOWER}


def test_a_write_is_answered_for_at_once(index):
    assert index.archive_cases({"NOTE"}) == {}
    index.update([make(f"n{n}", "A NOTE went out.") for n in range(3)])
    assert index.archive_cases({"NOTE"}) == {"NOTE": UPPER}  # 4 of the 6 that hold it
