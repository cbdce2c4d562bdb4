"""app.engine.language: the query language's guards, and `-` inside brackets."""

import pytest

from app.engine.language import MAX_QUERY_WORDS, MAX_WILDCARDS, parse
from app.errors import InvalidQuery


@pytest.mark.parametrize(
    "q",
    [
        "budap*",
        " ".join(f"w{n}{n}*" for n in range(MAX_WILDCARDS)),
        '"unclosed quote',
        "title:",
        "budapest AND",
        "(budapest",
        "c++ & <b>",
    ],
)
def test_odd_but_harmless_queries_parse(q):
    assert parse(q) is not None


def test_too_many_words_are_refused():
    with pytest.raises(InvalidQuery, match="words"):
        parse(" ".join(["w"] * (MAX_QUERY_WORDS + 1)))


@pytest.mark.parametrize(
    ("q", "excluded"),
    [("a (-x)", "x"), ("(-x) a", "x"), ("a (b -x)", "x"), ("a ((-x))", "x"), ("a (-x -y)", "y")],
)
def test_a_minus_inside_brackets_excludes(q, excluded):
    assert "ANDNOT" in str(parse(q))
    assert f"<{excluded}>" in str(parse(q)).split("ANDNOT", 1)[1]
