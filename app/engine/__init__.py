"""The search engine: the only code that imports Whoosh.

The query layer hands it a query's text, a `Filters` value and the page it wants, and
gets ids, totals and tallies back (`Hits`); how the index is kept and read stays in here.
"""

from app.engine.cache import Cache
from app.engine.cases import LOWER, UPPER, Forms, is_shorthand, written
from app.engine.index import BULK_BATCH, Hits, SearchIndex
from app.engine.language import MAX_QUERY_WORDS, MAX_WILDCARDS, MIN_WILDCARD_LETTERS
from app.engine.rates import Rates
from app.engine.schema import COMMON_WORDS, WORD, indexed_form
from app.engine.snippets import highlight, snippet

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
    "highlight",
    "indexed_form",
    "is_shorthand",
    "snippet",
    "written",
]
