"""A thread-safe least-recently-used cache, bounded by a count or by bytes.

What the engine derives from segments (postings, columns, word forms, phrase matches)
never goes stale while the segments it came from exist; the bound only keeps the
process's memory in hand.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Cache(Generic[K, V]):
    """At most `limit` units held, a value's units given by `size` (1 each by default)."""

    def __init__(self, limit: int, size: Callable[[V], int] = lambda _value: 1) -> None:
        self._limit = limit
        self._size = size
        self._held = 0
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = value
            self._held += self._size(value)
            while self._held > self._limit and len(self._items) > 1:
                _key, dropped = self._items.popitem(last=False)
                self._held -= self._size(dropped)

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The value for `key`, made (outside the lock) and kept when missing."""
        found = self.get(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def items(self) -> list[tuple[K, V]]:
        with self._lock:
            return list(self._items.items())

    @property
    def held(self) -> int:
        """Units held now (bytes, for a cache bounded by bytes)."""
        return self._held
