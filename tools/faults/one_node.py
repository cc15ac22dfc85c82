"""`make chaos`: one gunicorn on a throwaway PostgreSQL; workers killed and the database
restarted and crashed under load, and what survived.

A PostgreSQL cluster of its own (tools/localdb.py, in a temporary folder, on a free
port), migrated and loaded with the fixture content, served by gunicorn in production
mode on a free loopback port. For each fault, synthetic readers (traffic.py) read pages,
vote and forecast for ``--seconds``; a third of the way in it strikes: SIGKILL gunicorn
workers; restart PostgreSQL (a fast shutdown); crash it (an immediate shutdown: WAL
recovery on the next start). Each must leave the site answering by itself, every
acknowledged write stored exactly once and nothing stored that was never sent
(table.py), and the stored aggregates equal to those recomputed from the raw rows. The
development database is never touched; everything is removed on the way out, also after
an error or Ctrl-C. It runs `collectstatic` into the checkout's staticfiles/ (as `make
static` does), which production mode serves from.

    python -m tools.faults one-node [--seconds 20] [--workers 3] [--threads 12] [--smoke]
"""

import argparse
import os
import random
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from tools import localdb, localredis, servers
from tools.faults import table, traffic


class ThrowawayDatabase(localdb.Cluster):
    """A PostgreSQL cluster of its own in a temporary folder, on a free port."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="newsroom-chaos-"))
        self.root.chmod(0o755)  # the postgres OS user (the server's, as root) enters it
        super().__init__(self.root / "data", servers.free_port())

    def remove(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def app_server(database, *, workers, secret_key):
    """gunicorn serving the site in production mode against ``database``."""
    env = os.environ | {
        "NEWSROOM_ENV": "production",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database.url(),
        "REDIS_URL": localredis.url(db=3),
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        # Every synthetic reader shares 127.0.0.1: lift the per-address write limit.
        "READER_WRITE_LIMIT": "1000000",
        "WEB_CONCURRENCY": str(workers),
        "THREADS": "4",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    return servers.Gunicorn(env=env, log_path=database.root / "gunicorn.log")


def faults(server, database, down):
    """(name, strike) for each fault; a strike returns (whether the site came back, notes)."""

    def kill_workers():
        killed = []
        for _ in range(2):
            killed.append(random.choice(server.workers()))
            os.kill(killed[-1], signal.SIGKILL)
            time.sleep(down)
        notes = ", then ".join(f"SIGKILL gunicorn worker {pid}" for pid in killed)
        return servers.wait_for(server.answers, 30), notes

    def restart(mode, how):
        def strike():
            began = time.monotonic()
            database.stop(mode)
            time.sleep(down)  # requests meet a database that is away
            database.start()
            back = servers.wait_for(server.answers, 30)
            return back, f"{how}; down {time.monotonic() - began:.1f} s"

        return strike

    return [
        ("SIGKILL gunicorn workers", kill_workers),
        ("restart PostgreSQL", restart("fast", "restarted PostgreSQL (fast shutdown)")),
        (
            "crash PostgreSQL",
            restart("immediate", "crashed PostgreSQL (immediate shutdown, WAL recovery)"),
        ),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.faults one-node")
    parser.add_argument("--seconds", type=float, default=20, help="traffic per fault")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=12, help="client threads")
    parser.add_argument("--smoke", action="store_true", help="short: 4 s a fault, 2 workers")
    options = parser.parse_args(argv)
    if options.smoke:
        options.seconds, options.workers, options.threads = 4, 2, 6
    secret_key = secrets.token_urlsafe(50)
    database, server = ThrowawayDatabase(), None
    previous_handler = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        servers.say(f"chaos: a throwaway PostgreSQL on 127.0.0.1:{database.port}")
        database.start()
        server = app_server(database, workers=options.workers, secret_key=secret_key)
        servers.say("chaos: migrations, the fixture content, static files")
        for command in (["migrate", "--no-input", "-v", "0"], ["load_content"]):
            servers.manage(server.env, *command)
        servers.manage(server.env, "collectstatic", "--no-input", "-v", "0")
        targets = traffic.site_targets(server.env)
        servers.say(f"chaos: gunicorn, production settings, {options.workers} workers x 4 threads")
        server.start()
        rows = []
        for name, strike in faults(server, database, min(2.0, options.seconds / 10)):
            servers.say(
                f"chaos: {name}, {options.seconds:.0f} s of traffic, {options.threads} threads"
            )
            rows.append(
                traffic.under_load(
                    name,
                    strike,
                    address=server.port,
                    sign=traffic.reader_signer(secret_key),
                    targets=targets,
                    database=database,
                    seconds=options.seconds,
                    threads=options.threads,
                    readers=4,
                )
            )
        failed = table.report(rows, server.env)
        if failed:
            sys.stdout.write(server.tail())
        return failed
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        if server is not None:
            server.stop()
        database.remove()
        servers.say("chaos: stopped the server and removed the throwaway database")
