"""Reader identity without accounts: a random id in a signed, long-lived cookie.

One spelling everywhere: ``request.reader_id``. ReaderMiddleware sets it on every
request to the reader of a valid cookie, else None; a shared page is drawn for nobody
(core.httpcache.shared_page sets it to None there); a writing view gets a new reader on
its first action (``reader_action``).

The cookie is set the first time a reader acts (votes, forecasts); pages that
only read never set it. A cookie that fails its signature is refused rather
than silently replaced, so tampering cannot hop between identities.

Identities cost something: a write without a cookie, which makes a new reader,
counts against READER_NEW_IDENTITY_LIMIT per READER_NEW_IDENTITY_WINDOW seconds per
client address (core/ratelimit.py), so a script that drops its cookie cannot become
a new reader on every request. Readers who keep their cookie never meet that limit.
"""

import uuid
from functools import wraps

from django.conf import settings
from django.core import signing

from core import ratelimit
from core.errors import bad_request_response

COOKIE_NAME = "reader"
SALT = "newsroom.reader"
# Not secret and readable by the page's script: it says only that this browser has a
# reader id, so that the script asks the per-reader endpoint for the reader's own panels
# (the id itself stays in the HttpOnly cookie).
MARKER_COOKIE_NAME = "reader_known"
MAX_AGE = 60 * 60 * 24 * 365 * 2  # two years


class ForgedReaderCookie(Exception):
    pass


def signed_reader_cookie(reader_id):
    """The reader cookie's value for ``reader_id``, as ``set_signed_cookie`` would write it."""
    return signing.get_cookie_signer(salt=COOKIE_NAME + SALT).sign(reader_id)


def _cookie_reader_id(request):
    """The reader's id from a valid cookie, None without one; raises on a forged cookie."""
    if not request.COOKIES.get(COOKIE_NAME):  # none, or emptied by a clearing answer
        return None
    try:
        return request.get_signed_cookie(COOKIE_NAME, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature as error:
        raise ForgedReaderCookie from error


class ReaderMiddleware:
    """Give every request ``request.reader_id`` (the valid cookie's reader, else None) and
    ``request.reader_cookie_forged`` (a cookie that failed its signature)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.reader_id, request.reader_cookie_forged = _cookie_reader_id(request), False
        except ForgedReaderCookie:
            request.reader_id, request.reader_cookie_forged = None, True
        return self.get_response(request)


def _new_readers_paused(request):
    """The 429 answer when this address has started too many readers lately, else None."""
    wait = ratelimit.seconds_to_wait(
        "new-reader",
        ratelimit.client_address(request),
        limit=settings.READER_NEW_IDENTITY_LIMIT,
        window=settings.READER_NEW_IDENTITY_WINDOW,
    )
    if not wait:
        return None
    return ratelimit.too_many_requests(
        request,
        title="New readers are paused here",
        message="New readers from this address are paused because many have started here "
        f"lately. Please come back in {ratelimit.in_words(wait)}.",
        retry_after=wait,
    )


def reader_action(view):
    """Give a writing view ``request.reader_id``, creating the reader on first action."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.reader_cookie_forged:
            # The browser cannot clear an HttpOnly cookie itself: this answer does, so the
            # reader's next vote starts a fresh identity instead of meeting this page again.
            response = bad_request_response(
                request,
                "Your reader cookie could not be verified, so we have cleared it. "
                "Send your vote or forecast again to start afresh.",
            )
            response.delete_cookie(COOKIE_NAME, samesite="Lax")
            response.delete_cookie(MARKER_COOKIE_NAME, samesite="Lax")
            return response
        existing = request.reader_id
        if existing is None:
            paused = _new_readers_paused(request)
            if paused is not None:
                return paused
        request.reader_id = existing or uuid.uuid4().hex
        response = view(request, *args, **kwargs)
        if existing is None and response.status_code < 400:
            secure = request.is_secure() or settings.SESSION_COOKIE_SECURE
            response.set_signed_cookie(
                COOKIE_NAME,
                request.reader_id,
                salt=SALT,
                max_age=MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=secure,
            )
            response.set_cookie(
                MARKER_COOKIE_NAME, "1", max_age=MAX_AGE, samesite="Lax", secure=secure
            )
        return response

    return wrapper
