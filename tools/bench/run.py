"""Runs the benchmark: databases, query counts, servers, loads, report (see __init__.py)."""

import argparse
import contextlib
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tools import localredis, servers
from tools.bench import databases, load, report
from tools.bench.databases import (
    content_key,
    create_database,
    database_exists,
    database_url,
    drop_database,
    read_marker,
    write_marker,
)

REPO = databases.REPO
SMOKE_SCALE = 0.002
# The "article while readers vote" load posts one request in this many (pages.py agrees).
MIXED_POST_EVERY = 20
STARTED = time.monotonic()


def say(message):
    sys.stdout.write(f"==> [{time.monotonic() - STARTED:5.1f} s] {message}\n")
    sys.stdout.flush()


class Bench:
    def __init__(self, args):
        self.args = args
        self.smoke = args.smoke
        base = args.database or ("newsroom_bench_smoke" if self.smoke else "newsroom_bench")
        self.large_db, self.small_db, self.run_db = base, f"{base}_small", f"{base}_run"
        self.scale = SMOKE_SCALE if self.smoke else args.scale
        self.secret_key = "bench-" + secrets.token_urlsafe(40)
        self.tmp = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
        self.servers = []
        self.results = {"pages": [], "baseline_runs": [], "targets": []}

    # ------------------------------------------------------------------ environment

    def env(self, database):
        """Production mode, as a deployment would run, with what the benchmark needs."""
        env = {
            **os.environ,
            "NEWSROOM_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DATABASE_URL": database_url(database),
            "REDIS_URL": localredis.url(db=4),
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

    def manage(self, database, *command):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=REPO,
            env=self.env(database),
            check=True,
            stdout=subprocess.DEVNULL if self.smoke else None,
        )

    # ------------------------------------------------------------------ data sets

    def in_database(self, database, step, *args):
        """A step of tools/bench/indb.py, with Django set up for ``database``."""
        subprocess.run(
            [sys.executable, "-m", "tools.bench.indb", step, *args],
            cwd=REPO,
            env=self.env(database),
            check=True,
            stdout=subprocess.DEVNULL if self.smoke else None,
        )

    # ------------------------------------------------------------------ data sets

    def ensure_database(self, name, *, synthetic):
        """The small data set is the fixture content as `make content` loads it; the large
        one is a copy of it with the synthetic data set added."""
        key = content_key(synthetic, self.scale if synthetic else None)
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
                create_database(name, template=self.small_db)
                generating = time.monotonic()
                self.in_database(name, "generate", "--scale", str(self.scale))
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
            "scale": self.scale if synthetic else None,
        }
        write_marker(name, marker)
        return marker

    # ------------------------------------------------------------------ servers

    def start_servers(self, specs):
        """Start gunicorn for each (name, app, database, probe); return once all answer."""
        started = {}
        for name, app, database, probe in specs:
            log_path = self.tmp / f"gunicorn-{name}.log"
            server = servers.Gunicorn(app, env=self.env(database), log_path=log_path, probe=probe)
            server.launch()
            self.servers.append(server)
            started[name] = server
        for server in started.values():
            server.wait_until_ready()
        return {name: server.base_url for name, server in started.items()}

    def stop_all(self):
        for server in self.servers:
            server.stop()
        self.servers = []

    # ------------------------------------------------------------------ load

    def wrk(self, url, *, script=None, duration=None):
        return load.wrk(
            url,
            threads=self.args.wrk_threads,
            connections=self.args.connections,
            duration=duration or self.args.duration,
            script=script,
        )

    def measure(
        self, base, path, *, label, script=None, duration=None, warmup=True, probe="/healthz"
    ):
        url = base + ("/" if script else path)  # a script sends its own paths
        if warmup and self.args.warmup:
            self.wrk(url, script=script, duration=self.args.warmup)
            self.settle(base + probe)
        result = self.wrk(url, script=script, duration=duration)
        result.update(path=path, label=label)
        errors = f", {result['errors']} errors" if result["errors"] else ""
        say(
            f"  {label:<28} {result['rps']:>8.0f} req/s  p50 {result['p50_ms']:>6.1f} ms"
            f"  p99 {result['p99_ms']:>7.1f} ms{errors}"
        )
        return result

    def settle(self, url, seconds=5):
        """Wait until the warm-up's last requests are done (a page cache filling up renders
        the page in every thread at once), so that the measurement starts on a quiet server."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.monotonic()
            if servers.answers(url) and time.monotonic() - started < 0.05:
                return
            time.sleep(0.1)

    def measure_baseline(self, base, *, first=False):
        """A shorter load of the baseline between pages: each page is compared with the
        baseline just before and just after it, which keeps the ratios honest on a machine
        whose load changes during the run."""
        result = self.measure(
            base,
            "/",
            label="baseline",
            duration=max(1, self.args.duration // 2),
            warmup=first,
            probe="/",
        )
        self.results["baseline_runs"].append(result)
        return result

    # ------------------------------------------------------------------ the run

    # ------------------------------------------------------------------ the run

    def run(self):
        if not shutil.which("wrk"):
            sys.exit("bench: wrk is not installed (sudo apt-get install wrk; make system-deps).")
        started = time.monotonic()
        self.ensure_database(self.small_db, synthetic=False)
        large = self.ensure_database(self.large_db, synthetic=True)
        say(f"Copying {self.large_db} to {self.run_db} for this run's writes")
        drop_database(self.run_db)
        create_database(self.run_db, template=self.large_db)
        say("Collecting static files")
        self.manage(self.run_db, "collectstatic", "--no-input", "-v", "0")
        say("Counting SQL queries per page (Django's test client, in-process)")
        inspect = self.inspect()
        pages, queries = inspect["pages"], inspect["queries"]
        queries |= self.inspect(small=pages["fixture"])["queries"]
        self.results.update(
            data_set=inspect["data_set"] | {"generation_seconds": large["generation_seconds"]},
            queries=queries,
            settings=self.describe(),
        )
        say(
            f"Loading with wrk: {self.args.duration} s per page, {self.args.wrk_threads} threads, "
            f"{self.args.connections} connections; the baseline between pages"
        )
        bases = self.start_servers(
            [
                ("baseline", "tools.bench.baseline:application", self.run_db, "/"),
                ("large", "newsroom.wsgi", self.run_db, "/healthz"),
                ("small", "newsroom.wsgi", self.small_db, "/healthz"),
            ]
        )
        scripts = inspect["scripts"]
        plan = [
            ("front", "large", pages["front"], None, "front page"),
            ("article", "large", pages["article"], None, "article (most read)"),
            ("article-fixture-large", "large", pages["fixture"], None, "fixture story, large"),
            ("article-fixture-small", "small", pages["fixture"], None, "fixture story, small"),
            ("topic", "large", pages["topic"], None, "topic (biggest)"),
            ("search", "large", pages["search"], None, "search"),
            ("post-read", "large", pages["read"], scripts["read"], "post a read"),
            (
                "post-read-spread",
                "large",
                "/articles/…/read/",
                scripts["read-spread"],
                "post a read, 1,000 stories",
            ),
            ("post-forecast", "large", pages["forecast"], scripts["forecast"], "post a forecast"),
            (
                "article-while-voting",
                "large",
                pages["article"],
                scripts["mixed"],
                f"article, 1 in {MIXED_POST_EVERY} posts a read",
            ),
        ]
        self.results["load_average_before"] = os.getloadavg()
        before = self.measure_baseline(bases["baseline"], first=True)
        for name, server, path, script, label in plan:
            page = self.measure(bases[server], path, label=label, script=script)
            after = self.measure_baseline(bases["baseline"])
            page.update(name=name, baseline_rps=round((before["rps"] + after["rps"]) / 2, 1))
            self.results["pages"].append(page)
            before = after
        self.results["load_average_after"] = os.getloadavg()
        self.stop_all()
        self.results["seconds"] = round(time.monotonic() - started, 1)
        self.results["command"] = " ".join(["python -m tools.bench", *sys.argv[1:]]).strip()
        written = report.write_report(self.results, self.args.output)
        say(f"Wrote {written} and {written.parent / 'latest.md'}")

    def inspect(self, small=None):
        """Pick the pages, count their queries and write the posting scripts; with
        ``small``, count that page's queries on the small data set."""
        out = self.tmp / ("inspect-small.json" if small else "inspect.json")
        if small:
            self.in_database(self.small_db, "count-small-page", str(out), small)
        else:
            cookies, threads = str(self.cookies()), str(self.args.wrk_threads)
            self.in_database(
                self.run_db, "inspect", str(out), "--cookies", cookies, "--wrk-threads", threads
            )
        return json.loads(out.read_text())

    def cookies(self):
        """Reader cookies per posting script: enough that no reader posts twice in a run."""
        return 2_000 if self.smoke else 40_000

    def describe(self):
        env = self.env(self.run_db)
        probe = (
            "import runpy; c = runpy.run_path('newsroom/gunicorn_conf.py'); "
            "print(c['workers'], c['threads'], c.get('worker_class'))"
        )
        workers, threads, worker_class = (
            subprocess.run(
                [sys.executable, "-c", probe],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .split()
        )
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

    # ------------------------------------------------------------------ the report

    def cleanup(self):
        self.stop_all()
        with contextlib.suppress(Exception):
            drop_database(self.run_db)
        if self.smoke:
            for name in (self.large_db, self.small_db):
                with contextlib.suppress(Exception):
                    drop_database(name)
        shutil.rmtree(self.tmp, ignore_errors=True)


def interrupt(signum, frame):
    """A polite kill (SIGTERM) cleans up as Ctrl-C does."""
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description="Benchmark the site against a large data set.")
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker (THREADS)")
    parser.add_argument("--scale", type=float, default=1.0, help="size of the synthetic data")
    parser.add_argument("--output", default=None, help="where results go (var/bench)")
    parser.add_argument(
        "--database", help="name of the large database (default newsroom_bench); also NAME_small"
    )
    parser.add_argument("--smoke", action="store_true", help="tiny data, 1 s loads, dropped after")
    args = parser.parse_args()
    if args.smoke:
        args.duration, args.warmup = 1, 0
        args.connections, args.wrk_threads = 4, 1
    args.output = args.output or str(
        databases.REPO / "var" / "bench" / ("smoke" if args.smoke else "")
    )
    bench = Bench(args)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        bench.run()
    except KeyboardInterrupt:
        say("Interrupted: cleaning up")
        sys.exit(130)
    finally:
        bench.cleanup()


if __name__ == "__main__":
    main()
