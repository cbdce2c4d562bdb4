"""Which terms each segment holds, answered from memory: a sorted array of hashes a field.

Asking Whoosh whether a segment holds a term is a lookup in the segment's hash table on
disk (tens of microseconds), and the archive asks it often: every form of every query
word (`meet`, `meets`, `met`, `meeting`, `meetings`) in every segment, before each
posting list it reads, and for every id a bulk write adds. Segments never change once
written (deletions leave their terms), so a field's terms in a segment are hashed once
into a sorted array, 8 bytes a term, and kept while the segment is read: the text
fields of the 10 segments of 100,000 stories hold 500,000 terms (4 MB), a million
stories about ten times as many (and fewer once segments merge, words being shared).

A term that no array holds is certainly absent. One that an array holds is present, or
shares its hash with a present term (about one chance in 10^14 a lookup): reading its
postings then finds none, so a collision costs a lookup and nothing else. Hashes are
Python's own, salted per process: the arrays never leave it.
"""

import struct
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import numpy.typing as npt
from whoosh.filedb.filetables import OrderedHashReader
from whoosh.reading import IndexReader

from app.engine.cache import Cache
from app.engine.columns import segment_id

ID_FIELD = "id"
TABLE_BYTES = 128 * 1024 * 1024  # every segment's tables, kept a process (LRU)
Hashes = npt.NDArray[np.int64]
_LENGTHS = struct.Struct("!ii")
_WEIGHT = struct.Struct("!f")


def holds(reader: IndexReader, segment: str, field: str, term: bytes) -> bool:
    """Whether the segment of a one-segment `reader` may hold `term` in `field`."""
    return bool(_found(_table(reader, segment, field), [hash(term)])[0])


def held_anywhere(reader: IndexReader, field: str, terms: Sequence[bytes]) -> list[bytes]:
    """Those of `terms` that some segment read by `reader` may hold in `field`, in order."""
    hashes = [hash(term) for term in terms]
    held = np.zeros(len(terms), np.bool_)
    for leaf, _offset in reader.leaf_readers():
        held |= _found(_table(leaf, segment_id(leaf), field), hashes)
    return [term for term, found in zip(terms, held.tolist(), strict=True) if found]


def maybe_held_ids(reader: IndexReader, ids: Iterable[str]) -> set[str]:
    """The ids among `ids` that the index read by `reader` may hold; it holds no other.

    A deleted document's id is still held: such an id is looked up in Whoosh, never skipped.
    """
    held = held_anywhere(reader, ID_FIELD, [article_id.encode() for article_id in ids])
    return {term.decode() for term in held}


def read_tables(reader: IndexReader, fields: Iterable[str]) -> None:
    """Read the tables of `fields` in every segment of `reader` now, rather than on first use."""
    for leaf, _offset in reader.leaf_readers():
        for field in fields:
            _table(leaf, segment_id(leaf), field)


def _found(table: Hashes, hashes: list[int]) -> npt.NDArray[np.bool_]:
    wanted = np.array(hashes, np.int64)
    at = np.minimum(np.searchsorted(table, wanted), max(len(table) - 1, 0))
    return table[at] == wanted if len(table) else np.zeros(len(wanted), np.bool_)


def _table(reader: IndexReader, segment: str, field: str) -> Hashes:
    """The sorted hashes of the terms of `field` in a one-segment `reader`, read once."""
    if not segment:  # an empty index: no segment, no terms
        return np.empty(0, np.int64)
    return _TABLES.get_or_make((segment, field), lambda: _hashes(reader, field))


def _hashes(reader: IndexReader, field: str) -> Hashes:
    hashes = np.fromiter((hash(term) for term, _weight in field_terms(reader, field)), np.int64)
    hashes.sort()
    return hashes


def field_terms(reader: IndexReader, field: str) -> Iterator[tuple[bytes, float]]:
    """Each term of `field` in a one-segment `reader`, in order, with its frequency.

    `iter_field` decodes every term's whole record through several calls (7 s for the
    body of the 21 segments of 100,000 articles); the pinned whoosh3 keeps a segment's
    terms in one file of records `!ii` (key and data lengths), key (a 2-byte field
    number and the term), data (a `!BfIBBfII` header, the frequency the float after the
    flags byte), so they are read here in one pass of the bytes. Any other reader goes
    the slow way.
    """
    table = getattr(getattr(reader, "_terms", None), "_tindex", None)
    if not isinstance(table, OrderedHashReader):
        if field in reader.schema:
            yield from ((term, info.weight()) for term, info in reader.iter_field(field))
        return
    number = reader._terms._fieldmap.get(field)  # type: ignore[attr-defined]
    prefix = struct.pack("!H", number if number is not None else 65535)  # 65535: no field
    start = table.closest_key_pos(prefix)  # type: ignore[no-untyped-call]
    if start is None:
        return
    data = table.dbfile.get(start, table.endofdata - start)
    position = 0
    while position < len(data):
        key_length, data_length = _LENGTHS.unpack_from(data, position)
        key_start = position + _LENGTHS.size
        if data[key_start : key_start + 2] != prefix:
            return
        (weight,) = _WEIGHT.unpack_from(data, key_start + key_length + 1)
        yield data[key_start + 2 : key_start + key_length], weight
        position = key_start + key_length + data_length


_TABLES: Cache[tuple[str, str], Hashes] = Cache(TABLE_BYTES, lambda table: int(table.nbytes))
