"""app.engine.snippets: HTML-safe excerpts around the matched words."""

from html import unescape

from hypothesis import given
from hypothesis import strategies as st

from app.engine.schema import WORD, indexed_form
from app.engine.snippets import _matches, _matches_word_by_word, snippet


def test_snippet_marks_matches_and_escapes_html():
    text = "<script>alert(1)</script> Budapest"
    html = snippet(text, ["budapest"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>Budapest</mark>" in html


def test_snippet_marks_words_in_any_case_and_with_accents_folded():
    html = snippet("Meetings were held in São Paulo.", ["meetings", "sao"])
    assert "<mark>Meetings</mark>" in html
    assert "<mark>São</mark>" in html


def test_snippet_keeps_the_punctuation_around_matches():
    html = snippet(
        "\u201cTalks,\u201d he said, \u201cwill be held in Budapest.\u201d", ["budapest"]
    )
    assert html.startswith("\u201cTalks")
    assert html.endswith("<mark>Budapest</mark>.\u201d")


def test_snippet_of_a_long_text_is_around_the_match():
    text = "filler " * 200 + "Budapest" + " tail" * 200
    html = snippet(text, ["budapest"], max_chars=120)
    assert "<mark>Budapest</mark>" in html
    assert len(html) < len(text) // 4


def test_snippet_without_terms_is_the_escaped_start():
    text = "Tom & Jerry <b>bold</b> " + "word " * 100
    html = snippet(text, [], max_chars=60)
    assert html.startswith("Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt;")
    assert "<b>" not in html and "<mark>" not in html
    assert html.endswith(" …")
    assert text.startswith(unescape(html.removesuffix(" …")))


def test_snippet_of_a_short_text_without_terms_is_all_of_it():
    assert snippet("Short & sweet.", []) == "Short &amp; sweet."


def test_snippet_with_terms_that_do_not_occur_is_the_start():
    assert snippet("Nothing <here> matches.", ["budapest"]) == "Nothing &lt;here&gt; matches."


# --- windows ------------------------------------------------------------------------------------

FILLER = "Nothing to see in this sentence at all. " * 30


def visible(html: str) -> str:
    """The text a reader sees of a snippet."""
    return unescape(html.replace("<mark>", "").replace("</mark>", ""))


def test_terms_far_apart_get_a_fragment_each_within_the_length():
    text = "Putin spoke first. " + FILLER + "Then Trump answered. " + FILLER
    html = snippet(text, ["putin", "trump"])
    assert "<mark>Putin</mark>" in html and "<mark>Trump</mark>" in html
    assert html.count(" … ") == 1 and html.endswith(" …") and not html.startswith("…")
    assert len(visible(html)) <= 240 + 2 * 20 + len(" … …")


def test_terms_close_together_share_one_fragment():
    text = FILLER + "Putin met Trump in Budapest. " + FILLER
    html = snippet(text, ["putin", "trump"])
    assert html.startswith("… ") and html.endswith(" …") and html.count("…") == 2
    assert "<mark>Putin</mark> met <mark>Trump</mark>" in html


def test_the_window_holding_the_most_terms_wins_over_the_first():
    text = "Budapest is far. " + FILLER + "Putin met Trump in Budapest. " + FILLER
    html = snippet(text, ["putin", "trump", "budapest"], max_chars=120)
    assert "<mark>Putin</mark> met <mark>Trump</mark> in <mark>Budapest</mark>" in html


def test_a_fragment_starts_and_ends_on_whole_words():
    text = FILLER + "Budapest " + FILLER
    html = snippet(text, ["budapest"])
    for fragment in visible(html).removeprefix("… ").removesuffix(" …").split(" … "):
        assert f" {fragment} " in f" {text} "


def test_acronyms_and_accents_are_marked_as_written():
    html = snippet(FILLER + "The U.S. envoy flew to São Paulo. " + FILLER, ["us", "sao"])
    assert "<mark>U.S</mark>." in html and "<mark>São</mark>" in html


def test_a_text_without_spaces_gives_a_bounded_snippet():
    text = "x" * 5000 + " Budapest " + "y" * 5000
    html = snippet(text, ["budapest"])
    assert "<mark>Budapest</mark>" in html
    assert len(html) < 400


@given(
    st.text(alphabet=st.sampled_from("ab <&>\"'.\n"), max_size=600),
    st.sets(st.sampled_from(["a", "b", "ab", "ba"]), max_size=3),
    st.integers(min_value=20, max_value=300),
)
def test_a_snippet_is_escaped_text_of_the_article(text, terms, max_chars):
    html = snippet(text, terms, max_chars=max_chars)
    assert "<" not in html.replace("<mark>", "").replace("</mark>", "")
    for fragment in visible(html).removeprefix("… ").removesuffix(" …").split(" … "):
        assert fragment in text


# --- the ASCII pattern ----------------------------------------------------------------------------

ASCII_TEXT = st.text(alphabet="abuUsSA1_*. .,-'\n", max_size=60)


@given(ASCII_TEXT, st.lists(st.text(alphabet="abus1_*.", min_size=1, max_size=4), max_size=4))
def test_ascii_words_are_found_as_the_index_cuts_words(text, others):
    """The pattern of the searched words finds exactly the words whose indexed form is
    searched, acronyms (`U.S` for `us`) and dotted words (`a.b`, `1.5`) included."""
    words = [indexed_form(match.group()) for match in WORD.finditer(text)]
    for terms in (frozenset(words[::2] + others), frozenset(others), frozenset(words)):
        assert _matches(text, terms) == _matches_word_by_word(text, terms)


def test_the_ascii_pattern_marks_acronyms_and_whole_words_only():
    html = snippet("The U.S. and US oil; U.S.A. and bus.es and oils.", ["us", "oil"])
    assert html == (
        "The <mark>U.S</mark>. and <mark>US</mark> <mark>oil</mark>; U.S.A. and bus.es and oils."
    )
