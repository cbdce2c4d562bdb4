"""The versions of a story (its thread, `app.threads`): each with what changed from the one
before, headline and text, and, for a version a later one replaces, what replaced it.

A wire says what a version is at the head of its headline: "(CORRECTED)-", "CORRECTED - ",
"UPDATE 1-", "REFILE-", "RPT-" (Reuters-21578 has the corrections and the repeats). A
reader of a superseded version is told at its top that a later one exists and of what
kind: "corrected" when any later version is a correction (what a reader most needs to
know), else the next version's kind, "updated" where its headline says nothing.
"""

import re
from dataclasses import dataclass

from app.archive import Archive
from app.search.diff import Run, counted, word_changes
from app.search.headlines import shown_titles
from app.search.queries import get_article
from app.store.tables import ArticleRecord

CORRECTED, UPDATED = "corrected", "updated"
KINDS = {
    "CORRECTED": CORRECTED,
    "CORRECTION": CORRECTED,
    "UPDATE": UPDATED,
    "UPDATED": UPDATED,
    "REFILE": "refiled",
    "REFILED": "refiled",
    "REPEAT": "repeated",
    "RPT": "repeated",
}
# each kind in a reader's words: "A later version exists: it was sent again"
SAID = {CORRECTED: CORRECTED, UPDATED: UPDATED, "refiled": "filed again", "repeated": "sent again"}
_NAMES = "|".join(KINDS)
# a marker in brackets, or followed by a dash or a colon: "UPDATE ON TALKS" is no marker
_MARKER = re.compile(
    rf"^\s*(?:\(\s*(?P<bracketed>{_NAMES})(?:\s+\d+)?\s*\)|(?P<dashed>{_NAMES})(?:\s+\d+)?\s*[-:])",
    re.IGNORECASE,
)


def marked_kind(title: str) -> str | None:
    """What a headline's marker says its version is ("corrected", "updated", "refiled",
    "repeated"), or None for a headline without one."""
    found = _MARKER.match(title)
    if found is None:
        return None
    return KINDS[(found.group("bracketed") or found.group("dashed")).upper()]


@dataclass(frozen=True)
class Version:
    """One version of a story as shown, with what changed from the version before (None:
    the first): its headline's words and its text's."""

    record: ArticleRecord
    shown: str  # its headline as pages show it (`headlines.py`)
    changes: list[Run] | None
    headline_changes: list[Run] | None

    @property
    def kind(self) -> str | None:
        return marked_kind(self.record.title)

    @property
    def inserted(self) -> int:
        return counted(self.changes or [], "inserted")

    @property
    def deleted(self) -> int:
        return counted(self.changes or [], "deleted")

    @property
    def headline_changed(self) -> bool:
        return any(run.kind != "kept" for run in self.headline_changes or [])


def version_count(archive: Archive, record: ArticleRecord) -> int:
    """How many stored versions the story of `record` has (1: it was sent once)."""
    return archive.store.thread_size(record.thread)


def versions(archive: Archive, article_id: str) -> list[Version]:
    """Every version of the story thread of an article, oldest first, each with the words
    of its headline (as shown) and of its text changed since the one before."""
    record = get_article(archive, article_id)
    stored = archive.store.versions(record.thread)
    shown = shown_titles(archive, stored)
    made: list[Version] = []
    for one in stored:
        earlier = made[-1] if made else None
        made.append(
            Version(
                one,
                shown[one.id],
                None if earlier is None else word_changes(earlier.record.body, one.body),
                None if earlier is None else word_changes(earlier.shown, shown[one.id]),
            )
        )
    return made


@dataclass(frozen=True)
class Superseded:
    """What replaced a version: of which kind, the version to read of the change (the first
    correction, else the next version) and the newest version."""

    kind: str
    change: ArticleRecord
    latest: ArticleRecord

    @property
    def said(self) -> str:
        """The kind in a reader's words: "it was corrected", "it was sent again"."""
        return SAID[self.kind]


def superseded(archive: Archive, record: ArticleRecord) -> Superseded | None:
    """What replaced `record`, if a later version of its story exists."""
    stored = archive.store.versions(record.thread)
    ids = [one.id for one in stored]
    later = stored[ids.index(record.id) + 1 :] if record.id in ids else []
    if not later:
        return None
    corrections = [one for one in later if marked_kind(one.title) == CORRECTED]
    change = corrections[0] if corrections else later[0]
    return Superseded(marked_kind(change.title) or UPDATED, change, later[-1])
