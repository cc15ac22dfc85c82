"""Purges sent to the HTTP caches in front of the app (HTTP_CACHE_PURGE_URLS): every page
that names one of the keys in its surrogate-key header is emptied (core/httpcache.py
names them; the VCL's xkey module purges them)."""

import logging
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)

SURROGATE_KEY_HEADER = "xkey"
SOFT_PURGE_HEADER = "xkey-softpurge"
PURGE_TIMEOUT_SECONDS = 1


def _send_purge(url, keys, *, soft):
    headers = {SURROGATE_KEY_HEADER: " ".join(keys)}
    if soft:
        headers[SOFT_PURGE_HEADER] = "1"
    request = urllib.request.Request(url, method="PURGE", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT_SECONDS) as answer:
            answer.read()
    except OSError as error:
        # The page then stays stale until its s-maxage runs out; say so, lose nothing.
        logger.warning("Purge of %s at %s failed: %s", " ".join(keys), url, error)


def send_purge(keys, *, soft=False):
    """Empty every page that shows one of ``keys``, in every cache, now. A soft purge only
    marks them stale: the next reader gets the stale copy at once while the cache fetches
    a fresh one (for reader activity; an editor's change must never be served again)."""
    for url in settings.HTTP_CACHE_PURGE_URLS:
        _send_purge(url, keys, soft=soft)
