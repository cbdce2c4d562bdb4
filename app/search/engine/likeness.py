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
import threading
from collections import Counter, OrderedDict
from operator import itemgetter

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.mcore import Matcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from app.search.engine.schema import COMMON_WORDS, WORD, indexed_form
from app.search.engine.vocabulary import FIELD, Lexicon, frequencies

KEY_TERMS = 10
COMMON_SHARE = 0.05  # a word used once in twenty documents or more says little of a story…
COMMON_FLOOR = 100  # …in an index large enough for such a share to mean something
REMEMBERED = 4096  # related lists kept; the newest generation's, the most recently used


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
    for leaf, offset in reader.leaf_readers():
        for term, weight in terms.items():
            try:
                postings = leaf.postings(FIELD, term)
            except TermNotFound:  # most rarer words are in some segments only
                continue
            scores[_posting_ids(postings) + offset] += weight
    scores[docnum] = 0
    ids: list[str] = []
    for candidate in _best_first(scores):
        if not reader.is_deleted(candidate):
            # Searcher copies stored_fields from its reader at run time; its types omit it
            ids.append(searcher.stored_fields(candidate)["id"])  # type: ignore[attr-defined]
        if len(ids) == count:
            break
    return ids


def _posting_ids(matcher: Matcher) -> npt.NDArray[np.int64]:
    """The document numbers of one segment's posting list, read a block at a time.

    `all_ids` yields them one at a time through three method calls each: most of the
    time of a related list. The on-disk matcher of the pinned whoosh3 keeps a block's
    ids whole (in private attributes); any other matcher goes the slow way. Deleted
    documents are left in (the wrapper that hides them is skipped): the caller skips them.
    """
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        return np.fromiter(matcher.all_ids(), np.int64)
    blocks = []
    while matcher.is_active():  # type: ignore[no-untyped-call]  # unannotated in Whoosh
        matcher._read_ids()  # type: ignore[no-untyped-call]
        blocks.append(np.fromiter(matcher._ids or (), np.int64))
        matcher._next_block()  # type: ignore[no-untyped-call]
    return np.concatenate(blocks) if blocks else np.zeros(0, np.int64)


def _best_first(scores: np.ndarray) -> list[int]:
    """The documents with a score, highest first, the earlier of equals first."""
    scored = np.flatnonzero(scores)
    order = np.lexsort((scored, -scores[scored]))
    return [int(docnum) for docnum in scored[order]]


class Remembered:
    """Related lists of one index generation, the most recently used kept, at most `size`.

    A commit makes a new generation, and the first lookup in it forgets the old one's:
    an answer is never older than the index it was asked of. A searcher of an older
    generation, still lent to another thread, is answered afresh and forgets nothing.
    """

    def __init__(self, size: int = REMEMBERED) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._generation = -1
        self._lists: OrderedDict[tuple[str, int], list[str]] = OrderedDict()

    def get(self, generation: int, key: tuple[str, int]) -> list[str] | None:
        with self._lock:
            if generation > self._generation:
                self._generation = generation
                self._lists.clear()
            found = self._lists.get(key) if generation == self._generation else None
            if found is not None:
                self._lists.move_to_end(key)
            return found

    def put(self, generation: int, key: tuple[str, int], ids: list[str]) -> None:
        with self._lock:
            if generation == self._generation:
                self._lists[key] = ids
                if len(self._lists) > self._size:
                    self._lists.popitem(last=False)

    def __len__(self) -> int:
        return len(self._lists)
