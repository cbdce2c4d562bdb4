"""A bounded pool of searchers: Whoosh's are not thread-safe, and each holds open files.

A searcher is reopened, never `refresh()`ed, when another writer has committed:
refresh after a merge returns duplicates.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from whoosh import index
from whoosh.searching import Searcher


class SearcherPool:
    """At most `size` searchers, each lent to one thread at a time, up to date when lent.

    A searcher per thread would open a searcher per server thread (forty in
    FastAPI's pool), each with its own open files. A thread that already holds one
    is lent the same again, so nested calls cannot wait for themselves.
    """

    def __init__(self, ix: index.Index, size: int) -> None:
        self._ix = ix
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[Searcher] = []
        self._lock = threading.Lock()
        self._local = threading.local()

    @contextmanager
    def lend(self) -> Iterator[Searcher]:
        held: Searcher | None = getattr(self._local, "searcher", None)
        if held is not None:
            yield held
            return
        with self._slots:
            searcher = self._take()
            self._local.searcher = searcher
            try:
                yield searcher
            finally:
                self._local.searcher = None
                with self._lock:
                    self._idle.append(searcher)

    def _take(self) -> Searcher:
        with self._lock:
            searcher = self._idle.pop() if self._idle else None
        # up_to_date and close are unannotated in Whoosh
        if searcher is not None and searcher.up_to_date():  # type: ignore[no-untyped-call]
            return searcher
        if searcher is not None:
            searcher.close()  # type: ignore[no-untyped-call]  # unannotated in Whoosh
        return self._ix.searcher()

    def close(self) -> None:
        with self._lock:
            for searcher in self._idle:
                searcher.close()  # type: ignore[no-untyped-call]  # unannotated in Whoosh
            self._idle.clear()
