"""Fixtures for the library app's tests."""

import pytest
from django.core.cache import caches

from core import ratelimit

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "unix:///nonexistent/redis.sock",
    }
}


@pytest.fixture
def redis_away(settings, monkeypatch):
    """Redis does not answer, in a process that has seen no outage yet: no per-process
    counts, no warning logged."""
    monkeypatch.setattr(ratelimit, "process_fallback", ratelimit.ProcessFallback())
    settings.CACHES = DEAD_REDIS
    caches._settings = caches.settings = DEAD_REDIS
    caches._connections.__dict__.pop("default", None)
    yield
    caches._connections.__dict__.pop("default", None)
