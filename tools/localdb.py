"""The checkout's private PostgreSQL cluster, used when DATABASE_URL is unset.

Run as ``python -m tools.localdb start|stop|status|url``. Standard library
only, so it runs before the virtualenv exists. The cluster lives in
``.localdb/`` inside the checkout, or in a per-checkout folder under /tmp when
the ``postgres`` OS user cannot enter the checkout (PostgreSQL refuses to run
as root, so as root the server runs as that user). It listens on a unix socket
in its own folder and on 127.0.0.1 at a port fixed for the checkout: 5433 plus
a number derived from the checkout's path, so two checkouts never collide.
"""

import hashlib
import os
import pwd
import shutil
import subprocess
import sys
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "newsroom"
DATABASE_USER = "postgres"
# Debian keeps the server binaries out of PATH, one folder per version: newest first.
PG_BIN_DIRS = sorted(
    Path("/usr/lib/postgresql").glob("*/bin"),
    key=lambda folder: [int(part) for part in folder.parent.name.split(".") if part.isdigit()],
    reverse=True,
)


def _checkout_digest():
    return hashlib.sha256(str(CHECKOUT).encode()).hexdigest()


def port():
    """The checkout's fixed port: NEWSROOM_DB_PORT, else 5433 + (path hash mod 1000)."""
    if os.environ.get("NEWSROOM_DB_PORT"):
        return int(os.environ["NEWSROOM_DB_PORT"])
    return 5433 + int(_checkout_digest()[:8], 16) % 1000


def _is_root():
    return os.geteuid() == 0


def _enterable_by_postgres(path):
    """True when every directory from / down to ``path`` lets the postgres user in."""
    user = pwd.getpwnam("postgres")
    for directory in [path, *path.parents]:
        info = directory.stat()
        if info.st_uid == user.pw_uid:
            allowed = info.st_mode & 0o100
        elif info.st_gid == user.pw_gid:
            allowed = info.st_mode & 0o010
        else:
            allowed = info.st_mode & 0o001
        if not allowed:
            return False
    return True


def data_dir():
    local = CHECKOUT / ".localdb"
    if not _is_root() or _enterable_by_postgres(CHECKOUT):
        return local
    return Path("/tmp") / f"newsroom-db-{_checkout_digest()[:12]}"


def socket_dir():
    return data_dir() / "socket"


def url():
    return f"postgres://{DATABASE_USER}@127.0.0.1:{port()}/{DATABASE_NAME}"


def pg_binary(name, *, newest_first=False):
    """A PostgreSQL program: from PATH, else from the newest installed version's folder.

    ``newest_first`` looks in the version folders before PATH: newer client tools
    (pg_dump, pg_restore) work with every older server, and tools/backup.py wants them.
    """
    folders = [Path(directory) for directory in PG_BIN_DIRS if (Path(directory) / name).exists()]
    found = shutil.which(name)
    if folders and (newest_first or not found):
        return str(folders[0] / name)
    if found:
        return found
    sys.exit(f"cannot find PostgreSQL's {name}; install the postgresql package.")


def _run(args, **kwargs):
    """Run a PostgreSQL binary, as the postgres OS user when we are root."""
    command = [pg_binary(args[0]), *args[1:]]
    if _is_root():
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=False, **kwargs)


def is_up():
    result = subprocess.run(
        [pg_binary("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port())], check=False
    )
    return result.returncode == 0


def _initialise(data):
    data.mkdir(parents=True, exist_ok=True)
    if _is_root():
        shutil.chown(data, "postgres", "postgres")
    data.chmod(0o700)
    print(f"localdb: creating a cluster in {data}")
    result = _run(
        [
            "initdb",
            "-D",
            str(data),
            "--auth=trust",
            "-U",
            DATABASE_USER,
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"localdb: initdb failed:\n{result.stdout}{result.stderr}")


def _create_database():
    exists = _run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(port()),
            "-U",
            DATABASE_USER,
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'",
        ],
        capture_output=True,
        text=True,
    )
    if exists.stdout.strip() != "1":
        print(f"localdb: creating database {DATABASE_NAME}")
        _run(["createdb", "-h", "127.0.0.1", "-p", str(port()), "-U", DATABASE_USER, DATABASE_NAME])


def start():
    data = data_dir()
    if is_up():
        if not (data / "postmaster.pid").exists():
            sys.exit(
                f"localdb: a PostgreSQL that is not this checkout's ({data}) answers on "
                f"127.0.0.1:{port()}; stop it, or set NEWSROOM_DB_PORT."
            )
        print(f"localdb: already running on 127.0.0.1:{port()} ({data})")
        return
    if not (data / "PG_VERSION").exists():
        _initialise(data)
    sockets = socket_dir()
    sockets.mkdir(exist_ok=True)
    if _is_root():
        shutil.chown(sockets, "postgres", "postgres")
    # A socket path longer than ~107 bytes is refused; then listen on TCP only.
    socket_option = str(sockets) if len(str(sockets)) < 90 else ""
    options = (
        f"-p {port()} -c listen_addresses=127.0.0.1 "
        f"-c unix_socket_directories='{socket_option}' -c max_connections=200"
    )
    print(f"localdb: starting PostgreSQL on 127.0.0.1:{port()} ({data})")
    result = _run(
        [
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(data / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            "start",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not _wait_until_up():
        log = (data / "server.log").read_text(errors="replace")[-2000:]
        sys.exit(f"localdb: PostgreSQL did not start:\n{result.stderr}\n{log}")
    _create_database()


def _wait_until_up(seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if is_up():
            return True
        time.sleep(0.1)
    return False


def stop():
    data = data_dir()
    if not (data / "postmaster.pid").exists():
        print("localdb: not running")
        return
    print(f"localdb: stopping PostgreSQL ({data})")
    _run(["pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True)


def status():
    state = "running" if is_up() else "stopped"
    print(f"localdb: {state}; data {data_dir()}; url {url()}")
    return 0 if state == "running" else 3


def main(argv):
    commands = {"start": start, "stop": stop, "status": status, "url": lambda: print(url())}
    if len(argv) != 1 or argv[0] not in commands:
        sys.exit("usage: python -m tools.localdb start|stop|status|url")
    return commands[argv[0]]() or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
