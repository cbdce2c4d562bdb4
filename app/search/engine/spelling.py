"""Respelling a query word by word: the "did you mean" of a search that found little.

Only plain words are respelt: not field names, wildcards, quoted phrases or
operators. A word is kept when the index knows it; otherwise it becomes the likeliest
indexed word near it: nearest first (one edit, then two), and with the same first
letter first, since people seldom mistype that, and the most frequent word two edits
from "cocao" is "local", not "cocoa".
"""

import re

from whoosh.searching import Searcher

from app.search.engine.schema import TEXT_FIELDS

STEPS = ((1, 1), (2, 1), (1, 0))  # (edits, letters that must match at the start)
OPERATORS = ("AND", "OR", "NOT", "TO")
_PLAIN_WORD = re.compile(r"(?<![\w:*?\"'])([^\W\d_]{3,})(?![\w:*?])")


def respell(text: str, searcher: Searcher) -> str | None:
    """`text` with each unknown plain word respelt; None when nothing changed."""
    if text.count('"') % 2:
        return None
    parts = text.split('"')  # the even parts are outside quotes: phrases stay as written
    for number in range(0, len(parts), 2):
        parts[number] = _PLAIN_WORD.sub(lambda word: _word(word.group(1), searcher), parts[number])
    respelt = '"'.join(parts)
    return None if respelt == text else respelt


def _word(word: str, searcher: Searcher) -> str:
    if word in OPERATORS:
        return word
    lowered = word.lower()
    reader = searcher.reader()
    # Whoosh annotates the term's text as bytes; str is what it is given everywhere else
    if any((field, lowered) in reader for field in TEXT_FIELDS):  # type: ignore[operator]
        return word
    return nearest(lowered, searcher) or word


def nearest(word: str, searcher: Searcher) -> str | None:
    """The likeliest indexed word near `word`, or None."""
    # Searcher copies corrector from its reader at run time; Whoosh's types do not declare it
    corrector = searcher.corrector("body")  # type: ignore[attr-defined]
    for maxdist, prefix in STEPS:
        found = corrector.suggest(word, limit=1, maxdist=maxdist, prefix=prefix)
        if found:
            return str(found[0])
    return None
