"""Where a reader's action came from, as a key that groups without identifying.

A reader without an account is a cookie, and cookies cost nothing: one script can be
a hundred readers. The crowd forecast therefore counts the identities that act from
one network address as one (predictions/aggregation.py: one_per_origin). The address
itself is never stored: an origin is a keyed hash of it (HMAC-SHA256 with a key derived
from SECRET_KEY), cut to 16 hex digits, so rows from one address match each other and
nothing else, and the address cannot be read back. An IPv6 client is grouped by its
/64, the block one household or one machine is given.
"""

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.utils.encoding import force_bytes

from core.ratelimit import client_address

LENGTH = 16
SALT = b"newsroom.origin"


def network_of(address):
    """The address as grouped: an IPv4 address itself, an IPv6 address's /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


@lru_cache(maxsize=2)
def _key(secret_key):
    """The HMAC key, derived once per SECRET_KEY (every forecast asks for it)."""
    return hashlib.sha256(SALT + force_bytes(secret_key)).digest()


def origin_of_address(address):
    key = _key(settings.SECRET_KEY)
    digest = hmac.new(key, force_bytes(network_of(address)), hashlib.sha256).hexdigest()
    return digest[:LENGTH]


def origin_of(request):
    """The request's origin key (see the module's docstring)."""
    return origin_of_address(client_address(request))
