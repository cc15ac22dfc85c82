"""Parts of shared pages kept rendered in Redis until what they show changes.

A shared page (core/httpcache.py: ``shared_page``) names what it shows by surrogate
keys, and every change purges those keys. The same purges give each key a new version
here, so a part of the page rendered for one reader is kept for the next ones until a
key it depends on is purged. Each key has two versions:

- its editorial version, renewed by an editor's change (``renew``, from
  ``httpcache.purge``): the story's body, evidence, glossary and related stories are
  kept under it, and survive the votes that move the story's tallies;
- its activity version, renewed as well by the debounced purge of reader activity
  (``renew_activity``, from core/activity_purges.py, after the settler has counted the
  votes): the tallies and the crowd are kept under both.

A version is a random token, not a counter: a key whose version Redis has lost (by
eviction or a restart) gets a fresh token when next read, so a part stored under the
old one is never found again. A part is kept at most FRAGMENT_SECONDS, which bounds how
long a purge that failed to reach Redis can leave it stale, and no longer than the page's
shared life as rendering it found or set it (``httpcache.expires_by``: a question that
closes, a scheduled story that comes due); each page that uses a kept part is told the
moment it set, and whether it set it strictly (a story it links to is taken down then:
no stale copy past it). A part that names surrogate keys the page did not name up front
(``httpcache.shows``) is not kept, since the page's versions do not follow them. Without
Redis, parts are rendered every time.

A part is kept only when it is rendered a second time in the same version: a crawler
walking 20,000 stories once leaves a small mark per part, not a megabyte a second of
pages nobody asks for again, while a story being read and voted on is drawn again after
each activity purge and is kept from its second drawing on.
"""

import hashlib
import logging
import secrets
from datetime import datetime

from django.utils import timezone

from core import shared_redis
from core.shared_redis import REDIS_ERRORS

logger = logging.getLogger(__name__)

FRAGMENT_SECONDS = 60 * 60
VERSION_SECONDS = 2 * FRAGMENT_SECONDS
EDITORIAL = "fragver:"
ACTIVITY = "fragact:"
FRAGMENT_PREFIX = "frag:"
SEEN = ":seen"

# A version by its name, minting one for a name that has none (atomically, so two
# readers agree on it): ARGV[1] is a fresh token, ARGV[2] its life, ``i`` tells apart the
# versions one script mints.
VERSION_OF = """
local function version_of(name, i)
    local version = redis.call('GET', name)
    if not version then
        version = ARGV[1] .. '.' .. i
        redis.call('SET', name, version, 'EX', ARGV[2])
    end
    return version
end
"""
# Each key's version: KEYS are the version names.
_VERSIONS = (
    VERSION_OF
    + """
local versions = {}
for i, name in ipairs(KEYS) do
    versions[i] = version_of(name, i)
end
return versions
"""
)


def begin(request, keys, *, seconds):
    """Let ``request`` use kept parts: it is a shared page showing what ``keys`` name, that
    shared caches may keep ``seconds()`` seconds (asked only when a part is kept)."""
    request.fragment_keys = sorted(set(keys))
    request.fragment_seconds = seconds


def before_rendering(request, prepare):
    """Call ``prepare()`` before the first editorial part of this page that is not kept is
    rendered: a view fetches there what only those parts show (nothing, when all are
    kept). Parts that show reader activity read their own tables and need none of it."""
    request.fragment_preparation = prepare


def prepare(request):
    preparation = getattr(request, "fragment_preparation", None)
    if preparation is not None:
        request.fragment_preparation = None
        preparation()


def _versions(request):
    """(editorial, activity) versions of the request's keys, each one string, asked of
    Redis once per request; None when the request keeps no parts or Redis is away."""
    keys = getattr(request, "fragment_keys", None)
    if not keys:
        return None
    if not hasattr(request, "fragment_versions"):
        names = [prefix + key for prefix in (EDITORIAL, ACTIVITY) for key in keys]
        try:
            client = shared_redis.client()
            found = client.register_script(_VERSIONS)(
                keys=names, args=[secrets.token_hex(8), VERSION_SECONDS]
            )
        except REDIS_ERRORS as error:
            logger.warning("Kept page parts unavailable: %s", error)
            found = None
        request.fragment_versions = found and (
            b" ".join(found[: len(keys)]).decode(),
            b" ".join(found).decode(),
        )
    return request.fragment_versions


