"""app.search.timeline: per-day counts into buckets.

The bucket tests write the expected buckets out by hand for days, weeks and months;
the property test checks the invariants that every chart relies on (nothing counted
twice or lost, no gaps, no overlaps, nothing outside the range).
"""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.search.timeline import Bucket, buckets, choose_unit, focus

MONDAY = date(2025, 10, 13)


def day(text: str) -> date:
    return date.fromisoformat(text)


def spans(result: list[Bucket]) -> list[tuple[str, str, int]]:
    return [(b.start.isoformat(), b.end.isoformat(), b.count) for b in result]


# --- choose_unit -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "unit"),
    [
        (1, "day"),
        (62, "day"),
        (63, "week"),
        (731, "week"),
        (732, "month"),
        (3653, "month"),
        (3654, "year"),
    ],
)
def test_choose_unit_counts_both_ends_of_the_span(days, unit):
    first = date(1987, 1, 1)
    assert choose_unit(first, first + timedelta(days=days - 1)) == unit


def test_choose_unit_does_not_depend_on_the_order_of_the_dates():
    assert choose_unit(date(1990, 1, 1), date(1987, 1, 1)) == "month"


# --- buckets ---------------------------------------------------------------------------------


def test_no_days_give_no_buckets():
    assert buckets({}) == []
    assert buckets({}, first=day("2025-01-01"), last=day("2025-12-31")) == []


def test_first_after_last_gives_no_buckets():
    assert buckets({day("2025-01-05"): 3}, first=day("2025-02-01")) == []


def test_a_single_day_is_one_bucket():
    assert buckets({day("2025-10-17"): 4}) == [
        Bucket(day("2025-10-17"), day("2025-10-17"), 4, "17 Oct 2025")
    ]


def test_days_include_the_empty_days_between():
    result = buckets({day("2025-10-17"): 2, day("2025-10-20"): 1})
    assert spans(result) == [
        ("2025-10-17", "2025-10-17", 2),
        ("2025-10-18", "2025-10-18", 0),
        ("2025-10-19", "2025-10-19", 0),
        ("2025-10-20", "2025-10-20", 1),
    ]
    assert [b.label for b in result] == ["17 Oct 2025", "18 Oct 2025", "19 Oct 2025", "20 Oct 2025"]


def test_weeks_start_on_monday_and_are_clipped_to_the_range():
    counts = {
        day("2025-10-15"): 1,
        day("2025-10-19"): 2,
        day("2025-10-20"): 5,
        day("2025-10-29"): 3,
    }
    result = buckets(counts, unit="week")
    assert spans(result) == [
        ("2025-10-15", "2025-10-19", 3),  # Wednesday..Sunday: clipped at the start
        ("2025-10-20", "2025-10-26", 5),  # a whole week, Monday..Sunday
        ("2025-10-27", "2025-10-29", 3),  # clipped at the end
    ]
    assert [b.start.weekday() for b in result[1:]] == [0, 0]
    assert result[0].label == "week of 13 Oct 2025"  # named after its calendar week's Monday
    assert result[1].label == "week of 20 Oct 2025"


def test_months_are_calendar_months_with_empty_ones_kept():
    counts = {day("1987-01-03"): 2, day("1987-03-05"): 12, day("1987-03-31"): 1}
    result = buckets(counts, unit="month")
    assert spans(result) == [
        ("1987-01-03", "1987-01-31", 2),
        ("1987-02-01", "1987-02-28", 0),
        ("1987-03-01", "1987-03-31", 13),
    ]
    assert [b.label for b in result] == ["Jan 1987", "Feb 1987", "Mar 1987"]


def test_february_of_a_leap_year_has_29_days():
    result = buckets(
        {day("2024-02-29"): 1, day("2024-03-01"): 1}, first=day("2024-02-01"), unit="month"
    )
    assert spans(result) == [("2024-02-01", "2024-02-29", 1), ("2024-03-01", "2024-03-01", 1)]


def test_leap_day_is_its_own_daily_bucket():
    result = buckets({day("2024-02-28"): 1, day("2024-03-01"): 1})
    assert [b.label for b in result] == ["28 Feb 2024", "29 Feb 2024", "1 Mar 2024"]


