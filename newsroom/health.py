"""/healthz: 200 when the node can serve pages, 503 when it cannot; the body says how well.

The load balancer (newsroom/deploy/varnish.vcl's probe) looks only at the status: 200
when the database answers a query, 503 when it does not. With a read replica
(DATABASE_REPLICA_URL) the node can still serve pages while the primary is away, so it
answers 200 when either answers: the load balancer keeps it, pages come from the replica
and writes get the 503 page with Retry-After.

With the pool's timeouts (settings: DATABASES) a database that is down answers 503
within a few seconds rather than hanging. The body's ``status`` is "ok", "degraded"
(pages are served but a part is away: Redis, so that rate limits are per process, the
primary or the replica, or an HTTP cache node the app purges) or "unavailable" (the
503). A degraded node keeps its 200: taking every node out of the balancer because the
Redis they share is down would take the site down for want of a rate limit.
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
    report = {"status": "ok", "database": _database(), "redis": _redis()}
    serves_pages = report["database"] == "ok"
    parts_ok = [report["database"] == "ok", report["redis"] == "ok"]
    if REPLICA in settings.DATABASES:
        # What the pages' last probe found: the load balancer's probe never waits for it.
        usable, lag = replica_health.usable, replica_health.lag
        state = "ok" if usable else ("unavailable" if lag is None else "lagging")
        report["replica"] = {"state": state, "lag_seconds": lag}
        serves_pages = serves_pages or usable
        parts_ok.append(usable)
    if settings.HTTP_CACHE_PURGE_URLS:
        report["http_cache"] = {url: _http_cache(url) for url in settings.HTTP_CACHE_PURGE_URLS}
        parts_ok.extend(state == "ok" for state in report["http_cache"].values())
    if not serves_pages:
        report["status"] = "unavailable"
        response = JsonResponse(report, status=503)
        response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
        return response
    if not all(parts_ok):
        report["status"] = "degraded"
    return JsonResponse(report)
