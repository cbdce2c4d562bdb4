"""One spelling a name: a place or a source is shown, filtered and counted under one spelling.

Sources write one place in several cases (Reuters-21578: `NEW YORK` 2,318 times, `New
York` 85, `New york` once; `amarillo` beside `AMARILLO`). The filters and facets ignore
case, but a reader would meet both spellings on different pages. The store keeps one:
the commonest of those that differ only in case, which a new article takes when its
place or source is stored already in another case (`Store.upsert`); stores made before
are made to by a migration (revision 0006) and by `newsarchive reindex`.
"""

from collections.abc import Iterable, Mapping


def folded(name: str) -> str:
    """The key of a name's spellings: lower case, as the filters and the index compare."""
    return name.lower()


def chosen_spellings(*counted: Mapping[str, int]) -> dict[str, str]:
    """Each name's spelling, by its folded key: the commonest in the first of `counted`
    that holds it (the stored before a batch's), the first in order on a tie."""
    chosen: dict[str, str] = {}
    for counts in counted:
        for key, spellings in _groups(counts.items()).items():
            if key not in chosen:
                chosen[key] = min(spellings, key=lambda pair: (-pair[1], pair[0]))[0]
    return chosen


def _groups(counts: Iterable[tuple[str, int]]) -> dict[str, list[tuple[str, int]]]:
    groups: dict[str, list[tuple[str, int]]] = {}
    for name, count in counts:
        if name:
            groups.setdefault(folded(name), []).append((name, count))
    return groups
