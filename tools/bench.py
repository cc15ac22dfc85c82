"""`make bench`: how fast the site is with a large data set, against Django's own ceiling.

1. Builds, once, two databases on the project's PostgreSQL server (the private cluster,
   or DATABASE_URL's): ``newsroom_bench_small``, the fixture stories as `make content`
   loads them, and ``newsroom_bench``, a copy of it to which `manage.py
   generate_synthetic_data` adds 20,000 stories, 2,000,000 reads, 500,000 forecasts….
   A marker on each (a comment holding a hash of the generator and the fixtures) lets
   later runs reuse them; ``--rebuild`` builds them again.
2. Each run migrates both and copies the large one (the posts write to the copy, so
   every run starts from the same data); collects static files; and counts each page's
   SQL queries in-process with Django's test client.
3. Serves the large copy, the small database and the baseline (tools/bench_baseline.py,
   a one-view Django app) with gunicorn and newsroom/gunicorn_conf.py in production
   mode on free 127.0.0.1 ports, and loads each page with wrk after a warm-up: the front
   page, the most read story, one fixture story on the large and on the small data set,
   the biggest topic, a search, posting a read (to the most read story, and spread over
   1,000 stories), posting a forecast, and the most read story while one request in 20
   posts a read. Posts come from new readers each time: a Lua script sends cookies that
   this script signs. A shorter baseline load runs between pages, and each page is
   compared with the baseline runs on either side of it, which keeps the ratios honest
   when the machine's load changes during the run.
4. Prints requests/s, p50, p99, the ratio to the baseline and the queries per page, and
   PASS/MISS for issue 8's targets; writes var/bench/results-<time>.json and
   var/bench/latest.md. Servers, temporary files and the copy are removed at the end,
   also after a failure, Ctrl-C or SIGTERM.

    python tools/bench.py [--rebuild] [--duration 10] [--connections 16] [--smoke]

``--smoke`` runs it all on a tiny data set with one-second loads, in databases of its
own that it drops afterwards (tests/test_bench_smoke.py runs it).
"""

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tools import localdb  # noqa: E402  (standard library only)

GENERATOR = REPO / "newsroom" / "management" / "commands" / "generate_synthetic_data.py"
FIXTURES = REPO / "fixtures"
GUNICORN_CONF = "newsroom/gunicorn_conf.py"
# Issue 8's targets: requests per second as a share of the baseline's.
RATIO_TARGETS = {
    "front": 0.5,
    "article": 0.5,
    "topic": 0.4,
    "search": 0.2,
    "post-read": 0.25,
    "post-forecast": 0.25,
}
TAIL_TARGET = 5.0  # p99 under 5 x p50
SIZE_TARGET = 0.85  # the fixture story on the large data set within 15 % of the small
SMOKE_SCALE = 0.002
MIXED_POST_EVERY = 20  # the "article while readers vote" load: one request in 20 posts


STARTED = time.monotonic()


def say(message):
    sys.stdout.write(f"==> [{time.monotonic() - STARTED:5.1f} s] {message}\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------- databases


def server_url():
    return os.environ.get("DATABASE_URL") or localdb.url()


def database_url(name):
    parts = urlsplit(server_url())
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_connection():
    import psycopg

    return psycopg.connect(database_url("postgres"), autocommit=True)


def database_exists(name):
    with admin_connection() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def drop_database(name):
    from psycopg import sql

    with admin_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def create_database(name, template=None):
    from psycopg import sql

    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with admin_connection() as conn:
        if template and conn.info.server_version >= 150000:
            # A file copy takes seconds where PostgreSQL 15's default (WAL-logged) takes longer.
            statement += sql.SQL(" STRATEGY FILE_COPY")
        conn.execute(statement)


def read_marker(name):
    with admin_connection() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else None
    except ValueError:
        return None


def write_marker(name, marker):
    from psycopg import sql

    with admin_connection() as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(json.dumps(marker))
            )
        )


