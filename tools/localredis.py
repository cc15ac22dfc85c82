"""The checkout's private Redis, used when REDIS_URL is unset (development and tests).

Run as ``python -m tools.localredis start|stop|status|url``. Standard library only.
Redis listens on a unix socket only (no TCP port), in a folder of this checkout
with mode 700, and the socket itself is mode 700: local users other than the
one that started it cannot connect. Nothing is persisted: what Redis holds here
(rate-limit counts, debounce marks) is rebuilt by use.

``NEWSROOM_REDIS_DIR`` and ``NEWSROOM_REDIS_PORT`` run one elsewhere, on
127.0.0.1 at that port, asking for a password generated at the first start and
kept in ``redis.password`` in its folder (mode 600): the shape of a Redis that
several app servers share (tools/cluster/).
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
# A unix socket path must fit in about 107 bytes; a deep checkout falls back to /tmp.
SOCKET_PATH_LIMIT = 100
PASSWORD_FILE = "redis.password"


def run_dir():
    if os.environ.get("NEWSROOM_REDIS_DIR"):
        return Path(os.environ["NEWSROOM_REDIS_DIR"])
    local = CHECKOUT / ".localredis"
    if len(str(local / "redis.sock")) <= SOCKET_PATH_LIMIT:
        return local
    digest = hashlib.sha256(str(CHECKOUT).encode()).hexdigest()[:12]
    return Path("/tmp") / f"newsroom-redis-{digest}"


def socket_path():
    return run_dir() / "redis.sock"


def port():
    """The TCP port when NEWSROOM_REDIS_PORT asks for one, else None (the unix socket)."""
    return int(os.environ["NEWSROOM_REDIS_PORT"]) if os.environ.get("NEWSROOM_REDIS_PORT") else None


def password():
    try:
        return (run_dir() / PASSWORD_FILE).read_text().strip() or None
    except OSError:
        return None


def url(db=0):
    if port() is None:
        return f"unix://{socket_path()}?db={db}"
    return f"redis://:{password()}@127.0.0.1:{port()}/{db}"


def _cli(*args):
    if port() is None:
        where, env = ["-s", str(socket_path())], None
    else:
        where = ["-h", "127.0.0.1", "-p", str(port())]
        env = os.environ | {"REDISCLI_AUTH": password() or ""}
    return subprocess.run(
        ["redis-cli", *where, *args], capture_output=True, text=True, check=False, env=env
    )


def is_running():
    if port() is None and not socket_path().exists():
        return False
    return _cli("ping").stdout.strip() == "PONG"


def _listen_options(folder):
    if port() is None:
        socket_path().unlink(missing_ok=True)
        return ["--port", "0", "--unixsocket", str(socket_path()), "--unixsocketperm", "700"]
    if password() is None:
        secret_file = folder / PASSWORD_FILE
        descriptor = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(32) + "\n")
    return ["--port", str(port()), "--bind", "127.0.0.1", "--requirepass", password()]


def start():
    if is_running():
        print(f"localredis: already running ({url().split('@')[-1]})")
        return
    if shutil.which("redis-server") is None:
        sys.exit("localredis: redis-server is not installed (make system-deps installs it).")
    folder = run_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    subprocess.run(
        [
            "redis-server",
            *_listen_options(folder),
            "--save", "",
            "--appendonly", "no",
            # The suite gives each pytest-xdist worker a database of its own (tests/settings.py).
            "--databases", "64",
            "--daemonize", "yes",
            "--dir", str(folder),
            "--pidfile", str(folder / "redis.pid"),
            "--logfile", str(folder / "redis.log"),
        ],
        check=True,
    )  # fmt: skip
    for _ in range(100):
        if is_running():
            print(f"localredis: started ({url().split('@')[-1]})")
            return
        time.sleep(0.05)
    sys.exit(f"localredis: Redis did not start; see {folder / 'redis.log'}")


def stop():
    if not is_running():
        print("localredis: not running")
        return
    _cli("shutdown", "nosave")
    for _ in range(100):
        if not is_running():
            break
        time.sleep(0.05)
    print("localredis: stopped")


def status():
    state = "running" if is_running() else "stopped"
    print(f"localredis: {state}; folder {run_dir()}; url {url()}")


def main(argv):
    commands = {"start": start, "stop": stop, "status": status, "url": lambda: print(url())}
    if len(argv) != 2 or argv[1] not in commands:
        sys.exit("usage: python -m tools.localredis start|stop|status|url")
    os.umask(0o077)
    commands[argv[1]]()


if __name__ == "__main__":
    main(sys.argv)
