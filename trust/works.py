"""A cited work as a scholarly index describes it, and how we ask for it.

``Work`` and ``Update`` are what trust/crossref.py and trust/arxiv.py both return: the
fields a citation needs, the notices that changed the work since (a retraction, an
expression of concern, a correction…) and its preprint or published versions.

``get`` asks an index over HTTP and gives up cleanly: every way it can fail (not found,
told to wait, too slow, nonsense, no network) becomes ``LookupFailed`` with a sentence an
editor can act on, never a traceback. The answer is read against one deadline and up to
``MAX_BYTES``, so a server that drips bytes or sends too many cannot hold a worker.
``remembered`` keeps successful answers in the Django cache (Redis); a Redis that does not
answer only costs the cache, never the lookup.
"""

import hashlib
import math
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.shared_redis import REDIS_ERRORS

# A Crossref work with a few thousand references is well under a megabyte.
MAX_BYTES = 4 * 1024 * 1024
# A Retry-After beyond a day is a broken header, not advice.
LONGEST_WAIT_SECONDS = 24 * 3600
BY_HAND = "or type the fields by hand"


class LookupFailed(Exception):
    """The lookup did not give a work. ``sentence`` says why, for an editor;
    ``retry_after`` is how many seconds the index asked us to wait (or None);
    ``not_found`` is true when the index answered that it has no such work."""

    def __init__(self, sentence, *, retry_after=None, not_found=False):
        super().__init__(sentence)
        self.sentence = sentence
        self.retry_after = retry_after
        self.not_found = not_found


@dataclass(frozen=True)
class Update:
    """A notice that changed a work after publication, as the index records it.

    ``kind``: "retraction", "concern", "correction", "withdrawal", "new_version", or the
    index's own name for any other kind ("addendum", "removal"…). ``source``: who
    recorded it, "publisher" or "retraction-watch" in Crossref (arXiv's own versions and
    withdrawals say "arxiv"). ``record_id``: Retraction Watch's record number, or "".
    """

    kind: str
    notice_doi: str
    date: date | None
    source: str
    record_id: str = ""


@dataclass(frozen=True)
class Work:
    """A work as the index describes it. ``kind`` is a ``Citation.Kind`` value;
    ``published_as`` holds the DOIs of the published versions of a preprint,
    ``preprints`` those of a published work's preprints; ``journal_ref`` is arXiv's
    free-text reference to the published version ("Phys. Rev. Lett. 116, 061102");
    ``landing_url`` the work's page at its publisher (where ``url``, a doi.org link, leads).
    """

    doi: str
    title: str
    container: str
    authors: tuple[str, ...]
    published_on: date | None
    kind: str
    licence: str
    url: str
    issns: tuple[str, ...]
    publisher: str
    updates: tuple[Update, ...]
    published_as: tuple[str, ...]
    preprints: tuple[str, ...]
    is_preprint: bool
    journal_ref: str = ""
    landing_url: str = ""


def user_agent():
    """Who is asking, as Crossref's polite pool wants it: the site, its address and the
    address to write to about its requests."""
    site = settings.SITE_URL or "no public address set"
    return f"{settings.SITE_NAME}/1.0 ({site}; mailto:{settings.CROSSREF_MAILTO})"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """An index answers where it is asked; a redirect is an answer we did not expect."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def retry_after_seconds(value, now=None):
    """Retry-After as whole seconds (from seconds or an HTTP date), or None if unusable."""
    value = (value or "").strip()
    if value.isdigit():
        seconds = int(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None or when.tzinfo is None:
            return None
        seconds = math.ceil((when - (now or timezone.now())).total_seconds())
    return min(max(seconds, 1), LONGEST_WAIT_SECONDS)


def _wait_in_words(seconds):
    if seconds < 120:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    return f"{math.ceil(seconds / 60)} minutes"


def _http_failure(error, *, service, what):
    if error.code == 404:
        return LookupFailed(f"{service} has no work with the {what}.", not_found=True)
    if error.code == 429:
        wait = retry_after_seconds(error.headers.get("Retry-After"))
        if wait is None:
            sentence = (
                f"{service} says we sent too many requests; try again in a minute, {BY_HAND}."
            )
        else:
            sentence = (
                f"{service} asked us to wait {_wait_in_words(wait)} (too many requests); "
                f"try again then, {BY_HAND}."
            )
        return LookupFailed(sentence, retry_after=wait)
    if error.code >= 500:
        return LookupFailed(
            f"{service} is not answering properly (error {error.code}); try again in a few "
            f"minutes, {BY_HAND}.",
            retry_after=retry_after_seconds(error.headers.get("Retry-After")),
        )
    return LookupFailed(
        f"{service} refused the look-up (error {error.code}); type the fields by hand."
    )


def _too_slow(service, timeout):
    return LookupFailed(
        f"{service} did not answer within {timeout:g} seconds; try again later, {BY_HAND}."
    )


def malformed(service):
    return LookupFailed(f"{service} sent an answer we could not read; {BY_HAND}.")


def get(url, *, service, what, timeout, headers):
    """The body of a 200 answer to GET ``url``, read within ``timeout`` seconds in all.

    ``service`` names the index and ``what`` the identifier in sentences ("the DOI
    10.1038/…"). Raises LookupFailed for anything else.
    """
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers=headers)
    try:
        with _opener.open(request, timeout=timeout) as answer:
            if answer.status != 200:
                raise malformed(service)
            body = bytearray()
            while chunk := answer.read(64 * 1024):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise malformed(service)
                if time.monotonic() > deadline:
                    raise _too_slow(service, timeout)
            return bytes(body)
    except urllib.error.HTTPError as error:
        failure = _http_failure(error, service=service, what=what)
        error.close()
        raise failure from None
    except TimeoutError:
        raise _too_slow(service, timeout) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise _too_slow(service, timeout) from None
        raise LookupFailed(
            f"We could not reach {service} (no network or the address is wrong); try again "
            f"later, {BY_HAND}."
        ) from None
    except (OSError, ValueError):
        # A connection cut mid-answer, or an answer that is not HTTP at all.
        raise malformed(service) from None


def cache_key(namespace, identifier):
    digest = hashlib.sha256(identifier.lower().encode()).hexdigest()
    return f"works:{namespace}:{digest}"


def remembered(key, *, fresh, seconds, fetch, parse):
    """``parse(answer)`` of the cached answer under ``key``, or of ``fetch()``'s, which is
    cached for ``seconds`` once it parses. ``fresh`` asks the index again regardless."""
    if not fresh:
        try:
            answer = cache.get(key)
        except REDIS_ERRORS:
            answer = None
        if answer is not None:
            return parse(answer)
    answer = fetch()
    work = parse(answer)
    try:
        cache.set(key, answer, seconds)
    except REDIS_ERRORS:
        pass
    return work


def full_date(parts):
    """A date from [year, month, day]; None unless all three are there and valid."""
    if not isinstance(parts, list | tuple) or len(parts) < 3:
        return None
    year, month, day = parts[:3]
    if not all(isinstance(part, int) for part in (year, month, day)):
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def iso_date(text):
    """The date of an ISO 8601 timestamp ("2016-02-11T20:48:25Z"), or None."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except (AttributeError, ValueError):
        return None
