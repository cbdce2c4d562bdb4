"""app.search.significant: counting a sample's words and names a document at a time, leaving out
what says nothing, and scoring by G², on hand-made texts and counts; rates are given by a
plain function over a dict, as the engine would give them."""

from collections import Counter
from math import log

import pytest

from app.search.significant import (
    BATCH,
    MAX_CHARS,
    MIN_DOCUMENTS,
    Candidate,
    Counted,
    Rates,
    Term,
    candidates,
    count_documents,
    is_word,
    log_likelihood,
    significant,
)


def test_words_are_counted_once_a_document_in_their_indexed_form():
    counted = count_documents(
        [
            ("OPEC meets", "OPEC said OPEC would meet. São Paulo waits."),
            ("Prices", "The U.S. and opec agreed."),
        ]
    )
    assert counted.documents == 2
    assert counted.words["opec"] == 2  # three times in the first story: one document
    assert counted.words["sao"] == 1  # accents folded, as the index folds them
    assert counted.words["us"] == 1  # U.S., as the index cuts it
    assert counted.words["meets"] == 1 and counted.words["prices"] == 1  # titles count


def test_names_are_capitalised_pairs_counted_wherever_the_words_stand_side_by_side():
    counted = count_documents(
        [
            ("", "Officials in Saudi Arabia said so."),
            ("", "saudi arabia, written small, is the same phrase."),
            ("Saudi Arabia", "The kingdom agreed."),  # a headline: the same phrase too
            ("", "Saudi, Arabia: a comma between is no name."),
        ]
    )
    assert counted.pairs[("saudi", "arabia")] == 4  # the index has no commas: a phrase
    assert counted.spellings[("saudi", "arabia")] == Counter({"Saudi Arabia": 1})
    assert ("officials", "in") not in counted.spellings
    assert all(len(pair) == 2 for pair in counted.spellings)


def test_overlapping_names_and_what_is_not_a_name():
    counted = count_documents([("", "Saudi Arabian Oil rose. OPEC SAYS no, in new York.")])
    assert set(counted.spellings) == {("saudi", "arabian"), ("arabian", "oil")}


def test_no_pair_spans_title_and_body():
    counted = count_documents([("Talks in Vienna", "Delegates met.")])
    assert ("vienna", "delegates") not in counted.pairs


def test_only_the_first_characters_of_a_long_story_are_read():
    counted = count_documents([("", "x" * MAX_CHARS + " Unreached")])
    assert "unreached" not in counted.words


@pytest.mark.parametrize(
    ("term", "kept"),
    [
        ("opec", True),
        ("the", False),  # a stop word of Whoosh's list
        ("said", False),  # and of the longer one
        ("1987", False),  # a number alone
        ("3.5", False),
        ("3rd", True),  # a number with letters says something
        ("x", False),  # one character
        ("op*c", False),  # the query language would read it as a wildcard
        ("oil", False),  # the query's
        ("oils", False),  # a form of it, as the engine expands it
    ],
)
def test_which_words_may_be_listed(term, kept):
    assert is_word(term, frozenset({"oil", "oils"})) is kept


def test_candidates_are_in_enough_documents_commonest_first_query_words_aside():
    counted = Counted(
        documents=10,
        words=Counter({"opec": 9, "crude": 5, "rare": MIN_DOCUMENTS - 1, "oil": 10, "the": 10}),
        pairs=Counter({("saudi", "arabia"): 7, ("oil", "minister"): 6, ("new", "york"): 2}),
        spellings={
            ("saudi", "arabia"): Counter({"Saudi Arabia": 7}),
            ("oil", "minister"): Counter({"Oil Minister": 6}),
            ("new", "york"): Counter({"New York": 2}),
        },
    )
    chosen = candidates(counted, frozenset({"oil"}))
    assert chosen == [
        Candidate("opec", 9),
        Candidate(("saudi", "arabia"), 7),
        Candidate("crude", 5),
    ]


def g_squared(k1: int, n1: int, k2: int, n2: int) -> float:
    """G² of a 2×2 table written out cell by cell, the textbook way."""
    cells = [(k1, n1, k1 + k2), (n1 - k1, n1, n1 + n2 - k1 - k2)]
    cells += [(k2, n2, k1 + k2), (n2 - k2, n2, n1 + n2 - k1 - k2)]
    return 2 * sum(o * log(o / (size * column / (n1 + n2))) for o, size, column in cells if o)


@pytest.mark.parametrize(
    ("held", "sample", "frequency", "documents"),
    [(41, 200, 60, 18_000), (3, 10, 3, 1_000), (100, 200, 5_000, 20_000), (10, 10, 11, 50)],
)
def test_the_score_is_dunnings_g2_of_the_sample_against_the_rest(
    held, sample, frequency, documents
):
    expected = g_squared(held, sample, frequency - held, documents - sample)
    assert log_likelihood(held, sample, frequency, documents) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("held", "sample", "frequency", "documents"),
    [
        (10, 100, 100, 1_000),  # the sample's rate is the archive's
        (5, 100, 500, 1_000),  # under-represented
        (50, 100, 50, 100),  # the sample is the whole archive: nothing to compare with
        (0, 100, 10, 1_000),
    ],
)
def test_no_score_unless_the_sample_holds_it_more_often_than_the_rest(
    held, sample, frequency, documents
):
    assert log_likelihood(held, sample, frequency, documents) == 0.0


