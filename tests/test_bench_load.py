"""The benchmark's posting loads post as new readers, warm-up and measurement alike:
wrk with tools/bench/load.py's script against a server that records who posted."""

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tools.bench import load

pytestmark = pytest.mark.skipif(
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


def test_a_run_past_the_last_reader_says_so(recorders, tmp_path):
    script, readers = post_script(tmp_path, 50), load.Readers()
    posted, result = run(readers, script, recorders())

    assert len(posted) > 50, "too few posts to reach the end of the file"
    assert result["ran_out"] and result["readers"] == 50
