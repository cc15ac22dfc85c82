"""Where each component of a cluster listens and keeps its files."""

import socket
from dataclasses import dataclass
from pathlib import Path

from tools import localdb, servers

CHECKOUT = servers.CHECKOUT


@dataclass(frozen=True)
class Layout:
    root: Path
    cache_port: int
    node_count: int
    redis_port: int
    primary_port: int
    replica_port: int

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.cache_port}"

    def folder(self, name):
        return self.root / name

    def ports(self):
        """Every port by component name."""
        named = {"cache": self.cache_port, "redis": self.redis_port}
        named |= {"primary": self.primary_port, "replica": self.replica_port}
        return named


def default_root():
    """var/cluster/ in the checkout, or /tmp when the postgres OS user cannot enter it."""
    local = CHECKOUT / "var" / "cluster"
    if localdb.data_dir() == CHECKOUT / ".localdb":
        return local
    return Path("/tmp") / f"newsroom-cluster-{localdb.data_dir().name.rsplit('-', 1)[-1]}"


def default():
    """`make cluster`'s layout: the site on :8000, as `make run` serves it."""
    return Layout(
        root=default_root(),
        cache_port=8000,
        node_count=2,
        redis_port=6391,
        primary_port=5491,
        replica_port=5492,
    )


def throwaway(root):
    """A layout on free ports, for the suite and for chaos."""
    ports = [servers.free_port() for _ in range(4)]
    return Layout(root, ports[0], 2, ports[1], ports[2], ports[3])


def is_listening(port):
    """True when something accepts connections on 127.0.0.1:port."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0
