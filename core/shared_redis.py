"""The Redis that every process and app node shares, as one client per process.

It is the Redis of Django's default cache. Django's cache builds a client
object on every call, which costs a rate-limit count or a debounce mark more
CPU than its round trip; this client is pooled and thread-safe, made once per
process (and per location, so tests that point the cache elsewhere get theirs).
"""

from functools import lru_cache

import redis
from django.conf import settings
from redis.exceptions import RedisError

# What a call raises when Redis is away or slow.
REDIS_ERRORS = (RedisError, OSError)


@lru_cache(maxsize=4)
def _client(location, timeout):
    return redis.Redis.from_url(location, socket_connect_timeout=timeout, socket_timeout=timeout)


def client():
    default = settings.CACHES["default"]
    return _client(default["LOCATION"], default.get("OPTIONS", {}).get("socket_timeout", 1))
