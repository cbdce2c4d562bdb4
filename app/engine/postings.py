"""A term's postings in one segment as numpy arrays: its documents and their weights.

Whoosh's matchers hand out one posting at a time, a Python call each; a word in a
fifth of 100,000 articles cost tens of milliseconds that way. Here a term's
postings are read a block at a time into arrays, once, and kept while the segment
lives (segments never change once written; deletions are masked by the caller).

Reading a block's ids and weights without Whoosh's per-posting calls needs one
private detail of `whoosh3==3.54.0`'s storage, confined to `_read_w3_blocks`: a
`W3LeafMatcher` block is a pickled (delta-encoded ids, weights, values) tuple.
Anything else (inlined postings of rare terms, another codec) is read through the
public matcher interface instead, and a test compares both ways on every term of a
real index.
"""

import pickle
import zlib
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.mcore import Matcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader, TermNotFound

from app.engine.cache import Cache
from app.engine.columns import Generation, Leaf
from app.engine.segment_terms import holds

CACHE_BYTES = 48 * 1024 * 1024  # each segment's postings kept a process (LRU)
JOINED_BYTES = 32 * 1024 * 1024  # the whole index's postings of a term, this generation
Docs = npt.NDArray[np.int32]
_FIRST_VALUE = b"c_codecs\nencode\n"  # protocol 2's pickle of a bytes object begins so
_MARK = ord("(")
_PAIR_AND_STOP = b"\x86."  # TUPLE2, STOP
Weights = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Postings:
    """Sorted segment document numbers (deleted ones included) and each one's weight."""

    docs: Docs
    weights: Weights

    @property
    def nbytes(self) -> int:
        return int(self.docs.nbytes + self.weights.nbytes)


@dataclass(frozen=True)
class Joined(Postings):
    """A term's postings in every segment, and its document frequency as Whoosh counts it
    for its idf: now and then more than the postings, where a merge dropped a deleted
    document's posting but not its count."""

    frequency: int


EMPTY = Postings(np.empty(0, np.int32), np.empty(0, np.float32))
NOWHERE = Joined(EMPTY.docs, EMPTY.weights, 0)


def index_postings(
    leaves: tuple[Leaf, ...], generation: Generation, field: str, term: bytes
) -> Joined:
    """The postings of `term` in every segment, in the searcher's document numbers; kept
    for the generation (with many segments, joining them was most of a warm search)."""
    return _JOINED.get_or_make((generation, field, term), lambda: _joined(leaves, field, term))


def _joined(leaves: tuple[Leaf, ...], field: str, term: bytes) -> Joined:
    holding = [leaf for leaf in leaves if holds(leaf.reader, leaf.segment_id, field, term)]
    parts = [
        (leaf.offset, read_postings(leaf.reader, leaf.segment_id, field, term)) for leaf in holding
    ]
    frequency = sum(leaf.reader.doc_frequency(field, term) for leaf in holding)
    if not frequency:
        return NOWHERE
    docs = np.concatenate([postings.docs + offset for offset, postings in parts])
    weights = np.concatenate([postings.weights for _offset, postings in parts])
    return Joined(docs.astype(np.int32), weights, frequency)


def read_postings(reader: IndexReader, segment_id: str, field: str, term: bytes) -> Postings:
    """The postings of `term` in `field` of a one-segment `reader`, from the cache if read."""
    if not holds(reader, segment_id, field, term):
        return EMPTY
    return _CACHE.get_or_make((segment_id, field, term), lambda: _read(reader, field, term))


def _read(reader: IndexReader, field: str, term: bytes) -> Postings:
    try:
        matcher = _raw_matcher(reader, field, term)
    except TermNotFound:  # a term that only shares its hash with a held one (`terms.py`)
        return EMPTY
    if isinstance(matcher, W3LeafMatcher):
        return Postings(*_read_w3_blocks(matcher))
    return Postings(*read_one_by_one(matcher))


def read_one_by_one(matcher: Matcher) -> tuple[Docs, Weights]:
    """Through Whoosh's public matcher interface: a posting a call."""
    docs: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        docs.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(docs, np.int32), np.array(weights, np.float32)


