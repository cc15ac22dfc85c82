"""Addresses that leave the site (an email, a feed): absolute, on the site's own origin."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Where `make run` serves the site, for mail sent on a developer's machine.
DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"


def site_url():
    """The site's origin: SITE_URL, or in development the local server's."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if settings.DEVELOPMENT:
        return DEVELOPMENT_SITE_URL
    raise ImproperlyConfigured(
        "SITE_URL is not set: emails need it for their links (and notification emails "
        "for their unsubscribe address): https://news.example.org."
    )


def absolute(path):
    return site_url() + path
