"""A query's matches over every segment: filtered, counted, tallied and put in order.

Filters are array lookups on each segment's columns (`columns.py`), so a date range or
a place costs a comparison a match, never a pass over the archive; the total, the
days and the named facets are counts over the same arrays (`np.bincount`); the page
is picked by `argpartition`, not by sorting every match.
"""

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from whoosh.query.qcore import Query

from app.engine.columns import Columns, Named, Tags
from app.engine.evaluate import Scope, evaluate
from app.engine.schema import day_number
from app.facets import TOP_NAMES, facet, facet_names
from app.filters import Filters

Docs = npt.NDArray[np.int32]


@dataclass(frozen=True)
class MatchFilter:
    """What a match must satisfy besides the query, in the terms the index stores: days as
    yyyymmdd, for each one-valued facet its wanted value lower-cased, and for each
    many-valued one (topics) its value as kept (case-folded)."""

    first_day: int = 0
    last_day: int = 99_999_999
    named: tuple[tuple[str, str], ...] = ()
    tagged: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, filters: Filters) -> "MatchFilter":
        return cls(
            first_day=day_number(filters.date_from) if filters.date_from else 0,
            last_day=day_number(filters.date_to) if filters.date_to else 99_999_999,
            named=tuple((n, v.lower()) for n, v in filters.chosen if not facet(n).many),
            tagged=tuple((n, v.casefold()) for n, v in filters.chosen if facet(n).many),
        )

    def passes(self, columns: Columns, docs: Docs) -> npt.NDArray[np.bool_]:
        """For each of `docs`: whether it is live and passes the filter."""
        kept = columns.live[docs]
        if self.first_day > 0 or self.last_day < 99_999_999:
            days = columns.days[docs]
            kept &= (days >= self.first_day) & (days <= self.last_day)
        for name, wanted in self.named:
            named = columns.named[name]
            kept &= np.isin(named.codes[docs], named.codes_of(wanted))
        for name, wanted in self.tagged:
            kept &= columns.tags[name].having(wanted, columns.size)[docs]
        return kept


@dataclass(frozen=True)
class Found:
    """The filtered matches: document numbers (the searcher's), scores, and the columns."""

    columns: Columns
    docs: Docs
    scores: npt.NDArray[np.float64]


@dataclass
class Tally:
    """Counts over every match that passed the filter: in all, a day, and the commonest
    values of each faceted column ({"place": Counter({"MOSCOW": 3})}, topics too)."""

    total: int = 0
    days: Counter[int] = field(default_factory=Counter)  # yyyymmdd → matches
    months: Counter[int] = field(default_factory=Counter)  # yyyymm → matches
    named: dict[str, Counter[str]] = field(
        default_factory=lambda: {name: Counter() for name in facet_names()}
    )
    distinct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(facet_names(), 0))


@dataclass(frozen=True)
class Candidates:
    """A query's live matches before any filter (every live document, browsing) and, when
    asked for, its stories: one match a thread, its best-matching version."""

    matched: Found
    stories: Found | None


def candidates(searched: Scope, query: Query | None, *, collapse: bool) -> Candidates:
    """The live matches of `query` (every live document when it is None), and their stories
    when `collapse`."""
    columns = searched.columns
    if query is None:
        docs = np.flatnonzero(columns.live).astype(np.int32)
        matched = Found(columns, docs, np.zeros(len(docs)))
    else:
        found = evaluate(query, searched)
        live = columns.live[found.docs]
        matched = Found(columns, found.docs[live], found.scores[live])
    searched.check_time()
    return Candidates(matched, collapsed(matched) if collapse else None)


def narrowed(candidates: Candidates, wanted: MatchFilter) -> tuple[Found, int]:
    """The matches `wanted` lets through, and how many articles match.

    A story is filtered by the version it is shown by (its best match among all the
    query's matches), as the facets count it: a filter and its facet always agree, and
    a story's day, place and source are one each, so a facet's counts add up to its total.
    (A story whose other version passes shows with `collapse=false`, every version.)"""
    matched = candidates.matched
    passing = wanted.passes(matched.columns, matched.docs)
    articles = int(np.count_nonzero(passing))
    shown = candidates.stories
    if shown is None:
        return Found(matched.columns, matched.docs[passing], matched.scores[passing]), articles
    kept = wanted.passes(shown.columns, shown.docs)
    return Found(shown.columns, shown.docs[kept], shown.scores[kept]), articles


