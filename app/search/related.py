"""Related stories: the articles most like a given one, by their key words."""

from app.archive import Archive
from app.search.queries import ResultItem, result_item

RELATED_COUNT = 5


def related(archive: Archive, article_id: str, *, count: int = RELATED_COUNT) -> list[ResultItem]:
    """The stories most like this one, best first; none for an id not stored."""
    record = archive.store.get(article_id)
    if record is None:
        return []
    ids = archive.index.more_like(record.to_article(), count=count)
    rows = archive.store.listed(ids)
    return [result_item(rows[i], frozenset()) for i in ids if i in rows]
