"""gunicorn on a loopback port, for the tools that need a real server.

``Gunicorn(app, env=…, log_path=…)`` serves a WSGI app with newsroom/gunicorn_conf.py
on 127.0.0.1 (at ``port``, or a free one), or on a unix ``socket`` (an app behind the
HTTP cache, reachable by nothing else); ``start()`` returns once ``probe`` answers
200 and ``stop()`` shuts it down (SIGINT, gunicorn's quick stop; SIGKILL after ten
seconds). The server gets a process group of its own, so a Ctrl-C in the terminal
reaches the tool, which stops the server on its way out, and not gunicorn halfway
through a request. bench, chaos, liveserver and tools/cluster/ use it. Standard
library only.
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = "newsroom/gunicorn_conf.py"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 10


def say(message=""):
    """A tool's progress line, flushed at once so that it shows before a long step."""
    sys.stdout.write(f"==> {message}\n")
    sys.stdout.flush()


def free_port():
    """A port nothing listens on now (the kernel's pick on 127.0.0.1)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_tool(module, command, *, env):
    """``python -m module command`` from the checkout with ``env``: its output, or
    RuntimeError with what it said."""
    result = subprocess.run(
        [sys.executable, "-m", module, command],
        cwd=CHECKOUT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{module} {command} failed: {result.stdout}{result.stderr}")
    return result.stdout


def answers(url, timeout=2):
    """True when ``url`` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP to a server on a unix socket; requests name the host 127.0.0.1."""

    def __init__(self, path, timeout=10):
        super().__init__("127.0.0.1", timeout=timeout)
        self.path = str(path)

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def connection(address, timeout=10):
    """An HTTP connection to ``address``: a port on 127.0.0.1, or a unix socket's path."""
    if isinstance(address, int):
        return http.client.HTTPConnection("127.0.0.1", address, timeout=timeout)
    return UnixHTTPConnection(address, timeout=timeout)


def request(address, method, path, *, body=None, headers=None, timeout=10):
    """(status, headers, body as text) of one request to ``address``."""
    client = connection(address, timeout)
    try:
        client.request(method, path, body=body, headers=headers or {})
        response = client.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        client.close()


def answers_at(address, path, timeout=2):
    """True when ``path`` at ``address`` (a port or a unix socket) answers 200."""
    try:
        return request(address, "GET", path, timeout=timeout)[0] == 200
    except (OSError, http.client.HTTPException):
        return False


class Gunicorn:
    def __init__(
        self, app="newsroom.wsgi", *, env, log_path, probe="/healthz", port=None, socket=None
    ):
        self.app, self.env, self.log_path, self.probe = app, env, Path(log_path), probe
        self.socket = socket
        self.port = None if socket else (port or free_port())
        # Where to reach it: a port on 127.0.0.1 or the socket's path (see request()).
        self.address = str(socket) if socket else self.port
        self.bind = f"unix:{socket}" if socket else f"127.0.0.1:{self.port}"
        self.base_url = None if socket else f"http://127.0.0.1:{self.port}"
        self.process = None

    def command(self):
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            GUNICORN_CONF,
            "--bind",
            self.bind,
            self.app,
        ]

    def launch(self):
        """Start gunicorn without waiting for it (wait_until_ready waits)."""
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=CHECKOUT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start(self, timeout=START_TIMEOUT_SECONDS):
        self.launch()
        self.wait_until_ready(timeout)

    def is_ready(self, timeout=START_TIMEOUT_SECONDS):
        """Wait until the probe answers 200: True, or False after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: {self.tail()}")
            if answers_at(self.address, self.probe):
                return True
            time.sleep(0.2)
        return False

    def wait_until_ready(self, timeout=START_TIMEOUT_SECONDS):
        if not self.is_ready(timeout):
            raise RuntimeError(f"gunicorn did not answer within {timeout} s: {self.tail()}")

    def manage(self, *args):
        """A manage.py command with this server's settings."""
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=CHECKOUT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def tail(self, characters=3000):
        log = self.log_path.read_text(errors="replace")
        return f"the end of {self.log_path}:\n{log[-characters:]}"

    def pid(self):
        return self.process.pid

    def workers(self):
        pid = self.pid()
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
