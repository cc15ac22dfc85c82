"""A Crossref- and arXiv-compatible HTTP server for the tests: real HTTP on 127.0.0.1.

It answers ``GET /works/<doi>`` as Crossref's REST API does and ``GET /api/query?id_list=``
as arXiv's API does, from the recorded answers in crossref_responses/ (Crossref's
documented JSON shape, arXiv's Atom), trimmed to the fields and first authors the site
reads:

- lutetium-hydride-retracted.json: Dasenbrock-Gammon et al., Nature 615, 244–250 (2023),
  retracted on 7 November 2023 by the notice 10.1038/s41586-023-06774-2, recorded by the
  publisher and by Retraction Watch;
- zhou-2020-biorxiv-preprint.json and zhou-2020-nature.json: a bioRxiv preprint
  (``is-preprint-of``) and its version in Nature (``has-preprint``, and an addendum);
- wakefield-1998-lancet.json: a correction (2004) and a retraction (2010), both as
  Retraction Watch records them;
- mehra-2020-lancet-concern.json: The Lancet's expression of concern of 2 June 2020, as
  the record stood before the retraction of 5 June (mehra-2020-lancet-retracted.json,
  served only when a test asks for it);
- arxiv-1602.03837.xml (published: ``arxiv:doi`` and ``journal_ref``) and
  arxiv-2307.12008.xml (never published).

The Retraction Watch record numbers of the lutetium-hydride and Lancet 2020 retractions
are stand-ins; everything else is as the indexes publish it.

A few DOIs under Crossref's test prefix 10.5555 answer as failures do: RATE_LIMITED (429
with Retry-After: 30), SLOW (holds its answer SLOW_SECONDS, longer than any client waits)
and MALFORMED (JSON cut short). Any other DOI gets Crossref's 404, "Resource not found.";
any other arXiv id, arXiv's empty feed. A test changes an answer with ``answer(doi, …)``
and counts what reached the server with ``requests_for(doi)``.
"""

import json
import threading
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

RESPONSES = Path(__file__).resolve().parent / "crossref_responses"

RETRACTED = "10.1038/s41586-023-05742-0"
RETRACTION_NOTICE = "10.1038/s41586-023-06774-2"
PREPRINT = "10.1101/2020.01.22.914952"
PUBLISHED = "10.1038/s41586-020-2012-7"
CORRECTED = "10.1016/s0140-6736(97)11096-0"
CONCERN = "10.1016/s0140-6736(20)31180-6"
ARXIV_PUBLISHED = "1602.03837"
ARXIV_PREPRINT = "2307.12008"
RATE_LIMITED = "10.5555/rate-limited"
SLOW = "10.5555/slow"
MALFORMED = "10.5555/malformed"
SLOW_SECONDS = 30
RETRY_AFTER = 30

RECORDED = {
    RETRACTED: "lutetium-hydride-retracted.json",
    PREPRINT: "zhou-2020-biorxiv-preprint.json",
    PUBLISHED: "zhou-2020-nature.json",
    CORRECTED: "wakefield-1998-lancet.json",
    CONCERN: "mehra-2020-lancet-concern.json",
}
RECORDED_ARXIV = {
    ARXIV_PUBLISHED: "arxiv-1602.03837.xml",
    ARXIV_PREPRINT: "arxiv-2307.12008.xml",
}


def recorded(name):
    """A recorded Crossref answer (a dict) by file name, to change or serve elsewhere."""
    return json.loads((RESPONSES / name).read_text())


@dataclass(frozen=True)
class Reply:
    """One answer: status, body, headers, and how long to hold it before sending."""

    status: int
    body: bytes
    headers: dict = field(default_factory=dict)
    delay: float = 0

    @classmethod
    def json(cls, data, status=200):
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json"})

    @classmethod
    def text(cls, status, text, **headers):
        return cls(status, text.encode(), {"Content-Type": "text/plain", **headers})

    @classmethod
    def atom(cls, text):
        return cls(200, text.encode(), {"Content-Type": "application/atom+xml"})


NOT_FOUND = Reply.text(404, "Resource not found.")


def as_reply(answer, *, retry_after=RETRY_AFTER):
    """A Reply from what a test gives: a Reply; a status (404 is Crossref's "Resource not
    found.", 429 carries Retry-After); a whole Crossref answer or only its message."""
    if isinstance(answer, Reply):
        return answer
    if isinstance(answer, int):
        if answer == 404:
            return NOT_FOUND
        headers = {"Retry-After": str(retry_after)} if answer == 429 else {}
        return Reply.text(answer, "Too many requests." if answer == 429 else "Error", **headers)
    if "message" not in answer:
        answer = {"status": "ok", "message-type": "work", "message": answer}
    return Reply.json(answer)


@dataclass(frozen=True)
class Seen:
    """A request that reached the server."""

    path: str
    query: dict
    headers: dict


class CrossrefServer:
    def __init__(self):
        self._answers = {doi: as_reply(recorded(name)) for doi, name in RECORDED.items()}
        self._answers |= {
            RATE_LIMITED: as_reply(429),
            SLOW: replace(self._answers[RETRACTED], delay=SLOW_SECONDS),
            MALFORMED: Reply(200, b'{"status": "ok", "message-type": "work", "message": {"DO'),
        }
        self._arxiv = {
            paper: Reply.atom((RESPONSES / name).read_text())
            for paper, name in RECORDED_ARXIV.items()
        }
        self._empty_feed = Reply.atom((RESPONSES / "arxiv-empty.xml").read_text())
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self.requests = []
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._http.server_port}"

    def __str__(self):
        return self.url

    def answer(self, doi, answer, *, retry_after=RETRY_AFTER):
        """From now on, answer ``doi`` with ``answer`` (see ``as_reply``)."""
        with self._lock:
            self._answers[doi.lower()] = as_reply(answer, retry_after=retry_after)

    def answer_arxiv(self, paper_id, answer):
        """From now on, answer the arXiv id with ``answer``: Atom text or a Reply."""
        with self._lock:
            self._arxiv[paper_id] = answer if isinstance(answer, Reply) else Reply.atom(answer)

    def requests_for(self, identifier):
        """The requests for a DOI (``/works/<doi>``) or an arXiv id (``id_list``)."""
        identifier = identifier.lower()
        with self._lock:
            return [
                seen
                for seen in self.requests
                if seen.path.lower() == f"/works/{identifier}"
                or seen.query.get("id_list", [""])[0].lower() == identifier
            ]

    def _reply_for(self, path, query):
        with self._lock:
            if path.startswith("/works/"):
                return self._answers.get(path.removeprefix("/works/").lower(), NOT_FOUND)
            if path == "/api/query":
                return self._arxiv.get(query.get("id_list", [""])[0], self._empty_feed)
        return NOT_FOUND

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                path, query = unquote(parts.path), parse_qs(parts.query)
                with server._lock:
                    server.requests.append(Seen(path, query, dict(self.headers)))
                reply = server._reply_for(path, query)
                if reply.delay and server._closing.wait(reply.delay):
                    return
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first, as a client that times out does

            def log_message(self, format, *args):
                pass

        return Handler

    def close(self):
        self._closing.set()
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def crossref_server(settings):
    """A running CrossrefServer; the site's Crossref and arXiv settings point at it, with
    a polite-pool address and a two-second timeout."""
    server = CrossrefServer()
    settings.CROSSREF_API_URL = server.url
    settings.ARXIV_API_URL = f"{server.url}/api/query"
    settings.CROSSREF_MAILTO = "editors@news.example.org"
    settings.CROSSREF_TIMEOUT_SECONDS = 2
    yield server
    server.close()
