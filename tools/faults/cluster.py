"""`make cluster-chaos`: each fault of a cluster under mixed read and write load, and what
survived it.

A throwaway cluster (tools/cluster.py, in its own folder on free ports) with the fixture
content. For each fault, synthetic readers (traffic.py) read pages, vote and forecast
through Varnish for ``--seconds``; a third of the way in the fault strikes, and the part
is brought back. Then the primary's rows are held against what the readers were told
(table.py), and the stored aggregates against the raw rows. The faults:

- SIGKILL an app node: Varnish takes it out within seconds, the other serves; its
  supervisor starts it again and it rejoins;
- stop the replica: reads fall back to the primary, a page caught halfway is rendered
  again from the primary;
- restart Redis: rate limits and debounce marks are skipped while it is away;
- restart the primary: writes get the 503 page with Retry-After, reads are served by the
  replica and the cache;
- an edit on one node: its purge empties the shared cache for readers of both.

    python -m tools.faults cluster [--seconds 20]
"""

import argparse
import json
import secrets
import shutil
import tempfile
import time
import urllib.parse
from pathlib import Path

from tools import localcache, servers
from tools.cluster import Cluster, Layout
from tools.faults import table, traffic

DOWN_SECONDS = 2.0


def throwaway_cluster(*, workers=1, threads=4):
    """A cluster in a temporary folder on free ports, with a secret key of its own."""
    env = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "WEB_CONCURRENCY": str(workers),
        "THREADS": str(threads),
        # Every synthetic reader shares 127.0.0.1: lift the per-address write limit.
        "READER_WRITE_LIMIT": "1000000",
        "LOG_LEVEL": "WARNING",
    }
    return Cluster(
        Layout.throwaway(Path(tempfile.mkdtemp(prefix="newsroom-cluster-"))), node_env=env
    )


def remove(cluster):
    cluster.stop(say=lambda message: None)
    shutil.rmtree(cluster.layout.root, ignore_errors=True)


def reader_signer(cluster):
    return traffic.reader_signer(cluster.extra_env["SECRET_KEY"])


def site_targets(cluster):
    return traffic.site_targets(cluster.node_env())


def kill_node(cluster):
    node = cluster.nodes[0]
    killed, at = node.pid(), time.monotonic()
    node.kill()

    def rejoined():  # Varnish counts it healthy again, and so sends it requests
        healthy = localcache.healthy_backends(
            cluster.layout.cache_port, cluster.layout.folder("cache")
        )
        return node.pid() not in (None, killed) and 1 in healthy

    back = servers.wait_for(rejoined)
    took = time.monotonic() - at
    return back, f"{node.name} SIGKILLed; its supervisor started it again, back in {took:.0f} s"


def stop_replica(cluster):
    cluster.replica.stop()
    time.sleep(DOWN_SECONDS)
    cluster.replica.start()
    return servers.wait_for(
        cluster.replica.is_streaming
    ), "replica stopped, started, streaming again"


def restart_redis(cluster):
    cluster.redis.stop()
    time.sleep(DOWN_SECONDS)
    cluster.redis.start()
    return cluster.redis.pid() is not None, "Redis shut down, started again empty"


def restart_primary(cluster):
    cluster.primary.stop()
    time.sleep(0.5)
    # A forecast posted meanwhile: any question will do, looking it up needs the primary.
    reader = traffic.SyntheticReader(cluster.layout.cache_port, reader_signer(cluster))
    path = "/predictions/any-question/forecast/"
    status, headers, _ = localcache.fetch(
        cluster.layout.base_url + path,
        method="POST",
        data=urllib.parse.urlencode(
            {"probability": "50", "csrfmiddlewaretoken": reader.CSRF}
        ).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": reader.cookie,
            "Referer": cluster.layout.base_url + path,
        },
    )
    time.sleep(DOWN_SECONDS)
    cluster.primary.start()

    def nodes_reach_primary():  # every node's /healthz says its pool reaches it again
        for node in cluster.nodes:
            status, _, body = servers.request(node.address, "GET", "/healthz")
            if status != 200 or json.loads(body)["database"] != "ok":
                return False
        return True

    servers.wait_for(lambda: cluster.replica.is_streaming() and nodes_reach_primary())
    retry_after = headers.get("Retry-After")
    notes = f"primary stopped; a write meanwhile got {status} with Retry-After {retry_after}"
    return status == 503 and retry_after is not None, notes


def purge_from_one_node(cluster):
    """Change a story's headline with node 1's settings: readers of the cache, served by
    either node, get the new headline at once."""
    slug = site_targets(cluster)[0][0]
    page = f"{cluster.layout.base_url}/articles/{slug}/"
    localcache.fetch(page)
    headline = f"Edited at {time.time():.3f}"
    code = (
        f"from articles.models import Article; a = Article.objects.get(slug={slug!r});"
        f" a.headline = {headline!r}; a.save()"
    )
    servers.manage(cluster.nodes[0].env or cluster.node_env(), "shell", "-c", code)
    fresh = all(headline in localcache.fetch(page)[2] for _ in cluster.nodes)
    return fresh, f"headline edited with node 1's settings; next readers got it: {fresh}"


FAULTS = [
    ("SIGKILL an app node", kill_node),
    ("stop the replica", stop_replica),
    ("restart Redis", restart_redis),
    ("restart the primary", restart_primary),
    ("purge from an edit on one node", purge_from_one_node),
]


def run_fault(cluster, name, strike, *, seconds, threads, targets):
    """One fault under load: its row of the table."""
    return traffic.under_load(
        name,
        lambda: strike(cluster),
        address=cluster.layout.cache_port,
        sign=reader_signer(cluster),
        targets=targets,
        database=cluster.primary,
        seconds=seconds,
        threads=threads,
    )


def consistent(cluster):
    return table.consistent(cluster.node_env())


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.faults cluster")
    parser.add_argument("--seconds", type=float, default=20, help="traffic per fault")
    seconds, threads = parser.parse_args(argv).seconds, 6
    cluster = throwaway_cluster(workers=2)
    try:
        servers.say(f"chaos: a throwaway cluster in {cluster.layout.root}")
        cluster.start(collect_static=True)
        targets = site_targets(cluster)
        rows = []
        for name, strike in FAULTS:
            servers.say(f"chaos: {name}, {seconds:.0f} s of traffic, {threads} threads")
            rows.append(
                run_fault(cluster, name, strike, seconds=seconds, threads=threads, targets=targets)
            )
        return table.report(rows, cluster.node_env())
    finally:
        remove(cluster)
