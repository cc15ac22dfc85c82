"""The app nodes: gunicorn processes that share nothing but the addresses they are given.

A node is a tools/servers.py gunicorn in a session of its own, so it outlives the
command that started it; its pid is kept in ``gunicorn.pid`` in its folder.
"""

import contextlib
import os
import signal
import subprocess
import time

from tools import localcache, servers

STOP_TIMEOUT_SECONDS = 10


class Node(servers.Gunicorn):
    """A node listens on a unix socket in its folder, which only Varnish's group may enter
    (tools/localcache.py): readers reach it through the cache and nowhere else."""

    def __init__(self, folder, env):
        self.folder = folder
        self.name = folder.name
        super().__init__(
            "newsroom.wsgi",
            env=env,
            log_path=folder / "gunicorn.log",
            socket=localcache.private_socket(folder),
        )

    @property
    def pid_path(self):
        return self.folder / "gunicorn.pid"

    def pid(self):
        try:
            number = int(self.pid_path.read_text())
        except (OSError, ValueError):
            return None
        return number if _alive(number) else None

    def launch(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        super().launch()
        self.pid_path.write_text(f"{self.process.pid}\n")

    def is_running(self):
        return self.pid() is not None

    def answers(self):
        return servers.answers_at(self.address, self.probe)

    def wait_until_answering(self, timeout=servers.START_TIMEOUT_SECONDS):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.answers():
                return True
            if not self.is_running():
                raise RuntimeError(f"{self.name} exited: {self.tail()}")
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {timeout} s: {self.tail()}")

    def kill(self):
        """SIGKILL the node's master and workers at once, as a machine that dies."""
        number = self.pid()
        if number is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(number, signal.SIGKILL)
            self._reap(number)

    def stop(self):
        number = self.pid()
        if number is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(number, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while time.monotonic() < deadline and _alive(number):
            time.sleep(0.1)
        if _alive(number):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(number, signal.SIGKILL)
        self._reap(number)

    def _reap(self, number):
        if self.process is not None and self.process.pid == number:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
        self.pid_path.unlink(missing_ok=True)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child of ours stays a zombie until reaped: that is not alive.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
