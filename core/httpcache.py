"""Pages for the HTTP cache in front of the app, and purges by surrogate key.

Every reader who is not an editor gets the same bytes for a page, with or
without the reader cookie: a page is marked for shared caches
(``Cache-Control: public, s-maxage=…, stale-while-revalidate=…``) and names
what it shows in an ``xkey`` header ("story-<slug>", "stories", …). When
content changes, the app purges those keys in the cache (``purge``), after the
transaction commits, so the next reader gets the new page at once. Reader
activity (tallies, the crowd forecast) reaches shared pages by a debounced purge
of the keys it touches (core/activity_purges.py: at most one per key every few
seconds, never one per vote), so a page nobody changes stays cached for hours.
A page that shows something due to change at a known moment (a question that
opens or closes) is kept no longer than that moment (``expires_by``); one that must not
be seen past it at all (a story taken down then, a listing that drops it) is not served
stale either (``strictly``). What is personal comes from the per-reader endpoint, uncached.

A page names the query parameters it takes. The HTTP cache drops tracking parameters
and sorts the rest; a request with a parameter the page does not take is redirected
(301, itself shared) to the URL without it, so that a made-up query string costs one
cheap redirect, kept in the cache, and never a render per request.

Browsers revalidate every time (``max-age=0``) against an ETag made from the
page's bytes, so any change, a scheduled story coming due included, shows on
the next request. Conditional requests are answered only for pages that exist.
"""

import functools
import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.http import HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.encoding import escape_uri_path
from django.utils.http import urlencode

from core import activity_purges, cache_purges, fragments
from core.cache_purges import SURROGATE_KEY_HEADER
from core.editors import is_editor

logger = logging.getLogger(__name__)

# A page reached with this query parameter shows the reader's own choices (the landing
# page of a form posted without JavaScript): rendered for them, never shared.
PERSONAL_PARAMETER = "saved"
# Pages that show reader activity: purged within seconds when it moves (see above), so
# a shared cache may keep them for hours.
ACTIVITY_SECONDS = 6 * 60 * 60
# Pages that change only when editors change something (and are purged when they do).
EDITORIAL_SECONDS = 600
# How long the cache may serve a stale page while it fetches a fresh one, and how long it
# may keep serving one if the app does not answer.
STALE_SECONDS = 60


def is_personal(request):
    return PERSONAL_PARAMETER in request.GET


def rendering_since(request):
    """When the page began to be drawn. Ask what changes next by the clock as of then,
    not as of now: a story going live, or a question closing, while the page is drawn
    has a moment already past, which keeps the page out of shared caches, where asking
    as of now would find the next moment after it and keep the page as it was for
    hours."""
    return getattr(request, "rendering_since", None) or timezone.now()


def expires_by(request, moment, *, strictly=False):
    """The page being rendered shows something that changes at ``moment`` (a question
    opening or closing): shared caches keep it no longer than until then. ``strictly``:
    what it shows must not be seen after ``moment`` (a story's takedown time), so
    shared caches serve no stale copy past it either (``_stale_seconds``)."""
    if moment is None:
        return
    earliest = getattr(request, "shared_until", None)
    if earliest is None or moment < earliest:
        request.shared_until = moment
    strict = getattr(request, "strictly_until", None)
    if strictly and (strict is None or moment < strict):
        request.strictly_until = moment


def shows(request, *keys):
    """The page being rendered also shows what ``keys`` name (a panel of another app):
    purging any of them empties it too."""
    request.shown_keys = {*getattr(request, "shown_keys", ()), *keys}


def _seconds_left(request, seconds):
    until = getattr(request, "shared_until", None)
    if until is None:
        return seconds
    return min(seconds, (until - timezone.now()).total_seconds())


def _stale_seconds(request, seconds):
    """How long past its ``seconds`` a shared cache may serve the page stale: STALE_SECONDS,
    or none when a moment the page must not outlive (``expires_by(strictly=True)``) falls
    within that time."""
    strict = getattr(request, "strictly_until", None)
    if strict is not None and (strict - timezone.now()).total_seconds() < seconds + STALE_SECONDS:
        return 0
    return STALE_SECONDS


