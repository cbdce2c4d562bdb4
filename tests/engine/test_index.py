"""app.engine.index: what the Whoosh index finds, filters, sorts and pages, how it is
rewritten, and the HTML-safe snippets it makes.

A real index in tmp_path; queries are text, parsed by the engine, as in the app.
"""

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from support.helpers import make
from support.stories import ROOT
from whoosh import index as whoosh_index

from app.engine import snippet
from app.engine.index import BULK_DOCUMENTS, CORES, SEARCHERS, SearchIndex
from app.engine.merging import FACTOR
from app.engine.schema import AcronymFilter
from app.filters import Filters

ARTICLES = [
    make("a1", "Leaders plan a meeting in Budapest.", date(2024, 1, 5), place="BUDAPEST"),
    make("a2", "Two meetings were held in São Paulo.", date(2024, 1, 5), place="SÃO PAULO"),
    make("a3", "The summit meeting ended early.", date(2024, 2, 10), source="Reuters"),
    make("a4", "Markets rose on trade news.", date(2024, 3, 1), title="Harvest festival"),
    make("a5", "A meeting of ministers opened.", date(2024, 4, 2), place="UNITED NATIONS"),
]
MEETING_IDS = {"a1", "a2", "a3", "a5"}


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    opened = SearchIndex(tmp_path / "index")
    yield opened
    opened.close()


@pytest.fixture
def filled(index: SearchIndex) -> SearchIndex:
    assert index.update(ARTICLES) == len(ARTICLES)
    return index


def find(index: SearchIndex, q: str, **options):
    filters = {
        name: options.pop(name, None) for name in ("date_from", "date_to", "place", "source")
    }
    arguments = {"sort": "newest", "page": 1, "per_page": 20, **options}
    return index.search(q, Filters(**{k: v for k, v in filters.items() if v}), **arguments)


def doc_ids(index: SearchIndex) -> list[str]:
    return sorted(article_id for article_id, _hash in index.documents())


# --- finding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Budapest", {"a1"}),  # body word
        ("harvest", {"a4"}),  # title word only
        ("festival markets", {"a4"}),  # title and body words together
        ("meeting", MEETING_IDS),  # stemming: meeting finds meetings
        ("meetings", MEETING_IDS),  # and the other way round
        ("Sao", {"a2"}),  # accent folding
        ("São", {"a2"}),
        ("budap*", {"a1"}),
        ("zeppelin", set()),
    ],
)
def test_search_finds(filled, q, expected):
    hits = find(filled, q)
    assert set(hits.ids) == expected
    assert hits.total == len(expected)


def test_every_word_is_required(filled):
    assert set(find(filled, "meeting summit").ids) == {"a3"}


def test_hits_carry_the_matched_terms_for_highlighting(filled):
    hits = find(filled, "meetings")
    assert hits.terms
    assert all(isinstance(term, str) for term in hits.terms)
    assert "<mark>" in snippet(ARTICLES[0].body, hits.terms)


@pytest.mark.parametrize("q", ["vienna", "Vienna ministers", "vien*"])
def test_hits_carry_words_found_only_in_the_body(index, q):
    index.update([make("b1", "Talks began on Monday. Ministers then met in Vienna.")])
    hits = find(index, q)
    assert hits.ids == ["b1"]
    assert "vienna" in hits.terms
    assert "<mark>Vienna</mark>" in snippet("Ministers then met in Vienna.", hits.terms)


def test_title_match_ranks_first(index):
    index.update(
        [
            make("b1", "Oil prices fell again on Monday.", title="Weather report"),
            make("b2", "Prices were steady.", title="Oil"),
        ]
    )
    assert find(index, "oil", sort="relevance").ids[0] == "b2"


# --- filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"date_from": date(2024, 2, 10)}, {"a3", "a5"}),
        ({"date_to": date(2024, 2, 10)}, {"a1", "a2", "a3"}),
        ({"date_from": date(2024, 1, 5), "date_to": date(2024, 1, 5)}, {"a1", "a2"}),
        ({"place": "budapest"}, {"a1"}),
        ({"place": "United Nations"}, {"a5"}),
        ({"place": "São Paulo"}, {"a2"}),
        ({"source": "reuters"}, {"a3"}),
        ({"source": "TASS", "date_from": date(2024, 2, 1)}, {"a5"}),
        ({"place": "nowhere"}, set()),
    ],
)
def test_search_filters(filled, filters, expected):
    hits = find(filled, "meeting", **filters)
    assert set(hits.ids) == expected
    assert hits.total == len(expected)


