"""Tokenless protection of reader writes against cross-site requests.

Reader pages are the same bytes for everyone and sit in a shared cache, so
they cannot carry a per-reader CSRF token. Instead a reader write is refused
when the browser says it comes from another site. Browsers since 2020 send
``Sec-Fetch-Site`` on every request: "same-origin" (our own page) and "none"
(typed or bookmarked by the user) pass, "same-site" and "cross-site" do not.
An older browser sends no ``Sec-Fetch-Site`` but sends ``Origin`` on a POST:
it must name this site's own origin, scheme, host and port alike (``SITE_URL`` when
set, else the request's trusted scheme and host), so that ``https://`` or ``ftp://``
on our host name is another origin, as browsers count them. A request with neither
header does not come from a browser page (a script or a command-line client, which
could send any header it liked anyway) and passes; such a client cannot ride on a
reader's cookies. The admin keeps Django's token CSRF. See docs/runtime.md for the threat reasoning.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from core.errors import wants_json

ALLOWED_FETCH_SITES = {"same-origin", "none"}
REFUSAL = "This form can only be sent from a page of this site. Nothing was saved."


DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url):
    """(scheme, host, port) of a URL, the port filled in for http and https; None when the
    URL is not an origin a browser could send."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port


def site_origin(request):
    """This site's origin: ``SITE_URL``'s when configured, else the request's own."""
    return _origin(settings.SITE_URL or f"{request.scheme}://{request.get_host()}")


def is_cross_origin(request):
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site.lower() not in ALLOWED_FETCH_SITES
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    sent = _origin(origin)
    return sent is None or sent != site_origin(request)


def same_origin_only(view):
    """Refuse (403) a state-changing request that a browser sent from another site."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in {"GET", "HEAD", "OPTIONS"} and is_cross_origin(request):
            if wants_json(request):
                return JsonResponse({"error": REFUSAL}, status=403)
            return render(request, "403_csrf.html", {"message": REFUSAL}, status=403)
        return view(request, *args, **kwargs)

    return wrapper
