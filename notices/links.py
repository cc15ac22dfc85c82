"""Addresses a notification carries outside a page (an email, a feed): absolute, on the
site's own origin, and the signed one-click unsubscribe address."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

UNSUBSCRIBE_SALT = "notices.unsubscribe"
# Where `make run` serves the site, for mail sent on a developer's machine.
DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"


def site_url():
    """The site's origin: SITE_URL, or in development the local server's."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if settings.DEVELOPMENT:
        return DEVELOPMENT_SITE_URL
    raise ImproperlyConfigured(
        "SITE_URL is not set: notification emails need it for their links and their "
        "unsubscribe address (https://news.example.org)."
    )


def absolute(path):
    return site_url() + path


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
