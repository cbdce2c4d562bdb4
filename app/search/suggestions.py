"""Ways to find more than was asked: "did you mean" for a misspelt query, and the stories
most like a given one. Both are offers: they never change what a search returns."""

import re

from app.archive import Archive
from app.search.queries import ResultItem, SearchPage, build_params, result_item, search

SUGGEST_BELOW = 3  # offer a better spelling when a query finds fewer matches than this
RELATED_COUNT = 5
_PLAIN_WORD = re.compile(r"(?<![\w:*?\"'])([^\W\d_]{3,})(?![\w:*?])")


def suggestion(archive: Archive, found: SearchPage) -> str | None:
    """A respelt query that finds more, when the query found little; else None.

    Only plain words are respelt: not field names, wildcards, quoted phrases or
    operators. The respelt query is run, and offered only if it finds more.
    """
    query = found.params.q
    if not query or found.total >= SUGGEST_BELOW or query.count('"') % 2:
        return None
    parts = query.split('"')  # the even parts are outside quotes: phrases stay as written
    for index in range(0, len(parts), 2):
        parts[index] = _PLAIN_WORD.sub(lambda word: _respell(archive, word.group(1)), parts[index])
    respelt = '"'.join(parts)
    if respelt == query:
        return None
    better = search(archive, build_params(q=respelt, per_page=1))
    return respelt if better.total > found.total else None


def related(archive: Archive, article_id: str, *, count: int = RELATED_COUNT) -> list[ResultItem]:
    """The stories most like this one, by their key words."""
    record = archive.store.get(article_id)
    if record is None:
        return []
    ids = archive.index.more_like(record.to_article(), count=count)
    rows = archive.store.get_many(ids)
    return [result_item(rows[i], frozenset()) for i in ids if i in rows]


def _respell(archive: Archive, word: str) -> str:
    if word.isupper() and word in ("AND", "OR", "NOT", "TO"):
        return word
    lowered = word.lower()
    if archive.index.knows(lowered):
        return word
    return archive.index.suggest(lowered) or word