def mark_private(response):
    """A response for one reader only: no shared or browser cache keeps it."""
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    response.headers.pop(SURROGATE_KEY_HEADER, None)
    return response


def mark_shared(request, response, *, keys, seconds, stale=STALE_SECONDS):
    """Mark a 200 page for shared caches, and answer a matching conditional request.
    ``stale``: how long past ``seconds`` a shared cache may serve it while it fetches a
    fresh one; 0 for a page that must be gone on time, which is then kept whole seconds
    only (less than one: not kept)."""
    response["ETag"] = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=max(1 if stale else 0, int(seconds)),
        stale_while_revalidate=stale,
        stale_if_error=stale * 10,
    )
    response[SURROGATE_KEY_HEADER] = " ".join(sorted(set(keys)))
    return get_conditional_response(request, etag=response["ETag"], response=response)


def url_with(request, parameters):
    """This page's path with ``parameters`` (name, value pairs) as its sorted query."""
    query = urlencode(sorted(parameters))
    return escape_uri_path(request.path) + (f"?{query}" if query else "")


def redirect_for_shared_caches(url):
    """A permanent redirect that the HTTP cache may keep and share."""
    response = HttpResponsePermanentRedirect(url)
    patch_cache_control(response, public=True, max_age=0, s_maxage=EDITORIAL_SECONDS)
    return response


def untaken_parameters_redirect(request, parameters):
    """The redirect to this page without the query parameters it does not take, or None."""
    taken = {*parameters, PERSONAL_PARAMETER}
    if set(request.GET) <= taken:
        return None
    kept = [(name, value) for name, value in request.GET.items() if name in taken]
    return redirect_for_shared_caches(url_with(request, kept))


def shared_page(*, keys, seconds=EDITORIAL_SECONDS, parameters=()):
    """Serve a view's page to the shared cache.

    ``keys(request, **kwargs)`` names what the page shows (its surrogate keys);
    ``seconds`` is how long a shared cache may keep it, a number or a callable
    ``seconds(request, **kwargs)``. Editors, personal pages and anything but a
    200 answer to GET or HEAD are marked private. ``parameters`` names the query
    parameters the page takes (the rest are redirected away before the view runs);
    None leaves every parameter to the view, which must refuse those it does not take.
    A shared page is drawn for nobody: the view sees ``request.reader_id`` None unless
    the page is personal (core/readers.py).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request.rendering_since = timezone.now()
            if parameters is not None and request.method in {"GET", "HEAD"}:
                redirect = untaken_parameters_redirect(request, parameters)
                if redirect is not None:
                    return redirect
            page_seconds = functools.cache(
                lambda: seconds(request, **kwargs) if callable(seconds) else seconds
            )
            if not is_personal(request):
                request.reader_id = None
                if request.method in {"GET", "HEAD"} and not is_editor(request.user):
                    fragments.begin(request, keys(request, **kwargs), seconds=page_seconds)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            shareable = (
                request.method in {"GET", "HEAD"}
                and response.status_code == 200
                and not is_personal(request)
                and not is_editor(request.user)
                and not response.has_header("Cache-Control")
            )
            if not shareable:
                return response if response.has_header("Cache-Control") else mark_private(response)
            ttl = _seconds_left(request, page_seconds())
            named = [*keys(request, **kwargs), *getattr(request, "shown_keys", ())]
            stale = _stale_seconds(request, ttl)
            return mark_shared(request, response, keys=named, seconds=ttl, stale=stale)

        return wrapper

    return decorator


def private_page(view):
    """A page about the reader who asks (their track record, say): never in a shared cache."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return mark_private(view(request, *args, **kwargs))

    return wrapper


def purge(*keys):
    """Empty every page that shows one of ``keys``, in every cache and the parts kept of
    it (core/fragments.py), once the data is saved, and once more when a page drawn from
    what the database held before can no longer be on its way into a cache
    (core/activity_purges.py ``purge_again``)."""
    keys = sorted({key for key in keys if key})
    if not keys:
        return
    transaction.on_commit(lambda: fragments.renew(keys))
    if settings.HTTP_CACHE_PURGE_URLS:
        transaction.on_commit(lambda: cache_purges.send_purge(keys))
    transaction.on_commit(lambda: activity_purges.purge_again(keys))
