"""Ingest: files, directories and URLs into the archive, every bad item named with its reason.

Sources are streamed (never all held at once), read by `formats` whatever their
format, and written in batches through `Archive.add`: one transaction and one
index commit a batch rather than an article. A bad item never stops the good ones.
"""

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.archive import Archive
from app.article import Article
from app.engine import BULK_BATCH
from app.errors import ParseError
from app.ingest.formats import has_article_suffix, is_url, read_source
from app.ingest.jsonl import record_article
from app.ingest.reader import Item
from app.store import Outcome

BATCH_SIZE = BULK_BATCH  # articles a transaction and an index commit: large segments, few
Source = Path | str  # a path, or an http(s) URL
Progress = Callable[[int, int], None]  # (bytes read, articles read), as increments


@dataclass(frozen=True)
class Rejection:
    path: str  # the file or URL, with the line or entry inside it
    reason: str


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0  # the same id and text again
    duplicates: int = 0  # the text of a stored article under another id: kept as an alias
    rejected: list[Rejection] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        name = "duplicates" if outcome is Outcome.DUPLICATE else outcome.value
        setattr(self, name, getattr(self, name) + 1)

    def summary(self) -> str:
        duplicates = f"duplicates {self.duplicates}, " if self.duplicates else ""
        return (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"{duplicates}rejected {len(self.rejected)}"
        )

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def iter_sources(
    sources: Iterable[Source], on_skip: Callable[[Rejection], None]
) -> Iterator[Source]:
    """URLs, files named, and article files under directories (recursive, sorted, not hidden).

    Links that lead outside the directory given are not followed; each is reported.
    """
    for source in sources:
        if is_url(source):
            yield source
            continue
        path = Path(source)
        if path.is_dir():
            yield from _walk(path, on_skip)
        elif path.exists():
            yield path
        else:
            on_skip(Rejection(str(path), "no such file or directory"))


def total_bytes(sources: Iterable[Source]) -> int:
    """The size of every file that `ingest` will read (URLs count 0), for a progress bar."""
    return sum(_size(source) for source in iter_sources(sources, lambda _rejection: None))


def ingest(
    archive: Archive,
    sources: Iterable[Source],
    *,
    on_progress: Progress = lambda _bytes, _articles: None,
    batch_size: int = BATCH_SIZE,
) -> IngestReport:
    """Read and store every article under `sources`; returns what happened to each."""
    report = IngestReport()
    max_bytes = archive.settings.max_article_bytes

    def items() -> Iterator[Item]:
        for source in iter_sources(sources, report.rejected.append):
            yield from read_source(
                source, max_bytes=max_bytes, on_bytes=lambda n: on_progress(n, 0)
            )

    return ingest_items(
        archive, items(), report=report, batch_size=batch_size, on_item=lambda: on_progress(0, 1)
    )


def ingest_records(archive: Archive, records: Iterable[object]) -> IngestReport:
    """Store JSON records (as POSTed to the API), item by item validated like JSON Lines."""
    return ingest_items(
        archive, ((f"item {n}", record_article(record)) for n, record in enumerate(records, 1))
    )


def ingest_items(
    archive: Archive,
    items: Iterable[Item],
    *,
    report: IngestReport | None = None,
    batch_size: int = BATCH_SIZE,
    on_item: Callable[[], None] = lambda: None,
) -> IngestReport:
    """Store parsed items in batches, rejections noted with where they came from."""
    report = report or IngestReport()
    batch: dict[str, tuple[Article, str]] = {}
    for where, result in items:
        on_item()
        if isinstance(result, ParseError):
            report.rejected.append(Rejection(where, str(result)))
            continue
        if result.id in batch or len(batch) >= batch_size:  # an id once a batch
            _store(archive, batch, report)
            batch = {}
        batch[result.id] = (result, where)
    _store(archive, batch, report)
    return report


def _store(archive: Archive, batch: dict[str, tuple[Article, str]], report: IngestReport) -> None:
    if not batch:
        return
    articles, places = zip(*batch.values(), strict=True)
    for outcome in archive.add(articles, source_paths=places):
        report.count(outcome)


def _size(source: Source) -> int:
    try:
        return 0 if is_url(source) else Path(source).stat().st_size
    except OSError:
        return 0


def _walk(root: Path, on_skip: Callable[[Rejection], None]) -> Iterator[Path]:
    real_root = root.resolve()
    for directory, subdirs, files in os.walk(root, onerror=lambda e: on_skip(_os_rejection(e))):
        subdirs[:] = sorted(name for name in subdirs if not name.startswith("."))
        for name in subdirs:  # os.walk does not descend into links; say so for outside ones
            _is_inside(Path(directory, name), real_root, on_skip)
        for name in sorted(files):
            path = Path(directory, name)
            if name.startswith(".") or not has_article_suffix(name):
                continue
            if _is_inside(path, real_root, on_skip):
                yield path


def _is_inside(path: Path, real_root: Path, on_skip: Callable[[Rejection], None]) -> bool:
    """False, and reported, for a link that leads outside the directory being walked."""
    if path.is_symlink() and not path.resolve().is_relative_to(real_root):
        on_skip(Rejection(str(path), "link leads outside the directory given; not followed"))
        return False
    return True


def _os_rejection(error: OSError) -> Rejection:
    return Rejection(str(error.filename), f"cannot be read ({error.strerror or error})")
