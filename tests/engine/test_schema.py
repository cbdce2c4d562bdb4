"""app.engine.schema: what the index stores of an article."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.helpers import make
from whoosh.analysis.tokenizers import RegexTokenizer

from app.engine.schema import WORD, day_from_number, day_number, document, indexed_form


def test_day_number():
    assert day_number(date(2025, 10, 17)) == 20251017
    assert (
        day_number(date(2024, 1, 5)) < day_number(date(2024, 1, 6)) < day_number(date(2025, 1, 1))
    )


def test_day_from_number_undoes_day_number():
    for day in (date(1987, 2, 26), date(2024, 2, 29), date(2025, 12, 31)):
        assert day_from_number(day_number(day)) == day


def test_a_document_holds_the_article_with_empty_names_for_none():
    article = make("x1", "Text.", date(2024, 1, 5), place=None)
    indexed = document(article)
    assert (indexed["id"], indexed["published"], indexed["place"]) == ("x1", 20240105, "")
    assert indexed["content_hash"] == article.content_hash


def test_words_are_indexed_lower_cased_without_accents_or_acronym_dots():
    assert [indexed_form(w) for w in ("Budapest", "São", "U.S.")] == ["budapest", "sao", "us"]


@pytest.mark.parametrize(
    ("number", "day"),
    [(20240229, date(2024, 2, 29)), (19870101, date(1987, 1, 1)), (99991231, date(9999, 12, 31))],
)
def test_day_from_number_reads_the_index_dates(number, day):
    assert day_from_number(number) == day


@given(st.text(alphabet=st.sampled_from("aZ9é_*.. -\n'"), max_size=60) | st.text(max_size=60))
def test_word_finds_the_words_the_analyzer_tokenizer_finds(text):
    tokenizer = RegexTokenizer().expression
    assert [m.span() for m in WORD.finditer(text)] == [m.span() for m in tokenizer.finditer(text)]
