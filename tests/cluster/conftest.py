"""One throwaway cluster for the session: Varnish, two nodes, Redis, a primary and a replica.

Started like `make cluster` (tools/cluster.py), on free ports and the nodes on unix sockets,
in a temporary folder, with the fixture content; the nodes accept a replay lag of
REPLICA_LAG_BOUND seconds, so that the tests can hold replication back and still see the
replica serve.
"""

import urllib.parse

import pytest

from tools import servers
from tools.faults import cluster as faults
from tools.faults.traffic import SyntheticReader

REPLICA_LAG_BOUND = 30
PIN_SECONDS = 5
HELD_BACK_SECONDS = 6


@pytest.fixture(scope="session")
def cluster():
    cluster = faults.throwaway_cluster()
    cluster.extra_env |= {
        "DATABASE_REPLICA_MAX_LAG_SECONDS": str(REPLICA_LAG_BOUND),
        "DATABASE_PRIMARY_PIN_SECONDS": str(PIN_SECONDS),
    }
    try:
        cluster.start(demo_forecasts=False, collect_static=True, say=lambda message: None)
        cluster.targets = faults.site_targets(cluster)
        yield cluster
    finally:
        faults.remove(cluster)


@pytest.fixture
def held_back(cluster):
    """The replica replays WAL only HELD_BACK_SECONDS after the primary wrote it.

    A transaction replayed just before makes the replica's lag measure from now, not
    from whenever it last replayed one (core/replicas.py: LAG_SQL).
    """
    cluster.primary.query("SELECT txid_current()")
    assert servers.wait_for(lambda: cluster.replica.lag_seconds() == 0)
    cluster.replica.hold_back(HELD_BACK_SECONDS)
    yield HELD_BACK_SECONDS
    cluster.replica.hold_back(0)
    assert servers.wait_for(lambda: cluster.replica.lag_seconds() == 0)


def request(address, method, path, *, headers=None, body=None):
    """(status, headers, body) of one HTTP request to a port on 127.0.0.1 or a node's socket."""
    return servers.request(address, method, path, headers=headers, body=body, timeout=30)


class Reader(SyntheticReader):
    """A synthetic reader who keeps the cookies the site sets (the primary pin among them)."""

    def __init__(self, cluster, address):
        super().__init__(address, faults.reader_signer(cluster))
        self.set_cookies = {}

    def cookies(self, *, pinned=True):
        jar = {
            name: value
            for name, value in self.set_cookies.items()
            if pinned or name != "primary_pin"
        }
        return "; ".join([self.cookie, *(f"{name}={value}" for name, value in jar.items())])

    def vote(self, slug, choice):
        body = urllib.parse.urlencode({"choice": choice, "csrfmiddlewaretoken": self.CSRF})
        status, headers, _ = request(
            self.address,
            "POST",
            f"/articles/{slug}/read/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": self.cookie,
                "Referer": f"http://127.0.0.1/articles/{slug}/",
                "Accept": "application/json",
            },
        )
        for header in headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.set_cookies[name] = value
        return status

    def get(self, path, *, pinned=True):
        return request(self.address, "GET", path, headers={"Cookie": self.cookies(pinned=pinned)})
