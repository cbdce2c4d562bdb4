"""Which ids the index may hold, answered from memory: a sorted array of id hashes a segment.

Indexing an article first asks whether the index holds it already, and with which text.
Asked of Whoosh, that is a term lookup in every segment (tens of microseconds each), so
the cost of an article grew with the number of segments, and so with the archive.
Segments never change once written (but for deletions), so each segment's ids are read
once, hashed into a sorted array (8 bytes an id: 8 MB at a million articles) and kept
while the segment lives. An id that no array holds is certainly not indexed; the few
that one does (indexed, indexed and since deleted, or sharing a hash) are looked up in
Whoosh as before. Hashes are Python's own: the arrays never leave the process.
"""

from __future__ import annotations  # array[int] is not subscriptable at run time in 3.11

import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterable

from whoosh.reading import IndexReader

from app.search.engine.columns import segment_id

ID_FIELD = "id"


class KnownIds:
    """Per-segment id hashes of one index, read once a segment and forgotten with it."""

    def __init__(self) -> None:
        self._by_segment: dict[str, array[int]] = {}
        self._lock = threading.Lock()

    def maybe_held(self, reader: IndexReader, ids: Iterable[str]) -> set[str]:
        """The ids among `ids` that the index read by `reader` may hold; it holds no other."""
        tables = self._tables(reader)
        return {i for i in ids if any(_holds(table, hash(i)) for table in tables)}

    def _tables(self, reader: IndexReader) -> list[array[int]]:
        """One array a segment of `reader`, from memory where it was read before."""
        tables: list[array[int]] = []
        live: dict[str, array[int]] = {}
        with self._lock:
            for leaf, _base in reader.leaf_readers():
                key = segment_id(leaf)
                table = self._by_segment.get(key) if key else None
                table = _hashes(leaf) if table is None else table
                if key:
                    live[key] = table
                tables.append(table)
            self._by_segment = live  # segments merged away are forgotten
        return tables


def _hashes(reader: IndexReader) -> array[int]:
    """The sorted hashes of every id a segment holds, deleted documents' included."""
    return array("q", sorted(hash(term.decode()) for term in reader.lexicon(ID_FIELD)))


def _holds(table: array[int], wanted: int) -> bool:
    at = bisect_left(table, wanted)
    return at < len(table) and table[at] == wanted