def content_key(*parts):
    """What the data set is made from: when any of it changes, the database is rebuilt."""
    digest = hashlib.sha256()
    for path in [GENERATOR, *sorted(FIXTURES.glob("*.yaml"))]:
        digest.update(path.read_bytes())
    digest.update(repr(parts).encode())
    return digest.hexdigest()[:16]


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
                self.manage(name, "generate_synthetic_data", "--scale", str(self.scale))
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
        """Start gunicorn for each (name, app, database, probe) and wait until all answer."""
        started = {}
        for name, app, database, probe in specs:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            log_path = self.tmp / f"gunicorn-{name}.log"
            log = open(log_path, "w")
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONF]
                + ["--bind", f"127.0.0.1:{port}", app],
                cwd=REPO,
                env=self.env(database),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as one, spared Ctrl-C
            )
            self.servers.append((process, log))
            started[name] = (f"http://127.0.0.1:{port}", probe, process, log_path)
        deadline = time.monotonic() + 60
        for name, (base, probe, process, log_path) in started.items():
            while not self._answers(base + probe):
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text()[-3000:]
                    raise RuntimeError(f"gunicorn ({name}) did not start:\n{tail}")
                time.sleep(0.2)
        return {name: base for name, (base, *_) in started.items()}

    @staticmethod
    def _answers(url):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def stop_all(self):
        """SIGINT is gunicorn's quick shutdown; whatever is left after 10 s is killed."""
        for process, _ in self.servers:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGINT)
        deadline = time.monotonic() + 10
        for process, log in self.servers:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            log.close()
        self.servers = []

    # ------------------------------------------------------------------ load

    def wrk(self, url, *, script=None, duration=None):
        duration = duration or self.args.duration
        command = [
            "wrk",
            f"-t{self.args.wrk_threads}",
            f"-c{self.args.connections}",
            f"-d{duration}s",
            "--timeout",
            "5s",
            "--latency",
        ]
        if script:
            command += ["-s", str(script)]
        result = subprocess.run(
            [*command, url], capture_output=True, text=True, timeout=duration + 60
        )
        if result.returncode != 0 or "Requests/sec" not in result.stdout:
            raise RuntimeError(f"wrk failed on {url}:\n{result.stdout}{result.stderr}")
        return parse_wrk(result.stdout)

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
            if self._answers(url) and time.monotonic() - started < 0.05:
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
        servers = self.start_servers(
            [
                ("baseline", "tools.bench_baseline:application", self.run_db, "/"),
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
        before = self.measure_baseline(servers["baseline"], first=True)
        for name, server, path, script, label in plan:
            page = self.measure(servers[server], path, label=label, script=script)
            after = self.measure_baseline(servers["baseline"])
            page.update(name=name, baseline_rps=round((before["rps"] + after["rps"]) / 2, 1))
            self.results["pages"].append(page)
            before = after
        self.results["load_average_after"] = os.getloadavg()
        self.stop_all()
        self.results["seconds"] = round(time.monotonic() - started, 1)
        self.report()

    def inspect(self, small=None):
        """Pick the pages, count their queries and write the posting scripts (subprocess);
        with ``small``, count that page's queries on the small data set."""
        out = self.tmp / ("inspect-small.json" if small else "inspect.json")
        command = [sys.executable, __file__, "--inspect", str(out)]
        command += ["--small-page", small] if small else ["--cookies", str(self.cookies())]
        subprocess.run(
            [*command, "--wrk-threads", str(self.args.wrk_threads)],
            cwd=REPO,
            env=self.env(self.small_db if small else self.run_db),
            check=True,
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

    def report(self):
        pages = self.results["pages"]
        runs = self.results["baseline_runs"]
        self.results["baseline"] = {
            "rps": round(sum(run["rps"] for run in runs) / len(runs), 1),
            "rps_min": min(run["rps"] for run in runs),
            "rps_max": max(run["rps"] for run in runs),
            "p50_ms": round(sorted(run["p50_ms"] for run in runs)[len(runs) // 2], 3),
            "p99_ms": round(sorted(run["p99_ms"] for run in runs)[len(runs) // 2], 3),
            "queries": self.results["queries"].get("baseline"),
        }
        by_name = {page["name"]: page for page in pages}
        for page in pages:
            baseline = page["baseline_rps"]
            page["ratio"] = round(page["rps"] / baseline, 3) if baseline else 0.0
            page["tail"] = round(page["p99_ms"] / page["p50_ms"], 2) if page["p50_ms"] else None
            page["queries"] = self.results["queries"].get(page["name"])
        queries = self.results["queries"]
        if "article-while-voting" in by_name:
            by_name["article-while-voting"]["queries"] = (
                f"{queries.get('article')} and {queries.get('post-read')}"
            )
        targets = self.results["targets"]
        for name, target in RATIO_TARGETS.items():
            ratio = by_name[name]["ratio"]
            targets.append(
                {
                    "what": f"{by_name[name]['label']}: req/s ≥ {target} × baseline",
                    "value": ratio,
                    "pass": ratio >= target,
                }
            )
        for page in pages:
            targets.append(
                {
                    "what": f"{page['label']}: p99 < {TAIL_TARGET:g} × p50",
                    "value": page["tail"],
                    "pass": page["tail"] is not None and page["tail"] < TAIL_TARGET,
                }
            )
        small = by_name["article-fixture-small"]["rps"]
        size_ratio = round(by_name["article-fixture-large"]["rps"] / small, 3) if small else 0.0
        self.results["size_ratio"] = size_ratio
        targets.append(
            {
                "what": f"fixture story, large ÷ small req/s ≥ {SIZE_TARGET}",
                "value": size_ratio,
                "pass": size_ratio >= SIZE_TARGET,
            }
        )
        self.results["command"] = self.command_line()
        self.results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        markdown = render_markdown(self.results)
        sys.stdout.write(f"\n{markdown}\n")
        out = Path(self.args.output)
        out.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        (out / f"results-{stamp}.json").write_text(json.dumps(self.results, indent=2) + "\n")
        (out / "latest.md").write_text(markdown)
        say(f"Wrote {out / f'results-{stamp}.json'} and {out / 'latest.md'}")

    def command_line(self):
        return " ".join(["python tools/bench.py", *sys.argv[1:]]).strip()

    def cleanup(self):
        self.stop_all()
        with contextlib.suppress(Exception):
            drop_database(self.run_db)
        if self.smoke:
            for name in (self.large_db, self.small_db):
                with contextlib.suppress(Exception):
                    drop_database(name)
        shutil.rmtree(self.tmp, ignore_errors=True)


# --------------------------------------------------------------------------- wrk


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output):
    def number(pattern, default=None):
        match = re.search(pattern, output)
        return float(match.group(1)) if match else default

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        return round(float(match.group(1)) * _UNITS_MS[match.group(2)], 3) if match else None

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = int(number(r"Non-2xx or 3xx responses: (\d+)", 0))
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)", 0.0),
        "requests": int(number(r"(\d+) requests in", 0)),
        "p50_ms": latency(50),
        "p90_ms": latency(90),
        "p99_ms": latency(99),
        "errors": non_2xx + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }


def render_markdown(results):
    settings = results["settings"]
    data = results["data_set"]
    baseline = results["baseline"]
    generated = data.get("generation_seconds")
    load = " → ".join(
        f"{results[key][0]:.1f}" for key in ("load_average_before", "load_average_after")
    )
    lines = [
        f"Command: `{results['command']}` — finished {results['finished']} in "
        f"{results['seconds']:.0f} s.  ",
        f"Machine: {settings['cpus']} CPUs, {settings['machine']}, Python {settings['python']}; "
        f"load average {load}.  ",
        f"gunicorn {settings['gunicorn_workers']} workers × {settings['gunicorn_threads']} "
        f"threads ({settings['gunicorn_worker_class']}), production settings; wrk "
        f"{settings['wrk_threads']} threads, {settings['connections']} connections, "
        f"{settings['duration_s']} s per page after a warm-up.  ",
        "Large data set: "
        + ", ".join(f"{count:,} {name}" for name, count in data["counts"].items())
        + (f" (generated in {generated:.0f} s)" if generated else "")
        + f"; the most read story's question has {data['article_forecasters']:,} forecasters, "
        f"the biggest topic {data['topic_stories']:,} stories.",
        "",
        *(
            [
                f"**The machine was busy** (load average {load} on {settings['cpus']} CPUs from "
                "other work): ratios are to the interleaved baseline, but tails and absolute "
                "numbers carry that noise.",
                "",
            ]
            # The load test itself keeps about three processes busy (wrk and gunicorn).
            if max(results["load_average_before"][0], results["load_average_after"][0] - 3)
            > settings["cpus"]
            else []
        ),
        "| page | req/s | p50 ms | p99 ms | × baseline | p99/p50 | queries |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| baseline (one-view Django app) | {baseline['rps']:.0f} | {baseline['p50_ms']:.1f} | "
        f"{baseline['p99_ms']:.1f} | 1.00 | {baseline['p99_ms'] / baseline['p50_ms']:.1f} | "
        f"{baseline['queries'] or '–'} |",
    ]
    for page in results["pages"]:
        errors = f" ({page['errors']} errors)" if page["errors"] else ""
        lines.append(
            f"| {page['label']}{errors} `{page['path']}` | {page['rps']:.0f} | "
            f"{page['p50_ms']:.1f} | {page['p99_ms']:.1f} | {page['ratio']:.2f} | "
            f"{page['tail']:.1f} | {page['queries'] or '–'} |"
        )
    lines += [
        "",
        f"The baseline ran {len(results['baseline_runs'])} times, between the pages, from "
        f"{baseline['rps_min']:.0f} to {baseline['rps_max']:.0f} req/s; each page's ratio is "
        "to the mean of the runs just before and after it. Queries: first request / repeat "
        "(a page cache shows as 0 on the repeat); for a post, one new reader's. "
        f"Fixture story, large ÷ small data set: {results['size_ratio']:.2f}.",
        "",
        "| target | value | result |",
        "|---|---:|---|",
    ]
    for target in results["targets"]:
        verdict = "PASS" if target["pass"] else "**MISS**"
        lines.append(f"| {target['what']} | {target['value']} | {verdict} |")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- in Django


LUA = r"""
-- Posts as a new reader on every request, with reader cookies that tools/bench.py
-- signed, one a line in a file; a reader met again (a long run) changes their answer.
-- The paths (one, or many stories) come from a file too. With post_every = n, only every
-- n-th request posts; the others read read_page, as an anonymous reader would.
local post_every = %(post_every)d
local read_page = "%(read_page)s"
local sent = 0
local token = "%(token)s"
local bodies = {%(bodies)s}
local readers = {}
local paths = {}
local counter = 0
local next_id = 0

function setup(thread)
  thread:set("first", next_id)
  next_id = next_id + 1
end

function init(args)
  for line in io.lines("%(cookies)s") do readers[#readers + 1] = line end
  for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
  counter = first or 0
end

function request()
  sent = sent + 1
  if post_every > 1 and sent %% post_every ~= 0 then
    return wrk.format("GET", read_page)
  end
  local reader = readers[counter %% #readers + 1]
  local body = bodies[math.floor(counter / #readers) %% #bodies + 1]
  local path = paths[counter %% #paths + 1]
  counter = counter + %(threads)d
  return wrk.format("POST", path, {
    ["Cookie"] = "csrftoken=" .. token .. "; reader=" .. reader,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Referer"] = "http://127.0.0.1" .. path,
  }, "csrfmiddlewaretoken=" .. token .. "&" .. body)
end
"""


def inspect_main(out, cookies, wrk_threads, small_page=None):
    """In the served database: choose the pages, count queries, write the Lua scripts."""
    import django

    django.setup()
    if small_page:
        Path(out).write_text(json.dumps({"queries": count_queries(small_page)}))
        return
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from articles.models import Article, Topic
    from core import readers
    from newsroom.management.commands import generate_synthetic_data as synthetic
    from predictions.models import Question

    question = (
        Question.objects.public()
        .open_now()
        .filter(slug__startswith=synthetic.SLUG_PREFIX)
        .select_related("article")
        .order_by("-forecasters", "pk")
        .first()
    )
    fixture = Article.objects.published().exclude(slug__startswith=synthetic.SLUG_PREFIX).first()
    now = timezone.now()
    topic = (
        Topic.objects.filter(slug__startswith=synthetic.SLUG_PREFIX)
        .annotate(
            stories=Count(
                "articles",
                filter=Q(articles__status="published", articles__published_at__lte=now),
            )
        )
        .order_by("-stories", "pk")
        .first()
    )
    pages = {
        "front": "/",
        "article": question.article.get_absolute_url(),
        "fixture": fixture.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "search": f"/search/?q={synthetic.SEARCH_WORD}",
        "read": f"{question.article.get_absolute_url()}read/",
        "forecast": f"{question.get_absolute_url()}forecast/",
    }
    run = secrets.token_hex(4)

    def signed(kind, number):
        return readers.signed_reader_cookie(f"{synthetic.READER_PREFIX}{run}-{kind}{number:06d}")

    queries = {}
    client = Client()

    def count(name, method, path, expect, **kwargs):
        observed = []
        for attempt in range(2):
            if method == "post":
                client.cookies["reader"] = signed("q", attempt)
            with CaptureQueriesContext(connection) as captured:
                response = getattr(client, method)(path, **kwargs)
            if response.status_code != expect:
                raise SystemExit(f"bench: {method.upper()} {path} gave {response.status_code}")
            observed.append(len(captured))
        # A page: first request / repeat (what caching saves). A post: each new reader's.
        queries[name] = f"{observed[0]}/{observed[1]}" if method == "get" else str(observed[0])

    for name in ("front", "article", "fixture", "topic", "search"):
        key = {"fixture": "article-fixture-large"}.get(name, name)
        count(key, "get", pages[name], 200)
    count("post-read", "post", pages["read"], 302, data={"choice": "promising"})
    # Reads spread over many stories: the same work without one story's row lock.
    spread = list(
        Article.objects.published()
        .filter(slug__startswith=synthetic.SLUG_PREFIX)
        .order_by("pk")
        .values_list("slug", flat=True)[:1000]
    )
    count(
        "post-read-spread",
        "post",
        f"/articles/{spread[-1]}/read/",
        302,
        data={"choice": "promising"},
    )
    count("post-forecast", "post", pages["forecast"], 302, data={"probability": "40"})

    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    scripts = {}
    reads = [f"choice={choice}" for choice in ("promising", "game_changer")]
    forecasts = [f"probability={p}" for p in range(5, 96, 7)]
    for kind, letter, paths, bodies, post_every in (
        ("read", "r", [pages["read"]], reads, 1),
        ("read-spread", "s", [f"/articles/{slug}/read/" for slug in spread], reads, 1),
        ("forecast", "f", [pages["forecast"]], forecasts, 1),
        # The story going viral: 19 readers look for each one who votes.
        ("mixed", "m", [pages["read"]], reads, MIXED_POST_EVERY),
    ):
        folder = Path(out).parent
        cookie_file = folder / f"readers-{kind}.txt"
        cookie_file.write_text("".join(f"{signed(letter, n)}\n" for n in range(cookies)))
        path_file = folder / f"paths-{kind}.txt"
        path_file.write_text("".join(f"{path}\n" for path in paths))
        lua = LUA % {
            "token": token,
            "bodies": ",".join(f'"{body}"' for body in bodies),
            "cookies": cookie_file,
            "paths": path_file,
            "threads": wrk_threads,
            "post_every": post_every,
            "read_page": pages["article"],
        }
        scripts[kind] = str(folder / f"post-{kind}.lua")
        Path(scripts[kind]).write_text(lua)

    data_set = {
        "counts": {
            "stories": Article.objects.count(),
            "topics": Topic.objects.count(),
            "reads": _count_rows("predictions_read"),
            "forecasts": _count_rows("predictions_forecast"),
        },
        "article_forecasters": question.forecasters,
        "topic_stories": topic.stories,
    }
    # Last: importing the baseline points this process's URLconf at its one view.
    from django.test import override_settings

    with override_settings(ROOT_URLCONF="tools.bench_baseline"):
        count("baseline", "get", "/", 200)
    Path(out).write_text(
        json.dumps({"pages": pages, "queries": queries, "scripts": scripts, "data_set": data_set})
    )


def count_queries(path):
    """The fixture story's queries on the small data set: first request / repeat."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, observed = Client(), []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"bench: GET {path} gave {response.status_code} on the small data set")
        observed.append(len(captured))
    return {"article-fixture-small": f"{observed[0]}/{observed[1]}"}


def _count_rows(table):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


# --------------------------------------------------------------------------- main


def interrupt(signum, frame):
    """A polite kill (SIGTERM) cleans up as Ctrl-C does."""
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
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
    parser.add_argument("--inspect", help=argparse.SUPPRESS)
    parser.add_argument("--cookies", type=int, default=1000, help=argparse.SUPPRESS)
    parser.add_argument("--small-page", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inspect:
        inspect_main(args.inspect, args.cookies, args.wrk_threads, args.small_page)
        return
    if args.smoke:
        args.duration, args.warmup = 1, 0
        args.connections, args.wrk_threads = 4, 1
    args.output = args.output or str(REPO / "var" / "bench" / ("smoke" if args.smoke else ""))
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
