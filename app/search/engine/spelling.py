"""Respelling a query word by word: the "did you mean" of a search that found little.

Only plain words are respelt: not field names, wildcards, quoted phrases or
operators. A word is kept when the index knows it; otherwise it becomes the likeliest
indexed word near it: nearest first (one edit, then two), and with the same first
letter first, since people seldom mistype that, and the most frequent word two edits
from "cocao" is "local", not "cocoa".
"""

import re

import numpy as np
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from app.search.engine.schema import TEXT_FIELDS
from app.search.engine.vocabulary import Lexicon, Vocabularies, distances

STEPS = ((1, True), (2, True), (1, False))  # (edits, whether the first letter must match)
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
    # Whoosh annotates the term's text as bytes; str is what it is given everywhere else
    if any((field, lowered) in reader for field in TEXT_FIELDS):  # type: ignore[operator]
        return word
    return nearest(lowered, vocabularies.of(reader)) or word


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
