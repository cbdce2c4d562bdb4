"""Ingest: article files, directories and URLs, in every format, into the archive.

What callers need is here, from `pipeline`. Behind it: `formats` (the registry
that picks a reader), one module a format (`text`, `records`, `feeds`, `pages`,
with `html` for feed entries' markup) and `fetch` for URLs.
"""

from app.ingest.pipeline import (
    IngestReport,
    Rejection,
    Source,
    ingest,
    ingest_records,
    iter_sources,
    total_bytes,
)

__all__ = [
    "IngestReport",
    "Rejection",
    "Source",
    "ingest",
    "ingest_records",
    "iter_sources",
    "total_bytes",
]
