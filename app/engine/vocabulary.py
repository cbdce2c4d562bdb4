"""The words of the body field with their frequencies, kept in memory for "did you mean".

Whoosh's corrector walks the field's whole term list in Python, a Levenshtein
automaton per segment, for every word it respells: a second and more at 100,000
articles. Here the words are read once per segment (segments never change once
written) into numpy arrays, one a word length, sorted; the arrays of the segments a
searcher sees are merged once per index generation. A respelling then computes the
edit distance to every word of the right lengths at once, in numpy.

Only words of letters are kept (a number or a code is never a better spelling of a
word), with their frequency over all documents, as Whoosh's corrector ranks them.
"""

import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from whoosh.reading import IndexReader

from app.engine.columns import segment_id
from app.engine.segment_terms import field_terms

FIELD = "body"
Codes = npt.NDArray[np.uint32]  # a word a row, its letters as code points
Counts = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Words:
    """Words of one length, sorted, each with its frequency."""

    codes: Codes
    counts: Counts

    @classmethod
    def of(cls, text: npt.NDArray[np.str_], counts: Counts) -> "Words":
        """From sorted words of one length (a numpy string array) and their frequencies."""
        length = text.dtype.itemsize // 4  # numpy keeps 4 bytes a character
        return cls(text.view(np.uint32).reshape(len(text), length), counts)

    def starting(self, letter: str) -> "Words":
        """The words that begin with `letter`: a slice, they being sorted."""
        first = self.codes[:, 0]
        low, high = np.searchsorted(first, [ord(letter), ord(letter) + 1])
        return Words(self.codes[low:high], self.counts[low:high])


Lexicon = dict[int, Words]  # by word length


@dataclass(frozen=True)
class Spellings:
    """One segment's words of one length as UTF-8, with their frequencies: a quarter of
    the memory of code points for the mostly ASCII words of news, kept for as long as
    the segment lives."""

    text: npt.NDArray[np.bytes_]
    counts: npt.NDArray[np.int32]

    def size(self) -> int:
        return int(self.text.nbytes + self.counts.nbytes)


SegmentLexicon = dict[int, Spellings]  # by word length in characters


def segment_lexicon(reader: IndexReader) -> SegmentLexicon:
    """The letter words of one segment's body field by length, with their frequencies."""
    by_length: dict[int, tuple[list[bytes], list[int]]] = {}
    for term, weight in field_terms(reader, FIELD):
        word = term.decode("utf-8")
        if word.isalpha():
            terms, counts = by_length.setdefault(len(word), ([], []))
            terms.append(term)
            counts.append(int(weight))
    return {
        length: Spellings(np.array(terms, dtype=np.bytes_), np.array(counts, dtype=np.int32))
        for length, (terms, counts) in by_length.items()
    }


def merged(lexicons: list[SegmentLexicon]) -> Lexicon:
    """One lexicon of several segments': each word once, its frequencies summed."""
    lengths = {length for lexicon in lexicons for length in lexicon}
    return {
        length: _merged([lex[length] for lex in lexicons if length in lex], length)
        for length in lengths
    }


def _merged(parts: list[Spellings], length: int) -> Words:
    text = np.concatenate([part.text for part in parts])
    unique, inverse = np.unique(text, return_inverse=True)  # UTF-8 sorts as code points do
    counts = np.bincount(inverse, weights=np.concatenate([part.counts for part in parts]))
    words = np.char.decode(unique, "utf-8").astype(f"<U{length}")
    return Words.of(words, counts.astype(np.int64))


