"""Snippets: an HTML-safe excerpt of an article around the words a search matched.

Every piece of text is escaped here and matched words are wrapped in <mark>, so the
result may be shown as markup as it is.

One pass finds the matches (a word matches when the form the index keeps of it is a
searched term): of a pattern of the searched words in ASCII text, which most news is,
or of the index's word pattern in any other; the excerpt is then the best window of
them, or two when the terms lie apart. Whoosh's highlighter did the same with an
object per word and cost milliseconds per long article, twenty articles a page.
"""

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import compress
from typing import NamedTuple

from markupsafe import escape

from app.engine.schema import WORD, indexed_form

ELLIPSIS = "…"
WIDEN_CHARS = 20  # how far a fragment's end may move out to finish its word
_SPACE = re.compile(r"\s")
_AFTER_LAST_SPACE = re.compile(r".*\s", re.DOTALL)


class _Match(NamedTuple):
    start: int
    end: int
    term: str


def snippet(text: str, terms: Iterable[str], *, max_chars: int = 240) -> str:
    """HTML-safe excerpt of `text` around the matched terms, or its escaped start.

    At most two fragments of about `max_chars` together, widened to whole words so
    that punctuation next to a match (an opening quote, a full stop) is kept; "…"
    marks text left out. A text that fits is shown whole.
    """
    wanted = frozenset(terms)
    matches = _matches(text, wanted) if wanted else []
    if not matches:
        return _start(text, max_chars)
    if len(text) <= max_chars:
        return _marked(text, 0, len(text), matches)
    fragments = _merged(_fragments(text, matches, max_chars))
    marked = f" {ELLIPSIS} ".join(_marked(text, start, end, matches) for start, end in fragments)
    before = f"{ELLIPSIS} " if fragments[0][0] > 0 else ""
    after = f" {ELLIPSIS}" if fragments[-1][1] < len(text) else ""
    return before + marked + after


def highlight(text: str, terms: Iterable[str]) -> str:
    """All of `text`, HTML-safe, with every word whose indexed form is one of `terms` in
    <mark> (a headline)."""
    wanted = frozenset(terms)
    return _marked(text, 0, len(text), _matches(text, wanted) if wanted else [])


def _start(text: str, max_chars: int) -> str:
    """The escaped start of `text`, cut at a space when it is longer than `max_chars`."""
    if len(text) > max_chars:
        return str(escape(text[:max_chars].rsplit(" ", 1)[0])) + f" {ELLIPSIS}"
    return str(escape(text))


def _matches(text: str, terms: frozenset[str]) -> list[_Match]:
    """Every word of `text` whose indexed form is one of `terms`, in order."""
    if text.isascii():  # most news: only the searched words are looked at
        pattern = _ascii_words(terms)
        found = pattern.finditer(text) if pattern else ()
        return [_Match(*match.span(), indexed_form(match.group())) for match in found]
    return _matches_word_by_word(text, terms)


@functools.lru_cache(maxsize=1024)  # a page's twenty snippets share their terms
def _ascii_words(terms: frozenset[str]) -> re.Pattern[str] | None:
    """A pattern that finds, in ASCII text, exactly the `WORD`s whose indexed form is one of
    `terms`: the term in any case, or a single-letter acronym with dots (`U.S` for `us`),
    as a whole word (not preceded by a word or a word and a dot, nor followed by either)."""
    spellings = []
    for term in sorted(terms, key=len, reverse=True):
        if term and term.isascii() and indexed_form(term) == term:  # else no word's form
            spellings.append(re.escape(term))
            if term.isalpha() and len(term) > 1:
                spellings.append(r"\.".join(term))
    if not spellings:
        return None
    alternatives = "|".join(spellings)
    whole = rf"(?<![\w*])(?<![\w*]\.)(?:{alternatives})(?![\w*])(?!\.[\w*])"
    return re.compile(whole, re.IGNORECASE | re.ASCII)


