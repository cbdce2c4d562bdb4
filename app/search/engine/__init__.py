"""The search engine: the only code that imports Whoosh.

The query layer hands it a query's text, a `Filters` value and the page it wants, and
gets ids, totals and tallies back (`Hits`); how the index is kept and read stays in here.
"""

from app.search.engine.cache import Cache
from app.search.engine.cases import LOWER, UPPER, Forms, is_shorthand, written
from app.search.engine.forks import die_with
from app.search.engine.index import BULK_BATCH, Hits, SearchIndex
from app.search.engine.language import MAX_QUERY_WORDS, MAX_WILDCARDS, MIN_WILDCARD_LETTERS
from app.search.engine.rates import Rates
from app.search.engine.schema import COMMON_WORDS, WORD, indexed_form
from app.search.engine.snippets import highlight, snippet

__all__ = [
    "BULK_BATCH",
    "Cache",
    "COMMON_WORDS",
    "LOWER",
    "MAX_QUERY_WORDS",
    "MAX_WILDCARDS",
    "MIN_WILDCARD_LETTERS",
    "UPPER",
    "WORD",
    "Forms",
    "Hits",
    "Rates",
    "SearchIndex",
    "die_with",
    "highlight",
    "indexed_form",
    "is_shorthand",
    "snippet",
    "written",
]
