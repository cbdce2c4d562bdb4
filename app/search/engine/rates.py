"""How many of the index's documents hold a word, or two words as a phrase, in the body:
the archive's rates that a sample of a search's matches is weighed against (see
`app/search/terms.py`).

A word's is Whoosh's own statistic (`doc_frequency`): a lookup in each segment's term
table on disk, 40 µs a segment, and a sample's candidates are a thousand words. They are
kept for the index generation (segments never change), as most of them (company, shares,
talks) are asked again by the next search. A phrase's is the engine's phrase search
(`evaluate.py`), whose matches are kept for the generation too: the names a query lists
cost their positions once, and a reader's click that narrows the search to one of them
finds it read already. Both count every document the index holds, deleted ones not yet
merged away included, as Whoosh's statistics do, over the same total (`doc_count_all`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from whoosh.query.positional import Phrase

from app.search.engine.cache import Cache
from app.search.engine.columns import Generation
from app.search.engine.evaluate import Scope, evaluate

FIELD = "body"
WORDS_KEPT = 100_000  # (generation, word) frequencies: about 15 MB


@dataclass(frozen=True)
class Rates:
    """Documents in all, and how many hold each word and each phrase of two words."""

    documents: int
    words: dict[str, int]
    phrases: dict[tuple[str, str], int]


_words: Cache[tuple[Generation, str], int] = Cache(WORDS_KEPT)


def body_rates(searched: Scope, words: Iterable[str], phrases: Iterable[tuple[str, str]]) -> Rates:
    """The rates of `words` and `phrases` (indexed forms) in the body field."""
    reader = searched.searcher.reader()
    held = {
        word: _words.get_or_make(
            (searched.generation, word), partial(reader.doc_frequency, FIELD, word)
        )
        for word in words
    }
    searched.check_time()
    together = {pair: len(evaluate(Phrase(FIELD, list(pair)), searched)) for pair in phrases}
    return Rates(reader.doc_count_all(), held, together)
