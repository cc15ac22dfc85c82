"""python -m tools.bench: the run that tools/bench/__init__.py describes."""

import argparse
import contextlib
import json
import os
import platform
import runpy
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from tools import localcache, localredis, servers
from tools.bench import apps, cache, databases, load, report
from tools.bench.crawl import crawling

SMOKE_SCALE = 0.002
SLOW_CLIENTS = 200
STARTED = time.monotonic()
MIXED = f"1 in {load.MIXED_POST_EVERY} posts a read"
# The rows, in order: on gunicorn directly (Django caches no pages; the uncached fixture
# story on the large and the small data set in turn, three times, since one row of a slow
# page can fall by half on a shared machine), then through the cache, with nginx serving
# the story's bytes by their file name beside it, at the run's connections and twice as
# many; then readers reading and voting through the cache while a crawler walks every story.
# Name | label | server | path, or a page that site.py picks | the posting script, if any
# ("reads" and "forecasts" spread over 1,000 stories or questions). The same posts go to a
# server that stores none of them.
PLAN = f"""
front                       | front page                         | large     | front
article                     | article (most read)                | large     | article
article-fixture-large       | fixture story, 20,000              | large     | fixture
article-fixture-small       | fixture story, 10                  | small     | fixture
article-fixture-large-again | fixture story, 20,000, again       | large     | fixture
article-fixture-small-again | fixture story, 10, again           | small     | fixture
article-fixture-large-third | fixture story, 20,000, a third time | large   | fixture
article-fixture-small-third | fixture story, 10, a third time    | small     | fixture
topic                       | topic (biggest)                    | large     | topic
search                      | search                             | large     | search
mine                        | a known reader's panels            | large     | mine
baseline-write              | baseline with one durable insert   | baseline  | /write/
post-read                   | post a read                        | large     | read | read
post-read-spread            | post a read, 1,000 stories         | large     | reads | reads
post-forecast               | post a forecast                    | large     | forecast | forecast
post-forecast-spread        | post a forecast, 1,000 questions   | large     | forecasts | forecasts
post-read-unwritten         | post a read, storing nothing       | unwritten | reads | reads
post-forecast-unwritten     | post a forecast, storing nothing   | unwritten | forecasts | forecasts
article-while-voting        | article, {MIXED}        | large     | article | mixed
front-cache                 | front page, cache                  | cache     | front
article-cache               | article, cache                     | cache     | article
article-nginx               | article's bytes, nginx, by name    | nginx     | /{cache.STATIC_NAME}
article-cache-wide          | article, cache                     | cache     | article
article-nginx-wide          | article's bytes, nginx, by name    | nginx     | /{cache.STATIC_NAME}
article-while-voting-cache  | article, cache, {MIXED} | cache     | article | mixed
crawl                       | article, cache, {MIXED}, during a crawl | cache | article | mixed
"""
# Yardsticks and information, not the site's pages: no tail target.
REFERENCES = {
    "baseline-write",
    "post-read-unwritten",
    "post-forecast-unwritten",
    "article-nginx",
    "article-nginx-wide",
}
# The story through the cache and nginx serving its bytes, side by side at the run's
# connections and (WIDE) twice as many, where a cache hit meets its ceiling: their labels
# say how many.
WIDE = {"article-cache-wide", "article-nginx-wide"}
CEILING = {"article-cache", "article-nginx", *WIDE}


@dataclass(frozen=True)
class Row:
    """One row of the report: ``path`` on ``server`` (a key of the run's ports)."""

    name: str
    label: str
    server: str
    path: str
    script: str | None = None
    # A context manager held while the row is loaded; what it yields, if anything, is
    # the port to load instead of the server's.
    during: Any = None
    warmup: bool = True
    reference: bool = False
    connections: int | None = None  # the run's, unless the row says
    headers: tuple = ()  # ("Name: value", …) sent with every request

    @property
    def probe(self):
        """What answers 200 once the warm-up's requests are done."""
        return {"baseline": "/", "nginx": self.path}.get(self.server, "/healthz")


def say(message):
    """A line of progress, with the seconds since the benchmark started."""
    sys.stdout.write(f"==> [{time.monotonic() - STARTED:5.1f} s] {message}\n")
    sys.stdout.flush()