def _read_w3_blocks(matcher: W3LeafMatcher) -> tuple[Docs, Weights]:
    """Block by block: each block's data unpickled once, its ids delta-decoded by numpy.

    Relies on whoosh3 3.54.0's W3LeafMatcher: `_read_data` loads `_data`, a tuple of
    (delta-encoded ids, weights as None (all 1), one float (all equal) or a tuple,
    values); `_blocklength`, `_next_block` and `_atend` walk the blocks.
    """
    docs: list[npt.NDArray[np.int64]] = []
    weights: list[npt.NDArray[np.float32]] = []
    while not matcher._atend:
        deltas, block_weights = _ids_and_weights(matcher)
        count = int(matcher._blocklength or 0)
        docs.append(np.cumsum(np.asarray(deltas, np.int64)))
        if block_weights is None:
            weights.append(np.ones(count, np.float32))
        elif isinstance(block_weights, float):
            weights.append(np.full(count, block_weights, np.float32))
        else:
            weights.append(np.asarray(block_weights, np.float32))
        _next_block(matcher)
    if not docs:
        return EMPTY.docs, EMPTY.weights
    return np.concatenate(docs).astype(np.int32), np.concatenate(weights)


def read_positions(
    reader: IndexReader, field: str, term: bytes, docs: list[int]
) -> dict[int, list[int]]:
    """The positions of `term` in each of `docs` (sorted, each holding the term) of a
    one-segment `reader`: only the blocks that hold them are decoded."""
    matcher = _raw_matcher(reader, field, term)
    if isinstance(matcher, W3LeafMatcher):
        return _positions_from_w3_blocks(matcher, docs)
    return positions_one_by_one(matcher, docs)


def positions_one_by_one(matcher: Matcher, docs: list[int]) -> dict[int, list[int]]:
    """Through Whoosh's public matcher interface: skip to each document, decode its value."""
    found = {}
    for doc in docs:
        matcher.skip_to(doc)
        found[doc] = matcher.value_as("positions")
    return found


def _positions_from_w3_blocks(matcher: W3LeafMatcher, docs: list[int]) -> dict[int, list[int]]:
    """Blocks whose last id is below the next wanted document are passed over unread."""
    decode = matcher.format.decoder("positions")
    wanted = np.asarray(docs, np.int64)
    found: dict[int, list[int]] = {}
    start = 0  # the first wanted document not found yet
    while start < len(wanted) and not matcher._atend:
        last = int(matcher._maxid or 0)
        if last >= wanted[start]:
            stop = int(np.searchsorted(wanted, last, side="right"))
            deltas, _weights, values = _block_data(matcher)
            ids = np.cumsum(np.asarray(deltas, np.int64))
            at = np.searchsorted(ids, wanted[start:stop])
            for doc, index in zip(docs[start:stop], at.tolist(), strict=True):
                found[doc] = decode(values[index])
            start = stop
        _next_block(matcher)
    return found


def _ids_and_weights(matcher: W3LeafMatcher) -> tuple[Any, Any]:
    """The current block's delta-encoded ids and its weights, its positions left unread.

    A block is a protocol-2 pickle of (ids, weights, values), and protocol 2 writes each
    value (bytes: a posting's positions) as a call of `_codecs.encode`: unpickling them
    was most of the cost of reading a list. The pickle is cut where the first value
    starts and closed as a pair; any block not laid out so is unpickled whole.
    """
    size = matcher._nextoffset - matcher._dataoffset
    raw = matcher._postfile.get(matcher._dataoffset, size)
    if matcher._compression:
        raw = zlib.decompress(raw)
    first = raw.find(_FIRST_VALUE)
    cut = first - 1 if int(matcher._blocklength or 0) > 3 else first  # a MARK opens > 3
    if first < 0 or (cut < first and raw[cut] != _MARK):
        ids, weights, _values = pickle.loads(raw)
        return ids, weights
    return cast(tuple[Any, Any], pickle.loads(raw[:cut] + _PAIR_AND_STOP))


def _block_data(matcher: W3LeafMatcher) -> tuple[Any, Any, Any]:
    """The current block's (delta-encoded ids, weights, values), as whoosh3 3.54.0 keeps it."""
    matcher._read_data()  # type: ignore[no-untyped-call]  # unannotated in Whoosh
    return cast(tuple[Any, Any, Any], matcher._data)


def _next_block(matcher: W3LeafMatcher) -> None:
    matcher._next_block()  # type: ignore[no-untyped-call]  # unannotated in Whoosh


def _raw_matcher(reader: IndexReader, field: str, term: bytes) -> Matcher:
    """The term's matcher without Whoosh's filter of deleted documents (the caller's)."""
    matcher = reader.postings(field, term)
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


_CACHE: Cache[tuple[str, str, bytes], Postings] = Cache(CACHE_BYTES, lambda p: p.nbytes)
_JOINED: Cache[tuple[Generation, str, bytes], Joined] = Cache(JOINED_BYTES, lambda p: p.nbytes)
