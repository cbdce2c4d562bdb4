"""A parsed query's matches in the whole index, worked out as array operations.

Whoosh walks a query's postings one document at a time in Python, segment by
segment; here each word's postings are read into arrays once a segment
(`postings.py`) and joined in the searcher's document numbers, and AND, OR, NOT,
word forms, wildcards and the title bonus become numpy set operations over the
whole index at once, BM25 one vectorised formula, a phrase the AND of its words
checked by position. The scores are Whoosh's own: BM25F with its defaults over the
whole index's statistics (the top searcher's idf and average field lengths), the
field boost stored in the weights, query boosts multiplied in. A query node this
module does not know (a range, a fuzzy term) is matched by Whoosh's own matcher, so
every query means what it meant. NOT is a set difference here, which Whoosh gets
wrong over a phrase across segments (see the tests).
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from math import log
from typing import cast

import numpy as np
import numpy.typing as npt
from whoosh.lang.morph_en import variations
from whoosh.query.compound import And, AndMaybe, AndNot, CompoundQuery, Or
from whoosh.query.positional import Phrase
from whoosh.query.qcore import Query, _NullQuery
from whoosh.query.terms import MultiTerm, Term, Variations
from whoosh.query.wrappers import Not
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from app.engine.cache import Cache
from app.engine.columns import (
    Columns,
    Generation,
    Leaf,
    columns_of,
    generation,
    leaf_searchers,
    leaves_of,
)
from app.engine.postings import index_postings, read_positions
from app.engine.segment_terms import held_anywhere
from app.errors import SearchTimeout

Docs = npt.NDArray[np.int32]
Positions = npt.NDArray[np.intp]  # places in an array of documents
PhraseKey = tuple[str, tuple[bytes, ...], int]  # field, words, slop
Scores = npt.NDArray[np.float64]
B, K1 = BM25F().B, BM25F().K1  # Whoosh's defaults, which the index searches with
MAX_EXPANSIONS = 20_000  # (generation, word) expansions kept; the least used go first
PHRASE_BYTES = 16 * 1024 * 1024  # phrase matches kept (positions are costly to read)
DENSE_UNION = 16  # a union of more than 1/16 of its span is counted over the span
DEADLINE_CHECK_EVERY = 4096  # postings between two looks at the clock in Whoosh's matchers


@dataclass(frozen=True)
class Matches:
    """Sorted distinct document numbers (the searcher's), each with its score."""

    docs: Docs
    scores: Scores

    def __len__(self) -> int:
        return len(self.docs)

    @property
    def nbytes(self) -> int:
        return int(self.docs.nbytes + self.scores.nbytes)


NONE = Matches(np.empty(0, np.int32), np.empty(0, np.float64))
_expansions: Cache[tuple[Generation, Query], list[tuple[str, bytes]]] = Cache(MAX_EXPANSIONS)
_phrases: Cache[tuple[Generation, PhraseKey], Matches] = Cache(
    PHRASE_BYTES, lambda found: found.nbytes
)


@dataclass(frozen=True)
class Scope:
    """What a search reads: the searcher, its columns, each scored field's average length
    (as Whoosh's BM25F reads it), and the deadline on this thread's processor time:
    waiting for the GIL while other requests run is not the query's fault."""

    searcher: Searcher
    leaves: tuple[Leaf, ...]
    generation: Generation  # of `leaves`: the key of everything kept for them
    columns: Columns
    averages: dict[str, float]
    deadline: float

    def check_time(self) -> None:
        if time.thread_time() > self.deadline:
            raise SearchTimeout()


def scope(searcher: Searcher, seconds: float) -> Scope:
    """What a search of `searcher` reads, with `seconds` of processor time to do it."""
    leaves = leaves_of(searcher)
    names = searcher.schema.scorable_names()
    # avg_field_length and idf are unannotated in Whoosh
    averages = {f: searcher.avg_field_length(f) or 1.0 for f in names}  # type: ignore[no-untyped-call]
    deadline = time.thread_time() + seconds
    return Scope(searcher, leaves, generation(leaves), columns_of(leaves), averages, deadline)


def evaluate(query: Query, scope: Scope) -> Matches:
    """The documents `query` matches (deleted ones included), scored."""
    scope.check_time()
    handler = _HANDLERS.get(type(query))
    if handler is None and isinstance(query, MultiTerm):
        handler = _expanded
    found = handler(query, scope) if handler else _by_whoosh(query, scope)
    if isinstance(query, CompoundQuery) and len(query.subqueries) > 1 and query.boost != 1.0:
        return Matches(found.docs, found.scores * query.boost)  # as Whoosh's compound matchers
    return found


def _term(query: Term, scope: Scope) -> Matches:
    field = query.fieldname
    schema = scope.searcher.schema
    if field not in schema:
        return NONE
    try:
        text = schema[field].to_bytes(query.text)
    except ValueError:
        return NONE
    return _scored(field, text, query.boost, scope)


def _scored(field: str, text: bytes, boost: float, scope: Scope) -> Matches:
    """A term's matches with their BM25 scores (times `boost`)."""
    postings = index_postings(scope.leaves, scope.generation, field, text)
    docs, weights = postings.docs, postings.weights
    if not len(docs):
        return NONE
    idf = log(scope.columns.size / (postings.frequency + 1)) + 1  # Whoosh's, without its lookups
    average = scope.averages.get(field, 1.0)
    lengths = scope.columns.lengths.get(field)
    length = lengths[docs] if lengths is not None else 0.0
    tf = weights.astype(np.float64)
    scores = idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / average))
    return Matches(docs, scores * boost)


