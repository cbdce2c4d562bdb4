"""app.search.headlines: wire headlines shown readable, tickers apart, words highlighted,
and a headline made from the lead not printed twice; all of it escaped."""

import pytest
from markupsafe import escape

from app.article import headline
from app.search.headlines import headline_html, lead_under, readable


@pytest.mark.parametrize(
    ("shouted", "shown"),
    [
        ("EXXON <XON> CUTS CRUDE OIL PRICES", "Exxon <XON> Cuts Crude Oil Prices"),
        ("U.S. TREASURY BALANCE AT FED ROSE", "U.S. Treasury Balance at FED Rose"),
        ("THE OPEC OUTPUT CEILING AND THE GULF", "The OPEC Output Ceiling and the Gulf"),
        ("EXXON'S 1ST QTR NET", "Exxon's 1st Qtr Net"),
        ("SÃO PAULO COFFEE STOCKS", "São Paulo Coffee Stocks"),
        ("CHRYSLER <C> SEES STRONG 1987, SHARES UP", "Chrysler <C> Sees Strong 1987, Shares Up"),
    ],
)
def test_headlines_in_capitals_are_shown_in_title_case(shouted, shown):
    assert readable(shouted) == shown


@pytest.mark.parametrize(
    "title",
    [
        "Talks in Budapest end early",
        "NATO and the EU meet in Brussels",  # mostly lower case: as written
        "OK",  # too short to tell
        "",
    ],
)
def test_other_headlines_are_kept_as_they_are(title):
    assert readable(title) == title


def test_a_headline_is_escaped_with_its_words_marked_and_its_tickers_apart():
    shown = headline_html("EXXON <XON> CUTS CRUDE PRICES", frozenset({"crude", "xon"}))
    assert shown == (
        'Exxon <span class="ticker"><mark>XON</mark></span> Cuts <mark>Crude</mark> Prices'
    )
    assert headline_html("Talks & <b>bold</b> claims") == escape("Talks & <b>bold</b> claims")


def test_markup_in_a_shouted_headline_stays_text():
    shown = str(headline_html('<SCRIPT>ALERT(1)</SCRIPT> <IMG SRC=X ONERROR="A">'))
    assert "<script" not in shown.lower() and "<img" not in shown.lower()
    assert "&lt;/Script&gt;" in shown and "&lt;Img" in shown


def test_a_headline_cut_from_the_lead_is_not_printed_twice():
    lead = (
        "The upcoming meeting between Russian President Vladimir Putin and US President "
        "Donald Trump in Budapest may help the two countries mend ties, an expert said."
    )
    cut = headline(lead)
    assert cut.endswith("…")
    assert lead_under(cut, lead) == "…" + lead[len(cut) - 1 :]
    short = "Talks begin. Both sides arrived on Monday."
    assert lead_under(headline(short), short) == "Both sides arrived on Monday."


def test_a_headline_of_its_own_leaves_the_lead_whole():
    lead = "Exxon Corp said it cut the price it pays for crude oil by 50 cents."
    assert lead_under("EXXON <XON> CUTS CRUDE PRICES", lead) == lead
    assert lead_under("Exxon Corp said", lead) == lead  # the lead's start, not a sentence
