"""The benchmark's stage: production settings, the data sets and the gunicorn servers.

``Stage`` gives the environment a deployment would run with (``env``), runs
``manage.py`` and the steps of tools/bench/indb.py in a database, builds the two
data sets once (or reuses them by their markers), starts gunicorn for each server
and describes the settings for the report. tools/bench/run.py drives it.
"""

import os
import platform
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime

from tools import localredis, servers
from tools.bench.databases import (
    REPO,
    content_key,
    create_database,
    database_exists,
    database_url,
    drop_database,
    read_marker,
    write_marker,
)
from tools.bench.report import say


class Stage:
    def __init__(self, args, tmp):
        self.args, self.tmp = args, tmp
        self.quiet = args.smoke
        self.secret_key = "bench-" + secrets.token_urlsafe(40)
        self.servers = []

    def env(self, database, *, purge_urls=()):
        """Production mode, as a deployment would run, with what the benchmark needs;
        ``purge_urls``: the HTTP caches in front of this server, which the app purges."""
        env = {
            **os.environ,
            "NEWSROOM_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DATABASE_URL": database_url(database),
            "REDIS_URL": localredis.url(db=4),
            "HTTP_CACHE_PURGE_URLS": ",".join(purge_urls),
            "DEBUG": "0",
            # Plain HTTP on loopback: no redirect to https (a proxy would terminate TLS).
            "SECURE_SSL_REDIRECT": "0",
            # Every request of a load test comes from one address: no throttling.
            "READER_WRITE_LIMIT": "1000000000",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO),
        }
        if self.args.workers:
            env["WEB_CONCURRENCY"] = str(self.args.workers)
        if self.args.threads:
            env["THREADS"] = str(self.args.threads)
        return env

    def run(self, command, env, *, capture=False):
        """A Python command in the checkout with ``env``; its output when ``capture``."""
        result = subprocess.run(
            [sys.executable, *command],
            cwd=REPO,
            env=env,
            check=True,
            text=True,
            stdout=subprocess.PIPE if capture else (subprocess.DEVNULL if self.quiet else None),
        )
        return result.stdout

    def manage(self, database, *command):
        return self.run(["manage.py", *command], self.env(database))

    def in_database(self, database, step, *args):
        """A step of tools/bench/indb.py, with Django set up for ``database``."""
        return self.run(["-m", "tools.bench.indb", step, *args], self.env(database))

    def ensure_database(self, name, *, scale=None, template=None):
        """The small data set is the fixture content as `make content` loads it; the large
        one is a copy of it (``template``) with the synthetic data set added (``scale``)."""
        synthetic = template is not None
        key = content_key(synthetic, scale if synthetic else None)
        marker = read_marker(name) if database_exists(name) else None
        if marker and marker.get("key") == key and not self.args.rebuild:
            say(f"Reusing {name} (built {marker['built']}; --rebuild builds it again)")
            self.manage(name, "migrate", "--no-input", "-v", "0")
            return marker
        say(f"Building {name}" + (" with the synthetic data set" if synthetic else ""))
        drop_database(name)
        started, generation = time.monotonic(), None
        try:
            if synthetic:
                create_database(name, template=template)
                generating = time.monotonic()
                self.in_database(name, "generate", "--scale", str(scale))
                generation = round(time.monotonic() - generating, 1)
            else:
                create_database(name)
                self.manage(name, "migrate", "--no-input", "-v", "0")
                self.manage(name, "load_content")
                self.manage(name, "seed_demo_forecasts")
        except BaseException:
            drop_database(name)
            raise
        marker = {
            "key": key,
            "built": datetime.now(UTC).isoformat(timespec="seconds"),
            "build_seconds": round(time.monotonic() - started, 1),
            "generation_seconds": generation,
            "scale": scale if synthetic else None,
        }
        write_marker(name, marker)
        return marker

    def start_servers(self, specs):
        """Start gunicorn for each (name, app, env, probe); return once all answer."""
        started = {}
        for name, app, env, probe in specs:
            log_path = self.tmp / f"gunicorn-{name}.log"
            server = servers.Gunicorn(app, env=env, log_path=log_path, probe=probe)
            server.launch()
            self.servers.append(server)
            started[name] = server
        for server in started.values():
            server.wait_until_ready()
        return started

    def stop_servers(self):
        for server in self.servers:
            server.stop()
        self.servers = []

    def describe(self, database):
        probe = (
            "import runpy; c = runpy.run_path('newsroom/gunicorn_conf.py'); "
            "print(c['workers'], c['threads'], c.get('worker_class'))"
        )
        output = self.run(["-c", probe], self.env(database), capture=True)
        workers, threads, worker_class = output.strip().split()
        return {
            "duration_s": self.args.duration,
            "wrk_threads": self.args.wrk_threads,
            "connections": self.args.connections,
            "gunicorn_workers": int(workers),
            "gunicorn_threads": int(threads),
            "gunicorn_worker_class": worker_class,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "machine": platform.platform(),
        }