# --- order and paging -------------------------------------------------------------------


def test_sort_newest_with_id_tie_break(filled):
    assert find(filled, "meeting", sort="newest").ids == ["a5", "a3", "a2", "a1"]


def test_sort_oldest_with_id_tie_break(filled):
    assert find(filled, "meeting", sort="oldest").ids == ["a1", "a2", "a3", "a5"]


def test_paging_walks_the_list_in_order(filled):
    everything = find(filled, "meeting", sort="oldest").ids
    first = find(filled, "meeting", sort="oldest", per_page=2, page=1)
    second = find(filled, "meeting", sort="oldest", per_page=2, page=2)
    assert first.ids == everything[:2]
    assert second.ids == everything[2:4]
    assert first.total == second.total == len(everything)


def test_page_past_the_end_is_empty_with_the_total(filled):
    hits = find(filled, "meeting", per_page=2, page=5)
    assert hits.ids == []
    assert hits.total == len(MEETING_IDS)


# --- writing ----------------------------------------------------------------------------


def test_update_replaces_a_document(filled):
    filled.update([make("a1", "Leaders cancel the trip to Vienna.", date(2024, 1, 5))])
    assert doc_ids(filled).count("a1") == 1
    assert find(filled, "Vienna").ids == ["a1"]
    assert find(filled, "Budapest").ids == []


def test_update_stores_the_content_hash(filled):
    changed = make("a1", "A different text.", date(2024, 1, 5))
    filled.update([changed])
    assert dict(filled.documents())["a1"] == changed.content_hash


def segment_sizes(path: Path) -> list[int]:
    """Documents in each segment of the index in `path`, as last committed."""
    with whoosh_index.open_dir(str(path)).reader() as reader:
        return sorted(leaf.doc_count_all() for leaf, _base in reader.leaf_readers())


def test_a_bulk_update_writes_one_segment_a_core(index, tmp_path):
    articles = [make(f"b{n}", f"Bulk story {n}.") for n in range(BULK_DOCUMENTS)]
    assert index.update(articles) == BULK_DOCUMENTS
    sizes = segment_sizes(tmp_path / "index")
    assert len(sizes) == CORES and sum(sizes) == BULK_DOCUMENTS


def test_a_bulk_update_indexes_only_what_is_new_or_changed(index):
    first = [make(f"b{n}", f"Bulk story {n}.") for n in range(BULK_DOCUMENTS)]
    index.update(first)
    changed = make("b0", "The same id with a new text.")
    new = [make(f"c{n}", f"Another story {n}.") for n in range(3)]
    assert index.update([changed, *first[1:], *new]) == 1 + len(new)
    assert doc_ids(index).count("b0") == 1
    assert dict(index.documents())["b0"] == changed.content_hash
    assert index.doc_count() == BULK_DOCUMENTS + len(new)


def test_small_commits_do_not_pile_up_segments(index, tmp_path):
    """The last of these commits finds FACTOR small segments before it and merges them
    (with a bulk segment too, where one is small enough: 1,000 documents make small ones)."""
    index.update([make(f"b{n}", f"Bulk story {n}.") for n in range(BULK_DOCUMENTS)])
    bulk = segment_sizes(tmp_path / "index")
    for n in range(FACTOR + 1):
        index.update([make(f"s{n}", f"Small story {n}.")])
    sizes = segment_sizes(tmp_path / "index")
    assert len(sizes) <= len(bulk) + 1
    assert sum(sizes) == index.doc_count() == BULK_DOCUMENTS + FACTOR + 1


def test_delete(filled):
    filled.delete(["a1", "a3", "not-there"])
    assert doc_ids(filled) == ["a2", "a4", "a5"]
    assert set(find(filled, "meeting").ids) == {"a2", "a5"}


def test_replace_all_rebuilds_to_exactly_the_given_set(filled):
    fresh = [make("n1", "Fresh text one."), make("n2", "Fresh text two.")]
    assert filled.replace_all([fresh[:1], fresh[1:]]) == 2
    assert doc_ids(filled) == ["n1", "n2"]
    assert find(filled, "meeting").ids == []
    assert set(find(filled, "fresh").ids) == {"n1", "n2"}


def test_replace_all_with_nothing_empties_the_index(filled):
    assert filled.replace_all([]) == 0
    assert filled.documents() == []
    assert filled.doc_count() == 0


