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
def recorder():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.daemon_threads = True
    server.posted, server.lock = [], threading.Lock()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_each_run_of_a_script_starts_after_the_readers_the_last_one_posted_as(recorder, tmp_path):
    script = load.write_post_script(
        tmp_path,
        "read",
        cookies=[f"reader{number}" for number in range(READERS)],
        paths=["/articles/a-story/read/"],
        bodies=["choice=promising"],
        threads=THREADS,
        post_every=1,
        read_page="/",
    )
    readers, runs = load.Readers(), []
    url = f"http://127.0.0.1:{recorder.server_port}/"
    for _ in range(2):  # a warm-up and the load measured after it
        before = len(recorder.posted)
        result = load.wrk(
            url,
            threads=THREADS,
            connections=THREADS,
            duration=1,
            script=script,
            first_reader=readers.first(script),
        )
        readers.ran(script, result)
        runs.append((recorder.posted[before:], result["next_reader"]))

    (first, first_next), (second, second_next) = runs
    assert first and second
    assert len(set(first)) == len(first) and len(set(second)) == len(second)
    assert not set(first) & set(second), "the second run posted again as the first's readers"
    numbers = [int(reader.removeprefix("reader")) for reader in first + second]
    assert max(numbers) < READERS, "the file of readers ran out: the test proves nothing"
    assert first_next % THREADS == 0 and first_next > max(numbers[: len(first)])
    assert min(numbers[len(first) :]) >= first_next
    assert second_next > max(numbers) and readers.first(script) == second_next
