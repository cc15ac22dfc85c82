"""The benchmark's HTTP cache side: nginx as the yardstick of a cache hit, slow clients,
and how soon an editor's change and a reader's vote show through the cache (Varnish,
tools/localcache.py, in front of the large data set's gunicorn).
"""

import contextlib
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from tools import servers
from tools.localcache import fetch

NGINX_CONF = """
worker_processes auto;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/html;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {folder}/www;
    }}
}}
"""


# nginx serves the page by its file name: asked for "/", it would find it through
# ``index``, an internal redirect that costs it about an eighth of its rate.
STATIC_NAME = "story.html"


@contextlib.contextmanager
def static_nginx(page):
    """nginx serving ``page`` (bytes) at ``/story.html`` with no application at all, the
    ceiling of a cache hit; yields its port."""
    folder, port = Path(tempfile.mkdtemp(prefix="newsroom-bench-nginx-")), servers.free_port()
    (folder / "www").mkdir()
    (folder / "www" / STATIC_NAME).write_bytes(page)
    (folder / "nginx.conf").write_text(NGINX_CONF.format(folder=folder, port=port))
    for path in (folder, folder / "www", folder / "www" / STATIC_NAME):
        path.chmod(0o755)  # nginx's workers run as nobody when started by root
    process = subprocess.Popen(
        ["nginx", "-p", folder, "-c", folder / "nginx.conf"], stderr=subprocess.DEVNULL
    )
    try:
        if not servers.wait_for(lambda: servers.answers(port, f"/{STATIC_NAME}"), 10):
            raise RuntimeError(f"nginx did not start: {(folder / 'error.log').read_text()}")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def slow_clients(port, *, count=200, interval=2.0):
    """``count`` clients that each send a request line, then a header line every
    ``interval`` seconds, never finishing; one the server drops is opened again.
    Yields a dict whose "reopened" counts the drops."""
    stats = {"clients": count, "interval_s": interval, "reopened": 0}
    stop = threading.Event()

    def open_one():
        with contextlib.suppress(OSError):
            client = socket.create_connection(("127.0.0.1", port), timeout=5)
            client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            return client
        return None

    clients = [open_one() for _ in range(count)]

    def trickle():
        line = 0
        while not stop.wait(interval):
            line += 1
            for number, client in enumerate(clients):
                try:
                    client.sendall(f"X-Slow-{line}: {'x' * 20}\r\n".encode())
                except (OSError, AttributeError):
                    if client is not None:
                        client.close()
                        stats["reopened"] += 1
                    clients[number] = open_one()

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        yield stats
    finally:
        stop.set()
        thread.join(timeout=interval + 5)
        for client in filter(None, clients):
            client.close()


def poll(condition, timeout):
    """Seconds until ``condition()`` held, polled every 50 ms; None after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return round(time.monotonic() - started, 3)
        time.sleep(0.05)
    return None


def editor_change_seconds(bench, url, slug, *, timeout=30):
    """Change a story's headline with the ORM in a process with the served site's settings
    (the app purges the cache as it does for an editor) and poll the story through the
    cache until the new headline shows: seconds from the save to the new page."""
    headline, seen = f"Bench edit {time.time_ns()}", {}

    def watch():
        if poll(lambda: headline in fetch(url)[2], timeout) is not None:
            seen["at"] = time.time()

    fetch(url), fetch(url)  # warm: the next reads are hits
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    code = (
        "import time; from articles.models import Article; "
        f"story = Article.objects.get(slug={slug!r}); story.headline = {headline!r}; "
        "print(time.time(), flush=True); story.save()"
    )
    saved_at = float(bench.manage(bench.copy, "shell", "-c", code, capture=True).split()[-1])
    watcher.join(timeout + 5)
    return round(seen["at"] - saved_at, 3) if "at" in seen else None


def vote_freshness(url, *, timeout=20):
    """POST a read through the cache as a new reader; how soon the reader's own panels
    (the uncached per-reader endpoint) show it, and the shared page's tally rises."""

    def tally():
        match = re.search(r"([\d,]+) reads? so far", fetch(url)[2])
        return int(match.group(1).replace(",", "")) if match else 0

    before = tally()
    form = {"Sec-Fetch-Site": "same-origin", "Content-Type": "application/x-www-form-urlencoded"}
    status, headers, _ = fetch(url + "read/", method="POST", data=b"choice=promising", headers=form)
    posted = time.monotonic()
    cookie = (headers.get("Set-Cookie") or "").split(";")[0]
    mine = fetch(url + "mine/", headers={"Cookie": cookie, "Accept": "application/json"})
    return {
        "post_status": status,
        "mine_shows_it": "Your read: <strong>" in mine[2],
        "mine_seconds": round(time.monotonic() - posted, 3),
        "tally_before": before,
        "tally_seconds": poll(lambda: tally() > before, timeout),
    }
