"""app.cleaning: each rule on literal text from the corpora's real pages (Wikinews,
Reuters-21578), and the text each must leave alone."""

import pytest

from app.cleaning import check_title, clean_paragraphs, clean_place
from app.errors import ParseError

REVIEW_BOX = [  # "Living with HIV during COVID-19: Wikinews talks to HIV-positive sex workers…"
    "This article requires pre-publication review by an uninvolved reviewer (one not "
    "substantially involved in writing the article).",
    "-Article last amended: Mar 17 at 3:24:55 UTC (history)Please check the talk page history "
    "before reviewing.",
    "Sunday, October 18, 2020",
    "The spread of coronavirus in late 2019 and then in 2020 led to a global pandemic.",
]


def test_a_draft_s_review_box_and_date_heading_go_and_the_story_is_the_lead():
    assert clean_paragraphs(REVIEW_BOX) == [REVIEW_BOX[-1]]


def test_a_date_is_kept_where_it_is_story_text():
    later = ["The vote fell on a weekend.", "Sunday, October 18, 2020"]
    assert clean_paragraphs(later) == later
    assert clean_paragraphs(["Sunday, October 18, 2020, was polling day."]) == [
        "Sunday, October 18, 2020, was polling day."
    ]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "((WN)) Which activity took the most time and attention?",
            "WN: Which activity took the most time and attention?",
        ),
        (
            "((WSS)) : Which past U.S. president(s) do you most admire and why?",
            "WSS: Which past U.S. president(s) do you most admire and why?",
        ),
        (
            "((Dorsa Derakhshani)) Um, no I am good. Thank you.",
            "Dorsa Derakhshani: Um, no I am good. Thank you.",
        ),
        ("((WN)) Yes. ((hi))Hindi language: \u200dहाँ।", "WN: Yes. Hindi: हाँ।"),
        (
            'for and desires something, then everything will work out." ((ru))Russian: \u200dСвою',
            'for and desires something, then everything will work out." Russian: Свою',
        ),
        (
            "Just don't tell anyone ((pl))Polish language: \u200dTylko nie mów nikomu",
            "Just don't tell anyone Polish: Tylko nie mów nikomu",
        ),
    ],
)
def test_wiki_markup_becomes_what_the_page_shows(raw, clean):
    assert clean_paragraphs([raw]) == [clean]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "There will be a 1-1/4 pct selling concession and underwriting combined. REUTER",
            "There will be a 1-1/4 pct selling concession and underwriting combined.",
        ),
        ("Defence 9.4 mln vs 13.1 mln REUTER", "Defence 9.4 mln vs 13.1 mln"),
        (
            "by the Bonn-based Confectionery Industry Association said in a statement. REUTER TAW",
            "by the Bonn-based Confectionery Industry Association said in a statement.",
        ),
        (
            "NOTE: Company's full name is The Burmah Oil Co Plc <BURM.L> REUTER^M",
            "NOTE: Company's full name is The Burmah Oil Co Plc <BURM.L>",
        ),
        (
            "an immediate release of most political prisoners. - REUTER",
            "an immediate release of most political prisoners.",
        ),
        ("fee. REUTERS", "fee."),
        (
            "the records of a brokerage house controlled by Ivan Boesky. Reuters",
            "the records of a brokerage house controlled by Ivan Boesky.",
        ),
    ],
)
def test_the_wire_s_sign_off_goes(raw, clean):
    assert clean_paragraphs(["The lead.", raw]) == ["The lead.", clean]


def test_a_sign_off_alone_in_the_last_paragraph_goes_with_it():
    assert clean_paragraphs(["Routine sales of butter were made.", "REUTER"]) == [
        "Routine sales of butter were made."
    ]


@pytest.mark.parametrize(
    "kept",
    [
        "the spokesman told Reuters.",
        "the ERS study, obtained by Reuters.",
        "a spokesman told Reuter",  # no sentence ends before it: it is the sentence's word
        "so far. :-))",
        "He used (parentheses (nested)) to make a point.",
        "REUTER said it in the middle, and the story goes on.",
    ],
)
def test_story_text_that_looks_like_junk_is_left_alone(kept):
    assert clean_paragraphs(["The lead.", kept]) == ["The lead.", kept]


def test_a_story_of_nothing_but_notices_is_left_empty():
    assert clean_paragraphs(REVIEW_BOX[:3]) == []


def test_a_wiki_test_page_is_refused_and_a_title_that_mentions_one_is_not():
    with pytest.raises(ParseError, match="a Wikinews test page, not a story"):
        check_title("TEST PAGE:Self-publish today")
    check_title("Engineers run a test page of the new reactor")
    check_title(None)


@pytest.mark.parametrize(
    ("sent", "clean"),
    [  # Reuters-21578's datelines (reuters-3295, -15421, -3367, -5324, -21070 and others)
        ("c CHICAGO", "CHICAGO"),
        ("c LONDON", "LONDON"),
        ("FARMINGTON Conn.", "FARMINGTON"),
        ("NORTH BRUNSWICK N.J.", "NORTH BRUNSWICK"),
        ("WHITE SULPHUR SPRINGS W. Va.", "WHITE SULPHUR SPRINGS"),
        ("MINNEAPOLIS Minn", "MINNEAPOLIS"),
        ("WALtHAM", "WALTHAM"),
        ("CORAl GABLES", "CORAL GABLES"),
        ("BALDWIN Park", "BALDWIN PARK"),
        ("GARDEN Grove", "GARDEN GROVE"),
        ("dodge city", "DODGE CITY"),  # a weather report's, all in lower case
        ("amarillo", "AMARILLO"),
        ("FRESCalif.", None),  # FRESNO, Calif.: the end of the name was lost on the wire
        (None, None),
    ],
)
def test_a_place_loses_the_wire_s_dateline_debris(sent, clean):
    assert clean_place(sent) == clean
    assert clean_place(clean) == clean  # cleaning a clean place changes nothing


@pytest.mark.parametrize(
    "kept",
    [
        "NEW YORK",
        "New York",
        "LaFox",
        "St Louis",
        "ST. PETERSBURG",
        "DALLAS/FORT WORTH",
        "Isle of Man",  # "Man." is Manitoba only with its stop
        "São Paulo",
        "IGORA",
    ],
)
def test_a_place_without_debris_is_left_alone(kept):
    assert clean_place(kept) == kept
