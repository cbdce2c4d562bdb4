"""app.engine.likeness: key words, related lists and their memory, over a real index in
tmp_path; a write is seen at once."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.helpers import make

from app.engine.index import SearchIndex
from app.engine.likeness import key_terms
from app.engine.vocabulary import Vocabularies

COCOA = [
    "Cocoa growers in Ghana expect a larger cocoa harvest.",
    "Ghana cocoa exports rose as the harvest came in.",
    "Ivory Coast cocoa prices fell after the harvest.",
]
OIL = ["Crude oil prices rose in Texas.", "Texas crude output fell.", "Oil refiners cut output."]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    opened = SearchIndex(tmp_path / "index")
    opened.update(
        [make(f"c{n}", body) for n, body in enumerate(COCOA)]
        + [make(f"o{n}", body) for n, body in enumerate(OIL)]
    )
    yield opened
    opened.close()


def like(index: SearchIndex, article_id: str, count: int = 5) -> list[str]:
    article = make(article_id, (COCOA + OIL)[int(article_id[1:]) + 3 * article_id.startswith("o")])
    return index.more_like(article, count=count)


def test_key_terms_are_the_texts_rarer_words_that_others_share(index):
    with index.searching() as searcher:
        reader = searcher.reader()
        terms = key_terms("", COCOA[0], Vocabularies().of(reader), reader.doc_count_all())
    assert terms["cocoa"] > terms["harvest"]  # used twice here against once
    assert "growers" not in terms and "expect" not in terms  # no other story has them
    assert "in" not in terms and "a" not in terms  # too common to mean anything
    with index.searching() as searcher:
        reader = searcher.reader()
        titled = key_terms("Harvest", COCOA[0], Vocabularies().of(reader), reader.doc_count_all())
    assert titled["harvest"] == 2 * terms["harvest"]  # a title word counts as a use


def test_stories_sharing_key_words_come_first_and_the_story_itself_never(index):
    found = like(index, "c0")
    assert sorted(found[:2]) == ["c1", "c2"]
    assert "c0" not in found


def test_a_write_is_seen_by_the_next_related_list(index):
    assert "c9" not in like(index, "c0")
    index.update([make("c9", "Ghana cocoa growers expect a cocoa harvest.")])
    assert like(index, "c0")[0] == "c9"  # shares the most key words
    index.delete(["c1"])
    assert "c1" not in like(index, "c0")


def test_a_second_view_is_remembered(index):
    first = like(index, "o0")
    assert index._related.get((index_generation(index), "o0", 5)) == first
    assert like(index, "o0") == first


def index_generation(index: SearchIndex) -> int:
    with index.searching() as searcher:
        return searcher.reader().generation()
