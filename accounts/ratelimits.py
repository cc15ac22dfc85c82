"""The account pages' rate limits, on core/ratelimit.py's sliding logs: every account
request per client address ("account"), sign-in attempts per address
("account-sign-in"), accounts made per address in a day ("account-create"), and mail
per address, per recipient and per account ("account-email"; a recipient is counted by
a digest, so Redis holds no address). Limits are settings.RATE_LIMITS
(newsroom/settings.py)."""

import hashlib
from functools import wraps

from django.conf import settings

from core import ratelimit


def _wait(scope, key):
    limit, window = settings.RATE_LIMITS[scope]
    return ratelimit.seconds_to_wait(scope, key, limit=limit, window=window)


def _too_many(request, wait, what):
    return ratelimit.too_many_requests(
        request,
        title="Slow down a little",
        message=f"{what} Please try again in {ratelimit.in_words(wait)}.",
        retry_after=wait,
    )


def limited(
    scope, *, methods=None, what="There have been many account requests from your address."
):
    """Allow ``scope`` its limit per client address: of every request, or of those made
    with ``methods`` (the sign-in attempts, not the pages that offer them). ``what`` says
    why a request past it is refused."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if methods is None or request.method in methods:
                address = ratelimit.client_address(request)
                wait = _wait(scope, address)
                if wait:
                    return _too_many(request, wait, what)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def mail_refused(request, *, email, account=None):
    """The 429 answer when one more mail would pass a limit (per client address, per
    recipient, per account), else None; a mail let through is counted in each."""
    keys = [
        ratelimit.client_address(request),
        "to:" + hashlib.sha256(email.strip().casefold().encode()).hexdigest(),
    ]
    if account is not None:
        keys.append(f"account:{account.pk}")
    for key in keys:
        wait = _wait("account-email", key)
        if wait:
            return _too_many(request, wait, "We have sent several emails here lately.")
    return None
