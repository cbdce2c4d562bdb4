"""Stories like a given one: the documents that share its key words, remembered per index
generation.

Whoosh's `more_like` weighs every word of the text (common ones too, by the Bo1
model) and runs an OR query of them through its scorer: 130 ms an article at 19,000
articles, most of it merging the long posting lists of words such as "officials".
Here the key words are the article's own rarer words, weighed by how often they
occur in it against how often in the index (the counts "did you mean" keeps in
memory); the documents holding them are read from the posting lists of those words
alone and scored by the sum of the weights of the key words they share.
"""

import heapq
import math
from collections import Counter
from operator import itemgetter

import numpy as np
from whoosh.searching import Searcher

from app.engine.columns import leaves_of
from app.engine.postings import read_postings
from app.engine.schema import COMMON_WORDS, WORD, indexed_form
from app.engine.vocabulary import FIELD, Lexicon, frequencies

KEY_TERMS = 10
COMMON_SHARE = 0.05  # a word used once in twenty documents or more says little of a story…
COMMON_FLOOR = 100  # …in an index large enough for such a share to mean something
REMEMBERED = 4096  # related lists kept, the most recently used


def key_terms(title: str, body: str, lexicon: Lexicon, documents: int) -> dict[str, float]:
    """The words that mark a story out, each with its weight: how often it uses it (title
    and body) times how rare it is in the index (bodies). A word no other body holds
    cannot relate the story to another."""
    in_body = Counter(map(indexed_form, WORD.findall(body)))
    counts = in_body + Counter(map(indexed_form, WORD.findall(title)))
    words = [w for w in counts if len(w) > 2 and w.isalpha() and w not in COMMON_WORDS]
    ceiling = max(COMMON_SHARE * documents, COMMON_FLOOR)
    weights = {
        word: counts[word] * math.log(1 + documents / total)
        for word, total in frequencies(lexicon, words).items()
        if in_body[word] < total <= ceiling
    }
    return dict(heapq.nlargest(KEY_TERMS, weights.items(), key=itemgetter(1)))


def most_alike(searcher: Searcher, docnum: int, terms: dict[str, float], count: int) -> list[str]:
    """Ids of the `count` live documents, `docnum` aside, that share the most key weight."""
    reader = searcher.reader()
    scores = np.zeros(reader.doc_count_all(), dtype=np.float64)
    for leaf in leaves_of(searcher):
        for term, weight in terms.items():
            postings = read_postings(leaf.reader, leaf.segment_id, FIELD, term.encode())
            scores[postings.docs + leaf.offset] += weight
    scores[docnum] = 0
    ids: list[str] = []
    for candidate in _best_first(scores):
        if not reader.is_deleted(candidate):
            # Searcher copies stored_fields from its reader at run time; its types omit it
            ids.append(searcher.stored_fields(candidate)["id"])  # type: ignore[attr-defined]
        if len(ids) == count:
            break
    return ids


def _best_first(scores: np.ndarray) -> list[int]:
    """The documents with a score, highest first, the earlier of equals first."""
    scored = np.flatnonzero(scores)
    order = np.lexsort((scored, -scores[scored]))
    return [int(docnum) for docnum in scored[order]]
