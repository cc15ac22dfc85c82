"""`make cluster-chaos`: each fault under mixed read and write load, and what survived it.

A throwaway cluster (its own folder and free ports) is loaded with the fixture
content. For each fault, synthetic readers (tools/faults/traffic.py) read pages,
vote and forecast through Varnish for ``seconds``; a third of the way in the
fault strikes, and the part is brought back. Afterwards the primary's rows are
held against what the readers were told (tools/faults/table.py): every
acknowledged write stored exactly once, nothing stored that was not sent. The
stored aggregates are then checked against the raw rows (check_consistency).
The faults:

- SIGKILL an app node: Varnish takes it out within seconds, the other serves;
  the node is started again (as a supervisor would) and rejoins;
- stop the replica: reads fall back to the primary, a page caught halfway is
  rendered again from the primary;
- restart Redis: rate limits and debounce marks are skipped while it is away;
- restart the primary: writes get the 503 page with Retry-After, reads are
  served by the replica and the cache;
- an edit on one node: its purge empties the shared cache for readers of both.
"""

import argparse
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from django.core import signing

from tools import localcache, servers
from tools.cluster import layout
from tools.cluster.cluster import Cluster
from tools.faults import table
from tools.faults.traffic import SyntheticReader, Traffic, run_traffic

RECOVERY_TIMEOUT_SECONDS = 60
DOWN_SECONDS = 2.0
FAULT_AT = 0.3
# The reader cookie as the nodes sign it (core/readers.py: salt "reader" + "newsroom.reader").
READER_COOKIE_SALT = "readernewsroom.reader"
COOKIE_SIGNER_PREFIX = b"django.http.cookies"


def throwaway_cluster(*, workers=1, threads=4):
    """A cluster in a temporary folder on free ports, with a secret key of its own."""
    root = Path(tempfile.mkdtemp(prefix="newsroom-cluster-"))
    root.chmod(0o755)  # the postgres OS user enters it
    secret_key = secrets.token_urlsafe(50)
    env = {
        "SECRET_KEY": secret_key,
        "WEB_CONCURRENCY": str(workers),
        "THREADS": str(threads),
        # Every synthetic reader shares 127.0.0.1: lift the per-address write limit.
        "READER_WRITE_LIMIT": "1000000",
        "LOG_LEVEL": "WARNING",
    }
    return Cluster(layout.throwaway(root), node_env=env)


def remove(cluster):
    cluster.stop(say=lambda message: None)
    shutil.rmtree(cluster.layout.root, ignore_errors=True)


def site_targets(cluster):
    """Published story slugs and open question slugs, as the models define them."""
    code = (
        "import json; from articles.models import Article; from predictions.models import Question;"
        "print(json.dumps([list(Article.objects.published().values_list('slug', flat=True)),"
        " list(Question.objects.public().open_now().values_list('slug', flat=True))]))"
    )
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=layout.CHECKOUT,
        env=cluster.node_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def wait_for(condition, timeout=RECOVERY_TIMEOUT_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


# The faults: each strikes, waits, brings the part back and returns (passed, notes): whether
# what the fault promises held, besides the writes.


def kill_node(cluster):
    node = cluster.nodes[0]
    killed, at = node.pid(), time.monotonic()
    node.kill()
    rejoined = wait_for(
        lambda: node.pid() not in (None, killed) and node_serves_through_cache(cluster, node)
    )
    back = time.monotonic() - at
    return rejoined, f"{node.name} SIGKILLed; its supervisor started it again, back in {back:.0f} s"


def node_serves_through_cache(cluster, node):
    """True once Varnish counts ``node`` healthy again, and so sends it requests."""
    healthy = localcache.healthy_backends(cluster.layout.cache_port, cluster.cache_folder())
    return cluster.nodes.index(node) + 1 in healthy


def stop_replica(cluster):
    cluster.replica.stop()
    time.sleep(DOWN_SECONDS)
    cluster.replica.start()
    return wait_for(cluster.replica.is_streaming), "replica stopped, started, streaming again"


def restart_redis(cluster):
    cluster.stop_redis()
    time.sleep(DOWN_SECONDS)
    cluster.start_redis()
    return cluster.redis_pid() is not None, "Redis shut down, started again empty"


def restart_primary(cluster):
    cluster.primary.stop()
    time.sleep(0.5)
    status, retry_after, _ = write_probe(cluster)
    time.sleep(DOWN_SECONDS)
    cluster.primary.start()
    wait_for(lambda: cluster.replica.is_streaming() and nodes_reach_primary(cluster))
    notes = f"primary stopped; a write meanwhile got {status} with Retry-After {retry_after}"
    return status == 503 and retry_after is not None, notes


def reader_signer(cluster):
    """Signs reader ids as the nodes do: django.core.signing.get_cookie_signer with their
    SECRET_KEY and core/readers.py's salt, without configuring Django here."""
    key = COOKIE_SIGNER_PREFIX + cluster.extra_env["SECRET_KEY"].encode()
    return signing.TimestampSigner(key=key, salt=READER_COOKIE_SALT, fallback_keys=[]).sign


def nodes_reach_primary(cluster):
    """True when every node's /healthz says its pool reaches the primary again."""
    for node in cluster.nodes:
        status, _, body = servers.request(node.address, "GET", "/healthz")
        if status != 200 or json.loads(body)["database"] != "ok":
            return False
    return True


def write_probe(cluster):
    """A forecast posted while the primary is away: (status, Retry-After, body). Any
    question will do: looking it up needs the primary."""
    reader = SyntheticReader(cluster.layout.cache_port, reader_signer(cluster))
    path = "/predictions/any-question/forecast/"
    body = urllib.parse.urlencode({"probability": "50", "csrfmiddlewaretoken": reader.CSRF})
    status, headers, text = localcache.fetch(
        cluster.layout.base_url + path,
        method="POST",
        data=body.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": reader.cookie,
            "Referer": cluster.layout.base_url + path,
        },
    )
    return status, headers.get("Retry-After"), text


