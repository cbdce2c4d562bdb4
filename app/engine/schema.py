"""What the index holds of an article, and how its words are cut: the index's one schema.

Words are indexed as written (any case, accents folded), not stemmed: wildcards and
"did you mean" then work on real words, and word forms come from the query side
(`Variations`, see `language.py`). The date, place, source and id are columns, read
into arrays once a segment for the filters, facets and order (`columns.py`); an article's
topics, any number, are terms of `topics`, whose postings are read into a column too.
"""

import functools
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import date

# from the defining modules: whoosh.analysis re-exports them implicitly, which mypy refuses
from whoosh.analysis.acore import Token
from whoosh.analysis.filters import STOP_WORDS, CharsetFilter, Filter, LowercaseFilter
from whoosh.analysis.tokenizers import IDTokenizer, RegexTokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.support.charset import accent_map

from app.article import Article
from app.engine.cases import LOWER, UPPER, cased_words
from app.facets import many_valued, one_valued

TEXT_FIELDS = ("title", "body")
COMMON_WORDS = frozenset(STOP_WORDS)  # too common to be worth a query on their own


class AcronymFilter(Filter):
    """U.S. and U.K. are indexed as us and uk, so that `US` and `U.S.` find each other."""

    # matches Whoosh's Filter.__call__, which its types let differ from Composable's
    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]
        for token in tokens:
            parts = token.text.split(".")
            if len(parts) > 1 and all(len(part) == 1 and part.isalpha() for part in parts):
                token.text = "".join(parts)
            yield token


# An index written before the engine had a floor of its own names this module's classes by
# their old path in its pickled schema (`app.search.engine.schema.AcronymFilter`): the old
# path leads here, so that such an index opens as it is rather than being built again.
sys.modules.setdefault("app.search.engine", sys.modules["app.engine"])
sys.modules.setdefault("app.search.engine.schema", sys.modules[__name__])

ANALYZER = RegexTokenizer() | LowercaseFilter() | AcronymFilter() | CharsetFilter(accent_map)
# What ANALYZER splits text at: the same words as its tokenizer's `[\w\*]+(\.?[\w\*]+)*`,
# found in half the time (no optional dot inside a repeat for the engine to backtrack over)
WORD = re.compile(r"[\w*]+(?:\.[\w*]+)*")
SCHEMA_VERSION = 7  # raise it with any change to SCHEMA, ANALYZER or COMPOUND: older ones rebuild
_NAME = IDTokenizer() | LowercaseFilter()  # place, source: one term any case; column as is
TAGS_SEPARATOR = "\n"  # no kept topic holds one (`normal_topics`)
# topics: a term a topic, as kept (case-folded already); their postings are its column
_TAGS = RegexTokenizer(r"[^\n]+")
# the words an article's text writes in capitals, and its shorthand in lower case (`cases.py`)
CASE_FIELDS = {UPPER: "capitals", LOWER: "shorthand"}
SCHEMA = Schema(
    id=ID(stored=True, unique=True, sortable=True),
    content_hash=ID(stored=True),
    title=TEXT(analyzer=ANALYZER, field_boost=2.0, phrase=True),
    body=TEXT(analyzer=ANALYZER, phrase=True),
    published=NUMERIC(int, bits=32, sortable=True, signed=False),
    thread=ID(sortable=True),  # its story thread's first article (`app.threads`)
    capitals=KEYWORD(),  # terms as `indexed_form` makes them, one a word
    shorthand=KEYWORD(),
    # a column a one-valued facet (place, source), a term a value for a many-valued one
    **{f.field: ID(analyzer=_NAME, sortable=True) for f in one_valued()},
    **{f.field: ID(analyzer=_TAGS) for f in many_valued()},
)


def day_number(day: date) -> int:
    """A date as the integer the index stores and sorts on (20251017)."""
    return day.year * 10000 + day.month * 100 + day.day


@functools.lru_cache(maxsize=100_000)  # a facet's days are converted on every search
def day_from_number(number: int) -> date:
    """The date of a yyyymmdd integer, as the index stores it."""
    return date(number // 10000, number // 100 % 100, number % 100)


def document(article: Article) -> dict[str, object]:
    """The fields the index keeps of an article."""
    return {
        "id": article.id,
        "content_hash": article.content_hash,
        "title": article.title,
        "body": article.body,
        "published": day_number(article.published),
        "thread": article.thread or article.id,
        **{f.field: getattr(article, f.field) or "" for f in one_valued()},
        **{f.field: TAGS_SEPARATOR.join(getattr(article, f.field)) for f in many_valued()},
        **_cases(article.body),
    }


def _cases(body: str) -> dict[str, str]:
    """The case fields of a body: its words in capitals, its shorthand in lower case."""
    found = cased_words(body)
    return {
        field: " ".join(sorted({indexed_form(word) for word in found[case]}))
        for case, field in CASE_FIELDS.items()
    }


@functools.lru_cache(maxsize=100_000)
def indexed_form(word: str) -> str:
    """The term ANALYZER indexes one word as (lower-cased, acronym dots and accents gone)."""
    return next(iter(ANALYZER(word)), Token(text="")).text
