"""The cache backend of config/redis_cache.py."""

from django.core.cache import cache


def test_the_cache_keeps_one_redis_client_per_pool():
    # Django's own backend makes a client per call.
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    cache.set("tuquan-test-pooled-client", 1, timeout=5)
    assert cache.get("tuquan-test-pooled-client") == 1
    cache.delete("tuquan-test-pooled-client")
