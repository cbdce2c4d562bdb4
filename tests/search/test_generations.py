"""app.search.generations: what is worked out from the whole archive is kept until the index
changes, a value a name."""

from support.helpers import make

from app.search.generations import once_a_generation


def test_a_value_is_kept_until_the_archive_changes(seeded):
    made = []

    def work() -> int:
        made.append(1)
        return len(made)

    assert once_a_generation(seeded, "work", work) == 1
    assert once_a_generation(seeded, "work", work) == 1  # kept
    assert once_a_generation(seeded, "other", lambda: "other") == "other"  # a name its own
    seeded.add([make("g1", "A new story.")], source_paths=[None])
    assert once_a_generation(seeded, "work", work) == 2  # worked out again
    assert once_a_generation(seeded, "other", lambda: "again") == "again"
