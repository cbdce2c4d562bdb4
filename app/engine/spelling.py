"""Respelling a query word by word: the "did you mean" of a search that found little.

Only plain words are respelt: not field names, wildcards, quoted phrases or
operators. A word the index does not know becomes the likeliest indexed word near it:
nearest first (one edit, then two), and with the same first letter first, since people
seldom mistype that, and the most frequent word two edits from "cocao" is "local", not
"cocoa". A word it knows is kept, unless it is rare and a word one edit away is far
commoner: "prise" (in a few stories) in "oil prise" is a slip for "price".
"""

import re

import numpy as np
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from app.engine.schema import TEXT_FIELDS
from app.engine.vocabulary import Lexicon, Vocabularies, distances, frequencies

STEPS = ((1, True), (2, True), (1, False))  # (edits, whether the first letter must match)
RARE = 5  # documents: a known word this rare may be a slip...
FAR_COMMONER = 20  # ...for a word one edit away in this many times as many documents
OPERATORS = ("AND", "OR", "NOT", "TO")
_PLAIN_WORD = re.compile(r"(?<![\w:*?\"'])([^\W\d_]{3,})(?![\w:*?])")


def respell(text: str, searcher: Searcher, vocabularies: Vocabularies) -> str | None:
    """`text` with each unknown plain word respelt; None when nothing changed."""
    if text.count('"') % 2:
        return None
    reader = searcher.reader()
    parts = text.split('"')  # the even parts are outside quotes: phrases stay as written
    for number in range(0, len(parts), 2):
        parts[number] = _PLAIN_WORD.sub(
            lambda word: _word(word.group(1), reader, vocabularies), parts[number]
        )
    respelt = '"'.join(parts)
    return None if respelt == text else respelt


def _word(word: str, reader: IndexReader, vocabularies: Vocabularies) -> str:
    if word in OPERATORS:
        return word
    lowered = word.lower()
    lexicon = vocabularies.of(reader)
    # Whoosh annotates the term's text as bytes; str is what it is given everywhere else
    if not any((field, lowered) in reader for field in TEXT_FIELDS):  # type: ignore[operator]
        return nearest(lowered, lexicon) or word
    count = frequencies(lexicon, [lowered]).get(lowered, 0)
    commoner = _likeliest(lowered, lexicon, 1, True) if count < RARE else None
    if commoner and frequencies(lexicon, [commoner])[commoner] >= FAR_COMMONER * max(count, 1):
        return commoner
    return word


def nearest(word: str, lexicon: Lexicon) -> str | None:
    """The likeliest word of `lexicon` near `word` (not it), or None."""
    for edits, same_start in STEPS:
        found = _likeliest(word, lexicon, edits, same_start)
        if found is not None:
            return found
    return None


def _likeliest(word: str, lexicon: Lexicon, edits: int, same_start: bool) -> str | None:
    """The most frequent word within `edits` of `word`, the later in the alphabet of equals
    (as Whoosh's corrector chose)."""
    best: tuple[int, str] | None = None
    for length in range(len(word) - edits, len(word) + edits + 1):
        words = lexicon.get(length)
        if words is not None and same_start:
            words = words.starting(word[0])
        if words is None or not len(words.counts):
            continue
        found = distances(word, words, edits)
        near = np.flatnonzero((found > 0) & (found <= edits))
        if len(near):
            top = near[words.counts[near] == words.counts[near].max()][-1]  # sorted: the last
            candidate = (int(words.counts[top]), words.codes[top].tobytes().decode("utf-32-le"))
            best = candidate if best is None else max(best, candidate)
    return None if best is None else best[1]