def _name(request, part, activity):
    versions = _versions(request)
    if versions is None:
        return None
    where = f"{request.build_absolute_uri()}\n{part}\n{versions[activity]}".encode()
    return FRAGMENT_PREFIX + hashlib.blake2b(where, digest_size=16).hexdigest()


def _moment(text):
    return datetime.fromisoformat(text) if text else None


def kept(request, part, *, activity=False, siblings=()):
    """The kept rendering of ``part`` of this page, the moment it said the page must leave
    shared caches by and the moment it said so strictly (see ``keep``), or None.
    ``activity``: the part shows reader activity, and is out of date once that is purged
    as well. ``siblings``: the other (part, activity) pairs the page is likely to ask for,
    fetched in the same round trip the first time the page asks."""
    found = getattr(request, "fragments_found", {})
    if (part, activity) not in found:
        wanted = [(part, activity), *(pair for pair in siblings if pair not in found)]
        names = [_name(request, *pair) for pair in wanted]
        if names[0] is None:
            return None
        try:
            stored = shared_redis.client().mget(names + [name + SEEN for name in names])
        except REDIS_ERRORS as error:
            logger.warning("Kept part %s unavailable: %s", part, error)
            return None
        pairs = zip(stored[: len(names)], stored[len(names) :], strict=True)
        request.fragments_found = found = found | dict(zip(wanted, pairs, strict=True))
    stored, _ = found[(part, activity)]
    if stored is None:
        return None
    moments, html = stored.decode().split("\n", 1)
    until, _, strictly_until = moments.partition(" ")
    return html, _moment(until), _moment(strictly_until)


def keep(request, part, html, *, until=None, strictly_until=None, activity=False):
    """Keep ``html`` for ``part`` of this page, if it was rendered before in this version:
    a part drawn once (by a crawler's pass through the archive, say) leaves only a mark.
    ``until``: the moment rendering it said the page must leave shared caches by
    (``httpcache.expires_by``), and ``strictly_until`` the one it said so strictly; the
    part is kept no longer, and each page that uses it is told the same."""
    name = _name(request, part, activity)
    if name is None:
        return
    seconds = int(min(FRAGMENT_SECONDS, request.fragment_seconds()))
    for moment in (until, getattr(request, "shared_until", None)):
        if moment is not None:
            seconds = min(seconds, int((moment - timezone.now()).total_seconds()))
    if seconds < 1:
        return
    _, seen = getattr(request, "fragments_found", {}).get((part, activity), (None, None))
    try:
        if seen:
            moments = (moment.isoformat() if moment else "" for moment in (until, strictly_until))
            stored = f"{' '.join(moments)}\n{html}"
            shared_redis.client().set(name, stored, ex=seconds)
        else:
            shared_redis.client().set(name + SEEN, 1, ex=seconds)
    except REDIS_ERRORS as error:
        logger.warning("Kept part %s not stored: %s", part, error)


def _renew(prefixes, keys):
    try:
        pipe = shared_redis.client().pipeline(transaction=False)
        for key in keys:
            for prefix in prefixes:
                pipe.set(prefix + key, secrets.token_hex(8), ex=VERSION_SECONDS)
        pipe.execute()
    except REDIS_ERRORS as error:
        logger.error("Kept page parts of %s not renewed: %s", " ".join(keys), error)


def renew(keys):
    """Every part kept for pages showing one of ``keys`` is out of date from now."""
    _renew((EDITORIAL, ACTIVITY), keys)


def renew_activity(keys):
    """Every part showing reader activity kept for pages showing one of ``keys`` is out
    of date from now."""
    _renew((ACTIVITY,), keys)
