"""The one reader of Whoosh's private storage against Whoosh's public matchers, on every
term of a real index: the same documents, weights and positions, or a fallback is due.
Skips where ../shared/corpora is absent (a fresh clone)."""

import random
from collections.abc import Iterator

import numpy as np
import pytest
from support.reuters import articles, needs_reuters

from app.engine.index import SearchIndex
from app.engine.postings import (
    EMPTY,
    _read,
    positions_one_by_one,
    read_one_by_one,
    read_positions,
    read_postings,
)
from app.engine.schema import TEXT_FIELDS

pytestmark = needs_reuters
STORIES = 1500


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    opened = SearchIndex(tmp_path_factory.mktemp("postings") / "index")
    stories = articles(STORIES)
    opened.update(stories[:1000])  # two segments: a large one and a small one
    opened.update(stories[1000:])
    yield opened
    opened.close()


def leaves(index: SearchIndex) -> Iterator[tuple[str, object]]:
    with index.searching() as searcher:
        for leaf, _offset in searcher.leaf_searchers():
            reader = leaf.reader()
            yield reader.segment().segment_id(), reader


def test_every_term_reads_as_whooshs_matcher_reads_it(index):
    compared = 0
    multi_block = 0
    for segment_id, reader in leaves(index):
        for field in TEXT_FIELDS:
            for term in reader.lexicon(field):
                ours = read_postings(reader, segment_id, field, term)
                docs, weights = read_one_by_one(reader.postings(field, term))
                assert np.array_equal(ours.docs, docs), (field, term)
                assert np.array_equal(ours.weights, weights), (field, term)
                compared += 1
                multi_block += len(ours.docs) > 128
    assert compared > 10_000
    assert multi_block > 50  # long lists, many blocks each, were among them


def test_positions_read_as_whooshs_matcher_reads_them(index):
    rng = random.Random(7)
    for segment_id, reader in leaves(index):
        terms = list(reader.lexicon("body"))
        for term in rng.sample(terms, 300) + [b"the", b"said", b"oil"]:
            docs = read_postings(reader, segment_id, "body", term).docs.tolist()
            wanted = sorted(rng.sample(docs, min(len(docs), 40)))
            ours = read_positions(reader, "body", term, wanted)
            assert ours == positions_one_by_one(reader.postings("body", term), wanted), term


def test_a_term_a_segment_lacks_reads_as_no_postings(index):
    """Whether the segment holds it or only a term with its hash (`terms.py`), nothing is read."""
    for segment_id, reader in leaves(index):
        assert read_postings(reader, segment_id, "body", b"zzzqqqxxy") is EMPTY
        assert _read(reader, "body", b"zzzqqqxxy") is EMPTY
