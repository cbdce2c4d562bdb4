"""app.search.headlines: wire headlines shown readable without a word changed (abbreviations
kept as the story and the archive write them), tickers apart, words highlighted, and a
headline made from the lead not printed twice; all of it escaped."""

import re

import pytest
from markupsafe import escape
from support.capitals import STORIES
from support.reuters import needs_reuters, records

from app.archive import Archive
from app.article import headline
from app.engine import LOWER, UPPER
from app.ingest.jsonl import parse_record
from app.search.headlines import (
    headline_html,
    lead_under,
    readable,
    reading,
    shown_titles,
)

MANGLED = ["reuters-829", "reuters-6114"]  # the stories whose own text is not enough
WORD = re.compile(r"[^\W_]+")


def test_the_headlines_title_case_mangled_are_shown_as_the_archive_writes_them(archive):
    """Issue 22's list ("Icco", "Lce and Ipe", "Oapec", "Dlr", "Nymex … Cftc Says", "Cbt
    Head … Mce Limits", "Lme", "Gec", "Noaa", "Gm GM Praises Greenspan"), as stored and shown
    by the query layer over a real index: the words the stories write in capitals stay."""
    archive.add([story.article() for story in STORIES], source_paths=[None] * len(STORIES))
    stored = archive.store.get_many([story.id for story in STORIES])
    assert shown_titles(archive, stored.values()) == {story.id: story.shown for story in STORIES}


@pytest.mark.parametrize(
    "story", [s for s in STORIES if s.id not in MANGLED], ids=lambda story: story.id
)
def test_a_story_that_writes_its_headlines_abbreviations_is_evidence_enough(story):
    assert readable(story.title, story.body) == story.shown


def test_what_a_story_leaves_open_the_archive_is_asked_and_only_that():
    story = next(s for s in STORIES if s.id == "reuters-829")  # names NYMEX and CFTC in full
    found = reading(story.title, story.body)
    assert found is not None
    assert {"NYMEX", "CFTC"} <= found.asks and "TO" not in found.asks  # its text writes "to"
    assert found.shown({}) == "Nymex to Submit Propane Proposal to Cftc"
    assert found.shown({"NYMEX": UPPER, "CFTC": UPPER}) == story.shown
    # the archive's word never overrides the story's own: its text writes "propane"
    assert found.shown({"PROPANE": UPPER}) == found.shown({})


@pytest.mark.parametrize(
    ("shouted", "body", "shown"),
    [
        ("EXXON <XON> CUTS CRUDE OIL PRICES", "", "Exxon <XON> Cuts Crude Oil Prices"),
        ("U.S. TREASURY BALANCE AT FED ROSE", "", "U.S. Treasury Balance at Fed Rose"),
        (
            "THE OPEC OUTPUT CEILING AND THE GULF",
            "Ministers said OPEC would keep its output ceiling.",
            "The OPEC Output Ceiling and the Gulf",
        ),
        ("EXXON'S 1ST QTR NET", "", "Exxon's 1st Qtr Net"),
        (
            "GM'S <GM> PONTIAC CUTS RATES",
            "GM said its Pontiac unit cut rates.",
            "GM's <GM> Pontiac Cuts Rates",
        ),
        ("SÃO PAULO COFFEE STOCKS", "", "São Paulo Coffee Stocks"),
        (
            "CHRYSLER <C> SEES STRONG 1987, SHARES UP",
            "",
            "Chrysler <C> Sees Strong 1987, Shares Up",
        ),
        (
            "MCDONNELL DOUGLAS <MD> GETS ORDER",
            "McDonnell Douglas Corp said it received an order for MD-80 jets.",
            "McDonnell Douglas <MD> Gets Order",
        ),
        (
            "BHP 1ST QTR NET 20 PCT HIGHER",
            "Net rose 20 pct, BHP said.",
            "BHP 1st Qtr Net 20 pct Higher",
        ),
    ],
)
def test_headlines_in_capitals_are_shown_in_title_case_as_their_story_writes_them(
    shouted, body, shown
):
    assert readable(shouted, body) == shown


