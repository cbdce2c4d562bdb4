"""How many of the index's documents hold a word, or two words as a phrase, in the body:
the archive's rates that a sample of a search's matches is weighed against (see
`app/search/significant.py`).

A word's is Whoosh's own statistic (`doc_frequency`): a lookup in each segment's term
table on disk, 40 µs a segment, and a sample's candidates are a thousand words. They are
kept for the index generation (segments never change), as most of them (company, shares,
talks) are asked again by the next search. A phrase's is the engine's phrase search
(`evaluate.py`), whose matches are kept for the generation too: the names a query lists
cost their positions once, and a reader's click that narrows the search to one of them
finds it read already. Both count every document the index holds, deleted ones not yet
merged away included, as Whoosh's statistics do, over the same total (`doc_count_all`).

The same frequencies say how the archive writes a word (`archive_cases`): in capitals,
or (shorthand) in lower case, when more than half of the documents that hold it in the
body write it so (the case fields of `schema.py`, see `cases.py`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from whoosh.query.positional import Phrase
from whoosh.reading import IndexReader

from app.engine.cache import Cache
from app.engine.columns import Generation, segment_id
from app.engine.evaluate import Scope, evaluate
from app.engine.schema import CASE_FIELDS, indexed_form
from app.engine.segment_terms import held_anywhere

FIELD = "body"
WORDS_KEPT = 100_000  # (generation, word) frequencies: about 15 MB


@dataclass(frozen=True)
class Rates:
    """Documents in all, and how many hold each word and each phrase of two words."""

    documents: int
    words: dict[str, int]
    phrases: dict[tuple[str, str], int]


_words: Cache[tuple[Generation, str], int] = Cache(WORDS_KEPT)
_cased: Cache[tuple[str, str, str], int] = Cache(WORDS_KEPT)  # by segment, field and term
_said: Cache[tuple[tuple[str, ...], str], str] = Cache(WORDS_KEPT)  # by segments and word


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


def archive_cases(reader: IndexReader, words: Iterable[str]) -> dict[str, str]:
    """Of `words` (in capitals), those the archive mostly writes in capitals (UPPER) or,
    shorthand, in lower case (LOWER). Each word's answer is kept while the segments last; a
    word asked first costs a lookup in memory (`segment_terms.held_anywhere`) and, if some document
    writes it so, its frequencies in each segment once (a commit adds a segment: only its
    own are looked up)."""
    leaves = [(leaf, segment_id(leaf)) for leaf, _offset in reader.leaf_readers()]
    segments = tuple(segment for _leaf, segment in leaves)
    said = {word: _said.get((segments, word)) for word in words}
    unknown = {indexed_form(word): word for word, case in said.items() if case is None}
    for case, field in CASE_FIELDS.items() if unknown else ():
        for held in held_anywhere(reader, field, [term.encode() for term in unknown]):
            term = held.decode()
            written, holding = (
                sum(_segment_frequency(leaf, segment, name, term) for leaf, segment in leaves)
                for name in (field, FIELD)
            )
            if 2 * written > holding and not said[unknown[term]]:
                said[unknown[term]] = case
    for word in unknown.values():
        _said.put((segments, word), said[word] or "")  # "": the archive says nothing
    return {word: case for word, case in said.items() if case}


def _segment_frequency(leaf: IndexReader, segment: str, field: str, term: str) -> int:
    """Documents of one segment holding `term` in `field`, deleted ones included."""
    return _cased.get_or_make((segment, field, term), partial(leaf.doc_frequency, field, term))
