"""Synthetic readers: page reads, votes and forecasts from several threads, each recorded,
and a fault struck a third of the way into their load."""

import collections
import http.client
import json
import random
import secrets
import string
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field

from django.core import signing

from tools import servers
from tools.faults import table

FAULT_AT = 0.3
# The reader cookie as the site signs it (core/readers.py: salt "reader" + "newsroom.reader").
READER_COOKIE_SALT = "readernewsroom.reader"


def reader_signer(secret_key):
    """Signs reader ids as the site does with ``secret_key`` (django.core.signing's
    get_cookie_signer and core/readers.py's salt), without configuring Django here."""
    key = b"django.http.cookies" + secret_key.encode()
    return signing.TimestampSigner(key=key, salt=READER_COOKIE_SALT, fallback_keys=[]).sign


def site_targets(env):
    """Published story slugs and open question slugs, as the models define them."""
    code = (
        "import json; from articles.models import Article; from predictions.models import Question;"
        "print(json.dumps([list(Article.objects.published().values_list('slug', flat=True)),"
        " list(Question.objects.public().open_now().values_list('slug', flat=True))]))"
    )
    output = servers.manage(env, "shell", "-c", code, capture=True)
    return json.loads(output.strip().splitlines()[-1])


def request(address, method, path, *, body=None, headers=None):
    """(status, Location) of one request; status None when the connection failed."""
    try:
        status, answer, _ = servers.request(
            address, method, path, body=body, headers=headers, timeout=15
        )
    except (OSError, http.client.HTTPException):
        return None, None
    return status, answer.get("Location")


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
    # When each 5xx or unanswered request ended (time.monotonic()): how long a fault hurt.
    failures: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, label, status, attempt=None):
        with self.lock:
            self.statuses[(label, status)] += 1
            if status is None or status >= 500:
                self.failures.append(time.monotonic())
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

    def __init__(self, address, sign):
        self.address = address
        self.id = uuid.uuid4().hex
        self.cookie = f"csrftoken={self.CSRF}; reader={sign(self.id)}"

    def post(self, path, data, *, accept_json=False):
        body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": self.CSRF})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.cookie,
            "Referer": f"http://127.0.0.1{path}",
        }
        if accept_json:
            headers["Accept"] = "application/json"
        return request(self.address, "POST", path, body=body, headers=headers)[0]


def run_traffic(address, sign, targets, *, seconds, threads, readers_per_thread, traffic):
    stories, questions = targets
    choices = ["game_changer", "promising", "too_early", "overhyped"]
    pages = ["/", *(f"/articles/{slug}/" for slug in stories)]
    pages += [f"/predictions/{slug}/" for slug in questions]
    deadline = time.monotonic() + seconds

    def worker(seed):
        rng = random.Random(seed)
        readers = [SyntheticReader(address, sign) for _ in range(readers_per_thread)]
        while time.monotonic() < deadline:
            reader, roll = rng.choice(readers), rng.random()
            if roll < 0.35:
                traffic.record("GET page", request(address, "GET", rng.choice(pages))[0])
            elif roll < 0.7:
                story = rng.choice(stories)
                choice = None if rng.random() < 0.1 else rng.choice(choices)
                data = {"withdraw": "1"} if choice is None else {"choice": choice}
                status = reader.post(f"/articles/{story}/read/", data, accept_json=True)
                attempt = Attempt(
                    "read", reader.id, story, choice, outcome_of(status, {200, 302}), status
                )
                traffic.record("POST read", status, attempt)
            else:
                question, probability = rng.choice(questions), rng.randint(1, 99)
                path = f"/predictions/{question}/forecast/"
                status = reader.post(path, {"probability": str(probability)})
                outcome = outcome_of(status, {302})
                attempt = Attempt("forecast", reader.id, question, probability, outcome, status)
                traffic.record("POST forecast", status, attempt)

    pool = [threading.Thread(target=worker, args=(index,)) for index in range(threads)]
    for thread in pool:
        thread.start()
    return pool


def under_load(name, strike, *, address, sign, targets, database, seconds, threads, readers=3):
    """``strike()`` a third of the way into ``seconds`` of readers' traffic at ``address``;
    the table's row for it, its writes held against ``database``."""
    traffic, started = Traffic(), time.monotonic()
    pool = run_traffic(
        address,
        sign,
        targets,
        seconds=seconds,
        threads=threads,
        readers_per_thread=readers,
        traffic=traffic,
    )
    time.sleep(max(0.0, started + FAULT_AT * seconds - time.monotonic()))
    struck = time.monotonic()
    passed, notes = strike()
    restored = time.monotonic()
    for thread in pool:
        thread.join()
    return table.row(
        name, traffic, database, struck=struck, restored=restored, notes=notes, passed=passed
    )
