"""Whole-page caching for anonymous readers, with versions instead of expiry guesses.

Most requests in a rush are from readers who have not acted yet: no reader
cookie, no login. They all see the same page but for one thing, the CSRF
token in its forms. So the page is cached once with the token replaced by a
placeholder, and each hit puts the reader's own token back in: no template
rendering and no SQL. Readers who have acted (their own read is highlighted)
and editors get the page rendered for them.

Invalidation is by version counters kept in the cache every worker shares
("shared" in settings; the pages themselves stay in each process's memory): every write that
changes what a page shows bumps a version (``bump``), and page keys include
the versions they depend on, so the next request renders afresh. Listings
also expire after ``LISTING_SECONDS`` so that scheduled stories appear on time.
"""

import hashlib
import re
from functools import wraps

from django.core.cache import cache, caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from core.readers import COOKIE_NAME

PLACEHOLDER = "__newsroom_csrf_token__"
CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+')
LISTING_SECONDS = 60
VERSION_SECONDS = None  # versions never expire on their own


def version(name):
    return caches["shared"].get_or_set(f"version:{name}", 1, VERSION_SECONDS)


def bump(*names):
    """Something that pages named ``names`` show has changed (in every worker)."""
    shared = caches["shared"]
    for name in names:
        try:
            shared.incr(f"version:{name}")
        except ValueError:
            shared.set(f"version:{name}", 2, VERSION_SECONDS)


def _shareable(request):
    return (
        request.method in {"GET", "HEAD"}
        and COOKIE_NAME not in request.COOKIES
        and not request.user.is_authenticated
    )


def cached_page(*, depends_on, timeout=LISTING_SECONDS):
    """Cache a view's page for anonymous readers; ``depends_on(request, **kwargs)`` names
    the versions it shows (e.g. ["stories", "story:<slug>"])."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _shareable(request):
                return view(request, *args, **kwargs)
            versions = [f"{name}={version(name)}" for name in depends_on(request, **kwargs)]
            identity = "|".join([request.get_full_path(), *versions])
            digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
            etag = f'"{digest}"'
            not_modified = get_conditional_response(request, etag=etag)
            if not_modified is not None:
                return not_modified
            key = f"page:{digest}"
            cached = cache.get(key)
            if cached is None:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
                if response.status_code != 200:
                    return response
                # Every form on a page carries the same token: cache it as a placeholder.
                html = CSRF_VALUE.sub(rf"\g<1>{PLACEHOLDER}", response.content.decode())
                cached = (html, response["Content-Type"])
                cache.set(key, cached, timeout)
            html, content_type = cached
            response = HttpResponse(
                html.replace(PLACEHOLDER, get_token(request)), content_type=content_type
            )
            response["ETag"] = etag
            patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator
