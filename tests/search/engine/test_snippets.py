"""app.search.engine.snippets: HTML-safe excerpts around the matched words."""

from html import unescape

from app.search.engine.snippets import snippet


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
