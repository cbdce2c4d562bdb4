"""What is worked out from the whole archive and kept until the index changes.

The whole archive's stories a day (a period's steps) and the examples of /help cost tens to
hundreds of milliseconds to work out and change only with the archive: each is kept with the
index generation it was worked out at (every write to the archive commits a new one), and
worked out again once that has passed. Weakly keyed by the index: a closed archive's go too.
"""

import threading
import weakref
from collections.abc import Callable
from typing import TypeVar, cast

from app.archive import Archive
from app.engine import SearchIndex

T = TypeVar("T")
_kept: "weakref.WeakKeyDictionary[SearchIndex, dict[str, tuple[int | None, object]]]"
_kept = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def once_a_generation(archive: Archive, name: str, make: Callable[[], T]) -> T:
    """`make()`'s value, kept under `name` until the archive's index changes."""
    index = archive.index
    generation = index.generation()
    with _lock:
        known = _kept.get(index, {}).get(name)
    if known is not None and known[0] == generation:
        return cast(T, known[1])  # what `make` made under this name
    made = make()
    with _lock:
        _kept.setdefault(index, {})[name] = (generation, made)
    return made