def test_documents_lists_ids_with_hashes(filled):
    assert sorted(filled.documents()) == sorted((a.id, a.content_hash) for a in ARTICLES)
    assert filled.doc_count() == len(ARTICLES)


def test_index_survives_reopening(tmp_path):
    first = SearchIndex(tmp_path / "index")
    first.update(ARTICLES[:2])
    first.close()
    second = SearchIndex(tmp_path / "index")
    try:
        assert doc_ids(second) == ["a1", "a2"]
    finally:
        second.close()


def test_searchers_are_pooled_however_many_threads_search(filled):
    """Forty threads (FastAPI's pool) searching at once open no more than SEARCHERS searchers."""
    seen: set[int] = set()
    lock = threading.Lock()
    barrier = threading.Barrier(40)

    def search_once() -> None:
        barrier.wait()
        with filled.searching() as searcher:
            with lock:
                seen.add(id(searcher))
            assert searcher.doc_count() == len(ARTICLES)

    threads = [threading.Thread(target=search_once) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= len(seen) <= SEARCHERS


def test_a_thread_searching_inside_a_search_is_lent_the_same_searcher(filled):
    with filled.searching() as outer, filled.searching() as inner:
        assert inner is outer


def test_a_lent_searcher_sees_the_last_commit(filled):
    with filled.searching() as before:
        assert before.doc_count() == len(ARTICLES)
    filled.update([make("a6", "A late meeting.", date(2024, 5, 1))])
    with filled.searching() as after:
        assert after.doc_count() == len(ARTICLES) + 1


def test_segments_are_plain_files_not_compound(filled, tmp_path):
    """A compound segment would be read into memory whole by every searcher."""
    files = [path.name for path in (tmp_path / "index").iterdir()]
    assert not [name for name in files if name.endswith(".seg")]
    assert [name for name in files if name.endswith(".trm")]


def test_time_waiting_for_a_searcher_does_not_count_against_the_time_limit(filled):
    """Under load every searcher may be lent out; the query's clock starts when it runs."""
    holding = threading.Barrier(SEARCHERS + 1)
    release = threading.Event()

    def hold_a_searcher() -> None:
        with filled.searching():
            holding.wait()
            release.wait()

    holders = [threading.Thread(target=hold_a_searcher) for _ in range(SEARCHERS)]
    for holder in holders:
        holder.start()
    holding.wait()  # every searcher is lent out now
    threading.Timer(0.5, release.set).start()
    hits = filled.search(
        "meeting",
        Filters(),
        sort="relevance",
        page=1,
        per_page=10,
        seconds=0.2,  # less than the wait, far more than the search
    )
    assert set(hits.ids) == MEETING_IDS
    for holder in holders:
        holder.join()


# --- an index written by an earlier release ------------------------------------------------


def index_naming_its_filter_as(path: Path, module: str, monkeypatch) -> None:
    """An index of ARTICLES whose pickled schema names its acronym filter's class as being
    in `module`, as an index written where that module was would."""
    monkeypatch.setattr(AcronymFilter, "__module__", module)
    package = module.rsplit(".", 1)[0]  # importable while the index is written, only
    monkeypatch.setitem(sys.modules, package, sys.modules.get(package, sys.modules["app"]))
    monkeypatch.setitem(sys.modules, module, sys.modules["app.engine.schema"])
    written = SearchIndex(path)
    written.update(ARTICLES)
    written.close()
    monkeypatch.undo()


def reopened_count(path: Path) -> int:
    """The documents the index at `path` holds as a fresh process opens it."""
    opened = f"SearchIndex(Path({str(path)!r})).doc_count()"
    code = f"from pathlib import Path; from app.engine.index import SearchIndex; print({opened})"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert ran.returncode == 0, ran.stderr
    return int(ran.stdout)


def test_an_index_from_before_the_engine_moved_opens_as_it_is(tmp_path, monkeypatch):
    """Its schema names `app.search.engine.schema.AcronymFilter`: it opens without being
    built again (a large archive would wait minutes for that)."""
    index_naming_its_filter_as(tmp_path / "index", "app.search.engine.schema", monkeypatch)
    assert reopened_count(tmp_path / "index") == len(ARTICLES)


def test_an_index_whose_schema_cannot_be_read_is_started_anew(tmp_path, monkeypatch):
    """A schema naming a module no release has: started anew (and filled from the store
    by the archive), never a crash at start."""
    index_naming_its_filter_as(tmp_path / "index", "app.nowhere.schema", monkeypatch)
    assert reopened_count(tmp_path / "index") == 0
