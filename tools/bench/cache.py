"""The benchmark's HTTP cache side: Varnish in front, nginx as the yardstick, slow
clients and how soon a change shows through the cache.

- ``varnish(port, backend)``: tools/localcache.py's Varnish (newsroom/deploy/varnish.vcl)
  in front of a gunicorn, for as long as the ``with`` lasts.
- ``static_nginx(folder, page)``: nginx serving ``page``'s bytes as a file at ``/`` on a
  free loopback port, with a minimal generated configuration: what a web server does with
  no application at all, the ceiling of a cache hit.
- ``slow_clients(port)``: sockets that send a request a header line at a time and never
  finish it, reopened when the server drops them, while a page is loaded.
- ``editor_change_seconds()`` and ``vote_freshness()``: an editor's change and a reader's
  vote, followed through the cache until every reader sees them.
"""

import contextlib
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from tools import localcache, servers
from tools.localcache import fetch

POLL_SECONDS = 0.05
TALLY = re.compile(r"([\d,]+) reads? so far")


@contextlib.contextmanager
def varnish(port, backend):
    localcache.start(port, [backend])
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        localcache.stop(port)


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
        index index.html;
    }}
}}
"""


@contextlib.contextmanager
def static_nginx(page):
    """nginx serving ``page`` (bytes) at ``/``; yields its base URL."""
    folder = Path(tempfile.mkdtemp(prefix="newsroom-bench-nginx-"))
    folder.chmod(0o755)  # nginx's workers run as nobody when started by root
    (folder / "www").mkdir(mode=0o755)
    (folder / "www" / "index.html").write_bytes(page)
    (folder / "www" / "index.html").chmod(0o644)
    port = servers.free_port()
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(folder=folder, port=port))
    command = ["nginx", "-p", str(folder), "-c", str(conf)]
    log = open(folder / "stderr.log", "w")  # noqa: SIM115 (closed below, after nginx)
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while not servers.answers(base + "/"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {(folder / 'stderr.log').read_text()}")
            time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def slow_clients(port, *, count=200, interval=2.0):
    """``count`` clients that each send a request line, then a header line every
    ``interval`` seconds, never finishing; one the server drops is opened again.
    Yields a dict whose "reopened" counts the drops."""
    request_start = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    stats = {"clients": count, "interval_s": interval, "reopened": 0}
    stop = threading.Event()

    def open_one():
        with contextlib.suppress(OSError):
            client = socket.create_connection(("127.0.0.1", port), timeout=5)
            client.sendall(request_start)
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
        for client in clients:
            if client is not None:
                client.close()


def page_bytes(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def poll(condition, timeout):
    """Seconds until ``condition()`` held, polling every POLL_SECONDS; None after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(POLL_SECONDS)
    return None


def editor_change_seconds(stage, env, url, slug, *, timeout=30):
    """Change a story's headline with the ORM in a process of the served site's own (its
    env: the app purges the cache as it does for an editor), and poll the story through
    the cache until the new headline shows: seconds from the save to the new page."""
    headline = f"Bench edit {time.time_ns()}"
    seen = {}

    def watch():
        polled = poll(lambda: headline in fetch(url)[2], timeout)
        if polled is not None:
            seen["at"] = time.time()

    fetch(url), fetch(url)  # warm: the next reads are hits
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    code = (
        "import time; from articles.models import Article; "
        f"story = Article.objects.get(slug={slug!r}); story.headline = {headline!r}; "
        "print(time.time(), flush=True); story.save()"
    )
    saved_at = float(stage.run(["manage.py", "shell", "-c", code], env, capture=True).split()[-1])
    watcher.join(timeout + 5)
    return round(seen["at"] - saved_at, 3) if "at" in seen else None


def vote_freshness(url, *, timeout=20):
    """POST a read through the cache as a new reader; how soon the reader's own panels
    (the uncached per-reader endpoint) show it, and the shared page's tally rises."""

    def tally():
        match = TALLY.search(fetch(url)[2])
        return int(match.group(1).replace(",", "")) if match else None

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
        "tally_seconds": _rounded(poll(lambda: (tally() or 0) > (before or 0), timeout)),
    }


def _rounded(seconds):
    return None if seconds is None else round(seconds, 3)
