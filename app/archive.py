"""The archive: the store and the index opened together, and the one place that writes them.

Every write goes to the store first (the truth: one transaction, which numbers the
changes it made), then the index applies the store's changes it has not applied yet
(`catch_up`), in their order, reading each article's text as the store holds it then.
Every node keeps an index of its own, and every node's index follows the one store
this way: its own writes at once, other nodes' when its follower next looks
(`app/node/follower.py`). A crash between the two writes leaves the index behind the store,
never ahead of it, and the next catch-up completes it.

`repair` and `reindex` mend or rebuild an index from the store by comparing, not by
changes; they run beside catch-ups (minutes at a million articles), so when done they
set the index's applied number back to the last change made before they began: what
changed meanwhile is applied again, after them.
"""

import gc
import logging
import threading
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlalchemy import create_engine

from app.article import Article
from app.engine import BULK_BATCH, SearchIndex
from app.errors import STORE_AWAY
from app.processes import server_run
from app.settings import Settings
from app.store import Change, Outcome, Store, migrations

logger = logging.getLogger(__name__)
REPAIR_BATCH = BULK_BATCH  # an index refilled from nothing gets large segments, few
CATCH_UP_BATCH = BULK_BATCH  # changes applied in one commit


@dataclass
class Differences:
    """How the index departs from the store, by article id."""

    missing: list[str] = field(default_factory=list)  # stored, not indexed
    extra: list[str] = field(default_factory=list)  # indexed, not stored
    stale: list[str] = field(default_factory=list)  # indexed with an older text
    doubled: list[str] = field(default_factory=list)  # indexed more than once

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.stale or self.doubled)


@dataclass(frozen=True)
class Replica:
    """How far this node's index follows the store: the last change applied (None: the
    index has never been filled), the store's latest, for how long the index has lacked
    the first change it has not applied (0 when it lacks none), and whether it has been
    up to date at least once since this process started."""

    applied: int | None
    latest: int
    lag_seconds: float
    caught_up: bool

    @property
    def behind(self) -> int:
        """Changes not applied yet (numbers PostgreSQL skipped, after a rollback, count)."""
        return max(0, self.latest - (self.applied or 0))

    def status(self, max_lag_seconds: float) -> str:
        """ok; filling (never filled: its searches would miss articles); catching up (not
        up to date yet since it started: a node back from a crash); or behind."""
        if self.applied is None:
            return "filling"
        if not self.caught_up:
            return "catching up"
        return "behind" if self.lag_seconds > max_lag_seconds else "ok"