class Vocabularies:
    """The merged lexicon of the segments a searcher sees, built once per set of segments.

    Segments' own lexicons are kept while a searcher still sees the segment, so that a
    commit costs only the reading of the segments it wrote.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._segments: dict[str, SegmentLexicon] = {}
        self._current: tuple[tuple[str, ...], Lexicon] = ((), {})

    def of(self, reader: IndexReader) -> Lexicon:
        """The lexicon of every segment under `reader`."""
        leaves = [leaf for leaf, _offset in reader.leaf_readers()]
        names = tuple(segment_id(leaf) for leaf in leaves)
        with self._lock:
            if self._current[0] != names:
                lexicons = {
                    name: self._lexicon(name, leaf)
                    for name, leaf in zip(names, leaves, strict=True)
                }
                self._segments = lexicons
                self._current = (names, merged(list(lexicons.values())))
            return self._current[1]

    def _lexicon(self, name: str, leaf: IndexReader) -> SegmentLexicon:
        known = self._segments.get(name)
        return known if known is not None else segment_lexicon(leaf)

    def nbytes(self) -> int:
        """Bytes the arrays take: the merged lexicon and the segments'."""
        with self._lock:
            words = list(self._current[1].values())
            spellings = [part for lexicon in self._segments.values() for part in lexicon.values()]
        merged_bytes = sum(part.codes.nbytes + part.counts.nbytes for part in words)
        return merged_bytes + sum(part.size() for part in spellings)


def commonest(lexicon: Lexicon, count: int, shortest: int = 1) -> list[tuple[str, int]]:
    """The `count` most frequent words of `shortest` letters or more, with their
    frequencies, the commonest first (equal ones in alphabetical order)."""
    best: list[tuple[str, int]] = []
    for length, words in lexicon.items():
        if length >= shortest:
            top = np.argsort(-words.counts, kind="stable")[:count]  # alphabetical among equals
            texts = words.codes[top].view(f"<U{length}").ravel()
            best.extend(zip(texts.tolist(), words.counts[top].tolist(), strict=True))
    return sorted(best, key=lambda pair: (-pair[1], pair[0]))[:count]


def distances(word: str, words: Words, limit: int) -> npt.NDArray[np.int64]:
    """The optimal-string-alignment distance (Damerau-Levenshtein, as Whoosh's
    `terms_within` measures it) from `word` to each of `words`, computed for all at once;
    values above `limit` are only known to be above it."""
    count, length = words.codes.shape
    columns = np.arange(length + 1)
    query = np.array([ord(letter) for letter in word], dtype=np.uint32)
    before, row = None, np.broadcast_to(columns, (count, length + 1))
    for i in range(1, len(query) + 1):
        cost = words.codes != query[i - 1]
        best = np.empty((count, length + 1), dtype=np.int64)
        best[:, 0] = i
        best[:, 1:] = np.minimum(row[:, 1:] + 1, row[:, :-1] + cost)
        if before is not None and length > 1:
            swapped = (
                (words.codes[:, :-1] == query[i - 1])
                & (words.codes[:, 1:] == query[i - 2])
                & cost[:, 1:]
            )
            np.minimum(best[:, 2:], before[:, :-2] + 1, out=best[:, 2:], where=swapped)
        # an insertion: best[j] = min over t <= j of best[t] + (j - t), a running minimum
        before, row = row, np.minimum.accumulate(best - columns, axis=1) + columns
        if row.min(initial=limit + 1) > limit:
            break
    return row[:, length]


def frequencies(lexicon: Lexicon, words: Iterable[str]) -> dict[str, int]:
    """The frequency of each of `words` that `lexicon` holds, looked up a length at a time."""
    by_length: dict[int, list[str]] = {}
    for word in words:
        by_length.setdefault(len(word), []).append(word)
    found: dict[str, int] = {}
    for length, wanted in by_length.items():
        held = lexicon.get(length)
        if held is None:
            continue
        texts = held.codes.view(f"<U{length}").ravel()  # the rows as strings, still sorted
        asked = np.array(wanted, dtype=f"<U{length}")
        at = np.minimum(np.searchsorted(texts, asked), len(texts) - 1)
        for word, position, hit in zip(wanted, at.tolist(), texts[at] == asked, strict=True):
            if hit:
                found[word] = int(held.counts[position])
    return found
