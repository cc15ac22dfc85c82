"""`make chaos`: kill gunicorn workers and restart PostgreSQL under load; lose nothing.

Starts a throwaway PostgreSQL cluster of its own (the project's localdb script,
run from a temporary copy of the checkout, on a free port), migrates it and
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

    python tools/chaos.py [--seconds 60] [--workers 3] [--threads 12] [--smoke]

Loopback only; bounded in time; the cluster, the server and the temporary
files are removed on the way out, also after an error or Ctrl-C. The
development database is never touched. It runs `collectstatic` into the
checkout's staticfiles/ first (as `make static` does), which production mode
serves from.
"""

import argparse
import collections
import contextlib
import functools
import http.client
import os
import random
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(CHECKOUT))

from tools import localdb, localredis, servers  # noqa: E402  (standard library only)

REQUEST_TIMEOUT_SECONDS = 15
RECOVERY_TIMEOUT_SECONDS = 30


def say(message=""):
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


class ThrowawayCluster:
    """A PostgreSQL cluster of its own, made by the project's localdb script.

    The script is copied into a temporary "checkout", so that the cluster's
    data, port and socket belong to that copy and never to the development one.
    """

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="newsroom-chaos-"))
        # The postgres OS user (the server's, when we are root) must be able to enter it.
        self.root.chmod(0o755)
        package = self.root / "tools"
        package.mkdir()
        shutil.copy(CHECKOUT / "tools" / "localdb.py", package / "localdb.py")
        (package / "__init__.py").touch()
        self.port = servers.free_port()
        self.env = os.environ | {"NEWSROOM_DB_PORT": str(self.port)}
        self.env.pop("DATABASE_URL", None)
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/newsroom"
        self.data = self.root / ".localdb"

    def _localdb(self, command):
        result = subprocess.run(
            [sys.executable, "-m", "tools.localdb", command],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"localdb {command} failed: {result.stdout}{result.stderr}")
        return result

    def start(self):
        self._localdb("start")

    def stop(self):
        self._localdb("stop")

    def crash(self):
        """Stop as a power cut would: no checkpoint, WAL recovery on the next start."""
        command = [
            localdb.pg_binary("pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            "immediate",
            "-w",
            "stop",
        ]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, capture_output=True, check=False)

    def is_up(self):
        command = [localdb.pg_binary("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        return subprocess.run(command, check=False).returncode == 0

    def remove(self):
        with contextlib.suppress(RuntimeError):
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

    def manage(self, *args):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=CHECKOUT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def request(port, method, path, *, body=None, headers=None):
    """(status, Location) of one request; status None when the connection failed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_SECONDS)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    except (OSError, http.client.HTTPException):
        return None, None
    finally:
        connection.close()


@dataclass
class Attempt:
    """One write a reader sent, and what the server said."""

    kind: str  # "read" or "forecast"
    reader: str
    target: str  # the story's or the question's slug
    value: object  # a read choice, None for a withdrawal, or a probability
    outcome: str  # "acked", "refused" (4xx: certainly not stored) or "unknown"
    status: int | None


@dataclass
class Traffic:
    attempts: list = field(default_factory=list)
    statuses: collections.Counter = field(default_factory=collections.Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, label, status, attempt=None):
        with self.lock:
            self.statuses[(label, status)] += 1
            if attempt is not None:
                self.attempts.append(attempt)


def outcome_of(status, acked):
    if status in acked:
        return "acked"
    if status is not None and 400 <= status < 500:
        return "refused"
    return "unknown"


class SyntheticReader:
    """A reader with a signed cookie, acting one request at a time (so its order is known)."""

    CSRF = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))

    def __init__(self, port, sign):
        self.port = port
        self.id = uuid.uuid4().hex
        self.cookie = f"csrftoken={self.CSRF}; reader={sign(self.id)}"

    def post(self, path, data, *, accept_json):
        body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": self.CSRF})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.cookie,
            "Referer": f"http://127.0.0.1:{self.port}{path}",
        }
        if accept_json:
            headers["Accept"] = "application/json"
        return request(self.port, "POST", path, body=body, headers=headers)[0]


def run_traffic(port, sign, stories, questions, *, seconds, threads, readers_per_thread, traffic):
    choices = ["game_changer", "promising", "too_early", "overhyped"]
    pages = ["/", *(f"/articles/{slug}/" for slug in stories)]
    pages += [f"/predictions/{slug}/" for slug in questions]
    deadline = time.monotonic() + seconds

    def worker(seed):
        rng = random.Random(seed)
        readers = [SyntheticReader(port, sign) for _ in range(readers_per_thread)]
        while time.monotonic() < deadline:
            reader = rng.choice(readers)
            roll = rng.random()
            if roll < 0.35:
                traffic.record("GET page", request(port, "GET", rng.choice(pages))[0])
            elif roll < 0.7:
                story = rng.choice(stories)
                choice = None if rng.random() < 0.1 else rng.choice(choices)
                data = {"withdraw": "1"} if choice is None else {"choice": choice}
                status = reader.post(f"/articles/{story}/read/", data, accept_json=True)
                outcome = outcome_of(status, {200, 302})
                attempt = Attempt("read", reader.id, story, choice, outcome, status)
                traffic.record("POST read", status, attempt)
            else:
                question = rng.choice(questions)
                probability = rng.randint(1, 99)
                status = reader.post(
                    f"/predictions/{question}/forecast/",
                    {"probability": str(probability)},
                    accept_json=False,
                )
                outcome = outcome_of(status, {302})
                attempt = Attempt("forecast", reader.id, question, probability, outcome, status)
                traffic.record("POST forecast", status, attempt)

    pool = [threading.Thread(target=worker, args=(index,)) for index in range(threads)]
    for thread in pool:
        thread.start()
    return pool


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


def allowed_final_reads(attempts):
    """The states a reader's read of a story may be in: the last acknowledged write, or any
    write sent after it whose answer was lost (it may have been stored)."""
    allowed = {None}
    for attempt in attempts:
        if attempt.outcome == "acked":
            allowed = {attempt.value}
        elif attempt.outcome == "unknown":
            allowed.add(attempt.value)
    return allowed


def forecasts_match(attempts, stored):
    """Stored rows are exactly the acknowledged forecasts, in order, plus possibly some whose
    answer was lost: each acknowledged one exactly once, nothing that was not sent."""
    sent = [attempt for attempt in attempts if attempt.outcome != "refused"]

    @functools.cache
    def match(i, j):
        if i == len(sent):
            return j == len(stored)
        if j < len(stored) and stored[j] == sent[i].value and match(i + 1, j + 1):
            return True
        return sent[i].outcome == "unknown" and match(i + 1, j)

    return match(0, 0)


def check_integrity(traffic):
    """Every finding as (ok, message)."""
    from django.db.models import Count

    from predictions import consistency as predictions_consistency
    from predictions.models import Forecast, Read
    from trust import consistency as trust_consistency

    findings = []
    attempts = [a for a in traffic.attempts if a.outcome != "refused"]
    acked = [a for a in attempts if a.outcome == "acked"]

    by_pair = collections.defaultdict(list)
    for attempt in traffic.attempts:
        by_pair[(attempt.kind, attempt.reader, attempt.target)].append(attempt)

    stored_reads = {
        (reader, slug): choice
        for reader, slug, choice in Read.objects.values_list("reader_id", "article__slug", "choice")
    }
    duplicates = (
        Read.objects.values("article", "reader_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    read_pairs = [key for key in by_pair if key[0] == "read"]
    wrong_reads = [
        (reader, slug)
        for _, reader, slug in read_pairs
        if stored_reads.get((reader, slug))
        not in allowed_final_reads(by_pair[("read", reader, slug)])
    ]
    readers = {reader for _, reader, _ in read_pairs}
    phantom = [key for key in stored_reads if key[0] in readers and ("read", *key) not in by_pair]
    acked_reads = sum(1 for a in acked if a.kind == "read")
    findings.append(
        (
            not wrong_reads and not duplicates and not phantom,
            f"reads: {acked_reads} acknowledged writes over {len(read_pairs)} reader/story pairs;"
            f" {len(wrong_reads)} pairs whose stored read is not the last acknowledged one,"
            f" {duplicates} duplicated, {len(phantom)} never sent",
        )
    )

    stored_forecasts = collections.defaultdict(list)
    for reader, slug, probability in Forecast.objects.order_by("made_at", "pk").values_list(
        "reader_id", "question__slug", "probability"
    ):
        stored_forecasts[(reader, slug)].append(probability)
    forecast_pairs = [key for key in by_pair if key[0] == "forecast"]
    mismatched = [
        key
        for key in forecast_pairs
        if not forecasts_match(by_pair[key], stored_forecasts[key[1:]])
    ]
    forecasters = {reader for _, reader, _ in forecast_pairs}
    extra = [
        key
        for key in stored_forecasts
        if key[0] in forecasters and ("forecast", *key) not in by_pair
    ]
    acked_forecasts = sum(1 for a in acked if a.kind == "forecast")
    findings.append(
        (
            not mismatched and not extra,
            f"forecasts: {acked_forecasts} acknowledged over {len(forecast_pairs)} reader/question"
            f" pairs; {len(mismatched)} pairs lost or duplicated a forecast,"
            f" {len(extra)} with rows never sent",
        )
    )

    differences = predictions_consistency.differences() + trust_consistency.differences()
    findings.append(
        (
            not differences,
            "stored aggregates (read tallies, topic interest, community forecasts and their"
            f" history, scores, trust) equal those recomputed from raw rows: {len(differences)}"
            " differ" + "".join(f"\n       {line}" for line in differences[:10]),
        )
    )
    return findings


def summarise_statuses(traffic):
    by_label = collections.defaultdict(collections.Counter)
    for (label, status), count in traffic.statuses.items():
        by_label[label][status if status is not None else "no answer"] += count
    lines = []
    for label in sorted(by_label):
        counts = by_label[label]
        detail = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items(), key=str))
        lines.append(f"  {label:<14} {sum(counts.values()):>6}  ({detail})")
    return lines


def configure_django(database_url, secret_key):
    os.environ.update(
        NEWSROOM_ENV="development",
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        LOG_LEVEL="ERROR",
    )
    sys.path.insert(0, str(CHECKOUT))
    import django

    django.setup()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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