def test_years_run_january_to_december():
    result = buckets({day("1987-06-01"): 1, day("1989-02-01"): 2}, unit="year")
    assert spans(result) == [
        ("1987-06-01", "1987-12-31", 1),
        ("1988-01-01", "1988-12-31", 0),
        ("1989-01-01", "1989-02-01", 2),
    ]
    assert [b.label for b in result] == ["1987", "1988", "1989"]


def test_an_explicit_range_adds_empty_buckets_and_drops_days_outside_it():
    counts = {day("2025-10-01"): 9, day("2025-10-05"): 1}
    result = buckets(counts, first=day("2025-10-03"), last=day("2025-10-07"))
    assert spans(result) == [
        ("2025-10-03", "2025-10-03", 0),
        ("2025-10-04", "2025-10-04", 0),
        ("2025-10-05", "2025-10-05", 1),
        ("2025-10-06", "2025-10-06", 0),
        ("2025-10-07", "2025-10-07", 0),
    ]


def test_the_unit_defaults_to_choose_unit():
    result = buckets({day("1987-01-01"): 1, day("1987-12-31"): 1})
    assert result[0].label == "week of 29 Dec 1986"
    assert len(result) == 53


def test_the_last_day_of_the_calendar_does_not_overflow():
    result = buckets({date.max: 1, date.max - timedelta(days=40): 1}, unit="month")
    assert spans(result)[-1] == ("9999-12-01", "9999-12-31", 1)


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unit must be one of"):
        buckets({day("2025-01-01"): 1}, unit="fortnight")


DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@settings(max_examples=200, deadline=None, database=None)
@given(
    counts=st.dictionaries(DAYS, st.integers(0, 1000), max_size=30),
    first=st.none() | DAYS,
    last=st.none() | DAYS,
    unit=st.none() | st.sampled_from(["day", "week", "month", "year"]),
)
def test_buckets_cover_the_range_once_and_count_every_day_in_it(counts, first, last, unit):
    if unit == "day" and counts:  # keep daily charts small enough to build quickly
        low = first or min(counts)
        last = min(last or max(counts), low + timedelta(days=800))
    result = buckets(counts, first=first, last=last, unit=unit)
    if not result:
        return
    low, high = result[0].start, result[-1].end
    assert low == (first or min(counts)) and high == (last or max(counts))
    assert sum(b.count for b in result) == sum(n for d, n in counts.items() if low <= d <= high)
    for before, after in zip(result, result[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
    assert all(b.start <= b.end for b in result)


# --- text ------------------------------------------------------------------------------------


def test_bucket_labels_and_counts_in_order_with_empty_months():
    result = buckets({day("1987-01-03"): 2, day("1987-03-05"): 12}, unit="month")
    labelled = [(bucket.label, bucket.count) for bucket in result]
    assert labelled == [("Jan 1987", 2), ("Feb 1987", 0), ("Mar 1987", 12)]


# --- focus: the days a chart covers ----------------------------------------------------------


def test_focus_leaves_out_a_few_matches_far_from_the_rest():
    days = {date(1987, 3, 2) + timedelta(days=n): 10 for n in range(200)}  # 2,000 in 1987
    days[date(2019, 5, 14)] = 3  # a sliver 32 years later
    days[date(1970, 1, 1)] = 1
    assert focus(days) == (date(1987, 3, 2), date(1987, 9, 17))


def test_focus_keeps_every_match_when_the_far_ones_are_many_or_not_far():
    spread = {date(1987, 3, 2) + timedelta(days=n): 10 for n in range(200)}
    many_later = {**spread, date(2019, 5, 14): 50}  # 2.4%: not a few
    assert focus(many_later) == (date(1987, 3, 2), date(2019, 5, 14))
    near = {**spread, date(1988, 1, 5): 1}  # narrowing by less than 3 times
    assert focus(near) == (date(1987, 3, 2), date(1988, 1, 5))
    assert focus({date(2024, 1, 1): 1}) == (date(2024, 1, 1), date(2024, 1, 1))
    assert focus({date(2024, 1, 1): 1, date(2024, 1, 2): 0}) == (date(2024, 1, 1),) * 2