def test_a_headline_only_word_is_held_by_the_sample_alone():
    """The archive's rate is the body's: a word in a headline only has a frequency below
    its count, taken as held by nothing outside the sample."""
    assert log_likelihood(5, 10, 2, 1_000) == log_likelihood(5, 10, 5, 1_000)


def test_more_evidence_scores_higher_at_the_same_rates():
    assert log_likelihood(20, 40, 40, 4_000) > log_likelihood(10, 20, 20, 2_000)


def rates_from(table: dict, documents: int, asked: list):
    """A `rates_of` over a dict of rates, noting what it is asked."""

    def rates_of(words: list[str], names: list[tuple[str, str]]) -> Rates:
        asked.append(words + names)
        return Rates(documents, {w: table[w] for w in words}, {n: table[n] for n in names})

    return rates_of


def counted_of(words: dict[str, int], names: dict[tuple[str, str], int], documents: int):
    spellings = {pair: Counter({" ".join(w.title() for w in pair): 1}) for pair in names}
    return Counted(documents, Counter(words), Counter(names), spellings)


def test_significant_terms_best_first_with_counts_and_expected():
    counted = counted_of({"opec": 41, "crude": 30, "said": 0, "common": 60}, {}, 200)
    counted.words.pop("said")
    archive = {"opec": 60, "crude": 300, "common": 6_000}
    chosen = candidates(counted, frozenset())
    terms = significant(counted, chosen, rates_from(archive, 20_000, []))
    assert [term.text for term in terms] == ["opec", "crude"]  # common: as often as anywhere
    opec = terms[0]
    assert opec == Term("opec", False, 41, 200 * 60 / 20_000, log_likelihood(41, 200, 60, 20_000))


def test_names_are_scored_by_their_phrase_rate_and_shown_as_written():
    counted = counted_of({"saudi": 20}, {("saudi", "arabia"): 20}, 100)
    counted.spellings[("saudi", "arabia")] = Counter({"Saudi Arabia": 9, "Saudi ARABIA": 1})
    archive = {"saudi": 500, ("saudi", "arabia"): 40}
    terms = significant(counted, candidates(counted, frozenset()), rates_from(archive, 10_000, []))
    assert [(term.text, term.name) for term in terms] == [("Saudi Arabia", True), ("saudi", False)]
    assert terms[0].expected == pytest.approx(100 * 40 / 10_000)


def test_only_the_top_are_kept_and_ties_go_by_count_then_text():
    counted = counted_of({f"w{n:02d}": 5 for n in range(30)}, {}, 50)
    archive = {f"w{n:02d}": 5 for n in range(30)}
    terms = significant(counted, candidates(counted, frozenset()), rates_from(archive, 5_000, []))
    assert [term.text for term in terms] == [f"w{n:02d}" for n in range(20)]


def test_rates_are_read_only_while_a_candidate_could_still_make_the_list():
    """The commonest candidates first, a batch at a time: once twenty terms score more than
    any rarer candidate could, the rarer ones' rates are never asked for."""
    strong = {f"s{n:03d}": 90 for n in range(BATCH)}  # in 90 of 100 and nowhere else
    weak = {f"w{n:03d}": 3 for n in range(BATCH)}
    counted = counted_of({**strong, **weak}, {}, 100)
    archive = {**{word: 90 for word in strong}, **{word: 3 for word in weak}}
    asked: list = []
    terms = significant(
        counted, candidates(counted, frozenset()), rates_from(archive, 10_000, asked)
    )
    assert len(terms) == 20 and all(term.text in strong for term in terms)
    assert asked == [list(strong)]


def test_a_rarer_candidate_that_could_still_win_is_read():
    common = {f"c{n:03d}": 50 for n in range(BATCH)}  # in half the sample, 40% of the archive
    counted = counted_of({**common, "rare": 10}, {}, 100)
    archive = {**{word: 4_000 for word in common}, "rare": 10}
    asked: list = []
    chosen = candidates(counted, frozenset())
    terms = significant(counted, chosen, rates_from(archive, 10_000, asked), top=1)
    assert asked == [list(common), ["rare"]]  # in 10 and nowhere else: it might still win
    assert terms[0].text == "rare"


def test_no_candidates_no_terms():
    assert significant(Counted(), [], rates_from({}, 0, [])) == []


@pytest.mark.parametrize(
    ("q", "narrowed"),
    [
        ("", '"opec"'),
        ("oil prices", 'oil prices "opec"'),
        ("oil OR gas", '(oil OR gas) "opec"'),
        ('"oil', '"oil" "opec"'),  # an open quote is closed first
        ("oil -gas", 'oil -gas "opec"'),
    ],
)
def test_a_term_narrows_a_query_as_written(q, narrowed):
    assert Term("opec", False, 3, 0.1, 10.0).narrowing(q) == narrowed


def test_a_name_narrows_as_a_phrase():
    assert Term("Saudi Arabia", True, 3, 0.1, 10.0).narrowing("oil") == 'oil "Saudi Arabia"'