def _expanded(query: MultiTerm, scope: Scope) -> Matches:
    """A word and its forms, or a wildcard: the OR of the indexed terms it stands for.

    A wildcard of more than one term scores 1 a match, as Whoosh's constant-score pattern
    queries do (Whoosh counts the terms a segment at a time; here in the whole index).
    """
    terms = expansions(query, scope)
    boost = getattr(query, "boost", 1.0)
    found = _union([_scored(field, text, boost, scope) for field, text in terms])
    if query.constantscore and len(terms) > 1:
        return Matches(found.docs, np.ones(len(found.docs)))
    return found


def expansions(query: MultiTerm, scope: Scope) -> list[tuple[str, bytes]]:
    """The indexed (field, term) pairs that `query` stands for, once a generation."""
    return _expansions.get_or_make((scope.generation, query), lambda: _expand(query, scope))


def _expand(query: MultiTerm, scope: Scope) -> list[tuple[str, bytes]]:
    """A word's forms are looked up in the segments' terms held in memory (`terms.py`), as
    Whoosh's `Variations` would look them up on disk; other patterns walk the term lists."""
    reader = scope.searcher.reader()
    if not isinstance(query, Variations):
        return [(field, text) for field, text in query.expanded_terms(reader) if text]
    field = query.fieldname
    forms = []
    for word in variations(query.text):  # type: ignore[no-untyped-call]  # unannotated
        try:
            forms.append(scope.searcher.schema[field].to_bytes(word))
        except ValueError:
            continue
    return [(field, text) for text in held_anywhere(reader, field, forms) if text]


def expanded_terms(query: Query, scope: Scope) -> Iterable[tuple[str, str | bytes]]:
    """The indexed (field, term) pairs a leaf of a query stands for (a phrase: its words)."""
    if isinstance(query, MultiTerm):
        return expansions(query, scope)
    return cast(
        Iterable[tuple[str, str | bytes]],
        query.expanded_terms(scope.searcher.reader(), phrases=True),
    )


def _and(query: And, scope: Scope) -> Matches:
    wanted = [q for q in query.subqueries if not isinstance(q, Not)]
    unwanted = [q.query for q in query.subqueries if isinstance(q, Not)]
    found = _everything(scope) if not wanted else None
    for child in wanted:
        matched = evaluate(child, scope)
        found = matched if found is None else _intersection(found, matched)
        if not len(found):
            return NONE
    assert found is not None
    for child in unwanted:
        found = _without(found, evaluate(child, scope))
    return found


def _or(query: Or, scope: Scope) -> Matches:
    return _union([evaluate(child, scope) for child in query.subqueries])


def _not(query: Not, scope: Scope) -> Matches:
    return _without(_everything(scope), evaluate(query.query, scope))


def _and_not(query: AndNot, scope: Scope) -> Matches:
    found = evaluate(query.a, scope)
    return _without(found, evaluate(query.b, scope)) if len(found) else NONE


def _and_maybe(query: AndMaybe, scope: Scope) -> Matches:
    """All of `a`'s matches; where `b` matches too, its score is added (the title bonus)."""
    found = evaluate(query.a, scope)
    if not len(found):
        return NONE
    bonus = evaluate(query.b, scope)
    in_found, in_bonus = _common(found.docs, bonus.docs)
    scores = found.scores.copy()
    scores[in_found] += bonus.scores[in_bonus]
    return Matches(found.docs, scores)


def _phrase(query: Phrase, scope: Scope) -> Matches:
    """Words in sequence: the AND of the exact words, scored as Whoosh scores a phrase (the
    words' scores summed), kept where their positions follow each other within the slop.
    Positions are read only for the AND's matches (`read_positions`); the matches of a
    phrase are kept for the generation, positions being the costliest thing read."""
    field = query.fieldname
    schema = scope.searcher.schema
    if field not in schema or not query.words:
        return NONE
    try:
        words = [schema[field].to_bytes(word) for word in query.words]
    except ValueError:
        return NONE
    found = _phrases.get_or_make(  # the title's phrase is asked twice: match and bonus
        (scope.generation, (field, tuple(words), query.slop)),
        lambda: _phrase_matches(field, words, query.slop, scope),
    )
    return Matches(found.docs, found.scores * query.boost)


