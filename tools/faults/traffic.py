"""Synthetic readers: page reads, votes and forecasts from several threads, each recorded."""

import collections
import http.client
import random
import secrets
import string
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field

from tools import servers

REQUEST_TIMEOUT_SECONDS = 15


def request(address, method, path, *, body=None, headers=None):
    """(status, Location) of one request; status None when the connection failed."""
    try:
        status, answer, _ = servers.request(
            address, method, path, body=body, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS
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

    def post(self, path, data, *, accept_json):
        body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": self.CSRF})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.cookie,
            "Referer": f"http://127.0.0.1{path}",
        }
        if accept_json:
            headers["Accept"] = "application/json"
        return request(self.address, "POST", path, body=body, headers=headers)[0]


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
