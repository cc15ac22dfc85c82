"""`python -m tools.chaos`: the command line; tools/chaos/__init__.py says what it does."""

import argparse
import collections
import contextlib
import os
import secrets
import signal
import sys
import time

from tools import chaos, localredis
from tools.chaos.cluster import AppServer, ThrowawayCluster
from tools.chaos.faults import run_chaos
from tools.chaos.report import check_integrity, summarise_statuses
from tools.chaos.traffic import Traffic, run_traffic

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
        prog="python -m tools.chaos", description=chaos.__doc__.split("\n\n")[0]
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


if __name__ == "__main__":
    sys.exit(main())
