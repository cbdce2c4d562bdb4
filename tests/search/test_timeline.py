"""app.search.timeline: per-day counts into buckets.

The bucket tests write the expected buckets out by hand for days, weeks and months;
the property test checks the invariants that every chart relies on (nothing counted
twice or lost, no gaps, no overlaps, nothing outside the range).
"""

import csv
import io
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.search.timeline import (
    FEW_MATCHES,
    Bucket,
    as_csv,
    buckets,
    chart_of,
    charted,
    choose_unit,
    focus,
    gaps_merged,
    gathered,
    overview,
    percent,
)

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


# --- the archive's stories: shares and gaps ------------------------------------------------


def test_each_bucket_holds_the_archive_s_stories_of_its_days_and_the_share():
    matches = {day("1987-03-02"): 23, day("1987-06-29"): 11}
    archive = {day("1987-03-02"): 2000, day("1987-03-05"): 459, day("1987-06-29"): 454}
    result = buckets(matches, unit="week", archive=archive)
    march, june = result[0], result[-1]
    assert (march.count, march.archive, june.count, june.archive) == (23, 2459, 11, 454)
    assert march.share == pytest.approx(23 / 2459) and june.share == pytest.approx(11 / 454)
    assert june.share > march.share  # fewer matches, a greater part of what the archive holds


def test_a_period_the_archive_holds_nothing_of_has_no_share():
    result = buckets({day("2025-01-01"): 1, day("2025-01-03"): 1}, archive={day("2025-01-01"): 4})
    gap = result[1]
    assert (gap.count, gap.archive, gap.held, gap.share) == (0, 0, 0, None)
    assert result[2].archive == 1  # never fewer stories than matches: counted apart, a race


def test_a_bucket_without_the_archive_s_counts_is_the_archive_s_own():
    own = buckets({day("2025-01-01"): 4, day("2025-01-03"): 2})
    assert [(b.archive, b.held, b.share) for b in own] == [
        (None, 4, None),
        (None, 0, None),
        (None, 2, None),
    ]


def test_the_unit_leaves_out_the_archive_s_long_gaps():
    first, last = day("1987-02-26"), day("2020-12-28")  # 34 years: a bar a year
    archive = {first + timedelta(days=n): 5 for n in range(200)}  # spring 1987
    archive |= {last - timedelta(days=n): 1 for n in range(0, 400, 3)}  # 2019 to 2020
    assert choose_unit(first, last) == "year"
    assert choose_unit(first, last, archive) == "week"  # 600 days hold stories: ≤ 2 years
    archive |= {last - timedelta(days=n): 1 for n in range(400, 700, 3)}  # 900 days
    assert choose_unit(first, last, archive) == "month"
    sparse = {first + timedelta(days=n): 1 for n in range(0, 3000, 366)}  # a lull, not a gap
    assert choose_unit(first, first + timedelta(days=2928), sparse) == "month"
    assert choose_unit(first, first + timedelta(days=2928), {first: 1}) == "day"  # one day


def test_gaps_merged_makes_each_run_of_empty_periods_one_bucket():
    archive = {day("1987-03-05"): 9, day("1987-06-01"): 4, day("1987-10-19"): 3}
    months = buckets(archive, unit="month", archive=archive)
    merged = gaps_merged(months, "month")
    assert [(b.label, b.start.isoformat(), b.end.isoformat(), b.held) for b in merged] == [
        ("Mar 1987", "1987-03-05", "1987-03-31", 9),
        ("Apr 1987 to May 1987", "1987-04-01", "1987-05-31", 0),
        ("Jun 1987", "1987-06-01", "1987-06-30", 4),
        ("Jul 1987 to Sep 1987", "1987-07-01", "1987-09-30", 0),
        ("Oct 1987", "1987-10-01", "1987-10-19", 3),
    ]
    weeks = gaps_merged(buckets(archive, unit="week", archive=archive), "week")
    assert weeks[1].label == "9 Mar 1987 to 31 May 1987"  # weeks by their days


def test_a_period_with_stories_but_no_match_is_not_a_gap():
    result = gaps_merged(
        buckets({day("2025-01-01"): 1, day("2025-01-04"): 1}, archive={day("2025-01-02"): 5}),
        "day",
    )
    assert [(b.label, b.count, b.held) for b in result] == [
        ("1 Jan 2025", 1, 1),
        ("2 Jan 2025", 0, 5),
        ("3 Jan 2025", 0, 0),
        ("4 Jan 2025", 1, 1),
    ]


def test_gathered_counts_the_far_matches_and_the_archive_in_one_bucket():
    matches = {day("2019-05-14"): 2, day("2020-01-02"): 1, day("1987-03-02"): 50}
    archive = {day("2019-05-14"): 10, day("2019-08-01"): 7, day("2020-01-02"): 3}
    far = gathered(matches, day("1987-10-21"), day("2020-01-02"), archive)
    assert (far.count, far.archive, far.label) == (3, 20, "21 Oct 1987 to 2 Jan 2020")


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (23 / 2459, "0.9 %"),
        (11 / 454, "2.4 %"),
        (0.0004, "under 0.1 %"),
        (0, "0.0 %"),
        (1, "100.0 %"),
    ],
)
def test_percent_reads_as_a_reader_reads_it(share, text):
    assert percent(share) == text


