"""app.article: the headline rules, the hash of a story, the ids and links every format shares.

Everything here is a pure function of literal values; the formats' own tests
check that each builds its articles through these rules.
"""

import hashlib
from datetime import date

import pytest

from app.article import (
    MAX_TOPICS,
    TITLE_MAX_CHARS,
    TOPIC_MAX_CHARS,
    collapse_whitespace,
    content_hash,
    headline,
    new_article,
    normal_topics,
    stable_id,
    web_url,
)

# --- headline ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("The U.S. President spoke. Others listened.", "The U.S. President spoke."),
        ("Mr. Smith met Dr. Jones. Then they left.", "Mr. Smith met Dr. Jones."),
        ("Talks in St. Petersburg ended. More soon.", "Talks in St. Petersburg ended."),
        ("J. R. Doe arrived late. Nobody minded.", "J. R. Doe arrived late."),
        ("\u201cWe won,\u201d he said. The crowd cheered.", "\u201cWe won,\u201d he said."),
        ("Is it over? Nobody knows.", "Is it over?"),
    ],
)
def test_headline_sentence_rules(lead, expected):
    assert headline(lead) == expected


def test_headline_of_text_without_a_full_stop_is_the_text():
    assert headline("Breaking: talks resume") == "Breaking: talks resume"


@pytest.mark.parametrize("max_chars", [20, 37, 50, TITLE_MAX_CHARS])
def test_long_headline_is_cut_between_words(max_chars):
    lead = " ".join(f"word{n}" for n in range(60)) + "."
    title = headline(lead, max_chars=max_chars)
    assert title.endswith("…")
    kept = title[:-1]
    assert len(kept) <= max_chars
    assert lead.startswith(kept)
    assert lead[len(kept)] == " "  # the cut falls between two words


def test_long_headline_drops_trailing_punctuation_before_the_ellipsis():
    lead = "Alpha beta, gamma delta epsilon zeta eta theta iota kappa lambda."
    title = headline(lead, max_chars=len("Alpha beta, g"))
    assert title == "Alpha beta…"


def test_short_headline_is_not_cut():
    lead = "A short lead sentence."
    assert headline(lead, max_chars=len(lead)) == lead


def test_explicit_title_wins_over_the_lead():
    article = new_article(
        id=None,
        title="  Given   title ",
        published=date(2024, 1, 1),
        place=None,
        region=None,
        source=None,
        body="Lead sentence here. More.",
    )
    assert article.title == "Given title"
    assert article.lead == "Lead sentence here. More."


# --- hashes and ids --------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Para  one\nwrapped.\n\nPara two.",
        " Para one wrapped. \n\n\n\nPara two. ",
        "Para one\twrapped.\r\n\r\nPara two.",
    ],
)
def test_content_hash_ignores_whitespace(body):
    day = date(2024, 1, 1)
    reference = content_hash(published=day, title="T", body="Para one wrapped.\n\nPara two.")
    assert content_hash(published=day, title="T", body=body) == reference


def test_content_hash_changes_with_the_words():
    day = date(2024, 1, 1)
    assert content_hash(published=day, title="T", body="a b") != content_hash(
        published=day, title="T", body="a c"
    )


def test_stable_id_is_16_hex_of_the_sources_own_key():
    assert stable_id(" tag:a,1 ") == hashlib.sha256(b"tag:a,1").hexdigest()[:16]


@pytest.mark.parametrize("key", [None, "", "  \n"])
def test_no_key_no_stable_id(key):
    assert stable_id(key) is None


# --- links and spacing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("https://news.example/a?b=1", True),
        ("HTTP://NEWS.EXAMPLE/", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("/home/me/page.html", False),
        ("https://news.example/a b", False),
        ("https://news.example/" + "a" * 2000, False),
        ("", False),
        (None, False),
    ],
)
def test_web_url_keeps_only_http_links(value, kept):
    assert web_url(value) == (value if kept else None)


def test_collapse_whitespace():
    assert collapse_whitespace(" one\n two\t\tthree  ") == "one two three"


def test_nul_characters_are_dropped_from_every_part():
    """They carry nothing in news text, and PostgreSQL stores no text holding one."""
    article = new_article(
        id=None,
        title="Head\x00line",
        published=date(2024, 1, 1),
        place="PA\x00RIS",
        region="\x00",
        source="A\x00FP",
        body="Body\x00 text.\n\nMore.",
        source_url="https://example.org/\x00a",
        authors="A\x00. Writer",
    )
    texts = [getattr(article, name) for name in ("title", "place", "region", "source", "body")]
    assert texts == ["Headline", "PARIS", "", "AFP", "Body text.\n\nMore."]
    assert article.source_url == "https://example.org/a" and article.authors == "A. Writer"


# --- topics ---------------------------------------------------------------------------------


def test_topics_are_kept_case_folded_once_each_in_the_source_s_order():
    tags = ["  Cocoa ", "EARN", "cocoa", "Trade\n  Policy", "", "   ", 1987, None, True, ["x"]]
    assert normal_topics(tags) == ("cocoa", "earn", "trade policy", "1987")


def test_an_over_long_topic_is_dropped_and_an_article_keeps_at_most_the_cap():
    assert normal_topics(["x" * TOPIC_MAX_CHARS, "y" * (TOPIC_MAX_CHARS + 1)]) == (
        "x" * TOPIC_MAX_CHARS,
    )
    many = normal_topics(f"tag {n}" for n in range(MAX_TOPICS + 5))
    assert many == tuple(f"tag {n}" for n in range(MAX_TOPICS))


def test_a_kept_topic_holds_no_line_break_nor_nul():
    assert normal_topics(["a\nb", "c\x00d", "Straße"]) == ("a b", "cd", "strasse")


def test_topics_are_part_of_the_story_s_hash_and_none_leave_it_as_it_was():
    parts = {"published": date(2024, 1, 1), "title": "T", "body": "B."}
    untagged = content_hash(**parts)
    assert content_hash(**parts, topics=()) == untagged
    assert content_hash(**parts, topics=("cocoa",)) != untagged
    assert content_hash(**parts, topics=("cocoa",)) != content_hash(**parts, topics=("earn",))
    made = new_article(
        id=None, title="T", published=date(2024, 1, 1), place=None, region=None, source=None,
        body="B.", topics=["Cocoa", "COCOA"],
    )  # fmt: skip
    assert made.topics == ("cocoa",)
    assert made.content_hash == content_hash(**parts, topics=("cocoa",))
