"""The index's per-document columns as numpy arrays: what filters, facets, ranking and
date order read for every match.

Each segment's arrays are built once (segments never change once written; only the
live-document mask is rebuilt when a commit deletes from one) and the index's are
their concatenation, in the searcher's document order, made once a generation. A
document costs 33 bytes (day, place, source and thread codes, two field lengths and
the live mask: 17; its id: 16) and 8 bytes a topic, held twice (by segment and joined):
about 6 MB at 100,000 articles, 60 MB at a million, and as much again while a new
generation's are made.
"""

import dataclasses
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
from whoosh.codec.base import Segment
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from app.engine.cache import Cache
from app.engine.schema import TEXT_FIELDS
from app.facets import many_valued, one_valued

Ints = npt.NDArray[np.int32]
Floats = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]
Ids = npt.NDArray[np.bytes_]  # UTF-8, so that they sort as the strings do
MAX_SEGMENTS = 256  # segments' columns kept; the oldest built go first (merged away)
MAX_GENERATIONS = 2  # whole-index columns kept (a searcher of the last one may be in use)


@dataclass(frozen=True)
class Named:
    """A named column (place, source) as codes into its distinct values, as written, and
    each value's group of spellings that differ only in case (the filters ignore case)."""

    values: list[str]
    codes: Ints
    groups: Ints = dataclasses.field(init=False)  # value code → its group
    spellings: list[list[int]] = dataclasses.field(init=False)  # group → its value codes
    blank: int | None = dataclasses.field(init=False)  # the group of "", if any

    def __post_init__(self) -> None:
        folded: dict[str, list[int]] = {}
        for code, value in enumerate(self.values):
            folded.setdefault(value.lower(), []).append(code)
        groups = np.zeros(len(self.values), np.int32)
        for group, codes in enumerate(folded.values()):
            groups[codes] = group
        object.__setattr__(self, "groups", groups)
        object.__setattr__(self, "spellings", list(folded.values()))
        object.__setattr__(self, "blank", list(folded).index("") if "" in folded else None)

    def codes_of(self, wanted: str) -> list[int]:
        """The codes of the values equal to `wanted` (lower case) in any case."""
        return [code for code, value in enumerate(self.values) if value.lower() == wanted]


@dataclass(frozen=True)
class Tags:
    """A many-valued column (topics) as (document, value code) pairs: an article with two
    topics is two pairs. Counting the values of a set of documents, or
    finding the documents of a value, is then one pass over the pairs in numpy."""

    values: list[str]
    docs: Ints  # a pair's document
    codes: Ints  # a pair's value

    def having(self, wanted: str, size: int) -> Mask:
        """Which of `size` documents carry the value `wanted` (as stored)."""
        mask = np.zeros(size, np.bool_)
        if wanted in self.values:
            mask[self.docs[self.codes == self.values.index(wanted)]] = True
        return mask

    def counts(self, docs: Ints, size: int) -> npt.NDArray[np.intp]:
        """Each value's number of documents among `docs` (of `size` in all)."""
        chosen = np.zeros(size, np.bool_)
        chosen[docs] = True
        return np.bincount(self.codes[chosen[self.docs]], minlength=len(self.values))


NO_TAGS = Tags([], np.zeros(0, np.int32), np.zeros(0, np.int32))


@dataclass(frozen=True)
class Leaf:
    """One segment of a searcher: its reader, id, deletions and first document's number."""

    reader: IndexReader
    segment_id: str
    deleted: int  # documents deleted from it so far
    offset: int


@dataclass(frozen=True)
class Columns:
    """Columns indexed by document number (a segment's, or the whole searcher's)."""

    days: Ints  # yyyymmdd
    named: dict[str, Named]
    lengths: dict[str, Floats]  # text field → length as Whoosh's scorer reads it
    ids: Ids
    live: Mask  # not deleted
    threads: Named  # each document's story thread (`app.threads`): equal codes, one thread
    thread_sizes: Ints  # by thread code: its live documents, the versions a thread has
    tags: dict[str, Tags] = dataclasses.field(default_factory=dict)  # by many-valued facet

    @property
    def size(self) -> int:
        return len(self.days)


Generation = tuple[tuple[str, int], ...]  # (segment id, deletions) of each segment, in order
_segments: Cache[tuple[str, int], Columns] = Cache(MAX_SEGMENTS)
_generations: Cache[Generation, Columns] = Cache(MAX_GENERATIONS)


def leaves_of(searcher: Searcher) -> tuple[Leaf, ...]:
    """The searcher's segments in its document order (an empty index has none)."""
    return tuple(
        Leaf(reader, segment_id(reader), _deleted_count(reader), offset)
        for (leaf, offset) in leaf_searchers(searcher)
        if (reader := leaf.reader()).doc_count_all()  # an empty index's reader has no segment
    )


def generation(leaves: tuple[Leaf, ...]) -> Generation:
    """What the index is made of: anything derived from it stays good while this does."""
    return tuple((leaf.segment_id, leaf.deleted) for leaf in leaves)


def columns_of(leaves: tuple[Leaf, ...]) -> Columns:
    """The columns of these segments (a searcher's), built once a generation of the index.

    Readers are not kept: they close with their searcher; segment ids and deletion counts
    say which columns are still good.
    """
    return _generations.get_or_make(
        generation(leaves), lambda: _concatenate([_segment_columns(leaf) for leaf in leaves])
    )


def segment_id(reader: IndexReader) -> str:
    """The id of a one-segment reader's segment; "" for an empty index's, which has none."""
    segment = reader.segment()
    return "" if segment is None else str(segment.segment_id())  # type: ignore[no-untyped-call]


