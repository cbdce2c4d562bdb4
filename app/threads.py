"""Story threads: the versions of one story (updates, corrections, write-throughs, the same
text under another slug), found among the articles of a few days by the wording they share.

Each text is cut into shingles (every run of `SHINGLE` words, numbers kept) and summed up by
MinHash: `PERMUTATIONS` numbers whose agreement between two texts estimates their Jaccard
similarity, and with the texts' sizes how much of the shorter is in the longer. Versions of
a story are sent within days of each other (`Thresholds.days`), so a new article is
compared with the signatures of the articles of its window only, all at once in numpy
(`near`); those that come near are held to the exact measure (`Thresholds.versions`).

Why no LSH (nor `datasketch`, which keeps its LSH in memory or in Redis): the window
already bounds the candidates to a few thousand, which numpy compares in well under a
millisecond; LSH bands, tuned for Jaccard, would miss the commonest version of all, a
short flash and the full story that contains it (Jaccard 0.3, containment 0.95); and the
signatures must be alike in every process and on every node (Python's `hash` is salted),
which a fixed seed and CRC-32 give.
"""

import functools
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

SHINGLE = 3  # words a shingle
PERMUTATIONS = 128
NEAR = 0.15  # how far below the thresholds a MinHash estimate may fall and still be checked
_random = np.random.default_rng(20261206)  # fixed: every process makes the same signatures
# multiply-shift hashing: (a·x + b) mod 2^64, its high 32 bits; a odd
_A = _random.integers(0, 1 << 63, PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _random.integers(0, 1 << 63, PERMUTATIONS, dtype=np.uint64)
_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D], np.uint64)  # a shingle from its words
_WORD = re.compile(r"\w+(?:[.,'/-]\w+)*")

Signature = npt.NDArray[np.uint32]
Shingles = frozenset[int]


@dataclass(frozen=True)
class Likeness:
    """How much of two texts' wording they share, exactly (over their shingles)."""

    jaccard: float  # shared ÷ all
    containment: float  # shared ÷ the shorter text's


@dataclass(frozen=True)
class Thresholds:
    """How alike two articles must be to be versions of one story (`Settings` gives them).

    Measured on labelled pairs of the corpora (tests/bench/bench_threads.py): on one day,
    most of the wording shared or nearly all of the shorter text in the longer (a paragraph
    added or cut, figures corrected, a flash and its full story); on another day within
    `days`, nearly the same text (a story sent again, an update), because a series (a daily
    operation, a weekly review) repeats most of its wording with other figures."""

    days: int = 3
    jaccard: float = 0.6
    containment: float = 0.85
    jaccard_other_day: float = 0.9
    containment_other_day: float = 0.95

    def versions(self, alike: Likeness, apart: int) -> bool:
        """Whether texts this alike, `apart` days apart, are versions of one story."""
        if apart > self.days:
            return False
        if apart:
            return (
                alike.jaccard >= self.jaccard_other_day
                or alike.containment >= self.containment_other_day
            )
        return alike.jaccard >= self.jaccard or alike.containment >= self.containment

    @property
    def lowest(self) -> Likeness:
        """The least Jaccard and the least containment a version can have."""
        return Likeness(
            min(self.jaccard, self.jaccard_other_day),
            min(self.containment, self.containment_other_day),
        )


def shingles(text: str) -> Shingles:
    """The text's runs of `SHINGLE` words (any case, numbers kept: a report differs from
    the last in its figures), as 32-bit hashes made from its words' CRC-32s."""
    words = _WORD.findall(text)
    if not words:
        return frozenset()
    hashed = np.fromiter((_word_hash(word) for word in words), np.uint64, len(words))
    if len(hashed) < SHINGLE:  # a text shorter than a shingle is one
        hashed = np.concatenate([hashed, np.zeros(SHINGLE - len(hashed), np.uint64)])
    runs = len(hashed) - SHINGLE + 1
    mixed = sum(hashed[i : i + runs] * _MIX[i] for i in range(SHINGLE))
    return frozenset(((mixed >> np.uint64(16)) & np.uint64(0xFFFFFFFF)).tolist())


@functools.lru_cache(maxsize=200_000)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.lower().encode())


def likeness(first: Shingles, second: Shingles) -> Likeness:
    shared = len(first & second)
    return Likeness(
        jaccard=shared / (len(first | second) or 1),
        containment=shared / (min(len(first), len(second)) or 1),
    )


def versions(
    first: Shingles, first_day: date, second: Shingles, second_day: date, rule: Thresholds
) -> bool:
    """Whether two articles (their shingles and days) are versions of one story."""
    return rule.versions(likeness(first, second), abs((first_day - second_day).days))


def signature(shingled: Shingles) -> Signature:
    """The MinHash of a set of shingle hashes: for each permutation, the least image."""
    values = np.fromiter(shingled, dtype=np.uint64, count=len(shingled))
    images = (_A[:, None] * values[None, :] + _B[:, None]) >> np.uint64(32)  # wraps mod 2^64
    signed: Signature = images.min(axis=1).astype(np.uint32)
    return signed


