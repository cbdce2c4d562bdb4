"""Facets: how the matches of a search divide by day, month, year and each named filter.

Both the engine (for a query) and the store (for browsing) hand over plain counts;
this module turns them into the ordered lists the pages and the API show, so
that the two faces always agree.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.search.filters import FACET_LABELS

TOP_NAMES = 20  # places and sources listed, the most frequent first


@dataclass(frozen=True)
class Facets:
    named: dict[str, list[tuple[str, int]]]  # by named filter, in `FACET_LABELS` order
    years: list[tuple[int, int]]  # oldest first
    months: list[tuple[date, int]]  # the first day of each month, oldest first
    days: dict[date, int]  # every day with matches: the timeline's data


def build_facets(*, days: Mapping[date, int], named: Mapping[str, Mapping[str, int]]) -> Facets:
    """The facets of matches counted by day and by each named filter's values."""
    years: Counter[int] = Counter()
    months: Counter[date] = Counter()
    for day, count in days.items():
        years[day.year] += count
        months[day.replace(day=1)] += count
    return Facets(
        named={name: _top(named.get(name, {})) for name in FACET_LABELS},
        years=sorted(years.items()),
        months=sorted(months.items()),
        days=dict(sorted(days.items())),
    )


def _top(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """The most frequent names, spellings that differ only in case counted as one.

    The filters ignore case, so the facets must too; each shows its commonest spelling.
    """
    totals: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for name, count in counts.items():
        if name:
            totals[name.lower()] += count
            spellings.setdefault(name.lower(), Counter())[name] += count
    named = [(spellings[key].most_common(1)[0][0], total) for key, total in totals.items()]
    return sorted(named, key=lambda pair: (-pair[1], pair[0]))[:TOP_NAMES]
