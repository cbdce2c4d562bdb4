"""app.search.related: the stories most like an article, over a real archive in tmp_path; the
article itself and the other versions of its story are never among them."""

from datetime import date

import pytest
from support.helpers import make
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
    # its words again, two months on: another story (within days it would be a version)
    twin = make("twin", body + " Cocoa, cocoa.", date(2024, 3, 1))
    archive.add([twin], source_paths=[None])
    after = [item.id for item in related(archive, first)]
    assert twin.id not in before
    assert after[0] == twin.id  # remembered lists are forgotten when the index changes


def test_the_versions_of_its_own_story_are_never_related(archive, topics):
    first = topics["cocoa"][0]
    record = archive.store.get(first)
    update = make("update", record.body + " Cocoa, cocoa.", record.published)
    archive.add([update], source_paths=[None])
    assert archive.store.threads_of([first, "update"]) == {first: first, "update": first}
    assert archive.index.more_like(record.to_article(), count=1) == ["update"]
    found = [item.id for item in related(archive, first)]
    assert "update" not in found and len(found) == RELATED_COUNT
    assert first not in [item.id for item in related(archive, "update")]
