"""Related stories: the articles most like a given one, by their key words, never a version
of its own story (its thread: a correction is no other story)."""

from app.archive import Archive
from app.search.queries import ResultItem, result_items

RELATED_COUNT = 5


def related(archive: Archive, article_id: str, *, count: int = RELATED_COUNT) -> list[ResultItem]:
    """The stories most like this one, best first; none for an id not stored."""
    record = archive.store.get(article_id)
    if record is None:
        return []
    own = {version.id for version in archive.store.versions(record.thread)} | {record.id}
    ids = archive.index.more_like(record.to_article(), count=count + len(own) - 1)
    rows = archive.store.listed([found for found in ids if found not in own][:count])
    return result_items(archive, [rows[i] for i in ids if i in rows], frozenset())
