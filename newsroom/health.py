"""/healthz: 200 when the database answers a query, 503 when it does not.

A load balancer polls it; with the pool's timeouts (settings: DATABASES) a
database that is down answers 503 within a few seconds rather than hanging.
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from psycopg_pool import PoolTimeout


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except (DatabaseError, PoolTimeout):
        response = JsonResponse({"database": "unavailable"}, status=503)
        response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
        return response
    return JsonResponse({"database": "ok"})