def test_as_csv_gives_each_bucket_its_matches_the_archive_s_and_the_share():
    result = buckets(
        {day("2025-01-01"): 1, day("2025-01-03"): 2},
        archive={day("2025-01-01"): 4, day("2025-01-03"): 8},
    )
    rows = list(csv.reader(io.StringIO(as_csv(result))))
    assert rows == [
        ["start", "end", "label", "matches", "archive", "share"],
        ["2025-01-01", "2025-01-01", "1 Jan 2025", "1", "4", "0.250000"],
        ["2025-01-02", "2025-01-02", "2 Jan 2025", "0", "0", ""],
        ["2025-01-03", "2025-01-03", "3 Jan 2025", "2", "8", "0.250000"],
    ]
    assert list(csv.reader(io.StringIO(as_csv(result, shares=False))))[1][-1] == ""


# --- overview: the home page's chart ---------------------------------------------------------


def test_the_overview_charts_the_months_of_a_year_that_holds_most_stories():
    days = {day("1987-02-26"): 200, day("1987-03-02"): 9000, day("1987-06-01"): 800}
    days |= {day("2019-01-10"): 100, day("2020-05-05"): 90, day("2000-01-01"): 0}
    year, chart = overview(days)
    assert year == 1987
    assert [(b.label, b.count) for b in chart] == [
        ("Feb 1987", 200),
        ("Mar 1987", 9000),
        ("Apr 1987 to May 1987", 0),
        ("Jun 1987", 800),
    ]
    assert all(bucket.archive is None for bucket in chart)  # the archive's own stories


def test_the_overview_charts_years_when_none_holds_most_with_gaps_merged():
    days = {day("1987-03-02"): 5, day("2019-01-10"): 4, day("2020-05-05"): 3}
    year, chart = overview(days)
    assert year is None
    assert [(b.label, b.count, b.held) for b in chart] == [
        ("1987", 5, 5),
        ("1988 to 2018", 0, 0),
        ("2019", 4, 4),
        ("2020", 3, 3),
    ]
    assert overview({}) == (None, [])
    assert overview({day("2000-01-01"): 0}) == (None, [])
    assert overview({day("2000-01-01"): 3, day("2000-09-01"): 2}) == (None, [])  # one year


# --- charted: what both faces show -----------------------------------------------------------


def test_charted_covers_the_focus_and_gathers_the_far_matches_apart():
    days = {date(1987, 3, 2) + timedelta(days=n): 10 for n in range(200)}
    days |= {date(2019, 5, 14): 3, date(1970, 1, 1): 1}
    archive = {day: count * 20 for day, count in days.items()}
    result = charted(days, archive, total=2004, shares=True)
    assert result is not None and result.unit == "week" and result.dates == []
    assert (result.buckets[0].start, result.buckets[-1].end) == (
        date(1987, 3, 2),
        date(1987, 9, 17),
    )
    assert result.before == gathered(days, date(1970, 1, 1), date(1987, 3, 1), archive)
    assert (result.after.start, result.after.end, result.after.count) == (
        date(1987, 9, 18),
        date(2019, 5, 14),
        3,
    )
    assert sum(bucket.count for bucket in result.every) == 2004
    assert result.every[0] is result.before and result.every[-1] is result.after


def test_charted_lists_the_days_of_a_few_matches_and_gives_nothing_for_none():
    days = {day("2025-01-01"): 2, day("2025-03-05"): 1, day("2025-02-01"): 0}
    archive = {day("2025-01-01"): 7, day("2025-03-05"): 4, day("2025-02-02"): 9}
    result = charted(days, archive, total=3, shares=False)
    assert result is not None and not result.shares
    assert [(b.label, b.count, b.archive) for b in result.dates] == [
        ("1 Jan 2025", 2, 7),
        ("5 Mar 2025", 1, 4),
    ]
    assert charted({}, archive, total=0, shares=True) is None
    assert charted({day("2025-01-01"): 0}, archive, total=0, shares=True) is None
    many = charted(days, archive, total=FEW_MATCHES + 1, shares=True)
    assert many is not None and many.dates == []


def test_chart_of_coarsens_where_gaps_would_outnumber_half_the_bars():
    first = date(2024, 5, 20)
    archive = {first + timedelta(days=n): 1 for n in range(0, 500, 12)}  # a story every 12 days
    last = max(archive)
    assert choose_unit(first, last, archive) == "week"
    unit, chart = chart_of(archive, first, last, archive)
    assert unit == "month" and all(bucket.held for bucket in chart)
    daily = {first + timedelta(days=n): 1 for n in range(0, 60) if n % 7 != 6}  # no Sundays
    unit, chart = chart_of(daily, first, first + timedelta(days=59), daily)
    assert unit == "day" and sum(1 for bucket in chart if not bucket.held) == 8  # marked