def near(
    mine: Signature,
    size: int,
    theirs: npt.NDArray[np.uint32],
    sizes: npt.NDArray[np.int64],
    rule: Thresholds,
) -> npt.NDArray[np.bool_]:
    """Which of the signatures `theirs` (one a row, with their texts' shingle counts) may be
    versions of `mine`: their estimated Jaccard or containment within `NEAR` of the lowest
    thresholds, so that the exact check sees every likely version and few others."""
    if not len(theirs):
        return np.zeros(0, dtype=bool)
    jaccard = np.count_nonzero(theirs == mine[None, :], axis=1) / PERMUTATIONS
    shared = jaccard * (size + sizes) / (1 + jaccard)
    containment = shared / np.maximum(np.minimum(size, sizes), 1)
    lowest = rule.lowest
    kept: npt.NDArray[np.bool_] = (jaccard >= lowest.jaccard - NEAR) | (
        containment >= lowest.containment - NEAR
    )
    return kept


def packed(signed: Signature) -> bytes:
    """A signature as the store keeps it (512 bytes, little-endian)."""
    return signed.astype("<u4").tobytes()


def unpacked(stored: Iterable[bytes]) -> npt.NDArray[np.uint32]:
    """Stored signatures as one array, a row each."""
    rows = [np.frombuffer(raw, dtype="<u4") for raw in stored]
    return np.vstack(rows) if rows else np.zeros((0, PERMUTATIONS), dtype=np.uint32)


class _Day:
    """The articles of one day a window holds, their signatures in one growing array."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.threads: list[str] = []
        self._signatures = np.zeros((8, PERMUTATIONS), np.uint32)
        self._sizes = np.zeros(8, np.int64)

    def add(self, article_id: str, thread: str, signed: Signature, size: int) -> None:
        at = len(self.ids)
        if at == len(self._sizes):  # full: twice the room
            self._signatures = np.concatenate([self._signatures, np.zeros_like(self._signatures)])
            self._sizes = np.concatenate([self._sizes, np.zeros_like(self._sizes)])
        self._signatures[at], self._sizes[at] = signed, size
        self.ids.append(article_id)
        self.threads.append(thread)

    @property
    def signatures(self) -> npt.NDArray[np.uint32]:
        return self._signatures[: len(self.ids)]

    @property
    def sizes(self) -> npt.NDArray[np.int64]:
        return self._sizes[: len(self.ids)]


Stored = tuple[str, str, date, bytes, int]  # id, thread, day, packed signature, shingles
LOAD_DAYS = 31  # days of stored signatures a window reads at once


class Window:
    """The articles of the days around a new one, stored or new: its versions are among them.

    New articles are taken in date order. Stored ones are read `LOAD_DAYS` at a time as
    the days go by (`load`), and days that no later article can reach are let go, so that
    memory holds a few days however many a batch spans. `read` gives the shingles of
    stored articles by id: their text is read only for the few that come near."""

    def __init__(
        self,
        rule: Thresholds,
        load: Callable[[date, date], Iterable[Stored]],
        read: Callable[[list[str]], dict[str, Shingles]],
    ):
        self.rule = rule
        self._load, self._read = load, read
        self._days: dict[int, _Day] = {}
        self._day_of: dict[str, int] = {}  # the ordinal day of each article held
        self._shingles: dict[str, Shingles] = {}
        self._loaded_until = 0  # the ordinal of the last day read from the store

    def thread_of(self, shingled: Shingles, signed: Signature, day: date) -> str | None:
        """The thread of the article most alike of those that are versions of this one
        (its shingles, signature and day), if any. A thread is joined only within `days` of
        its first article: a chain of daily resends does not make one story of a month."""
        self._move_to(day)
        near_ones = self._near(signed, len(shingled), day)
        unread = [i for i, _thread, _day in near_ones if i not in self._shingles]
        self._shingles.update(self._read(unread) if unread else {})
        found = []
        for article_id, thread, their_day in near_ones:
            first = self._day_of.get(thread)
            if first is None or abs(day.toordinal() - first) > self.rule.days:
                continue
            alike = likeness(shingled, self._shingles[article_id])
            if self.rule.versions(alike, abs(day.toordinal() - their_day)):
                found.append((alike.jaccard, thread))
        return max(found)[1] if found else None

    def add(self, article_id: str, thread: str, day: date, signed: Signature, size: int) -> None:
        self._days.setdefault(day.toordinal(), _Day()).add(article_id, thread, signed, size)
        self._day_of[article_id] = day.toordinal()

    def remember(self, article_id: str, shingled: Shingles) -> None:
        """A new article's shingles, so that a later one compares without reading it."""
        self._shingles[article_id] = shingled

    def _move_to(self, day: date) -> None:
        first, last = day.toordinal() - self.rule.days, day.toordinal() + self.rule.days
        for gone in [ordinal for ordinal in self._days if ordinal < first]:
            for article_id in self._days.pop(gone).ids:
                self._shingles.pop(article_id, None)
                self._day_of.pop(article_id, None)
        if last > self._loaded_until:
            start = max(first, self._loaded_until + 1)
            end = max(last, start + LOAD_DAYS - 1)
            for i, thread, when, packed_signature, size in self._load(
                date.fromordinal(start), date.fromordinal(end)
            ):
                self.add(i, thread, when, unpacked([packed_signature])[0], size)
            self._loaded_until = end

    def _near(self, signed: Signature, size: int, day: date) -> list[tuple[str, str, int]]:
        found = []
        for ordinal in range(
            day.toordinal() - self.rule.days, day.toordinal() + self.rule.days + 1
        ):
            held = self._days.get(ordinal)
            if held is None:
                continue
            chosen = near(signed, size, held.signatures, held.sizes, self.rule)
            for at in np.flatnonzero(chosen).tolist():
                found.append((held.ids[at], held.threads[at], ordinal))
        return found
