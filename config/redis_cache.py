"""Django's Redis cache with one client per connection pool, not one per call.

``django.core.cache.backends.redis`` builds a new ``redis.Redis`` for every cache
operation (about 70 µs here, most of it filling its table of response callbacks);
the connection pool behind it is shared either way. A Redis client is thread-safe,
so one per pool serves every call: a resident's report, which reads and writes the
cache three times (the rate limit, the receipt's hand-over), saves that each time.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class PooledRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledRedisCacheClient
