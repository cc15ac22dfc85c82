"""Cross-cutting middleware: security headers Django lacks, and the database-down page."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from psycopg_pool import PoolTimeout

logger = logging.getLogger(__name__)

# What a lost or refused database connection raises: Django's wrappers of psycopg's
# errors, and the pool's timeout should it ever escape Django's wrapping.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)


class SecurityHeadersMiddleware:
    """Permissions-Policy, and X-Frame-Options where Django's middleware did not run.

    Placed before whitenoise, so static files get the headers too; Django's
    SecurityMiddleware (before this one) adds HSTS, nosniff, Referrer-Policy and
    Cross-Origin-Opener-Policy to every response itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response


def database_unavailable(request):
    """The 503 a reader sees while PostgreSQL is unreachable. Renders without the database."""
    retry_after = settings.DATABASE_UNAVAILABLE_RETRY_AFTER
    message = "The site cannot reach its database just now. Please try again in a minute."
    if request is not None and request.headers.get("Accept", "").startswith("application/json"):
        response = JsonResponse({"error": message}, status=503)
    else:
        response = render(request, "503.html", {"retry_after": retry_after}, status=503)
    response["Retry-After"] = str(retry_after)
    # Never cache the outage: the next request may find the database back.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view (or its template) that cannot reach PostgreSQL answers 503, not 500.

    Exceptions raised in other middleware reach the 500 handler instead, which
    makes the same answer (core/errors.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning("Database unavailable for %s: %s", request.path, exception)
            return database_unavailable(request)
        return None
