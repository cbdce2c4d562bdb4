"""The archive: the store and the index opened together, and the one place that writes them.

Every write goes store first (the truth, one transaction), index second, under
one lock. A crash between the two leaves the index behind the store, never
ahead of it; `differences` finds such drift and `repair` mends it from the store.
"""

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.article import Article
from app.search.engine import BULK_BATCH, SearchIndex
from app.settings import Settings
from app.store import Outcome, Store

REPAIR_BATCH = BULK_BATCH  # an index refilled from nothing gets large segments, few


@dataclass
class Differences:
    """How the index departs from the store, by article id."""

    missing: list[str] = field(default_factory=list)  # stored, not indexed
    extra: list[str] = field(default_factory=list)  # indexed, not stored
    stale: list[str] = field(default_factory=list)  # indexed with an older text
    doubled: list[str] = field(default_factory=list)  # indexed more than once

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.stale or self.doubled)


class Archive:
    """Owns the store and the index for one data directory."""

    def __init__(self, settings: Settings) -> None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.store = Store(settings.database_url, synchronous=settings.sqlite_synchronous)
        self.index = SearchIndex(settings.index_path)
        self._write_lock = threading.Lock()

    def close(self) -> None:
        self.index.close()
        self.store.close()

    def add(
        self, articles: Sequence[Article], *, source_paths: Sequence[str | None]
    ) -> list[Outcome]:
        """Store a batch, then index every stored article the index lacks or holds older.

        Unchanged articles are offered to the index too: after an ingest was killed
        between the two writes, running it again completes it.
        """
        with self._write_lock:
            outcomes = self.store.upsert(articles, source_paths=source_paths)
            stored = [
                a for a, o in zip(articles, outcomes, strict=True) if o is not Outcome.DUPLICATE
            ]
            self.index.update(stored)
        return outcomes

    def differences(self) -> Differences:
        stored = self.store.hashes_by_id()
        seen: dict[str, str] = {}
        found = Differences()
        for article_id, digest in self.index.documents():
            if article_id in seen and article_id not in found.doubled:
                found.doubled.append(article_id)
            seen[article_id] = digest
        for article_id, digest in seen.items():
            if article_id not in stored:
                found.extra.append(article_id)
            elif stored[article_id] != digest:
                found.stale.append(article_id)
        found.missing = [article_id for article_id in stored if article_id not in seen]
        for ids in (found.missing, found.extra, found.stale, found.doubled):
            ids.sort()
        return found

    def repair(self) -> Differences:
        """Make the index hold exactly the store's articles; returns what was wrong."""
        with self._write_lock:
            found = self.differences()
            if found.extra or found.doubled:
                self.index.delete(found.extra + found.doubled)
            to_index = sorted(set(found.missing + found.stale + found.doubled))
            for start in range(0, len(to_index), REPAIR_BATCH):
                records = self.store.get_many(to_index[start : start + REPAIR_BATCH])
                self.index.update(record.to_article() for record in records.values())
        return found

    def reindex(self) -> int:
        """Rebuild the whole index from the store; returns the number of documents."""
        with self._write_lock:
            batches = ([record.to_article() for record in batch] for batch in self.store.iter_all())
            return self.index.replace_all(batches)
