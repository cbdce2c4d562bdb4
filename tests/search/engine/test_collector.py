"""app.search.engine.collector.date_order: a page of matches in date order, against a full sort."""

from hypothesis import given
from hypothesis import strategies as st

from app.search.engine.collector import date_order

# (day, docnum) pairs with few distinct days, so that ties at the page's edge are common
MATCHES = st.lists(st.integers(20240101, 20240105), max_size=60).map(
    lambda days: [(day, docnum) for docnum, day in enumerate(days)]
)


def id_of(docnum: int) -> str:
    return f"id-{(docnum * 7919) % 101:03d}-{docnum}"  # ids in another order than docnums


def full_sort(dated: list[tuple[int, int]], newest: bool) -> list[int]:
    ordered = sorted(dated, key=lambda match: (match[0], id_of(match[1])), reverse=newest)
    return [docnum for _day, docnum in ordered]


@given(dated=MATCHES, newest=st.booleans(), stop=st.one_of(st.none(), st.integers(1, 70)))
def test_date_order_is_the_full_sort_cut_at_stop(dated, newest, stop):
    assert (
        date_order(dated, newest=newest, stop=stop, id_of=id_of) == full_sort(dated, newest)[:stop]
    )


def test_ties_on_a_day_are_broken_by_id_and_only_edge_ids_are_looked_up():
    dated = [(20240103, 1), (20240101, 2), (20240103, 3), (20240102, 4), (20240103, 5)]
    looked_up: list[int] = []

    def recording_id_of(docnum: int) -> str:
        looked_up.append(docnum)
        return {1: "b", 2: "z", 3: "c", 4: "y", 5: "a"}[docnum]

    assert date_order(dated, newest=True, stop=2, id_of=recording_id_of) == [3, 1]
    assert set(looked_up) == {1, 3, 5}  # the three on the edge day, none older
    assert date_order(dated, newest=False, stop=2, id_of=recording_id_of) == [2, 4]
