"""app.engine.vocabulary: the body's words in memory, per segment and per generation,
over a real index in tmp_path; the edit distance against Whoosh's own."""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.helpers import make
from whoosh.support.levenshtein import damerau_levenshtein

from app.engine.index import SearchIndex
from app.engine.vocabulary import Vocabularies, Words, distances


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    opened = SearchIndex(tmp_path / "index")
    yield opened
    opened.close()


def lexicon_of(index: SearchIndex, vocabularies: Vocabularies) -> dict[str, int]:
    """Every word of the merged lexicon with its frequency."""
    with index.searching() as searcher:
        lexicon = vocabularies.of(searcher.reader())
    return {
        words.codes[row].tobytes().decode("utf-32-le"): int(words.counts[row])
        for words in lexicon.values()
        for row in range(len(words.counts))
    }


def test_letter_words_of_the_body_are_kept_with_their_frequency_over_segments(index):
    index.update([make("a", "Cocoa prices rose 5 pct, cocoa said.", title="Headline only")])
    index.update([make("b", "Cocoa again in 1987.")])  # a second commit: a second segment
    words = lexicon_of(index, Vocabularies())
    assert words["cocoa"] == 3
    assert words["again"] == 1
    assert "1987" not in words and "5" not in words  # numbers are no spelling of a word
    assert "headline" not in words  # the title is not the corrector's field


def test_the_lexicon_is_built_once_a_generation_and_again_after_a_commit(index):
    vocabularies = Vocabularies()
    index.update([make("a", "Cocoa prices rose.")])
    with index.searching() as searcher:
        first = vocabularies.of(searcher.reader())
        assert vocabularies.of(searcher.reader()) is first
    index.update([make("b", "Coffee prices fell.")])
    assert "coffee" in lexicon_of(index, vocabularies)
    index.delete(["a", "b"])
    assert lexicon_of(index, vocabularies) == {}  # a segment left empty goes, its words too


def test_an_empty_index_has_an_empty_lexicon(index):
    assert lexicon_of(index, Vocabularies()) == {}


def test_the_arrays_are_counted_and_segments_gone_are_dropped(index):
    vocabularies = Vocabularies()
    for number in range(3):
        index.update([make(f"a{number}", f"Word{'x' * number} appears here.")])
    lexicon_of(index, vocabularies)
    before = vocabularies.nbytes()
    assert before > 0
    index.replace_all([[make("z", "Zebra.")]])  # one new segment replaces the three
    assert set(lexicon_of(index, vocabularies)) == {"zebra"}
    assert vocabularies.nbytes() < before


def words_of(words: list[str]) -> Words:
    """Sorted words of one length, each counted as its place in the list."""
    return Words.of(np.array(sorted(words)), np.arange(1, len(words) + 1))


def test_words_beginning_with_a_letter_are_a_slice():
    words = words_of(["abc", "cab", "cat", "caw", "dog"])
    starting = words.starting("c")
    assert [row.tobytes().decode("utf-32-le") for row in starting.codes] == ["cab", "cat", "caw"]
    assert starting.counts.tolist() == [2, 3, 4]
    assert len(words.starting("z").counts) == 0


WORDS = st.text(alphabet="abcé", min_size=1, max_size=7)


@given(WORDS, st.lists(WORDS, min_size=1, max_size=20), st.integers(min_value=1, max_value=3))
def test_distances_are_whooshs_damerau_levenshtein(word, others, limit):
    for length in {len(other) for other in others}:
        same = sorted({other for other in others if len(other) == length})
        found = distances(word, words_of(same), limit)
        for other, distance in zip(same, found.tolist(), strict=True):
            expected = damerau_levenshtein(word, other)
            assert distance == expected or distance > limit < expected, (word, other)