@pytest.mark.parametrize(
    ("shouted", "body", "shown"),
    [  # capitals that say nothing of how the story writes a word
        (
            "CHICAGO DELIVERABLE WHEAT STOCKS",  # reuters-14444: a table, not text
            "The CFTC reported the following stocks of wheat in Chicago.\n\n"
            "CCC STOCKS              2584    2584  800 TOTAL WHEAT STOCKS      4310",
            "Chicago Deliverable Wheat Stocks",
        ),
        (
            "FIAT HAS NO COMMENT ON REPORTED BOND ISSUE PLAN",  # reuters-4134: a ticker
            "Fiat SpA <FIAT.MI> declined to confirm or deny an Italian newspaper report.",
            "Fiat Has No Comment on Reported Bond Issue Plan",
        ),
        (
            "STERLING SOFTWARE <SSW> NOTE HOLDERS OK BUY",  # a label
            "Holders of its notes approved the purchase.\n\nNOTE: the notes are due 1990.",
            "Sterling Software <SSW> Note Holders Ok Buy",
        ),
    ],
)
def test_tables_tickers_and_labels_are_not_evidence(shouted, body, shown):
    assert readable(shouted, body) == shown


def test_shorthand_without_a_vowel_is_lowered_only_where_it_is_written_so():
    assert readable("FIRST UNION FILES 100 MLN DLR ISSUE", "an issue of 100 mln dlrs") == (
        "First Union Files 100 mln dlr Issue"
    )
    assert readable("FIRST UNION FILES 100 MLN DLR ISSUE", "", {"MLN": LOWER}) == (
        "First Union Files 100 mln Dlr Issue"
    )


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
    assert readable(title, "NATO said OK.") == title
    assert reading(title, "") is None


def test_a_headline_is_escaped_with_its_words_marked_and_its_tickers_apart():
    shown = headline_html(readable("EXXON <XON> CUTS CRUDE PRICES"), frozenset({"crude", "xon"}))
    assert shown == (
        'Exxon <span class="ticker"><mark>XON</mark></span> Cuts <mark>Crude</mark> Prices'
    )
    assert headline_html("Talks & <b>bold</b> claims") == escape("Talks & <b>bold</b> claims")


def test_markup_in_a_shouted_headline_stays_text():
    shouted = '<SCRIPT>ALERT(1)</SCRIPT> <IMG SRC=X ONERROR="A">'
    shown = str(headline_html(readable(shouted)))
    assert "<script" not in shown.lower() and "<img" not in shown.lower()
    assert "&lt;/Script&gt;" in shown and "&lt;Img" in shown


def test_the_settings_can_show_every_headline_as_sent(settings):
    as_sent = Archive(settings.model_copy(update={"headlines_as_sent": True}))
    try:
        as_sent.add([story.article() for story in STORIES], source_paths=[None] * len(STORIES))
        records = [as_sent.store.get(story.id) for story in STORIES]
        shown = shown_titles(as_sent, [record for record in records if record])
        assert shown == {story.id: story.title for story in STORIES}
    finally:
        as_sent.close()


@needs_reuters
def test_every_word_a_story_writes_in_capitals_stays_in_capitals_over_reuters():
    """The README's figure: over every capitals headline of Reuters-21578 whose story
    writes some of its words in capitals, all of those words stay in capitals (the words
    the archive's evidence adds are measured by tests/bench/bench_headlines.py)."""
    told = kept = 0
    for record in records():
        story = parse_record(record)
        found = reading(story.title, story.body)
        if found is None:
            continue
        words = {w for w, forms in found.own.items() if any(f.isupper() for f in forms)}
        if words:
            told += 1
            kept += words <= set(WORD.findall(found.shown({})))
    assert told > 2000 and kept == told


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
