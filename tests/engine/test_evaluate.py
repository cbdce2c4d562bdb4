"""app.engine.evaluate: the set operations under every query, against numpy's own."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from app.engine.evaluate import Matches, _common, _intersection, _union

DOCS = st.sets(st.integers(min_value=0, max_value=300), max_size=120)


def matches(docs: set[int], seed: int) -> Matches:
    ordered = np.array(sorted(docs), np.int32)
    return Matches(ordered, np.random.default_rng(seed).random(len(ordered)))


@given(DOCS, DOCS)
def test_common_positions_are_intersect1ds(a, b):
    left, right = matches(a, 1), matches(b, 2)
    _shared, in_left, in_right = np.intersect1d(
        left.docs, right.docs, assume_unique=True, return_indices=True
    )
    found_left, found_right = _common(left.docs, right.docs)
    assert found_left.tolist() == in_left.tolist()
    assert found_right.tolist() == in_right.tolist()
    both = _intersection(left, right)
    assert both.docs.tolist() == sorted(a & b)
    assert np.allclose(both.scores, left.scores[in_left] + right.scores[in_right])


@given(st.lists(DOCS, max_size=4))
def test_a_union_holds_every_part_with_scores_summed(parts):
    """Dense (counted over the span) or sparse (sorted together), as the parts' sizes say."""
    given_parts = [matches(docs, seed) for seed, docs in enumerate(parts)]
    union = _union(given_parts)
    expected: dict[int, float] = {}
    for part in given_parts:
        for doc, score in zip(part.docs.tolist(), part.scores.tolist(), strict=True):
            expected[doc] = expected.get(doc, 0.0) + score
    assert union.docs.dtype == np.int32 and union.scores.dtype == np.float64
    assert union.docs.tolist() == sorted(expected)
    assert np.allclose(union.scores, [expected[doc] for doc in sorted(expected)])


def test_sparse_and_dense_unions_are_the_sets_unions():
    few = [matches({1, 5_000}, 1), matches({9_999}, 2)]  # sparse in their span
    many = [matches(set(range(0, 100, 2)), 1), matches(set(range(0, 100, 3)), 2)]
    assert _union(few).docs.tolist() == [1, 5_000, 9_999]
    assert _union(many).docs.tolist() == sorted(set(range(0, 100, 2)) | set(range(0, 100, 3)))
