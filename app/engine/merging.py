"""Which segments a commit merges: small ones, by size tiers, a bounded amount a commit.

Whoosh merges in Python at about the cost of indexing the documents anew (measured:
3.5 ms a document merged against 3.9 ms indexed), so merging large segments is never
routine work. Its default policy let segments pile up and then merged nearly all of them
in one commit (21 segments at 100,000 articles: 350 s with the index locked). Instead,
bulk writes make large segments in the first place (`BULK_BATCH` articles a commit, one
segment a core), and every commit merges at most one tier of small ones: `FACTOR` or
more segments of about the same size, `limit` documents at most, so that no commit ever
pays for more than a bounded merge. Segments with every document deleted are dropped.
"""

import math
from collections import defaultdict
from collections.abc import Callable, Sequence

from whoosh.codec.base import Segment
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

FACTOR = 4  # segments of one tier merged into one: the tiers grow by this factor
FLOOR = 500  # documents: every segment smaller than this is of the lowest tier
Policy = Callable[[SegmentWriter, list[Segment]], list[Segment]]


def plan(sizes: Sequence[int], live: Sequence[int], *, limit: int) -> list[int]:
    """The positions of the segments to merge, given each one's documents and live ones.

    Only small segments take part: `FACTOR` of them must fit in `limit` documents. The
    smallest tier holding `FACTOR` of them or more is merged, as many of its smallest as
    fit in `limit`; segments with no live document always go (they cost nothing).
    """
    empty = [at for at, count in enumerate(live) if count == 0]
    tiers: dict[int, list[int]] = defaultdict(list)
    for at, size in enumerate(sizes):
        if live[at] and size * FACTOR <= limit:
            tiers[tier(size)].append(at)
    for level in sorted(tiers):
        if len(tiers[level]) >= FACTOR:
            members = sorted(tiers[level], key=lambda at: sizes[at])
            return sorted(empty + _fitting(members, sizes, limit))
    return empty


def tier(size: int) -> int:
    """0 below `FLOOR` documents, then one more each time the size grows `FACTOR` times."""
    return 0 if size < FLOOR else 1 + int(math.log(size / FLOOR, FACTOR))


def policy(limit: int) -> Policy:
    """A Whoosh merge type (`writer.commit(mergetype=...)`) that merges what `plan` says."""

    def merge(writer: SegmentWriter, segments: list[Segment]) -> list[Segment]:
        sizes = [segment.doc_count_all() for segment in segments]  # type: ignore[no-untyped-call]
        live = [segment.doc_count() for segment in segments]  # type: ignore[no-untyped-call]
        chosen = set(plan(sizes, live, limit=limit))
        for at in sorted(chosen):
            reader = SegmentReader(writer.storage, writer.schema, segments[at])
            writer.add_reader(reader)  # type: ignore[no-untyped-call]
            reader.close()
        return [segment for at, segment in enumerate(segments) if at not in chosen]

    return merge


def _fitting(members: list[int], sizes: Sequence[int], limit: int) -> list[int]:
    """The first of `members` (smallest first) whose sizes add up to `limit` at most."""
    chosen: list[int] = []
    total = 0
    for at in members:
        if total + sizes[at] > limit:
            break
        chosen.append(at)
        total += sizes[at]
    return chosen
