"""Runs the benchmark: databases, query counts, servers, loads, report (see __init__.py)."""

import argparse
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from tools import servers
from tools.bench import cache, databases, load, plan, report
from tools.bench.databases import create_database, create_write_floor, drop_database
from tools.bench.environment import Stage
from tools.bench.report import say

SMOKE_SCALE = 0.002


class Bench:
    def __init__(self, args):
        self.args = args
        self.smoke = args.smoke
        base = args.database or ("newsroom_bench_smoke" if self.smoke else "newsroom_bench")
        self.large_db, self.small_db, self.run_db = base, f"{base}_small", f"{base}_run"
        self.scale = SMOKE_SCALE if self.smoke else args.scale
        self.tmp = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
        self.stage = Stage(args, self.tmp)
        self.exits = contextlib.ExitStack()
        self.results = {"pages": [], "baseline_runs": [], "slow_clients": {}}
        self.baseline_before = None
        self.readers = load.Readers()

    # ------------------------------------------------------------------ load

    def wrk(self, url, *, script=None, duration=None):
        shape = {
            "threads": self.args.wrk_threads,
            "connections": self.args.connections,
            "duration": duration or self.args.duration,
        }
        if not script:
            return load.wrk(url, **shape)
        result = self.readers.wrk(url, script=script, **shape)
        if result["ran_out"]:
            say(f"  (past the last reader of {Path(script).name}: some posts changed a read)")
        return result

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
            f"  {label:<34} {result['rps']:>8.0f} req/s  p50 {result['p50_ms'] or 0:>6.1f} ms"
            f"  p99 {result['p99_ms'] or 0:>7.1f} ms{errors}"
        )
        return result

    def settle(self, url, seconds=5):
        """Wait until the warm-up's last requests are done, so that the measurement starts
        on a quiet server."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.monotonic()
            if servers.answers(url) and time.monotonic() - started < 0.05:
                return
            time.sleep(0.1)

    def measure_baseline(self, *, first=False):
        """A shorter load of the baseline between pages: each page is compared with the
        baseline just before and just after it, which keeps the ratios honest on a machine
        whose load changes during the run."""
        result = self.measure(
            self.bases["baseline"],
            "/",
            label="baseline",
            duration=max(1, self.args.duration // 2),
            warmup=first,
            probe="/",
        )
        self.results["baseline_runs"].append(result)
        return result

    def load_all(self, plan):
        """Each row of ``plan``, with the baseline between rows."""
        if self.baseline_before is None:
            self.baseline_before = self.measure_baseline(first=True)
        for row in plan:
            with row.during() if row.during else contextlib.nullcontext() as base:
                page = self.measure(
                    base or self.bases[row.server],
                    row.path,
                    label=row.label,
                    script=row.script,
                    warmup=row.warmup,
                    probe=row.probe,
                )
            after = self.measure_baseline()
            mean = (self.baseline_before["rps"] + after["rps"]) / 2
            page.update(
                name=row.name,
                server=row.server,
                baseline_rps=round(mean, 1),
                reference=row.reference,
            )
            self.results["pages"].append(page)
            self.baseline_before = after

    # ------------------------------------------------------------------ the run

    def run(self):
        if not shutil.which("wrk"):
            sys.exit("bench: wrk is not installed (sudo apt-get install wrk; make system-deps).")
        for tool in ("varnishd", "nginx"):
            if not shutil.which(tool):
                sys.exit(f"bench: {tool} is not installed (make system-deps).")
        started = time.monotonic()
        self.stage.ensure_database(self.small_db)
        large = self.stage.ensure_database(self.large_db, scale=self.scale, template=self.small_db)
        say(f"Copying {self.large_db} to {self.run_db} for this run's writes")
        drop_database(self.run_db)
        create_database(self.run_db, template=self.large_db)
        create_write_floor(self.run_db)
        say("Collecting static files")
        self.stage.manage(self.run_db, "collectstatic", "--no-input", "-v", "0")
        say("Counting SQL queries per page (Django's test client, in-process)")
        inspect = self.inspect()
        pages, queries = inspect["pages"], inspect["queries"]
        queries |= self.inspect(small=pages["fixture"])["queries"]
        self.results.update(
            data_set=inspect["data_set"] | {"generation_seconds": large["generation_seconds"]},
            queries=queries,
            settings=self.stage.describe(self.run_db),
        )
        say(
            f"Loading with wrk: {self.args.duration} s per page, {self.args.wrk_threads} threads, "
            f"{self.args.connections} connections; the baseline between pages"
        )
        cache_port = servers.free_port()
        large_env = self.stage.env(self.run_db, purge_urls=[f"http://127.0.0.1:{cache_port}/"])
        started_servers = self.stage.start_servers(
            [
                ("baseline", "tools.bench.baseline:application", self.stage.env(self.run_db), "/"),
                ("large", "newsroom.wsgi", large_env, "/healthz"),
                ("small", "newsroom.wsgi", self.stage.env(self.small_db), "/healthz"),
                (
                    "unwritten",
                    "tools.bench.unwritten:application",
                    self.stage.env(self.run_db),
                    "/healthz",
                ),
            ]
        )
        self.bases = {name: server.base_url for name, server in started_servers.items()}
        backend = self.bases["large"].removeprefix("http://")
        self.bases["cache"] = self.exits.enter_context(cache.varnish(cache_port, backend))
        self.results["load_average_before"] = os.getloadavg()
        self.load_all(plan.pages(pages, inspect["scripts"], self.bases))
        say("Freshness through the cache: an editor's change, a reader's vote")
        story = self.bases["cache"] + pages["fixture"]
        slug = pages["fixture"].strip("/").rsplit("/", 1)[-1]
        self.results["freshness"] = {
            "edit_seconds": cache.editor_change_seconds(self.stage, large_env, story, slug),
            "vote": cache.vote_freshness(story),
        }
        say(f"  {self.results['freshness']}")
        count = 20 if self.smoke else plan.SLOW_CLIENTS
        self.load_all(plan.slow_clients(pages, self.bases, count, self.results["slow_clients"]))
        self.results["load_average_after"] = os.getloadavg()
        self.exits.close()
        self.stage.stop_servers()
        self.results["seconds"] = round(time.monotonic() - started, 1)
        self.results["command"] = " ".join(["python -m tools.bench", *sys.argv[1:]]).strip()
        written = report.write_report(self.results, self.args.output)
        say(f"Wrote {written} and {written.parent / 'latest.md'}")

    def inspect(self, small=None):
        """Pick the pages, count their queries and write the posting scripts; with
        ``small``, count that page's queries on the small data set."""
        out = self.tmp / ("inspect-small.json" if small else "inspect.json")
        if small:
            self.stage.in_database(self.small_db, "count-small-page", str(out), small)
        else:
            # Reader cookies per posting script: enough that no reader posts twice in a run
            # (the spread scripts post about 40,000 times on a 2-core machine), warm-ups
            # included (load.Readers).
            cookies, threads = str(2_000 if self.smoke else 100_000), str(self.args.wrk_threads)
            self.stage.in_database(
                self.run_db, "inspect", str(out), "--cookies", cookies, "--wrk-threads", threads
            )
        return json.loads(out.read_text())

    def cleanup(self):
        self.exits.close()
        self.stage.stop_servers()
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
        # A second of warm-up: a cold gunicorn worker on a busy machine can take longer
        # than the one-second load to answer its first request.
        args.duration, args.warmup = 1, 1
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