def purge_from_one_node(cluster):
    fresh = edit_headline_on_node(cluster, cluster.nodes[0])
    return fresh, f"headline edited with node 1's settings; next readers got it: {fresh}"


def edit_headline_on_node(cluster, node, slug=None):
    """Change a story's headline with node's settings; True when readers of the cache, served
    by either node, get the new headline at once."""
    slug = slug or site_targets(cluster)[0][0]
    page = f"{cluster.layout.base_url}/articles/{slug}/"
    localcache.fetch(page)
    headline = f"Edited at {time.time():.3f}"
    code = (
        f"from articles.models import Article; a = Article.objects.get(slug={slug!r});"
        f" a.headline = {headline!r}; a.save()"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=layout.CHECKOUT,
        env=node.env or cluster.node_env(),
        check=True,
        capture_output=True,
    )
    bodies = [localcache.fetch(page)[2] for _ in cluster.nodes]
    return all(headline in body for body in bodies)


FAULTS = [
    ("SIGKILL an app node", kill_node),
    ("stop the replica", stop_replica),
    ("restart Redis", restart_redis),
    ("restart the primary", restart_primary),
    ("purge from an edit on one node", purge_from_one_node),
]


def run_fault(cluster, name, strike, *, seconds, threads, targets):
    """One fault under load: its row of the table."""
    stories, questions = targets
    traffic = Traffic()
    started = time.monotonic()
    pool = run_traffic(
        cluster.layout.cache_port,
        reader_signer(cluster),
        stories,
        questions,
        seconds=seconds,
        threads=threads,
        readers_per_thread=3,
        traffic=traffic,
    )
    time.sleep(max(0.0, started + FAULT_AT * seconds - time.monotonic()))
    struck = time.monotonic()
    passed, notes = strike(cluster)
    restored = time.monotonic()
    for thread in pool:
        thread.join()
    return table.row(
        name, traffic, cluster.primary, struck=struck, restored=restored, notes=notes, passed=passed
    )


def consistent(cluster):
    result = subprocess.run(
        [sys.executable, "manage.py", "check_consistency"],
        cwd=layout.CHECKOUT,
        env=cluster.node_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0, (result.stdout + result.stderr).strip()


def run(*, seconds_per_fault=20, threads=6):
    """`make cluster-chaos`: every fault in turn; 1 when anything was lost or duplicated."""
    cluster = throwaway_cluster(workers=2)
    try:
        servers.say(f"chaos: a throwaway cluster in {cluster.layout.root}")
        cluster.start(collect_static=True)
        targets = site_targets(cluster)
        rows = []
        for name, strike in FAULTS:
            servers.say(f"chaos: {name}, {seconds_per_fault:.0f} s of traffic, {threads} threads")
            rows.append(
                run_fault(
                    cluster,
                    name,
                    strike,
                    seconds=seconds_per_fault,
                    threads=threads,
                    targets=targets,
                )
            )
        ok, report = consistent(cluster)
        sys.stdout.write(table.render(rows) + "\n")
        for row in rows:
            sys.stdout.write(f"  {row.fault}: {row.notes}\n")
        servers.say(f"chaos: stored aggregates against raw rows: {report}")
        return 0 if ok and all(row.ok for row in rows) else 1
    finally:
        remove(cluster)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.faults cluster")
    parser.add_argument("--seconds", type=float, default=20, help="traffic per fault")
    return run(seconds_per_fault=parser.parse_args(argv).seconds)
