"""app.search.periods: a year's, a month's or a day's steps lead to the nearest periods that
hold stories (pure, over the archive's days), and stop where the archive ends; a period of an
archive with a gap (Reuters-21578's 1987, Wikinews' later years) leads across it."""

from datetime import date

import pytest
from support.helpers import make

from app.errors import NotFound
from app.search.periods import Steps, label, period, start_of, steps

# A year of stories, a gap of decades, and two more: the shape of the Reuters and Wikinews
# archive, small. (The counts are stories a day; a day counted 0 holds none.)
DAYS = {
    date(1987, 2, 26): 3,
    date(1987, 3, 2): 5,
    date(1987, 3, 9): 0,
    date(1987, 6, 1): 2,
    date(1987, 10, 19): 4,
    date(2019, 3, 14): 1,
    date(2020, 12, 28): 1,
}


@pytest.mark.parametrize(
    ("first", "last", "unit", "expected"),
    [
        (date(1987, 1, 1), date(1987, 12, 31), "year", Steps(None, date(2019, 1, 1))),
        (date(2019, 1, 1), date(2019, 12, 31), "year", Steps(date(1987, 1, 1), date(2020, 1, 1))),
        (date(1986, 1, 1), date(1986, 12, 31), "year", Steps(None, date(1987, 1, 1))),  # empty
        (date(2021, 1, 1), date(2021, 12, 31), "year", Steps(date(2020, 1, 1), None)),
        (date(1987, 3, 9), date(1987, 3, 9), "day", Steps(date(1987, 3, 2), date(1987, 6, 1))),
        (date(1987, 2, 26), date(1987, 2, 26), "day", Steps(None, date(1987, 3, 2))),
        (
            date(1987, 3, 1),
            date(1987, 3, 31),
            "month",
            Steps(date(1987, 2, 1), date(1987, 6, 1), None, date(2019, 3, 1)),
        ),
        (  # an empty month between two that hold stories; no May anywhere
            date(1987, 5, 1),
            date(1987, 5, 31),
            "month",
            Steps(date(1987, 3, 1), date(1987, 6, 1), None, None),
        ),
        (
            date(2019, 3, 1),
            date(2019, 3, 31),
            "month",
            Steps(date(1987, 10, 1), date(2020, 12, 1), date(1987, 3, 1), None),
        ),
    ],
)
def test_steps_lead_to_the_nearest_periods_that_hold_stories(first, last, unit, expected):
    assert steps(DAYS, first, last, unit) == expected


def test_an_empty_archive_leads_nowhere():
    assert steps({}, date(1987, 1, 1), date(1987, 12, 31), "year") == Steps()


@pytest.mark.parametrize(
    ("unit", "start", "name"),
    [
        ("year", date(1987, 1, 1), "1987"),
        ("month", date(1987, 3, 1), "March 1987"),
        ("day", date(1987, 3, 9), "9 March 1987"),
    ],
)
def test_a_period_starts_and_is_named_by_its_unit(unit, start, name):
    assert start_of(date(1987, 3, 9), unit) == start
    assert label(start, unit) == name


@pytest.fixture
def gapped(archive):
    """Stories on the days of DAYS that hold any."""
    held = [day for day, count in DAYS.items() if count]
    articles = [make(f"p{n}", f"Story number {n}.", day) for n, day in enumerate(held)]
    archive.add(articles, source_paths=[None] * len(articles))
    return archive


def test_a_period_s_steps_are_the_archive_s(gapped):
    march = period(gapped, year=1987, month=3)
    assert march.steps == Steps(date(1987, 2, 1), date(1987, 6, 1), None, date(2019, 3, 1))
    assert period(gapped, year=1987).steps == Steps(None, date(2019, 1, 1))
    assert period(gapped, year=2020, month=12, day=28).steps == Steps(date(2019, 3, 14), None)


@pytest.mark.parametrize(
    ("year", "month", "day", "said"),
    [
        (1987, 13, None, "There is no month 13: months run from 1 (January) to 12 (December)."),
        (1987, 2, 29, "February 1987 has 28 days: there is no day 29 in it."),
        (0, None, None, "The calendar runs from the year 1 to 9999: there is no year 0."),
    ],
)
def test_a_date_not_in_the_calendar_is_not_found_in_a_reader_s_words(
    archive, year, month, day, said
):
    with pytest.raises(NotFound) as caught:
        period(archive, year=year, month=month, day=day)
    assert caught.value.for_reader == said
    assert str(caught.value.detail).startswith("no such date in the calendar")
