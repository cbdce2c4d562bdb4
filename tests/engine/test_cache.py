"""app.engine.cache: the bound, the order things leave in, and making on a miss."""

from app.engine.cache import Cache


def test_the_least_recently_used_go_first_past_the_bound():
    cache: Cache[str, int] = Cache(3)
    for number in range(3):
        cache.put(f"k{number}", number)
    assert cache.get("k0") == 0  # now the most recently used
    cache.put("k3", 3)
    assert (cache.get("k1"), cache.get("k0"), cache.get("k3")) == (None, 0, 3)
    assert cache.held == 3


def test_a_cache_bounded_by_bytes_holds_at_most_its_limit():
    cache: Cache[str, bytes] = Cache(10, len)
    cache.put("a", b"12345")
    cache.put("b", b"1234")
    cache.put("c", b"123")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, b"1234", b"123")
    assert cache.held == 7


def test_a_value_larger_than_the_bound_is_still_kept_alone():
    cache: Cache[str, bytes] = Cache(2, len)
    cache.put("a", b"1")
    cache.put("big", b"12345")
    assert (cache.get("a"), cache.get("big")) == (None, b"12345")


def test_a_miss_is_made_once_and_kept():
    made: list[str] = []
    cache: Cache[str, str] = Cache(5)

    def make() -> str:
        made.append("x")
        return "value"

    assert cache.get_or_make("k", make) == cache.get_or_make("k", make) == "value"
    assert made == ["x"]
