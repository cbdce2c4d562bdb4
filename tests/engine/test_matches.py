"""app.engine.matches: filters, tallies and order over the index's columns, against
plain Python doing the same over the same rows."""

from collections import Counter
from datetime import date

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from app.engine.columns import NO_TAGS, Columns, Named
from app.engine.matches import Found, MatchFilter, collapsed, ordered_ids, tally, versions
from app.facets import TOP_NAMES, many_valued
from app.filters import Filters
from app.search.facets import build_facets

PLACES = ["MOSCOW", "Moscow", "PARIS", ""]
# rows of (day, place code, score): few days and scores, so that ties are common
ROWS = st.lists(
    st.tuples(st.integers(20240101, 20240105), st.integers(0, 3), st.sampled_from([1.0, 2.5])),
    max_size=60,
)


def found_of(
    rows: list[tuple[int, int, float]],
    live: list[bool] | None = None,
    places: list[str] = PLACES,
    threads: list[int] | None = None,
) -> Found:
    size = len(rows)
    thread_codes = np.array(threads if threads is not None else range(size), np.int32)
    alive = np.array(live if live is not None else [True] * size, np.bool_)
    thread_names = Named([f"t{n}" for n in range(max(thread_codes, default=-1) + 1)], thread_codes)
    columns = Columns(
        days=np.array([day for day, _place, _score in rows], np.int32),
        named={
            "place": Named(places, np.array([place for _d, place, _s in rows], np.int32)),
            "source": Named(["TASS"], np.zeros(size, np.int32)),
        },
        lengths={},
        ids=np.array([id_of(n).encode() for n in range(size)], np.bytes_),
        live=alive,
        threads=thread_names,
        thread_sizes=np.bincount(thread_codes[alive], minlength=len(thread_names.values)),
        tags={facet.name: NO_TAGS for facet in many_valued()},
    )
    scores = np.array([score for _d, _p, score in rows], np.float64)
    return Found(columns, np.arange(size, dtype=np.int32), scores)


def id_of(docnum: int) -> str:
    return f"id-{(docnum * 7919) % 101:03d}-{docnum}"  # ids in another order than docnums


def full_sort(rows: list[tuple[int, int, float]], sort: str) -> list[str]:
    numbered = list(enumerate(rows))
    if sort == "relevance":
        numbered.sort(key=lambda row: (-row[1][2], row[0]))
    else:
        numbered.sort(key=lambda row: (row[1][0], id_of(row[0])), reverse=sort == "newest")
    return [id_of(number) for number, _row in numbered]


@given(
    rows=ROWS,
    sort=st.sampled_from(["relevance", "newest", "oldest"]),
    start=st.integers(0, 30),
    stop=st.one_of(st.none(), st.integers(1, 70)),
)
def test_a_page_is_the_full_sort_cut_at_start_and_stop(rows, sort, start, stop):
    assert ordered_ids(found_of(rows), sort, start, stop) == full_sort(rows, sort)[start:stop]


@given(rows=ROWS)
def test_the_tally_counts_days_and_gives_the_facets_every_value_would(rows):
    counted = tally(found_of(rows), facets=True)
    assert counted.total == len(rows)
    assert counted.days == Counter(day for day, _place, _score in rows)
    assert counted.months == Counter(day // 100 for day, _place, _score in rows)
    every_value = {
        "place": Counter(PLACES[place] for _d, place, _s in rows),
        "source": Counter("TASS" for _row in rows),
    }
    assert build_facets(days={}, named=counted.named) == build_facets(days={}, named=every_value)


def test_only_the_commonest_values_are_tallied_spellings_as_one():
    places = [f"PLACE {n}" for n in range(TOP_NAMES + 5)] + ["place 0", ""]
    rows = [(20240101, code, 1.0) for code in range(len(places)) for _ in range(code % 3 + 1)]
    rows += [(20240101, 0, 1.0)] * 5  # PLACE 0: 6 as written, 2 as "place 0"
    found = found_of(rows, places=places)
    commonest = tally(found, facets=True).named["place"]
    assert commonest["PLACE 0"] == 8 and "place 0" not in commonest and "" not in commonest
    assert TOP_NAMES <= len(commonest) < len(places) - 1


def test_without_facets_only_the_total_is_counted():
    counted = tally(found_of([(20240101, 0, 1.0)] * 3), facets=False)
    assert (counted.total, counted.days, +counted.named["place"]) == (3, Counter(), Counter())


def test_the_filter_keeps_live_documents_in_the_range_with_the_name_in_any_case():
    rows = [(20240101, 0, 1.0), (20240102, 1, 1.0), (20240103, 2, 1.0), (20240102, 0, 1.0)]
    found = found_of(rows, live=[True, True, True, False])
    wanted = MatchFilter.of(
        Filters(date_from=date(2024, 1, 2), date_to=date(2024, 1, 3), place="moscow")
    )
    assert wanted.passes(found.columns, found.docs).tolist() == [False, True, False, False]
    assert MatchFilter().passes(found.columns, found.docs).tolist() == [True, True, True, False]


def test_a_filter_is_stated_in_the_index_s_terms():
    wanted = MatchFilter.of(Filters(date_from=date(2024, 1, 2), source="Reuters"))
    assert wanted == MatchFilter(first_day=20240102, named=(("source", "reuters"),))


@given(ROWS, st.data())
def test_collapsing_keeps_each_thread_s_best_match_and_counts_its_versions(rows, data):
    threads = data.draw(st.lists(st.integers(0, 4), min_size=len(rows), max_size=len(rows)))
    found = found_of(rows, threads=threads)
    best: dict[int, tuple[float, int, int]] = {}
    for doc, ((day, _place, score), thread) in enumerate(zip(rows, threads, strict=True)):
        if thread not in best or (score, day) > best[thread][:2]:
            best[thread] = (score, day, doc)  # the newest, then the first in index order
    kept = collapsed(found)
    assert kept.docs.tolist() == sorted(doc for _score, _day, doc in best.values())
    assert kept.scores.tolist() == [rows[doc][2] for doc in kept.docs.tolist()]
    ids = [id_of(doc) for doc in kept.docs.tolist()]
    assert versions(kept, ids) == {id_of(doc): threads.count(threads[doc]) for doc in kept.docs}
