"""Who is an editor: an active staff member in the Editors group, or a superuser. The
admin site (newsroom/admin_site.py) lets in only editors; pages ask the same rule when
they show editors what readers do not see (a draft's preview).

The HTTP cache in front cannot ask a session who it belongs to, and a session no longer
means an editor (readers sign in to accounts too), so an editor's browser carries a
marker cookie that ``EditorMarkerMiddleware`` sets and clears: the cache passes the
requests that carry it to the app with their cookies (newsroom/deploy/varnish.vcl). It is
no credential: forged, it only makes the forger's own pages uncached (and counted by the
cache's fetch throttle); the app still asks the session.
"""

from django.conf import settings

EDITORS_GROUP = "Editors"
MARKER_COOKIE_NAME = "editor"


def is_editor(user):
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=EDITORS_GROUP).exists())
    )


class EditorMarkerMiddleware:
    """Set the editor marker on an editor's responses, and clear it from anyone else's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        marked = MARKER_COOKIE_NAME in request.COOKIES
        staff = request.user.is_authenticated and request.user.is_staff
        # A marked staff member keeps the marker without a query on every request: one
        # who left the Editors group only keeps getting pages of their own.
        editor = staff and (marked or is_editor(request.user))
        if editor and not marked:
            response.set_cookie(
                MARKER_COOKIE_NAME,
                "1",
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif marked and not editor:
            response.delete_cookie(MARKER_COOKIE_NAME, samesite="Lax")
        return response
