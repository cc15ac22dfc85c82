"""The reader cookie (core/readers.py) of a browser that signs in or out.

Signed in, the browser's reader is the account's, so every reader feature (the panels,
the track record, forecasts) works unchanged; the cookie lasts as long as the session
(SESSION_COOKIE_AGE), so a browser whose sign-in has run out is not left acting as the
account. Signing out clears it: the browser starts afresh as nobody in particular.
"""

from django.conf import settings

from core import readers


def set_reader(response, request, reader_id):
    secure = request.is_secure() or settings.SESSION_COOKIE_SECURE
    response.set_signed_cookie(
        readers.COOKIE_NAME,
        reader_id,
        salt=readers.SALT,
        max_age=settings.SESSION_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=secure,
    )
    response.set_cookie(
        readers.MARKER_COOKIE_NAME,
        "1",
        max_age=settings.SESSION_COOKIE_AGE,
        samesite="Lax",
        secure=secure,
    )
    return response


def clear_reader(response):
    response.delete_cookie(readers.COOKIE_NAME, samesite="Lax")
    response.delete_cookie(readers.MARKER_COOKIE_NAME, samesite="Lax")
    return response
