"""The signed one-click unsubscribe address a notification carries outside a page (an
email, a feed); its other links are absolute on the site's origin (core/absolute_urls.py)."""

from django.core import signing
from django.urls import reverse

from core.absolute_urls import absolute

UNSUBSCRIBE_SALT = "notices.unsubscribe"


def unsubscribe_token(account):
    """A token that stops the account's email: signed, never expiring (an old email's
    link must still work), naming nothing but the account."""
    return signing.dumps(account.pk, salt=UNSUBSCRIBE_SALT)


def account_id_of(token):
    """The account id an unsubscribe token names, or None for a forged or mangled one."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(account):
    return absolute(reverse("notices:unsubscribe", args=[unsubscribe_token(account)]))