class Archive:
    """Owns the store and the index for one data directory."""

    def __init__(self, settings: Settings) -> None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.store = Store(
            settings.database_url,
            synchronous=settings.sqlite_synchronous,
            changes_kept=settings.changes_kept,
            thread_rule=settings.thread_rule,
        )
        self.index = SearchIndex(settings.index_path)
        self._repair_lock = threading.Lock()
        # seen up to date since this node's server started (any of its processes): a mark
        # in the index's directory, so that a node has one readiness, not one a worker
        self._caught_up_mark = settings.index_path / "caught-up-since"
        self._caught_up = False  # known so in this process: the mark need not be read again
        self._run = server_run()  # None outside a server: readiness is this process's own
        self._follow_from_the_start()

    def _follow_from_the_start(self) -> None:
        """A new index over an empty store is up to date at change 0: every article stored
        from now on comes numbered, so it follows by numbers from the first write on,
        instead of being filled by comparing (which reads every article back)."""
        if self.index.applied_change() is None and self.index.doc_count() == 0:
            with self.index.applying():
                if self.store.is_empty():
                    self.index.record_applied(0)

    def close(self) -> None:
        self.index.close()
        self.store.close()

    def reopen_index(self) -> None:
        """Open the index again: one that cannot be read is started anew, empty, and the
        next catch-up fills it."""
        self.index.close()
        with warnings.catch_warnings():  # files a failed write left open: closed here
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
        self.index = SearchIndex(self.settings.index_path)

    def article_count(self) -> int:
        return self.store.article_count()

    def warm(self) -> None:
        """Build what searches read now, before the first request (`SearchIndex.warm`)."""
        self.index.warm()

    def applied_change(self) -> int | None:
        """The number of the store's last change this node's index reflects."""
        return self.index.applied_change()

    def compact(self, **options: int) -> int:
        """Merge the index's next large segments (`SearchIndex.compact`); how many merged."""
        return self.index.compact(**options)

    def segment_count(self) -> int:
        return self.index.segment_count()

    def reclean(self) -> tuple[int, int]:
        """Clean the stored text again by today's rules, then thread the articles stored
        before threads were; how many were cleaned and how many joined a thread. Both are
        numbered changes, which the index applies at its next catch-up or rebuild."""
        return self.store.reclean(), self.store.thread_unsigned()

    def add(
        self, articles: Sequence[Article], *, source_paths: Sequence[str | None]
    ) -> list[Outcome]:
        """Store a batch, then bring the index up to the store (this batch and any change
        another process made), so that what was added is found as soon as this returns."""
        outcomes = self.store.upsert(articles, source_paths=source_paths)
        with _committed():
            threads = self.store.threads_of([article.id for article in articles])
            self.catch_up(known=[replace(a, thread=threads.get(a.id, a.id)) for a in articles])
        return outcomes

    def delete(self, ids: Sequence[str]) -> list[str]:
        """Delete the articles stored under `ids` (and their aliases); returns those that were."""
        deleted = self.store.delete(ids)
        with _committed():
            self.catch_up()
        return deleted

    def catch_up(self, known: Iterable[Article] = ()) -> int:
        """Apply to the index, in order, every change of the store it has not applied;
        returns how many it applied. `known` are articles as just stored: their text is
        not read back from the store.

        An index that has never been filled (new, or started anew after damage) or whose
        next change the store no longer keeps is mended from the store first (`repair`),
        while it goes on answering searches.
        """
        texts = {article.id: article for article in known}
        count = 0
        while True:
            applied = self.index.applied_change()
            if applied is not None and applied == self.store.changes().latest:
                self._mark_caught_up()
                return count  # the common case, and a follower's idle poll: no lock taken
            with self.index.applying():
                applied, changes = self.index.applied_change(), self.store.changes()
                # behind the first change kept, or ahead of the latest (a store restored
                # from an older backup): the changes cannot say what differs
                if applied is not None and changes.first - 1 <= applied <= changes.latest:
                    pending = self.store.changes_after(applied, CATCH_UP_BATCH)
                    if not pending:
                        return count
                    self._apply(pending, texts)
                    self.index.record_applied(pending[-1].seq)
                    count += len(pending)
                    continue
            self.repair()  # outside the lock: catch-ups go on beside it

    def _apply(self, changes: Sequence[Change], texts: dict[str, Article]) -> None:
        """Make the index hold each changed article's text as the store holds it now (the
        last change of an article decides; a later one, if any, is applied after)."""
        after = {change.article_id: change.content_hash for change in changes}
        known = {i: texts[i] for i, digest in after.items() if _same(texts.get(i), digest)}
        unknown = [i for i, digest in after.items() if digest is not None and i not in known]
        read = self.store.get_many(unknown)
        gone = [i for i in after if i not in known and i not in read]
        if gone:
            self.index.delete(gone)
        self.index.update([*known.values(), *(record.to_article() for record in read.values())])

    def replica(self) -> Replica:
        """How far the index follows the store (what `/healthz` reports)."""
        applied = self.index.applied_change()
        changes = self.store.changes(after=applied or 0)
        made = changes.next_made
        lag = 0.0 if made is None else max(0.0, (datetime.now(UTC) - _aware(made)).total_seconds())
        if applied is not None and applied >= changes.latest:
            self._mark_caught_up()
        return Replica(applied, changes.latest, lag, self._has_caught_up())

    def _mark_caught_up(self) -> None:
        """Up to date: for this process, and for its server's other processes (a command
        writing beside a server leaves the server's mark alone)."""
        if self._run is not None and not self._has_caught_up():
            self._caught_up_mark.write_text(f"{self._run}\n")
        self._caught_up = True

    def _has_caught_up(self) -> bool:
        """Whether this node's index has been up to date since its server started (outside
        a server: since this archive was opened)."""
        if not self._caught_up and self._run is not None:
            try:
                self._caught_up = self._caught_up_mark.read_text().strip() == self._run
            except OSError:
                return False
        return self._caught_up

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
        with self._repair_lock:
            began = self.store.changes().latest
            found = self.differences()
            if found.extra or found.doubled:
                self.index.delete(found.extra + found.doubled)
            to_index = sorted(set(found.missing + found.stale + found.doubled))
            for start in range(0, len(to_index), REPAIR_BATCH):
                records = self.store.get_many(to_index[start : start + REPAIR_BATCH])
                self.index.update(record.to_article() for record in records.values())
            self._rewind(began)
        return found

    def reindex(self) -> int:
        """Rebuild the whole index from the store; returns the number of documents."""
        with self._repair_lock:
            began = self.store.changes().latest
            batches = ([record.to_article() for record in batch] for batch in self.store.iter_all())
            written = self.index.replace_all(batches)
            self._rewind(began)
        return written

    def _rewind(self, began: int) -> None:
        """After a repair or a rebuild that began when `began` was the latest change: the
        index reflects every change up to it, and the changes after it are applied again."""
        with self.index.applying():
            self.index.record_applied(began)


@contextmanager
def _committed() -> Iterator[None]:
    """What follows a committed write: the store going away meanwhile does not undo the
    write, so it is not the writer's failure. The index applies the change when the store
    answers again (the node's follower, or the next write)."""
    try:
        yield
    except STORE_AWAY:
        logger.warning("a write is stored; this node's index applies it once the store answers")


def _same(article: Article | None, digest: str | None) -> bool:
    return article is not None and article.content_hash == digest


def _aware(moment: datetime) -> datetime:
    """SQLite gives back a time without its zone; the store writes them all in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def migrate(settings: Settings) -> tuple[str | None, str]:
    """Bring the store's schema up to this release's: the revisions before and after."""
    engine = create_engine(settings.database_url)
    try:
        return migrations.upgrade(engine)
    finally:
        engine.dispose()
