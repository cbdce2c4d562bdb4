"""Facets: how the matches of a search divide by day, month, year and each named filter.

Both the engine (for a query) and the store (for browsing) hand over plain counts;
this module turns them into the ordered lists the pages and the API show, so
that the two faces always agree.
"""

import operator
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
    days: Mapping[date, int]  # every day with matches, in date order: the timeline's data


def build_facets(
    *,
    days: Mapping[date, int],
    named: Mapping[str, Mapping[str, int]],
    months: Mapping[date, int] | None = None,
) -> Facets:
    """The facets of matches counted by day and by each named filter's values.

    `months` (keyed by each month's first day) may be given where they were counted
    more cheaply than by adding up thousands of days here, as the engine does; its
    days then come in date order and are kept as they are (not read).
    """
    given_months = months is not None
    if months is None:
        months = Counter()
        for day, count in days.items():
            months[day.replace(day=1)] += count
    years: Counter[int] = Counter()
    for month, count in months.items():
        years[month.year] += count
    return Facets(
        named={name: _top(named.get(name, {})) for name in FACET_LABELS},
        years=sorted(years.items()),
        months=sorted(months.items()),
        days=days if given_months else _in_date_order(days),
    )


def _commonest(spellings: Counter[str]) -> str:
    most = max(spellings.values())
    return min(name for name, count in spellings.items() if count == most)


def _in_date_order(days: Mapping[date, int]) -> dict[date, int]:
    """`days` oldest first: as given when they come so (the engine's and the store's do;
    checking is a third of the cost of sorting thousands of days)."""
    keys = list(days)
    if all(map(operator.lt, keys, keys[1:])):
        return dict(days)
    return dict(sorted(days.items()))


def _top(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """The most frequent names, spellings that differ only in case counted as one.

    The filters ignore case, so the facets must too; each shows its commonest spelling
    (the first in order on a tie, so that the engine's and the store's agree).
    """
    totals: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for name, count in counts.items():
        if name:
            totals[name.lower()] += count
            spellings.setdefault(name.lower(), Counter())[name] += count
    named = [(_commonest(spellings[key]), total) for key, total in totals.items()]
    return sorted(named, key=lambda pair: (-pair[1], pair[0]))[:TOP_NAMES]
