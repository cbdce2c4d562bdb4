"""app.threads: shingles and MinHash, the rule that says two texts are versions of one story,
the window a new article's versions are looked for in; and the rule's quality on labelled
pairs made from the real corpora (tests/support/thread_pairs.py)."""

from datetime import date, timedelta

import numpy as np
import pytest
from support.reuters import REUTERS, needs_reuters
from support.thread_pairs import labelled_pairs, rates, stories, told

from app.threads import (
    Likeness,
    Thresholds,
    Window,
    likeness,
    near,
    packed,
    shingles,
    signature,
    unpacked,
    versions,
)

DAY = date(1987, 3, 2)
STORY = (
    "The Bank of Japan will keep its discount rate at 2.5 pct for now, its governor told "
    "a parliamentary committee on Monday, as the yen held near a record high against the "
    "dollar and exporters pressed for relief."
)
MORE = " Economists said a cut before the summit was unlikely."


def test_a_text_s_signature_is_the_same_in_every_process_and_after_packing():
    signed = signature(shingles(STORY))
    assert signed.dtype == np.uint32 and signed.shape == (128,)
    assert np.array_equal(signed, signature(shingles(STORY.upper())))  # words, any case
    assert np.array_equal(unpacked([packed(signed)])[0], signed)
    assert int(signed.sum()) == int(signature(shingles(STORY)).sum())  # no salted hash


def test_minhash_agreement_estimates_the_jaccard_similarity():
    first, second = shingles(STORY), shingles(STORY + MORE)
    exact = likeness(first, second).jaccard
    estimate = float((signature(first) == signature(second)).mean())
    assert abs(estimate - exact) < 0.12
    assert likeness(first, second).containment == 1.0


@pytest.mark.parametrize(
    ("alike", "apart", "wanted"),
    [
        (Likeness(0.6, 0.7), 0, True),  # most of the wording, the same day
        (Likeness(0.3, 0.9), 0, True),  # a flash and its full story
        (Likeness(0.55, 0.8), 0, False),  # a set phrase shared, the same day
        (Likeness(0.85, 0.9), 1, False),  # a series' next report: the wording, other figures
        (Likeness(0.92, 0.93), 2, True),  # sent again, nearly the same
        (Likeness(0.5, 0.96), 3, True),  # an update that holds the whole of the first
        (Likeness(1.0, 1.0), 4, False),  # beyond the window
    ],
)
def test_the_rule_asks_more_of_articles_of_other_days(alike, apart, wanted):
    assert Thresholds().versions(alike, apart) is wanted


def test_versions_read_the_days_apart():
    first, second = shingles(STORY), shingles(STORY + MORE)
    assert versions(first, DAY, second, DAY + timedelta(days=3), Thresholds())
    assert not versions(first, DAY, second, DAY + timedelta(days=3), Thresholds(days=2))


def test_near_lets_through_what_may_be_a_version_and_not_what_cannot():
    rule = Thresholds()
    mine = shingles(STORY)
    others = [STORY + MORE, "Grain prices rose in Chicago on strong export demand for corn."]
    theirs = np.vstack([signature(shingles(text)) for text in others])
    sizes = np.array([len(shingles(text)) for text in others])
    assert near(signature(mine), len(mine), theirs, sizes, rule).tolist() == [True, False]


class Stored:
    """A store's articles for a window, recording what it was asked for."""

    def __init__(self, rows: list[tuple[str, date, str]]) -> None:
        self.rows = {i: (day, text) for i, day, text in rows}
        self.loads: list[tuple[date, date]] = []
        self.reads: list[str] = []

    def load(self, first: date, last: date):
        self.loads.append((first, last))
        for i, (day, text) in self.rows.items():
            if first <= day <= last:
                shingled = shingles(text)
                yield i, i, day, packed(signature(shingled)), len(shingled)

    def read(self, ids: list[str]):
        self.reads += ids
        return {i: shingles(self.rows[i][1]) for i in ids}


def thread(window: Window, text: str, day: date, article_id: str) -> str:
    shingled = shingles(text)
    found = window.thread_of(shingled, signature(shingled), day) or article_id
    window.add(article_id, found, day, signature(shingled), len(shingled))
    window.remember(article_id, shingled)
    return found


def test_a_new_article_joins_a_stored_version_reading_only_the_texts_that_come_near():
    other = "Grain prices rose in Chicago on strong export demand for corn and soybeans."
    stored = Stored([("boj", DAY, STORY), ("grain", DAY, other)])
    window = Window(Thresholds(), stored.load, stored.read)
    assert thread(window, STORY + MORE, DAY + timedelta(days=1), "boj-2") == "boj"
    assert stored.reads == ["boj"]


def test_a_thread_is_joined_only_within_the_window_of_its_first_article():
    """Daily resends of one text make threads of a few days each, not one of a month."""
    stored = Stored([])
    window = Window(Thresholds(days=2), stored.load, stored.read)
    days = [DAY + timedelta(days=n) for n in range(9)]
    threads = [thread(window, STORY, day, f"s{n}") for n, day in enumerate(days)]
    assert threads == ["s0", "s0", "s0", "s3", "s3", "s3", "s6", "s6", "s6"]


def test_stored_days_are_read_a_month_at_a_time_and_old_ones_let_go():
    stored = Stored([])
    window = Window(Thresholds(days=3), stored.load, stored.read)
    for n in range(0, 120, 5):
        thread(window, f"Story number {n} of the series.", DAY + timedelta(days=n), f"n{n}")
    assert len(stored.loads) == 4  # 120 days, 31 at a time
    assert all(b >= a for (_, a), (b, _) in zip(stored.loads, stored.loads[1:], strict=False))
    assert len(window._days) <= 2  # noqa: SLF001 - the days held are what this is about


# --- quality on labelled pairs of real stories --------------------------------------------------


@pytest.fixture(scope="module")
def reuters_pairs():
    return labelled_pairs(stories(REUTERS), versions=600, seed=7)


@needs_reuters
def test_on_reuters_pairs_recall_is_at_least_95_and_precision_99_percent(reuters_pairs):
    said = told(reuters_pairs, Thresholds())
    negatives = sum(1 for pair in reuters_pairs if not pair.versions)
    assert negatives >= 150  # both kinds of hard negative are there
    recall, precision = rates(said)
    assert recall >= 0.95, said
    assert precision >= 0.99, said
