"""app.search.related: the stories most like an article, over a real archive in tmp_path; the
article itself is never among them."""

import pytest
from support.topics import COCOA, COFFEE, OIL, add_bodies

from app.search.related import RELATED_COUNT, related


@pytest.fixture
def topics(archive) -> dict[str, list[str]]:
    return {"cocoa": add_bodies(archive, "c", COCOA), "oil": add_bodies(archive, "o", OIL)}


@pytest.mark.parametrize("topic", ["cocoa", "oil"])
def test_related_stories_are_others_on_the_same_topic(archive, topics, topic):
    for article_id in topics[topic]:
        found = [item.id for item in related(archive, article_id)]
        assert len(found) == RELATED_COUNT
        assert article_id not in found
        assert len(set(found)) == len(found)
        assert set(found) <= set(topics[topic]), (article_id, found)


def test_the_most_similar_story_comes_first(archive, topics):
    """With only two other cocoa stories, they lead and the oil stories follow."""
    coffee = add_bodies(archive, "k", [body + " Coffee beans, coffee." for body in COFFEE[:3]])
    for article_id in coffee:
        found = [item.id for item in related(archive, article_id)]
        others = [other for other in coffee if other != article_id]
        assert sorted(found[: len(others)]) == sorted(others), (article_id, found)
        assert article_id not in found


def test_related_items_are_results(archive, topics):
    (item, *_rest) = related(archive, topics["cocoa"][0])
    assert item.id in topics["cocoa"]
    assert item.title and item.published


@pytest.mark.parametrize("count", [1, 3])
def test_related_count_is_honoured(archive, topics, count):
    assert len(related(archive, topics["oil"][0], count=count)) == count


def test_an_archive_of_one_has_nothing_related(archive):
    (only,) = add_bodies(archive, "c", COCOA[:1])
    assert related(archive, only) == []


def test_an_unknown_id_has_nothing_related(archive, topics):
    assert related(archive, "no-such-id") == []


def test_a_story_added_later_is_related_at_once(archive, topics):
    first = topics["cocoa"][0]
    before = [item.id for item in related(archive, first)]
    body = archive.store.get(first).body
    (twin,) = add_bodies(archive, "twin", [body + " Cocoa, cocoa."])
    after = [item.id for item in related(archive, first)]
    assert twin not in before
    assert after[0] == twin  # remembered lists are forgotten when the index changes