def _matches_word_by_word(text: str, terms: frozenset[str]) -> list[_Match]:
    """`_matches` for any text: every word's indexed form looked up with map and compress,
    in C (a loop in Python over every word cost twice the time of the rest of a snippet)."""
    words = list(WORD.finditer(text))
    wanted = map(terms.__contains__, map(indexed_form, map(re.Match.group, words)))
    return [_Match(*word.span(), indexed_form(word.group())) for word in compress(words, wanted)]


def _fragments(text: str, matches: list[_Match], max_chars: int) -> list[tuple[int, int]]:
    """One window of `max_chars`, or two of half as much when the best one misses a term.

    Windows are scored by how many different terms they hold, then how many matches.
    """
    start, stop = _best_window(matches, max_chars, frozenset())
    if {match.term for match in matches} <= {match.term for match in matches[start:stop]}:
        return [_frame(text, matches[start:stop], max_chars)]
    half = max_chars // 2
    start, stop = _best_window(matches, half, frozenset())
    first, rest = matches[start:stop], matches[:start] + matches[stop:]
    fragments = [_frame(text, first, half)]
    if rest:
        start, stop = _best_window(rest, half, frozenset(match.term for match in first))
        fragments.append(_frame(text, rest[start:stop], half))
    return sorted(fragments)


def _best_window(matches: list[_Match], width: int, seen: frozenset[str]) -> tuple[int, int]:
    """The run of consecutive matches spanning at most `width` characters (one at least) that
    holds the most terms not in `seen`, then the most terms, then the most matches; the
    earliest of equals. Returns where the run starts and stops in `matches`."""
    best: tuple[int, int, int] = (-1, -1, -1)
    chosen = (0, 1)
    held: Counter[str] = Counter()
    stop = 0
    for start, match in enumerate(matches):
        stop = max(stop, start)
        while stop < len(matches) and (stop == start or matches[stop].end - match.start <= width):
            held[matches[stop].term] += 1
            stop += 1
        score = (len(held.keys() - seen), len(held), stop - start)
        if score > best:
            best, chosen = score, (start, stop)
        held[match.term] -= 1
        if not held[match.term]:
            del held[match.term]
    return chosen


def _frame(text: str, window: Sequence[_Match], budget: int) -> tuple[int, int]:
    """The span of `budget` characters centred on `window` (or the window, if longer),
    kept inside the text and widened to whole words."""
    first, last = window[0].start, window[-1].end
    room = max(0, budget - (last - first))
    start = max(0, first - room // 2)
    end = min(len(text), start + max(budget, last - start))
    start = max(0, min(start, end - budget))
    return _word_start(text, start), _word_end(text, end)


def _word_start(text: str, start: int) -> int:
    """`start` moved back to the start of its word, unless that is far."""
    space = _AFTER_LAST_SPACE.match(text, max(0, start - WIDEN_CHARS), start)
    if space is not None:
        return space.end()
    return 0 if start <= WIDEN_CHARS else start


def _word_end(text: str, end: int) -> int:
    """`end` moved on to the end of its word, unless that is far."""
    space = _SPACE.search(text, end, end + WIDEN_CHARS)
    if space is not None:
        return space.start()
    return len(text) if end + WIDEN_CHARS >= len(text) else end


def _merged(fragments: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted fragments with those that overlap or touch made one."""
    merged = [fragments[0]]
    for start, end in fragments[1:]:
        if start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, start: int, end: int, matches: list[_Match]) -> str:
    """`text[start:end]` escaped, with the matches inside it in <mark>."""
    pieces = []
    position = start
    for match in matches:
        if match.start >= start and match.end <= end:
            pieces.append(str(escape(text[position : match.start])))
            pieces.append(f"<mark>{escape(text[match.start : match.end])}</mark>")
            position = match.end
    pieces.append(str(escape(text[position:end])))
    return "".join(pieces)