def _deleted_count(reader: IndexReader) -> int:
    return int(_segment(reader).deleted_count())  # type: ignore[no-untyped-call]  # unannotated


def _segment(reader: IndexReader) -> Segment:
    segment = reader.segment()
    assert segment is not None, "a reader with documents reads a segment"
    return segment


def leaf_searchers(searcher: Searcher) -> list[tuple[Searcher, int]]:
    """A searcher of each segment (the searcher itself if it has one), with its offset."""
    return cast(list[tuple[Searcher, int]], searcher.leaf_searchers())  # type: ignore[no-untyped-call]


def _segment_columns(leaf: Leaf) -> Columns:
    """A segment's columns; after more deletions only its live mask is built again."""

    def build() -> Columns:
        same = (columns for (s, _d), columns in _segments.items() if s == leaf.segment_id)
        earlier = next(same, None)
        if earlier is None:
            return _build(leaf.reader)
        live = _live(leaf.reader)
        sizes = _sizes(earlier.threads, live)
        return dataclasses.replace(earlier, live=live, thread_sizes=sizes)

    return _segments.get_or_make((leaf.segment_id, leaf.deleted), build)


def _build(reader: IndexReader) -> Columns:
    count = reader.doc_count_all()
    days = np.fromiter(reader.column_reader("published"), np.int32, count)
    named = {f.name: _named(list(reader.column_reader(f.field))) for f in one_valued()}
    lengths = {
        field: np.fromiter(
            # Whoosh answers None for a field of length 0
            (reader.doc_field_length(docnum, field) or 0 for docnum in range(count)),
            np.float32,
            count,
        )
        for field in TEXT_FIELDS
    }
    ids = np.array([str(value).encode() for value in reader.column_reader("id")], np.bytes_)
    live = _live(reader)
    threads = _named(list(reader.column_reader("thread")))
    tags = {f.name: _tags(reader, f.field) for f in many_valued()}
    return Columns(days, named, lengths, ids, live, threads, _sizes(threads, live), tags)


def _concatenate(parts: list[Columns]) -> Columns:
    if not parts:
        nothing = np.zeros(0, np.int32)
        named = {f.name: Named([], nothing) for f in one_valued()}
        lengths = {field: nothing.astype(np.float32) for field in TEXT_FIELDS}
        ids, live, threads = nothing.astype(np.bytes_), nothing != 0, Named([], nothing)
        tags = {f.name: NO_TAGS for f in many_valued()}
        return Columns(nothing, named, lengths, ids, live, threads, nothing, tags)
    live = np.concatenate([part.live for part in parts])
    threads = _merge([part.threads for part in parts])
    return Columns(
        days=np.concatenate([part.days for part in parts]),
        named={f.name: _merge([part.named[f.name] for part in parts]) for f in one_valued()},
        lengths={f: np.concatenate([part.lengths[f] for part in parts]) for f in TEXT_FIELDS},
        ids=np.concatenate([part.ids for part in parts]),
        live=live,
        threads=threads,
        thread_sizes=_sizes(threads, live),
        tags={f.name: _merge_tags(parts, f.name) for f in many_valued()},
    )


def _named(values: list[str]) -> Named:
    distinct: dict[str, int] = {}
    codes = np.fromiter((distinct.setdefault(v, len(distinct)) for v in values), np.int32)
    return Named(list(distinct), codes)


def _merge(parts: list[Named]) -> Named:
    """One column of codes over the parts' columns, each part's codes mapped to the union's."""
    distinct: dict[str, int] = {}
    mapped = []
    for part in parts:
        to_union = np.array([distinct.setdefault(v, len(distinct)) for v in part.values], np.int32)
        mapped.append(to_union[part.codes] if len(part.codes) else part.codes)
    return Named(list(distinct), np.concatenate(mapped))


def _sizes(threads: Named, live: Mask) -> Ints:
    """Each thread's live documents."""
    return np.bincount(threads.codes[live], minlength=len(threads.values)).astype(np.int32)


def _tags(reader: IndexReader, field: str) -> Tags:
    """A segment's many-valued column, from its terms' postings (deleted documents included:
    the live mask leaves them out)."""
    values = [term.decode() for term in reader.lexicon(field)]
    docs = [np.fromiter(reader.postings(field, v).all_ids(), np.int32) for v in values]
    codes = [np.full(len(part), code, np.int32) for code, part in enumerate(docs)]
    if not values:
        return NO_TAGS
    return Tags(values, np.concatenate(docs), np.concatenate(codes))


def _merge_tags(parts: list[Columns], name: str) -> Tags:
    """One many-valued column (the facet `name`'s) over the parts', their documents numbered
    after the parts before them and their codes mapped to the union's."""
    distinct: dict[str, int] = {}
    docs, codes, offset = [NO_TAGS.docs], [NO_TAGS.codes], 0
    for part in parts:
        tags = part.tags[name]
        to_union = np.array([distinct.setdefault(v, len(distinct)) for v in tags.values], np.int32)
        docs.append(tags.docs + np.int32(offset))
        codes.append(to_union[tags.codes] if len(tags.codes) else tags.codes)
        offset += part.size
    return Tags(list(distinct), np.concatenate(docs), np.concatenate(codes))


def _live(reader: IndexReader) -> Mask:
    live = np.ones(reader.doc_count_all(), np.bool_)
    if reader.has_deletions():
        live[[n for n in range(len(live)) if reader.is_deleted(n)]] = False
    return live
