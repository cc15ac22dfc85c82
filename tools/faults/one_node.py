"""`make chaos`, one node: kill gunicorn workers and restart PostgreSQL under load; lose nothing.

Starts a throwaway PostgreSQL cluster of its own (the project's localdb script,
with its data in a temporary folder, on a free port), migrates it and
loads the fixture content, and serves it with gunicorn in production mode on a
free 127.0.0.1 port. Synthetic readers then read pages, vote and forecast
from several threads while the script SIGKILLs gunicorn workers and restarts
PostgreSQL (a clean restart and a crash restart). Every write the server
acknowledged (a 200 or a 302) is recorded with its reader and payload.

Afterwards it checks that every acknowledged write is stored exactly once,
that nothing was stored that was never sent, and that the stored aggregates
(read tallies, topic interest, community forecasts) equal those recomputed
from the raw rows. Writes that failed (5xx, a dropped connection) may or may
not have been stored, and both are accepted. It prints what it did and what
it found, and exits 1 on any lost or duplicated write or wrong aggregate.

    python -m tools.faults one-node [--seconds 60] [--workers 3] [--threads 12] [--smoke]

Loopback only; bounded in time; the cluster, the server and the temporary
files are removed on the way out, also after an error or Ctrl-C. The
development database is never touched. It runs `collectstatic` into the
checkout's staticfiles/ first (as `make static` does), which production mode
serves from.
"""

import argparse
import collections
import contextlib
import os
import random
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from tools import localredis, servers
from tools.cluster.database import Database
from tools.faults.integrity import check_integrity, summarise_statuses
from tools.faults.traffic import Traffic, run_traffic


class ThrowawayCluster(Database):
    """A PostgreSQL cluster of its own (tools/localdb.py) in a temporary folder, on a free
    port: never the development one."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="newsroom-chaos-"))
        # The postgres OS user (the server's, when we are root) must be able to enter it.
        self.root.chmod(0o755)
        super().__init__(self.root / ".localdb", servers.free_port())

    def crash(self):
        """Stop as a power cut would: no checkpoint, WAL recovery on the next start."""
        self.stop(mode="immediate")

    def remove(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class AppServer(servers.Gunicorn):
    """gunicorn serving the site in production mode against the throwaway cluster."""

    def __init__(self, database_url, *, workers, secret_key, log_path):
        env = os.environ | {
            "NEWSROOM_ENV": "production",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": localredis.url(db=3),
            # Plain HTTP on loopback: no redirect to https.
            "SECURE_SSL_REDIRECT": "0",
            # Every synthetic reader shares 127.0.0.1: lift the per-address write limit.
            "READER_WRITE_LIMIT": "1000000",
            "WEB_CONCURRENCY": str(workers),
            "THREADS": "4",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        super().__init__("newsroom.wsgi", env=env, log_path=log_path)


def run_chaos(server, cluster, *, seconds, started, log):
    """Kill a worker and restart PostgreSQL at set moments of the run."""
    plan = [
        (0.15, "kill"),
        (0.35, "restart"),
        (0.55, "kill"),
        (0.75, "crash"),
    ]
    for fraction, action in plan:
        delay = started + fraction * seconds - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        at = time.monotonic() - started
        if action == "kill":
            victim = random.choice(server.workers())
            os.kill(victim, signal.SIGKILL)
            log.append(f"{at:5.1f} s  SIGKILL gunicorn worker {victim}")
        else:
            down = time.monotonic()
            if action == "restart":
                cluster.stop()
                how = "restarted PostgreSQL (fast shutdown)"
            else:
                cluster.crash()
                how = "crashed PostgreSQL (immediate shutdown, WAL recovery on start)"
            time.sleep(min(2.0, seconds * 0.05))  # requests meet a database that is away
            cluster.start()
            log.append(f"{at:5.1f} s  {how}; down {time.monotonic() - down:.1f} s")


RECOVERY_TIMEOUT_SECONDS = 30


def say(message=""):
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


def configure_django(database_url, secret_key):
    os.environ.update(
        NEWSROOM_ENV="development",
        DATABASE_URL=database_url,
        REDIS_URL=localredis.url(db=3),
        SECRET_KEY=secret_key,
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tools.faults one-node", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--seconds", type=float, default=60, help="length of the traffic")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=12, help="client threads")
    parser.add_argument("--readers", type=int, default=4, help="synthetic readers per thread")
    parser.add_argument(
        "--smoke", action="store_true", help="a short run for the test suite (8 s, 2 workers)"
    )
    options = parser.parse_args(argv)
    if options.smoke:
        options.seconds, options.workers, options.threads = 8, 2, 6

    secret_key = secrets.token_urlsafe(50)
    cluster = ThrowawayCluster()
    server = None
    previous_handler = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        say(f"chaos: starting a throwaway PostgreSQL cluster on 127.0.0.1:{cluster.port}")
        cluster.start()
        server = AppServer(
            cluster.url,
            workers=options.workers,
            secret_key=secret_key,
            log_path=cluster.root / "gunicorn.log",
        )
        say("chaos: migrating it and loading the fixture content; collecting static files")
        server.manage("migrate", "--no-input", "-v", "0")
        server.manage("load_content")
        server.manage("collectstatic", "--no-input", "-v", "0")
        configure_django(cluster.url, secret_key)

        from articles.models import Article
        from core.readers import signed_reader_cookie
        from predictions.models import Question

        stories = list(Article.objects.published().values_list("slug", flat=True))
        questions = list(Question.objects.public().open_now().values_list("slug", flat=True))
        from django.db import connections

        connections.close_all()

        say(f"chaos: gunicorn, production settings, {options.workers} workers x 4 threads")
        server.start()
        say(
            f"chaos: {options.seconds:.0f} s of traffic from {options.threads} threads,"
            f" {options.threads * options.readers} synthetic readers, {len(stories)} stories,"
            f" {len(questions)} open questions; meanwhile:"
        )
        traffic = Traffic()
        started = time.monotonic()
        pool = run_traffic(
            server.port,
            signed_reader_cookie,
            stories,
            questions,
            seconds=options.seconds,
            threads=options.threads,
            readers_per_thread=options.readers,
            traffic=traffic,
        )
        events = []
        run_chaos(server, cluster, seconds=options.seconds, started=started, log=events)
        for line in events:
            say(f"  {line}")
        for thread in pool:
            thread.join()
        recovered = server.is_ready(RECOVERY_TIMEOUT_SECONDS)
        say(f"chaos: traffic done after {time.monotonic() - started:.1f} s; requests by status:")
        for line in summarise_statuses(traffic):
            say(line)
        outcomes = collections.Counter(attempt.outcome for attempt in traffic.attempts)
        say(
            f"chaos: writes acknowledged {outcomes['acked']}, answer lost (5xx or no answer;"
            f" may or may not be stored) {outcomes['unknown']}, refused (4xx) {outcomes['refused']}"
        )

        connections.close_all()
        findings = [(recovered, "the site answers /healthz with 200 after the chaos")]
        findings += check_integrity(traffic)
        say("chaos: checks")
        for ok, message in findings:
            say(f"  {'OK  ' if ok else 'FAIL'} {message}")
        if all(ok for ok, _ in findings):
            say("chaos: no lost or duplicated writes; aggregates match the raw rows")
            return 0
        say("chaos: FAILED. The end of the server's log:")
        for line in server.log_path.read_text(errors="replace").splitlines()[-40:]:
            say(f"  | {line}")
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        if server is not None:
            server.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        cluster.remove()
        say("chaos: stopped the server and removed the throwaway cluster")
