"""The one gunicorn launcher, and HTTP to what it serves. Standard library only.

``Gunicorn(app, env=…, log_path=…)`` serves a WSGI app with newsroom/gunicorn_conf.py on
a free 127.0.0.1 port, or on a unix ``socket`` (an app behind the HTTP cache, which
nothing else reaches). It gets a process group of its own, so that a Ctrl-C in the
terminal reaches the tool, which stops it on the way out, and not gunicorn halfway
through a request; ``stop()`` is gunicorn's quick stop (SIGINT), SIGKILL after ten
seconds. The benchmark, the chaos runs, the live server and, under supervisord
(tools/supervision.py), `make run` and `make cluster` start the app with it.
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 60


def say(message):
    """A tool's progress line, flushed at once so that it shows before a long step."""
    sys.stdout.write(f"==> {message}\n")
    sys.stdout.flush()


def free_port():
    """A port nothing listens on now (the kernel's pick on 127.0.0.1)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *command, capture=False):
    """``manage.py command`` in the checkout with ``env``; its output when ``capture``."""
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=CHECKOUT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    ).stdout


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("127.0.0.1", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def request(address, method, path, *, body=None, headers=None, timeout=10):
    """(status, headers, body as text) of one request to ``address``: a port on 127.0.0.1
    or a unix socket's path."""
    if isinstance(address, int):
        client = http.client.HTTPConnection("127.0.0.1", address, timeout=timeout)
    else:
        client = UnixHTTPConnection(str(address), timeout)
    try:
        client.request(method, path, body=body, headers=headers or {})
        response = client.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        client.close()


def answers(address, path="/healthz", timeout=2):
    """True when ``path`` at ``address`` answers 200."""
    try:
        return request(address, "GET", path, timeout=timeout)[0] == 200
    except (OSError, http.client.HTTPException):
        return False


def wait_for(condition, timeout=START_TIMEOUT_SECONDS):
    """True once ``condition()`` holds, polled five times a second; False after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


class Gunicorn:
    def __init__(self, app="newsroom.wsgi", *, env, log_path, probe="/healthz", socket=None):
        self.app, self.env, self.log_path, self.probe = app, env, Path(log_path), probe
        self.socket, self.port = socket, None if socket else free_port()
        self.address = str(socket) if socket else self.port
        self.base_url = None if socket else f"http://127.0.0.1:{self.port}"
        self.process = None

    def command(self):
        bind = f"unix:{self.socket}" if self.socket else f"127.0.0.1:{self.port}"
        config = "newsroom/gunicorn_conf.py"
        return [sys.executable, "-m", "gunicorn", "--config", config, "--bind", bind, self.app]

    def launch(self):
        """Start gunicorn without waiting for it (``wait`` waits)."""
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=CHECKOUT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def answers(self):
        if self.process and self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {self.process.returncode}: {self.tail()}")
        return answers(self.address, self.probe)

    def wait(self, timeout=START_TIMEOUT_SECONDS):
        """Until the probe answers 200; RuntimeError with the log's end after ``timeout``."""
        if not wait_for(self.answers, timeout):
            raise RuntimeError(f"{self.app} did not answer within {timeout} s: {self.tail()}")

    def start(self):
        self.launch()
        self.wait()
        return self

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
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
