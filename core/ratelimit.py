"""Per-client rate limits for reader writes, counted in Redis.

A fixed window per client address, counted with Redis's atomic INCR in the
Redis that Django's default cache uses (every process and app node shares it),
so a burst from one address is counted exactly. If Redis does not answer, the
write is let through and the outage logged: a rate limit must not take reader
writes down with it.
"""

import logging
import time
from functools import wraps

from django.conf import settings
from django.shortcuts import render

from core import shared_redis
from core.errors import bad_request_response
from core.shared_redis import REDIS_ERRORS

logger = logging.getLogger(__name__)


def client_address(request):
    """The client's address: from the trusted proxy's header only when one is configured."""
    if settings.CLIENT_IP_HEADER:
        forwarded = request.META.get(settings.CLIENT_IP_HEADER, "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _count(key, window):
    """This request's number in its window, in one round trip: create the counter with
    the window's expiry if it is new, then INCR it."""
    pipe = shared_redis.client().pipeline(transaction=False)
    pipe.set(key, 0, ex=window + 1, nx=True)
    pipe.incr(key)
    return pipe.execute()[1]


def rate_limited(scope):
    """Allow settings.RATE_LIMITS[scope] = (requests, seconds) per client address."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            limit, window = settings.RATE_LIMITS[scope]
            now = int(time.time())
            window_start = now - now % window
            key = f"ratelimit:{scope}:{client_address(request)}:{window_start}"
            try:
                count = _count(key, window)
            except REDIS_ERRORS as error:
                logger.warning("Rate limit not applied, Redis unavailable: %s", error)
                count = 0
            if count > limit:
                retry_after = window_start + window - now
                response = render(
                    request, "errors/429.html", {"retry_after": retry_after}, status=429
                )
                response["Retry-After"] = str(retry_after)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def body_limited(max_bytes):
    """Refuse a request body larger than ``max_bytes`` before reading it (413)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = max_bytes + 1
            if length > max_bytes:
                return bad_request_response(request, "That request is too large.", status=413)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
