"""The benchmark's loads: its posting loads post as new readers, warm-up and measurement
alike (wrk with tools/bench/load.py's script against a server that records who posted),
and its crawl counts the second pass's hits over the stories the first pass fetched
(tools/bench/crawl.py against a server that plays the cache)."""

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tools.bench import crawl, load

needs_wrk = pytest.mark.skipif(
    shutil.which("wrk") is None,
    reason="wrk is not installed (apt-get install wrk, or make system-deps); CI installs it",
)
THREADS = 2
READERS = 200_000


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            self.server.posted.append(self.headers["Cookie"].removeprefix("reader="))
        self.send_response(302)
        self.send_header("Location", "/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def recorders():
    """Start a recording server per call: a post still in flight when wrk stops lands
    on its own run's server, not on the next one's."""
    started = []

    def start():
        server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
        server.daemon_threads = True
        server.posted, server.lock = [], threading.Lock()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def post_script(folder, readers):
    return load.write_post_script(
        folder,
        "read",
        cookies=[f"reader{number}" for number in range(readers)],
        paths=["/articles/a-story/read/"],
        bodies=["choice=promising"],
        threads=THREADS,
        post_every=1,
        read_page="/",
    )


def run(readers, script, server):
    url = f"http://127.0.0.1:{server.server_port}/"
    result = readers.wrk(url, script=script, threads=THREADS, connections=THREADS, duration=1)
    return server.posted, result


@needs_wrk
def test_each_run_of_a_script_starts_after_the_readers_the_last_one_posted_as(recorders, tmp_path):
    script, readers = post_script(tmp_path, READERS), load.Readers()
    # A warm-up and the load measured after it.
    (first, first_result), (second, second_result) = (
        run(readers, script, recorders()) for _ in range(2)
    )

    assert first and second
    assert len(set(first)) == len(first) and len(set(second)) == len(second)
    assert not set(first) & set(second), "the second run posted again as the first's readers"
    assert second_result["next_reader"] <= READERS, "the file ran out: the test proves nothing"
    assert not first_result["ran_out"] and not second_result["ran_out"]
    numbers = [int(reader.removeprefix("reader")) for reader in first + second]
    first_next = first_result["next_reader"]
    assert first_next % THREADS == 0 and first_next > max(numbers[: len(first)])
    assert min(numbers[len(first) :]) >= first_next
    assert second_result["next_reader"] > max(numbers)


@needs_wrk
def test_a_run_past_the_last_reader_says_so(recorders, tmp_path):
    script, readers = post_script(tmp_path, 50), load.Readers()
    posted, result = run(readers, script, recorders())

    assert len(posted) > 50, "too few posts to reach the end of the file"
    assert result["ran_out"] and result["readers"] == 50


class Cache(BaseHTTPRequestHandler):
    """A story is a miss the first time it is fetched and a hit after, but for those the
    edge throttles on their first request (429) and one evicted each time it is fetched."""

    protocol_version = "HTTP/1.1"
    throttled = {"/story/1/", "/story/2/"}
    evicted = "/story/3/"

    def do_GET(self):
        with self.server.lock:
            self.server.addresses.add(self.client_address[0])
            seen = self.path in self.server.seen
            self.server.seen.add(self.path)
        if not seen and self.path in self.throttled:
            status, cached = 429, "miss"
        else:
            status, cached = 200, "hit" if seen and self.path != self.evicted else "miss"
        self.send_response(status)
        self.send_header("X-Cache", cached)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_the_crawl_counts_second_pass_hits_over_the_stories_its_first_pass_fetched():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Cache)
    server.daemon_threads = True
    server.seen, server.addresses, server.lock = set(), set(), threading.Lock()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    paths = [f"/story/{number}/" for number in range(10)]
    results = {}
    try:
        with crawl.crawling(server.server_port, paths, connections=3, results=results):
            pass
    finally:
        server.shutdown()
        server.server_close()

    summary = results["crawl"]
    first, second = summary["passes"][:2]
    assert first["requests"] == second["requests"] == summary["stories"] == 10
    assert first["statuses"] == {"200": 8, "429": 2} and second["statuses"] == {"200": 10}
    assert summary["fetched_first_pass"] == 8 and summary["throttled_first_pass"] == 2
    # Of the 8 fetched, 7 are hits; the two throttled at first are misses now, not counted.
    assert summary["second_pass_hits"] == 7 and summary["second_pass_hit_rate"] == 0.875
    assert server.addresses == {crawl.CRAWLER_ADDRESS}, "the crawler has its own address"
