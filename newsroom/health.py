"""/healthz: 200 when the database answers a query, 503 when it does not.

With a read replica (DATABASE_REPLICA_URL) the node can still serve pages while the
primary is away, so it answers 200 when either answers: the load balancer keeps it,
pages come from the replica and writes get the 503 page with Retry-After.

A load balancer polls it; with the pool's timeouts (settings: DATABASES) a
database that is down answers 503 within a few seconds rather than hanging.
The body also says what is degraded without taking pages down: Redis (rate
limits are then not applied) and the HTTP cache nodes the app purges.
GET and HEAD only.
"""

import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from psycopg_pool import PoolTimeout

from core.replicas import REPLICA, replica_health
from core.shared_redis import REDIS_ERRORS

PROBE_TIMEOUT_SECONDS = 0.5


def _database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except (DatabaseError, PoolTimeout):
        return "unavailable"
    return "ok"


def _redis():
    try:
        cache.get("healthz")
    except REDIS_ERRORS:
        return "unavailable"
    return "ok"


def _http_cache(url):
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 80), PROBE_TIMEOUT_SECONDS).close()
    except OSError:
        return "unavailable"
    return "ok"


@never_cache
@require_safe
def healthz(request):
    report = {"database": _database(), "redis": _redis()}
    serves_pages = report["database"] == "ok"
    if REPLICA in settings.DATABASES:
        # What the pages' last probe found: the load balancer's probe never waits for it.
        usable, lag = replica_health.usable, replica_health.lag
        state = "ok" if usable else ("unavailable" if lag is None else "lagging")
        report["replica"] = {"state": state, "lag_seconds": lag}
        serves_pages = serves_pages or usable
    if settings.HTTP_CACHE_PURGE_URLS:
        report["http_cache"] = {url: _http_cache(url) for url in settings.HTTP_CACHE_PURGE_URLS}
    if not serves_pages:
        response = JsonResponse(report, status=503)
        response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
        return response
    return JsonResponse(report)
