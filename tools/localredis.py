"""The checkout's private Redis, used when REDIS_URL is unset (development and tests).

Run as ``python -m tools.localredis start|stop|status|url``. Standard library only.
Redis listens on a unix socket only (no TCP port), in a folder of this checkout with
mode 700, and the socket itself is mode 700: local users other than the one that
started it cannot connect. Nothing is persisted: what Redis holds here (rate-limit
counts, debounce marks) is rebuilt by use. ``Redis(folder, port)`` runs one on
127.0.0.1 at ``port`` instead, asking for a password generated at its first start and
kept in ``redis.password`` in its folder (mode 600): the shape of a Redis that several
app servers share (tools/cluster.py).
"""

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
PASSWORD_FILE = "redis.password"


class Redis:
    def __init__(self, folder=None, port=None):
        if folder is None:
            folder = CHECKOUT / ".localredis"
            # A unix socket path must fit in about 107 bytes; a deep checkout uses /tmp.
            if len(str(folder / "redis.sock")) > 100:
                digest = hashlib.sha256(str(CHECKOUT).encode()).hexdigest()[:12]
                folder = Path("/tmp") / f"newsroom-redis-{digest}"
        self.folder, self.port = Path(folder), port
        self.socket = self.folder / "redis.sock"

    def password(self):
        try:
            return (self.folder / PASSWORD_FILE).read_text().strip() or None
        except OSError:
            return None

    def url(self, db=0):
        if self.port is None:
            return f"unix://{self.socket}?db={db}"
        return f"redis://:{self.password()}@127.0.0.1:{self.port}/{db}"

    def cli(self, *args):
        where = ["-s", str(self.socket)] if self.port is None else ["-p", str(self.port)]
        secret = self.password()
        env = os.environ | ({"REDISCLI_AUTH": secret} if secret else {})
        command = ["redis-cli", "-h", "127.0.0.1", *where, *args]
        return subprocess.run(command, capture_output=True, text=True, check=False, env=env)

    def pid(self):
        """The server's pid while it runs, else None."""
        try:
            number = int((self.folder / "redis.pid").read_text())
            os.kill(number, 0)
        except (OSError, ValueError):
            return None
        return number

    def is_running(self):
        if self.port is None and not self.socket.exists():
            return False
        return self.cli("ping").stdout.strip() == "PONG"

    def start(self):
        if self.is_running():
            print(f"localredis: already running ({self.url().split('@')[-1]})")
            return
        if shutil.which("redis-server") is None:
            sys.exit("localredis: redis-server is not installed (make system-deps installs it).")
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder.chmod(0o700)
        if self.port is None:
            self.socket.unlink(missing_ok=True)
            listen = ["--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700"]
        else:
            if self.password() is None:
                secret = self.folder / PASSWORD_FILE
                with os.fdopen(
                    os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w"
                ) as file:
                    file.write(secrets.token_urlsafe(32) + "\n")
            listen = ["--port", str(self.port), "--bind", "127.0.0.1"]
            listen += ["--requirepass", self.password()]
        subprocess.run(
            [
                "redis-server", *listen, "--save", "", "--appendonly", "no",
                # Each pytest-xdist worker has a database of its own (tests/settings.py).
                "--databases", "64", "--daemonize", "yes", "--dir", str(self.folder),
                "--pidfile", str(self.folder / "redis.pid"),
                "--logfile", str(self.folder / "redis.log"),
            ],
            check=True,
        )  # fmt: skip
        for _ in range(100):
            if self.is_running():
                print(f"localredis: started ({self.url().split('@')[-1]})")
                return
            time.sleep(0.05)
        sys.exit(f"localredis: Redis did not start; see {self.folder / 'redis.log'}")

    def stop(self):
        if not self.is_running():
            print("localredis: not running")
            return
        self.cli("shutdown", "nosave")
        for _ in range(100):
            if not self.is_running():
                break
            time.sleep(0.05)
        print("localredis: stopped")

    def status(self):
        state = "running" if self.is_running() else "stopped"
        print(f"localredis: {state}; folder {self.folder}; url {self.url()}")


def url(db=0):
    """The checkout's Redis's URL, database ``db``."""
    return Redis().url(db)


def main(argv):
    redis = Redis()
    commands = {"start": redis.start, "stop": redis.stop, "status": redis.status}
    commands["url"] = lambda: print(redis.url())
    if len(argv) != 2 or argv[1] not in commands:
        sys.exit("usage: python -m tools.localredis start|stop|status|url")
    os.umask(0o077)
    commands[argv[1]]()


if __name__ == "__main__":
    main(sys.argv)