def _phrase_matches(field: str, words: list[bytes], slop: int, scope: Scope) -> Matches:
    found: Matches | None = None
    for word in words:
        scored = _scored(field, word, 1.0, scope)
        found = scored if found is None else _intersection(found, scored)
        if not len(found):
            return NONE
    assert found is not None
    keep = phrase_positions(field, words, slop, found.docs, scope)
    return Matches(found.docs[keep], found.scores[keep])


def phrase_positions(
    field: str, words: list[bytes], slop: int, docs: Docs, scope: Scope
) -> npt.NDArray[np.bool_]:
    """For each of `docs` (each holding every word): whether the words occur in order, each
    1 to `slop` positions after the one before."""
    keep = np.zeros(len(docs), np.bool_)
    offsets = np.array([leaf.offset for leaf in scope.leaves])
    segment_of = np.searchsorted(offsets, docs, side="right") - 1
    for number, leaf in enumerate(scope.leaves):
        scope.check_time()
        where = np.flatnonzero(segment_of == number)
        if not len(where):
            continue
        local = (docs[where] - leaf.offset).tolist()
        positions = [read_positions(leaf.reader, field, word, local) for word in words]
        for at, doc in zip(where, local, strict=True):
            keep[at] = _in_sequence([found[doc] for found in positions], slop)
    return keep


def _in_sequence(positions: list[list[int]], slop: int) -> bool:
    reached = set(positions[0])
    for following in positions[1:]:
        reached = {p for p in following if any(1 <= p - q <= slop for q in reached)}
        if not reached:
            return False
    return True


def _nothing(_query: Query, _scope: Scope) -> Matches:
    return NONE


def _by_whoosh(query: Query, scope: Scope) -> Matches:
    """Whoosh's own matcher for `query`, segment by segment, read into arrays."""
    docs: list[int] = []
    scores: list[float] = []
    for searcher, offset in leaf_searchers(scope.searcher):
        context = searcher.context()  # type: ignore[no-untyped-call]  # unannotated in Whoosh
        matcher = query.matcher(searcher, context)
        while matcher.is_active():
            docs.append(offset + matcher.id())
            scores.append(matcher.score())
            if len(docs) % DEADLINE_CHECK_EVERY == 0:
                scope.check_time()
            matcher.next()
    order = np.argsort(docs, kind="stable")  # Whoosh's matchers yield in order; be sure
    return Matches(np.array(docs, np.int32)[order], np.array(scores, np.float64)[order])


def _everything(scope: Scope) -> Matches:
    size = scope.columns.size
    return Matches(np.arange(size, dtype=np.int32), np.zeros(size, np.float64))


def _intersection(a: Matches, b: Matches) -> Matches:
    in_a, in_b = _common(a.docs, b.docs)
    return Matches(a.docs[in_a], a.scores[in_a] + b.scores[in_b])


def _common(a: Docs, b: Docs) -> tuple[Positions, Positions]:
    """Where the documents `a` and `b` share (both sorted, distinct) are in each: the
    smaller looked up in the larger by binary search, rather than both sorted together."""
    if len(a) < len(b):
        in_b, in_a = _common(b, a)
        return in_a, in_b
    if not len(b):
        return np.empty(0, np.intp), np.empty(0, np.intp)
    at = np.minimum(np.searchsorted(a, b), len(a) - 1)
    found = a[at] == b
    return at[found], np.flatnonzero(found)


def _without(found: Matches, unwanted: Matches) -> Matches:
    keep = np.isin(found.docs, unwanted.docs, assume_unique=True, invert=True)
    return Matches(found.docs[keep], found.scores[keep])


def _union(parts: list[Matches]) -> Matches:
    """The documents of any part, scores summed. Where the parts cover much of the range
    of documents they fall in, counted in an array over the range; else sorted together."""
    parts = [part for part in parts if len(part)]
    if len(parts) <= 1:
        return parts[0] if parts else NONE
    docs = np.concatenate([p.docs for p in parts])
    scores = np.concatenate([p.scores for p in parts])
    span = int(max(p.docs[-1] for p in parts)) + 1
    if len(docs) * DENSE_UNION >= span:
        present = np.zeros(span, np.bool_)
        present[docs] = True
        union = np.flatnonzero(present)
        summed = np.bincount(docs, weights=scores, minlength=span)
        return Matches(union.astype(np.int32), summed[union].astype(np.float64))
    union, inverse = np.unique(docs, return_inverse=True)
    summed = np.bincount(inverse, weights=scores)
    return Matches(union.astype(np.int32), summed.astype(np.float64))


_HANDLERS: dict[type, Callable[..., Matches]] = {
    Term: _term,
    And: _and,
    Or: _or,
    Not: _not,
    AndNot: _and_not,
    AndMaybe: _and_maybe,
    Phrase: _phrase,
    _NullQuery: _nothing,
}
