"""Per-client rate limits, exact over any window: a sliding log per address in Redis.

A limit of N requests per W seconds keeps, per client address, the times of the
requests it let through, in a sorted set in the Redis that Django's default cache uses
(every process and app node shares it). One Lua script, so one round trip, drops the
times older than W and lets the request through only while fewer than N remain. So no
address gets more than N in *any* W seconds: a fixed window, counted per clock-aligned
W, lets 2N through around a boundary. The set never holds more than N times; a refused
request is not logged, so a client that keeps knocking gets in again as soon as its
oldest request leaves the window, and Retry-After says exactly when.

If Redis does not answer, each process keeps the same sliding log in its own memory:
the limits still hold, per process (with P gunicorn processes over all app nodes, an
address gets at most P times the limit), never off. A process logs one WARNING when it
falls back and one INFO line when Redis answers again, not a line per request. Every
check still asks Redis first (within the cache's one-second timeouts), so the shared
limits come back with it.
"""

import logging
import math
import secrets
import threading
import time
from collections import deque
from functools import lru_cache, wraps

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from core import shared_redis
from core.errors import bad_request_response, wants_json
from core.shared_redis import REDIS_ERRORS

logger = logging.getLogger(__name__)

# KEYS[1]: the log of one limit for one address. ARGV: now (seconds, float), window
# (seconds), limit, a member unique to this request. Returns 0 when the request may go
# on, else the whole seconds until the oldest logged request leaves the window.
SLIDING_LOG = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
if not oldest then return math.max(1, math.ceil(window)) end  -- a limit of 0
return math.max(1, math.ceil(tonumber(oldest) + window - now))
"""


def client_address(request):
    """The client's address: from the trusted proxy's header only when one is configured."""
    if settings.CLIENT_IP_HEADER:
        forwarded = request.META.get(settings.CLIENT_IP_HEADER, "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


@lru_cache(maxsize=4)
def _sliding_log(client):
    """The script bound to ``client``: EVALSHA, loading it on the first NOSCRIPT."""
    return client.register_script(SLIDING_LOG)


class ProcessFallback:
    """The sliding logs this process keeps while Redis does not answer, and the outage.

    Thread-safe (gunicorn's threads share it). Logs of addresses that sent nothing for a
    whole window are swept whenever the number of logs has doubled since the last sweep,
    so memory follows the addresses active in the last window.
    """

    SWEEP_AT_LEAST = 1024

    def __init__(self):
        self._lock = threading.Lock()
        self._logs = {}  # key -> (window, deque of the times let through, oldest first)
        self._sweep_at = self.SWEEP_AT_LEAST
        self.redis_away = False

    def __len__(self):
        """How many addresses' logs this process holds."""
        return len(self._logs)

    def seconds_to_wait(self, key, limit, window, now):
        with self._lock:
            times = self._logs.setdefault(key, (window, deque()))[1]
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) < limit:
                times.append(now)
                if len(self._logs) > self._sweep_at:
                    self._sweep(now)
                return 0
            oldest = times[0] if times else now  # none with a limit of 0
            return max(1, math.ceil(oldest + window - now))

    def _sweep(self, now):
        self._logs = {
            key: (window, times)
            for key, (window, times) in self._logs.items()
            if times and times[-1] > now - window
        }
        self._sweep_at = max(self.SWEEP_AT_LEAST, 2 * len(self._logs))

    def redis_failed(self, error):
        with self._lock:
            if self.redis_away:
                return
            self.redis_away = True
            self._logs.clear()
        logger.warning(
            "Redis unavailable (%s): rate limits are per process until it answers again", error
        )

    def redis_answered(self):
        if not self.redis_away:  # the hot path: no lock while Redis is well
            return
        with self._lock:
            if not self.redis_away:
                return
            self.redis_away = False
            self._logs.clear()
        logger.info("Redis answers again: rate limits are shared again")


process_fallback = ProcessFallback()


def seconds_to_wait(scope, address, *, limit, window):
    """0 when this request from ``address`` is within ``limit`` per ``window`` seconds (and
    it is counted), else the whole seconds until one more would be (for Retry-After)."""
    now = time.time()
    key = f"ratelimit:{scope}:{address}"
    try:
        script = _sliding_log(shared_redis.client())
        wait = script(keys=[key], args=[repr(now), window, limit, secrets.token_hex(8)])
    except REDIS_ERRORS as error:
        process_fallback.redis_failed(error)
        return process_fallback.seconds_to_wait(key, limit, window, now)
    process_fallback.redis_answered()
    return int(wait)


def too_many_requests(request, *, title, message, retry_after):
    """429 with Retry-After: the sentence as JSON, or on the 429 page."""
    if wants_json(request):
        response = JsonResponse({"error": message}, status=429)
    else:
        context = {"title": title, "message": message}
        response = render(request, "errors/429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def in_words(seconds):
    """A wait as a reader reads it: "45 seconds", "12 minutes"."""
    if seconds < 120:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    return f"{math.ceil(seconds / 60)} minutes"


def rate_limited(scope):
    """Allow settings.RATE_LIMITS[scope] = (requests, seconds) per client address."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            limit, window = settings.RATE_LIMITS[scope]
            wait = seconds_to_wait(scope, client_address(request), limit=limit, window=window)
            if wait:
                return too_many_requests(
                    request,
                    title="Slow down a little",
                    message="You have sent a lot of votes or forecasts in a short time. "
                    f"Please try again in {in_words(wait)}.",
                    retry_after=wait,
                )
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
