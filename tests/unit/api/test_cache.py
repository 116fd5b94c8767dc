"""The in-process read cache: LRU bounds, invalidation by data version, ETags."""

from __future__ import annotations

from nba_tracker.api.cache import CachedResponse, ResponseCache


def entry(body: bytes) -> CachedResponse:
    return CachedResponse(200, (), body, "")


def test_a_new_data_version_empties_the_cache_and_changes_etags() -> None:
    cache = ResponseCache()
    cache.set_version(1)
    key = cache.key("POST", "/graphql", b"", b'{"query":"{ teams { abbreviation } }"}')
    cache.put(key, entry(b"old"))
    etag = cache.etag(key)
    cache.set_version(1)
    assert cache.get(key) is not None  # same version: kept
    cache.set_version(2)
    assert cache.get(key) is None
    assert cache.etag(key) != etag


def test_keys_tell_requests_apart() -> None:
    cache = ResponseCache()
    keys = {
        cache.key("GET", "/", b"team=LAL", b""),
        cache.key("GET", "/", b"team=BOS", b""),
        cache.key("GET", "/", b"", b"team=LAL"),  # parts never run together
        cache.key("GET", "/", b"team=LAL", b"", "application/json"),
        cache.key("GET", "/team/LAL", b"", b""),
    }
    assert len(keys) == 5
    assert cache.key("GET", "/", b"q=x", b"") == cache.key("GET", "/", b"q=x", b"")


def test_least_recently_used_entries_go_first() -> None:
    cache = ResponseCache(max_entries=2)
    cache.set_version(1)
    cache.put("a", entry(b"a"))
    cache.put("b", entry(b"b"))
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("c", entry(b"c"))
    assert cache.get("b") is None
    assert cache.get("a") is not None and cache.get("c") is not None


def test_memory_stays_bounded_by_bytes() -> None:
    cache = ResponseCache(max_entries=100, max_bytes=16 * 1000)
    cache.set_version(1)
    cache.put("huge", entry(b"x" * 2000))  # over 1/16 of the budget: never stored
    assert cache.get("huge") is None
    for i in range(40):
        cache.put(str(i), entry(b"x" * 900))
    stored = [i for i in range(40) if cache.get(str(i)) is not None]
    assert sum(900 for _ in stored) <= 16 * 1000
    assert stored == list(range(40 - len(stored), 40))
