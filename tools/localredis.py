"""The checkout's private Redis, used when REDIS_URL is unset (development and tests).

Run as ``python -m tools.localredis start|stop|status|url``. Standard library only.
Redis listens on a unix socket only (no TCP port), in a folder of this checkout
with mode 700, and the socket itself is mode 700: local users other than the
one that started it cannot connect. Nothing is persisted: what Redis holds here
(rate-limit counts, debounce marks) is rebuilt by use.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
# A unix socket path must fit in about 107 bytes; a deep checkout falls back to /tmp.
SOCKET_PATH_LIMIT = 100


def run_dir():
    local = CHECKOUT / ".localredis"
    if len(str(local / "redis.sock")) <= SOCKET_PATH_LIMIT:
        return local
    digest = hashlib.sha256(str(CHECKOUT).encode()).hexdigest()[:12]
    return Path("/tmp") / f"newsroom-redis-{digest}"


def socket_path():
    return run_dir() / "redis.sock"


def url(db=0):
    return f"unix://{socket_path()}?db={db}"


def _cli(*args):
    return subprocess.run(
        ["redis-cli", "-s", str(socket_path()), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def is_running():
    return socket_path().exists() and _cli("ping").stdout.strip() == "PONG"


def start():
    if is_running():
        print(f"localredis: already running ({socket_path()})")
        return
    if shutil.which("redis-server") is None:
        sys.exit("localredis: redis-server is not installed (make system-deps installs it).")
    folder = run_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    socket_path().unlink(missing_ok=True)
    subprocess.run(
        [
            "redis-server",
            "--port", "0",
            "--unixsocket", str(socket_path()),
            "--unixsocketperm", "700",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "yes",
            "--dir", str(folder),
            "--pidfile", str(folder / "redis.pid"),
            "--logfile", str(folder / "redis.log"),
        ],
        check=True,
    )  # fmt: skip
    for _ in range(100):
        if is_running():
            print(f"localredis: started ({socket_path()})")
            return
        time.sleep(0.05)
    sys.exit(f"localredis: Redis did not start; see {folder / 'redis.log'}")


def stop():
    if not is_running():
        print("localredis: not running")
        return
    _cli("shutdown", "nosave")
    for _ in range(100):
        if not socket_path().exists():
            break
        time.sleep(0.05)
    print("localredis: stopped")


def status():
    state = "running" if is_running() else "stopped"
    print(f"localredis: {state}; socket {socket_path()}; url {url()}")


def main(argv):
    commands = {"start": start, "stop": stop, "status": status, "url": lambda: print(url())}
    if len(argv) != 2 or argv[1] not in commands:
        sys.exit("usage: python -m tools.localredis start|stop|status|url")
    os.umask(0o077)
    commands[argv[1]]()


if __name__ == "__main__":
    main(sys.argv)
