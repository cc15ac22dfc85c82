"""The app nodes: gunicorn processes that share nothing but the addresses they are given.

Each node is a program of the cluster's supervisor (tools/supervision.py), so it
outlives the command that started it and comes back by itself when it dies.
"""

import contextlib
import os
import signal
import time

from tools import localcache, servers


class Node(servers.Gunicorn):
    """A node listens on a unix socket in its folder, which only Varnish's group may enter
    (tools/localcache.py): readers reach it through the cache and nowhere else."""

    def __init__(self, folder, env, supervisor):
        self.folder = folder
        self.name = folder.name
        self.supervisor = supervisor
        super().__init__(
            "newsroom.wsgi",
            env=env,
            log_path=folder / "gunicorn.log",
            socket=localcache.private_socket(folder),
        )
        supervisor.add(self.name, self.command(), self.log_path)

    def pid(self):
        return self.supervisor.pid(self.name)

    def launch(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        self.supervisor.ensure_running(self.env)
        self.supervisor.start(self.name)

    def is_running(self):
        return self.pid() is not None

    def answers(self):
        return servers.answers_at(self.address, self.probe)

    def wait_until_answering(self, timeout=servers.START_TIMEOUT_SECONDS):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.answers():
                return True
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {timeout} s: {self.tail()}")

    def kill(self):
        """SIGKILL the node's master and workers at once, as a machine that dies (its
        supervisor starts it again)."""
        number = self.pid()
        if number is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(number, signal.SIGKILL)

    def stop(self):
        self.supervisor.stop(self.name)
