"""Ingest: article files on disk into the archive, every bad file named with its reason.

Files are streamed (never all held at once), parsed, and written in batches
through `Archive.add`, so a large directory costs one transaction and one index
commit per batch rather than per file. A bad file never stops the good ones.
"""

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.archive import Archive
from app.parse import Article, ParseError, parse_article
from app.store import Outcome

BATCH_SIZE = 500
ARTICLE_SUFFIXES = (".txt",)


@dataclass(frozen=True)
class Rejection:
    path: str
    reason: str


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    def summary(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {len(self.rejected)}"
        )


def iter_files(paths: Iterable[Path], on_skip: Callable[[Rejection], None]) -> Iterator[Path]:
    """Files named, and article files under directories (recursively, sorted, no hidden ones).

    Links that lead outside the directory given are not followed; each is reported.
    """
    for path in paths:
        if path.is_dir():
            yield from _walk(path, on_skip)
        elif path.exists():
            yield path
        else:
            on_skip(Rejection(str(path), "no such file or directory"))


def count_files(paths: Iterable[Path]) -> int:
    return sum(1 for _ in iter_files(paths, lambda _rejection: None))


def ingest_paths(
    archive: Archive,
    paths: Iterable[Path],
    *,
    on_file: Callable[[], None] = lambda: None,
    batch_size: int = BATCH_SIZE,
) -> IngestReport:
    """Parse and store every file under `paths`; `on_file` is called once per file read."""
    report = IngestReport()
    batch: dict[str, tuple[Article, str]] = {}
    for path in iter_files(paths, report.rejected.append):
        on_file()
        try:
            article = read_article(path, max_bytes=archive.settings.max_article_bytes)
        except ParseError as error:
            report.rejected.append(Rejection(str(path), str(error)))
            continue
        if article.id in batch or len(batch) >= batch_size:  # one id once per batch
            _store(archive, batch, report)
            batch = {}
        batch[article.id] = (article, str(path))
    _store(archive, batch, report)
    return report


def read_article(path: Path, *, max_bytes: int) -> Article:
    """Read and parse one file; too-large and unreadable files fail before a full read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ParseError(f"file is {size:,} bytes, over the limit of {max_bytes:,}")
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        raise ParseError(f"cannot be read ({error.strerror or error})") from error
    return parse_article(raw, filename=path.name, max_bytes=max_bytes)


def _store(archive: Archive, batch: dict[str, tuple[Article, str]], report: IngestReport) -> None:
    if not batch:
        return
    articles, paths = zip(*batch.values(), strict=True)
    for outcome in archive.add(articles, source_paths=paths):
        report.count(outcome)


def _walk(root: Path, on_skip: Callable[[Rejection], None]) -> Iterator[Path]:
    real_root = root.resolve()
    for directory, subdirs, files in os.walk(root, onerror=lambda e: on_skip(_os_rejection(e))):
        subdirs[:] = sorted(name for name in subdirs if not name.startswith("."))
        for name in subdirs:  # os.walk does not descend into links; say so for outside ones
            _is_inside(Path(directory, name), real_root, on_skip)
        for name in sorted(files):
            path = Path(directory, name)
            if name.startswith(".") or path.suffix.lower() not in ARTICLE_SUFFIXES:
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
