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

from app.facets import TOP_NAMES, facet_names

MONTHS_LISTED = 12  # a month facet lists every month up to this many, else this many busiest


@dataclass(frozen=True)
class Facets:
    named: dict[str, list[tuple[str, int]]]  # by facet, in `app.facets` order
    years: list[tuple[int, int]]  # oldest first
    months: list[tuple[date, int]]  # the first day of each month, oldest first
    days: Mapping[date, int]  # every day with matches, in date order: the timeline's data
    distinct: dict[str, int]  # values of each named filter among the matches (`named` cuts)

    @property
    def months_listed(self) -> tuple[str, list[tuple[date, int]]]:
        """The month facet's label and months, oldest first: every month, or on a long span
        the busiest (so that a reader can go to a month before choosing its year)."""
        if len(self.months) <= MONTHS_LISTED:
            return "Month", self.months
        busiest = sorted(self.months, key=lambda pair: (-pair[1], pair[0]))[:MONTHS_LISTED]
        return "Busiest months", sorted(busiest)


def build_facets(
    *,
    days: Mapping[date, int],
    named: Mapping[str, Mapping[str, int]],
    months: Mapping[date, int] | None = None,
    distinct: Mapping[str, int] | None = None,
) -> Facets:
    """The facets of matches counted by day and by each named filter's values.

    `months` (keyed by each month's first day) may be given where they were counted
    more cheaply than by adding up thousands of days here, as the engine does; its
    days then come in date order and are kept as they are (not read). So may `distinct`,
    where `named` holds only the commonest values (the engine's do).
    """
    given_months = months is not None
    if months is None:
        months = Counter()
        for day, count in days.items():
            months[day.replace(day=1)] += count
    years: Counter[int] = Counter()
    for month, count in months.items():
        years[month.year] += count
    every = {name: all_values(named.get(name, {})) for name in facet_names()}
    return Facets(
        named={name: values[:TOP_NAMES] for name, values in every.items()},
        years=sorted(years.items()),
        months=sorted(months.items()),
        days=days if given_months else _in_date_order(days),
        distinct=dict(distinct) if distinct else {n: len(v) for n, v in every.items()},
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


def all_values(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Names by how often they occur, spellings that differ only in case counted as one.

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
    return sorted(named, key=lambda pair: (-pair[1], pair[0]))
