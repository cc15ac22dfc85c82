"""Per-client rate limits for reader writes, counted in Django's cache.

A fixed window per client address, counted in the "shared" cache that all
workers see (a file cache on one machine, Redis across machines). The file
cache's increment is not atomic between processes, so under a burst a count
can be a little low: the limit is at worst a little loose, never stricter.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render

from core.errors import bad_request_response


def client_address(request):
    """The client's address: from the trusted proxy's header only when one is configured."""
    if settings.CLIENT_IP_HEADER:
        forwarded = request.META.get(settings.CLIENT_IP_HEADER, "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(scope):
    """Allow settings.RATE_LIMITS[scope] = (requests, seconds) per client address."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            limit, window = settings.RATE_LIMITS[scope]
            now = int(time.time())
            window_start = now - now % window
            key = f"ratelimit:{scope}:{client_address(request)}:{window_start}"
            counts = caches["shared"]
            counts.add(key, 0, timeout=window + 1)
            try:
                count = counts.incr(key)
            except ValueError:  # evicted between add and incr: count this as the first
                counts.set(key, 1, timeout=window + 1)
                count = 1
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
