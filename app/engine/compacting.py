"""Fewer, larger segments, merged beside the index's writers: the index is never locked
for longer than it takes to swap the merged segment in.

A search reads each of its words in every segment, so its cost grows with their
number: bulk ingest leaves one segment of `BULK_SEGMENT` articles a core and batch (10
at 100,000 articles, 100 at a million), which commits never merge (`merging.py`: a
merge costs about what indexing does). Here such segments are merged `WIDTH` at a time
in their own pass: Whoosh's segment writer, without the write lock, writes the merge
of a snapshot of them under another index name (so that the writers' commits, which
delete every file of the index's name that their table of contents does not list,
leave it alone). Then, under the write lock, for a moment: the files take the index's
name, whatever was deleted from the merged segments meanwhile is deleted from the new
one, and a new table of contents lists it in their place. Readers of the old segments
keep reading them until they close (their files are unlinked, not overwritten).

Only one merge runs at a time (a lock of its own); a merge whose segments a writer
merged away meanwhile is dropped. Staging files left by a crash are removed by the
next merge.
"""

import contextlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from whoosh.codec.base import Segment
from whoosh.filedb.filestore import Storage
from whoosh.index import TOC, FileIndex, LockError, clean_files
from whoosh.reading import SegmentReader
from whoosh.util.filelock import try_for
from whoosh.writing import SegmentWriter

from app.engine.merging import tier

logger = logging.getLogger(__name__)

STAGING = "MERGING"  # the staging index name: never a prefix match of the index's own
WIDTH = 10  # segments of one size tier merged into one
MEMORY_MB = 256  # the merging writer's posting pool before it spills to disk


def plan(sizes: Sequence[int], *, smallest: int) -> list[int]:
    """Positions of the segments to merge next: the `WIDTH` smallest of the lowest size
    tier that has `WIDTH` segments of at least `smallest` documents; none if no tier has."""
    tiers: dict[int, list[int]] = {}
    for at, size in enumerate(sizes):
        if size >= smallest:
            tiers.setdefault(tier(size), []).append(at)
    for level in sorted(tiers):
        members = sorted(tiers[level], key=lambda at: sizes[at])
        if len(members) >= WIDTH:
            return sorted(members[:WIDTH])
    return []


@dataclass
class _Staging:
    """What Whoosh's segment writer reads of an index, with the staging name for the
    segment it writes (`SegmentWriter` takes an index; this is that much of one)."""

    storage: Storage
    toc: TOC
    indexname: str = STAGING

    def _read_toc(self) -> TOC:
        return self.toc


@dataclass(frozen=True)
class Staged:
    """A merge written under the staging name, and the segments it replaces."""

    chosen: list[Segment]
    merged: Segment


@contextlib.contextmanager
def merging(ix: FileIndex) -> Iterator[bool]:
    """Whether this process may merge now: one merge at a time, whoever runs it."""
    lock = ix.lock("MERGELOCK")
    held = lock.acquire(blocking=False)
    try:
        yield held
    finally:
        if held:
            lock.release()


def stage(ix: FileIndex, *, smallest: int) -> Staged | None:
    """Write, without the write lock, the merge of the segments `plan` names; None if no
    merge is due. Call it holding `merging`."""
    _remove_staging(ix.storage)
    toc = ix._read_toc()
    chosen = [toc.segments[at] for at in plan(_sizes(toc.segments), smallest=smallest)]
    return Staged(chosen, _write_merge(ix.storage, toc, chosen)) if chosen else None


def _sizes(segments: Sequence[Segment]) -> list[int]:
    return [segment.doc_count_all() for segment in segments]


def _write_merge(storage: Storage, toc: TOC, chosen: list[Segment]) -> Segment:
    """The live documents of `chosen`, in order, as one new segment under the staging name."""
    writer = SegmentWriter(_Staging(storage, toc), _lk=False, limitmb=MEMORY_MB, compound=False)
    try:
        for segment in chosen:
            reader = SegmentReader(storage, toc.schema, segment)
            writer.add_reader(reader)
            reader.close()
        merged: Segment = writer._finalize_segment()
        return merged
    finally:
        writer._tempstorage.destroy()


def swap(ix: FileIndex, staged: Staged) -> int:
    """The merged segment in the place of the ones it merged, with the deletions made
    since it was staged; returns how many it replaced (0: a writer merged any of them
    away meanwhile). Call it holding the write lock (`write_lock`)."""
    chosen, merged = staged.chosen, staged.merged
    toc = ix._read_toc()
    current = {segment.segment_id(): segment for segment in toc.segments}
    if any(segment.segment_id() not in current for segment in chosen):
        _remove_staging(ix.storage)
        return 0
    for docnum in _deleted_since(chosen, current):
        merged.delete_document(docnum)
    staging_id = merged.segment_id()
    merged.indexname = ix.indexname
    for name in ix.storage.list():
        if name.startswith(f"{staging_id}."):
            ix.storage.rename_file(name, merged.segment_id() + name[len(staging_id) :])
    names = {segment.segment_id() for segment in chosen}
    segments = [s for s in toc.segments if s.segment_id() not in names] + [merged]
    generation = toc.generation + 1
    TOC(toc.schema, segments, generation).write(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, generation, segments)
    logger.info("merged %d segments into one of %d documents", len(chosen), merged.doc_count())
    return len(chosen)


def _deleted_since(chosen: list[Segment], current: dict[str, Segment]) -> Iterator[int]:
    """The merged segment's numbers of the documents deleted from `chosen` since it was
    staged. It holds their live documents in order, as Whoosh's `add_reader` copies them."""
    new = 0
    for segment in chosen:
        before = set(segment.deleted_docs())
        since = set(current[segment.segment_id()].deleted_docs()) - before
        for docnum in range(segment.doc_count_all()):
            if docnum in before:
                continue
            if docnum in since:
                yield new
            new += 1


@contextlib.contextmanager
def write_lock(ix: FileIndex, seconds: float) -> Iterator[None]:
    """The index's write lock (the one Whoosh's writers take), waited for `seconds` at most."""
    lock = ix.lock("WRITELOCK")
    if not try_for(lock.acquire, timeout=seconds, delay=0.1):
        raise LockError("the index stayed locked by a writer")
    try:
        yield
    finally:
        lock.release()


def _remove_staging(storage: Storage) -> None:
    for name in storage.list():
        if name.startswith(f"{STAGING}_"):
            with contextlib.suppress(OSError):
                storage.delete_file(name)