def tally(found: Found, *, facets: bool, top: int | None = TOP_NAMES) -> Tally:
    """The total and, when `facets`, the matches a day and a month and the commonest values
    of each named column (`top` of them: all when None, none when 0; spellings that differ
    in case counted as one)."""
    counted = Tally(total=len(found.docs))
    if not facets or not len(found.docs):
        return counted
    days = found.columns.days[found.docs]
    first = int(days.min())
    counted.days.update(_nonzero(np.bincount(days - first), first))
    counted.months.update(_nonzero(np.bincount(days // 100 - first // 100), first // 100))
    for name in facet_names() if top != 0 else ():
        counted.named[name], counted.distinct[name] = facet_counts(found, name, top)
    return counted


def facet_counts(found: Found, name: str, top: int | None = TOP_NAMES) -> tuple[Counter[str], int]:
    """The `top` commonest values of the faceted column `name` among the matches (all when
    `top` is None), and how many values there are in all (see `commonest`)."""
    if facet(name).many:
        return tagged(found.columns.tags[name], found.docs, found.columns.size, top)
    return commonest(found.columns.named[name], found.docs, top)


def _nonzero(counts: npt.NDArray[np.intp], first: int) -> dict[int, int]:
    """{first + position: count} for every count above zero."""
    present = np.flatnonzero(counts)
    return dict(zip((present + first).tolist(), counts[present].tolist(), strict=True))


def commonest(named: Named, docs: Docs, top: int | None = TOP_NAMES) -> tuple[Counter[str], int]:
    """The `top` commonest groups of spellings among `docs` (more on a tie at the edge; all
    when `top` is None), each under its commonest spelling there (the first in order on a
    tie), blanks left out; and how many groups there are in all."""
    per_value = np.bincount(named.codes[docs], minlength=len(named.values))
    per_group = np.bincount(named.groups, weights=per_value).astype(np.int64)
    if named.blank is not None:
        per_group[named.blank] = 0
    chosen, distinct = _commonest_codes(per_group, top)
    counted: Counter[str] = Counter()
    for group in chosen.tolist():
        spellings = named.spellings[group]
        most = max(per_value[code] for code in spellings)
        spelling = min(named.values[code] for code in spellings if per_value[code] == most)
        counted[spelling] = int(per_group[group])
    return counted, distinct


def tagged(tags: Tags, docs: Docs, size: int, top: int | None) -> tuple[Counter[str], int]:
    """The `top` commonest values of a many-valued column among `docs` (more on a tie at the
    edge; all when `top` is None), a document counted under each of its values; and how
    many values there are in all."""
    per_value = tags.counts(docs, size)
    chosen, distinct = _commonest_codes(per_value, top)
    return Counter({tags.values[code]: int(per_value[code]) for code in chosen.tolist()}), distinct


def _commonest_codes(
    counts: npt.NDArray[np.int64] | npt.NDArray[np.intp], top: int | None
) -> tuple[npt.NDArray[np.intp], int]:
    """The codes counted at all, only the `top` commonest (with every tie at the edge) when
    `top` is not None, and how many were counted at all."""
    chosen = np.flatnonzero(counts)
    distinct = len(chosen)
    if top is not None and distinct > top:
        edge = np.sort(counts[chosen])[-top]
        chosen = chosen[counts[chosen] >= edge]
    return chosen, distinct


def collapsed(found: Found) -> Found:
    """One match a story thread: its best-scoring version (on a tie, the newest, then the
    first in index order: browsing shows a story by its latest version), the matches kept
    in index order."""
    codes = found.columns.threads.codes[found.docs]
    days = found.columns.days[found.docs]
    best_first = np.lexsort((found.docs, -days, -found.scores))
    _threads, first = np.unique(codes[best_first], return_index=True)
    kept = np.sort(best_first[first])
    return Found(found.columns, found.docs[kept], found.scores[kept])


def versions(found: Found, ids: list[str]) -> dict[str, int]:
    """How many versions the story thread of each of `ids` (matches) has in the index."""
    wanted = {article_id.encode() for article_id in ids}
    at = np.flatnonzero(np.isin(found.columns.ids[found.docs], list(wanted)))
    docs = found.docs[at]
    sizes = found.columns.thread_sizes[found.columns.threads.codes[docs]]
    return {bytes(i).decode(): int(n) for i, n in zip(found.columns.ids[docs], sizes, strict=True)}


def ordered_ids(found: Found, sort: str, start: int, stop: int | None) -> list[str]:
    """The ids of the matches from `start` to `stop` in `sort` order: relevance (score, then
    index order), newest or oldest (day, then id; both descending for newest)."""
    docs, columns = found.docs, found.columns
    keys: tuple[npt.NDArray[np.generic], ...]
    if sort == "relevance":
        keys = (docs, -found.scores)
        chosen = _first(-found.scores, stop)
    else:
        days = columns.days[docs]
        keys = (columns.ids[docs], days)
        chosen = _first(-days if sort == "newest" else days, stop)
    order = chosen[np.lexsort(tuple(key[chosen] for key in keys))]
    if sort == "newest":
        order = order[::-1]
    return [bytes(value).decode() for value in columns.ids[docs[order[start:stop]]]]


def _first(
    primary: npt.NDArray[np.float64] | npt.NDArray[np.int32], stop: int | None
) -> npt.NDArray[np.intp]:
    """Positions of the `stop` smallest values of `primary`, with every tie at the edge."""
    if stop is None or stop >= len(primary):
        return np.arange(len(primary))
    edge = np.partition(primary, stop - 1)[stop - 1]
    return np.flatnonzero(primary <= edge)
