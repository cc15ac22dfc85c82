"""Error answers that help a reader on and tell an attacker nothing.

One test for "this client wants JSON", one renderer for a request that cannot
be used (a plain sentence, as JSON or on the one 400 page), and Django's error
handlers that need no app. No page shows an exception's message, a path on the
server or a setting. The 500 page renders without the request and without the
database; when the error was the database being out of reach, the reader gets
the 503 page instead (core/middleware.py).
"""

import logging
import sys

from django.conf import settings
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

from core.middleware import DATABASE_UNAVAILABLE, database_unavailable

logger = logging.getLogger(__name__)

DEFAULT_BAD_REQUEST = "Something in the request was not valid."


def wants_json(request):
    return request is not None and request.headers.get("Accept", "").startswith("application/json")


def bad_request_response(request, message=None, status=400):
    """A request that cannot be used: the reason as JSON, or on the 400 page."""
    if wants_json(request):
        return JsonResponse({"error": message or DEFAULT_BAD_REQUEST}, status=status)
    return render(request, "400.html", {"message": message}, status=status)


def bad_request(request, exception):
    return bad_request_response(request)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form that came without its security token, or from another site."""
    message = (
        "Your form could not be sent because its security check failed. "
        "Reload the page and try again."
    )
    if wants_json(request):
        return JsonResponse({"error": message}, status=403)
    return render(request, "403_csrf.html", {"message": message}, status=403)


def server_error(request):
    """500, rendered from the template alone: no request context, no database.

    Called while the exception is being handled, so a database that went away
    in a middleware (a session save, say) still gets the 503 page.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        try:
            return database_unavailable(request)
        except Exception:  # the 503 page itself failed: fall back to the plain 500
            logger.exception("Could not render the 503 page")
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"site_name": settings.SITE_NAME}))


def admin_lockout(request, original_response=None, credentials=None):
    """django-axes: too many failed admin logins for this username from this address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "axes/lockout.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