class Bench:
    say = staticmethod(say)

    def __init__(self, args):
        self.args = args
        base = args.database or ("newsroom_bench_smoke" if args.smoke else "newsroom_bench")
        self.large, self.small, self.copy = base, f"{base}_small", f"{base}_run"
        self.tmp = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
        self.secret_key = "bench-" + secrets.token_urlsafe(40)
        self.exits = contextlib.ExitStack()
        self.readers = load.Readers()
        self.results = {"pages": [], "baseline_runs": [], "slow_clients": {}}
        self.ports, self.purge_urls = {}, ()

    def env(self, database):
        """Production mode, as a deployment runs, with what a load test needs (gunicorn's
        WEB_CONCURRENCY and THREADS come from the environment, as in a deployment)."""
        return os.environ | {
            "NEWSROOM_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DATABASE_URL": databases.database_url(database),
            # Its own Redis database per data set: nothing kept for one serves the other.
            "REDIS_URL": localredis.url(db=2 if database == self.small else 4),
            # The HTTP cache in front of the large data set, which the app purges.
            "HTTP_CACHE_PURGE_URLS": ",".join(self.purge_urls if database == self.copy else ()),
            "DEBUG": "0",
            # Plain HTTP on loopback: no redirect to https (a proxy would terminate TLS).
            "SECURE_SSL_REDIRECT": "0",
            # Every request of a load test comes from one address: no throttling.
            "READER_WRITE_LIMIT": "1000000000",
            "LOG_LEVEL": "WARNING",
        }

    def manage(self, database, *command, capture=False):
        quiet = subprocess.DEVNULL if self.args.smoke else None
        return subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=servers.CHECKOUT,
            env=self.env(database),
            check=True,
            text=True,
            stdout=subprocess.PIPE if capture else quiet,
        ).stdout

    def inspect(self, database, call):
        """``call`` of tools/bench/site.py in ``database``: what it wrote to ``{out}``."""
        out = self.tmp / f"{database}.json"
        code = f"from tools.bench import site; site.{call.format(out=out)}"
        self.manage(database, "shell", "-v", "0", "-c", code)
        return json.loads(out.read_text())

    # ------------------------------------------------------------------ the rows

    def rows(self, inspected):
        """PLAN's rows, with the pages that site.py picked, the headers of its known reader,
        its posting scripts and the stories the crawl walks."""
        pages, scripts = inspected["pages"], inspected["scripts"]

        def story_as_cached():  # the story as the cache serves it now, a file for nginx
            page = localcache.fetch(self.url("cache") + pages["article"])[2]
            return cache.static_nginx(page.encode())

        def crawl():  # the crawler on its own connections, as many as the readers'
            return crawling(
                self.ports["cache"],
                inspected["crawl"],
                connections=self.args.connections,
                results=self.results,
            )

        rows = []
        for line in PLAN.strip().splitlines():
            name, label, server, path, *script = (cell.strip() for cell in line.split("|"))
            during = crawl if name == "crawl" else story_as_cached if server == "nginx" else None
            connections = self.args.connections * (2 if name in WIDE else 1)
            if name in CEILING:
                label = f"{label}, {connections} connections"
            headers = tuple(
                f"{key}: {value}" for key, value in inspected["headers"].get(path, {}).items()
            )
            rows.append(
                Row(
                    name,
                    label,
                    server,
                    pages.get(path, path),
                    scripts[script[0]] if script else None,
                    during,
                    # The crawl starts with the readers' load: its first pass meets a cold cache.
                    warmup=name != "crawl",
                    reference=name in REFERENCES,
                    connections=connections,
                    headers=headers,
                )
            )
        return rows

    def slow_rows(self, pages, count):
        """An ordinary page while ``count`` slow clients hold sockets: through the cache,
        and (for information) on gunicorn directly, which is why gunicorn never faces them."""
        rows = []
        for name, server, label, reference in [
            ("cache", "cache", "cache", False),
            ("gunicorn", "large", "gunicorn directly", True),
        ]:

            @contextlib.contextmanager
            def during(port=self.ports[server], name=name):
                with cache.slow_clients(port, count=count) as stats:
                    yield None
                self.results["slow_clients"][name] = stats

            label = f"front page, {label}, {count} slow clients"
            rows.append(
                Row(f"slow-{name}", label, server, pages["front"], None, during, False, reference)
            )
        return rows

    # ------------------------------------------------------------------ the load

    def url(self, server):
        return f"http://127.0.0.1:{self.ports[server]}"

    def wrk(self, url, *, script=None, duration=None, connections=None, headers=()):
        shape = {
            "threads": self.args.wrk_threads,
            "connections": connections or self.args.connections,
            "duration": duration or self.args.duration,
        }
        if not script:
            return load.wrk(url, headers=headers, **shape)
        result = self.readers.wrk(url, script=script, **shape)
        if result["ran_out"]:
            say(f"  (past the last reader of {Path(script).name}: some posts changed a read)")
        return result

    def measure(self, port, row, *, duration=None):
        # A script sends its own paths.
        url = f"http://127.0.0.1:{port}{'/' if row.script else row.path}"
        shape = {"script": row.script, "connections": row.connections, "headers": row.headers}
        if row.warmup and self.args.warmup:
            self.wrk(url, duration=self.args.warmup, **shape)
            # Until the warm-up's last requests are done: the measurement starts quiet.
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                started = time.monotonic()
                if servers.answers(port, row.probe) and time.monotonic() - started < 0.05:
                    break
                time.sleep(0.1)
        result = self.wrk(url, duration=duration, **shape)
        result.update(path=row.path, label=row.label, connections=row.connections)
        errors = f", {result['errors']} errors" if result["errors"] else ""
        say(
            f"  {row.label:<34} {result['rps']:>8.0f} req/s  p50 {result['p50_ms'] or 0:>6.1f} ms"
            f"  p99 {result['p99_ms'] or 0:>7.1f} ms{errors}"
        )
        return result

    def measure_baseline(self, *, first=False):
        """A shorter load of the baseline between rows: each row is compared with the runs
        just before and after it, which keeps the ratios honest on a machine whose load
        changes during the run."""
        row = Row("baseline", "baseline", "baseline", "/", warmup=first)
        result = self.measure(self.ports["baseline"], row, duration=max(1, self.args.duration // 2))
        self.results["baseline_runs"].append(result)
        return result

    def load(self, rows):
        runs = self.results["baseline_runs"]
        before = runs[-1] if runs else self.measure_baseline(first=True)
        for row in rows:
            with row.during() if row.during else contextlib.nullcontext() as port:
                page = self.measure(port or self.ports[row.server], row)
            after = self.measure_baseline()
            page.update(
                name=row.name,
                server=row.server,
                reference=row.reference,
                baseline_rps=round((before["rps"] + after["rps"]) / 2, 1),
            )
            self.results["pages"].append(page)
            before = after

    # ------------------------------------------------------------------ the run

    def serve(self, name, app, database, probe="/healthz"):
        server = servers.Gunicorn(
            app, env=self.env(database), log_path=self.tmp / f"gunicorn-{name}.log", probe=probe
        )
        server.launch()
        self.exits.callback(server.stop)
        self.ports[name] = server.port
        return server

    def run(self):
        for tool in ("wrk", "varnishd", "nginx"):
            if not shutil.which(tool):
                sys.exit(f"bench: {tool} is not installed (make system-deps).")
        databases.ensure(self, self.small)
        scale = SMOKE_SCALE if self.args.smoke else self.args.scale
        large = databases.ensure(self, self.large, scale=scale, template=self.small)
        say(f"Copying {self.large} to {self.copy} for this run's writes")
        databases.drop(self.copy)
        databases.create(self.copy, template=self.large)
        databases.execute(
            f"CREATE TABLE {apps.WRITE_FLOOR_TABLE} (id bigserial PRIMARY KEY,"
            " written_at timestamptz NOT NULL DEFAULT now())",
            database=self.copy,
        )
        say("Collecting static files")
        self.manage(self.copy, "collectstatic", "--no-input", "-v", "0")
        say("Counting SQL queries per page (Django's test client, in-process)")
        # Reader cookies per posting script: enough that no reader posts twice in a run
        # (the spread scripts post about 40,000 times on a 2-core machine), warm-ups included.
        cookies = 2_000 if self.args.smoke else 100_000
        inspected = self.inspect(
            self.copy, f"inspect('{{out}}', cookies={cookies}, wrk_threads={self.args.wrk_threads})"
        )
        pages = inspected["pages"]
        with mock.patch.dict(os.environ, self.env(self.copy)):
            conf = runpy.run_path(str(servers.CHECKOUT / "newsroom/gunicorn_conf.py"))
        self.results |= {
            "data_set": inspected["data_set"] | {"generation_seconds": large["generation_seconds"]},
            "queries": inspected["queries"]
            | self.inspect(self.small, f"inspect_small('{{out}}', {pages['fixture']!r})"),
            "settings": {
                "duration_s": self.args.duration,
                "wrk_threads": self.args.wrk_threads,
                "connections": self.args.connections,
                "gunicorn_workers": conf["workers"],
                "gunicorn_threads": conf["threads"],
                "gunicorn_worker_class": conf.get("worker_class"),
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "machine": platform.platform(),
            },
        }
        say(
            f"Loading with wrk: {self.args.duration} s per page, {self.args.wrk_threads} threads, "
            f"{self.args.connections} connections; the baseline between pages"
        )
        self.ports["cache"] = servers.free_port()
        self.purge_urls = [self.url("cache") + "/"]
        started = [
            self.serve("baseline", "tools.bench.apps:baseline()", self.copy, "/"),
            self.serve("large", "newsroom.wsgi", self.copy),
            self.serve("small", "newsroom.wsgi", self.small),
            self.serve("unwritten", "tools.bench.apps:unwritten()", self.copy),
        ]
        for server in started:
            server.wait()
        localcache.start(self.ports["cache"], [f"127.0.0.1:{self.ports['large']}"])
        self.exits.callback(localcache.stop, self.ports["cache"])
        self.results["load_average_before"] = os.getloadavg()
        self.load(self.rows(inspected))
        say("Freshness through the cache: an editor's change, a reader's vote")
        story = self.url("cache") + pages["fixture"]
        self.results["freshness"] = {
            "edit_seconds": cache.editor_change_seconds(
                self, story, pages["fixture"].strip("/").rsplit("/", 1)[-1]
            ),
            "vote": cache.vote_freshness(story),
        }
        say(f"  {self.results['freshness']}")
        self.load(self.slow_rows(pages, 20 if self.args.smoke else SLOW_CLIENTS))
        self.results["load_average_after"] = os.getloadavg()
        self.exits.close()
        self.results["seconds"] = round(time.monotonic() - STARTED, 1)
        self.results["command"] = " ".join(["python -m tools.bench", *sys.argv[1:]])
        written = report.write(self.results, self.args.output)
        say(f"Wrote {written} and {written.parent / 'latest.md'}")

    def cleanup(self):
        self.exits.close()
        for name in [self.copy, *([self.large, self.small] if self.args.smoke else [])]:
            with contextlib.suppress(Exception):
                databases.drop(name)
        shutil.rmtree(self.tmp, ignore_errors=True)


def interrupt(signum, frame):
    """A polite kill (SIGTERM) cleans up as Ctrl-C does."""
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench", description="Benchmark the site against a large data set."
    )
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--scale", type=float, default=1.0, help="size of the synthetic data")
    parser.add_argument("--output", help="where results go (var/bench)")
    parser.add_argument(
        "--database", help="the large database's name (newsroom_bench); also NAME_small"
    )
    parser.add_argument("--smoke", action="store_true", help="tiny data, 1 s loads, dropped after")
    args = parser.parse_args()
    if args.smoke:
        # A second of warm-up: a cold gunicorn worker on a busy machine can take longer
        # than the one-second load to answer its first request.
        args.duration, args.warmup, args.connections, args.wrk_threads = 1, 1, 4, 1
    args.output = args.output or servers.CHECKOUT / "var/bench" / ("smoke" if args.smoke else "")
    bench = Bench(args)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        bench.run()
    except KeyboardInterrupt:
        say("Interrupted: cleaning up")
        sys.exit(130)
    finally:
        bench.cleanup()


main()
