"""The checkout's private PostgreSQL cluster, used when DATABASE_URL is unset.

Run as ``python -m tools.localdb start|stop|status|url``. Standard library
only, so it runs before the virtualenv exists. The cluster lives in
``.localdb/`` inside the checkout, or in a per-checkout folder under /tmp when
the ``postgres`` OS user cannot enter the checkout (PostgreSQL refuses to run
as root, so as root the server runs as that user). It listens on a unix socket
in its own folder and on 127.0.0.1 at a port fixed for the checkout: 5433 plus
a number derived from the checkout's path, so two checkouts never collide.
``NEWSROOM_DB_DIR`` and ``NEWSROOM_DB_PORT`` put a cluster elsewhere (tools/cluster/
runs a primary and its replica this way, each with its own folder and port).

Over TCP the server asks for a password (SCRAM-SHA-256): one generated when the
cluster is made, kept in ``localdb.password`` in the cluster's folder (mode 600,
owned by whoever runs the project) and put into ``url()``. Only the unix socket,
in a mode-700 folder that only the server's OS user (and root) can enter, trusts
its callers; localdb's own administration goes through it. ``start`` upgrades a
cluster made before this (trust over TCP) to the same arrangement.
"""

import hashlib
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "newsroom"
DATABASE_USER = "postgres"
PASSWORD_FILE = "localdb.password"
HBA_MARKER = "# Written by tools/localdb.py"
PG_HBA = f"""{HBA_MARKER}: the socket, in a mode-700 folder, trusts its owner;
# TCP asks for the password in {PASSWORD_FILE} (SCRAM-SHA-256).
local all all trust
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
# A streaming replica (tools/cluster/) copies the cluster with the same password.
host replication all 127.0.0.1/32 scram-sha-256
"""
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
    if os.environ.get("NEWSROOM_DB_DIR"):
        return Path(os.environ["NEWSROOM_DB_DIR"])
    local = CHECKOUT / ".localdb"
    if not _is_root() or _enterable_by_postgres(CHECKOUT):
        return local
    return Path("/tmp") / f"newsroom-db-{_checkout_digest()[:12]}"


def socket_dir():
    return data_dir() / "socket"


def password_file():
    return data_dir() / PASSWORD_FILE


def password():
    """The cluster's TCP password, or None before the cluster exists (or to other users)."""
    try:
        return password_file().read_text().strip() or None
    except OSError:
        return None


def url():
    secret = password()
    user = f"{DATABASE_USER}:{secret}" if secret else DATABASE_USER
    return f"postgres://{user}@127.0.0.1:{port()}/{DATABASE_NAME}"


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


def run_server_tool(args, **kwargs):
    """Run a PostgreSQL program, as the postgres OS user when we are root (tools/cluster/ too)."""
    command = [pg_binary(args[0]), *args[1:]]
    if _is_root():
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=False, **kwargs)


def is_up():
    result = subprocess.run(
        [pg_binary("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port())], check=False
    )
    return result.returncode == 0


def _write_password(path, secret):
    """``secret`` into ``path``, created with mode 600 (never readable by others)."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secret + "\n")


def _initialise(data):
    data.mkdir(parents=True, exist_ok=True)
    if _is_root():
        shutil.chown(data, "postgres", "postgres")
    data.chmod(0o700)
    print(f"localdb: creating a cluster in {data}")
    secret = secrets.token_urlsafe(32)
    # initdb wants an empty folder, so its copy of the password waits in a file of its own.
    with tempfile.TemporaryDirectory(prefix="localdb-") as folder:
        initdb_password = Path(folder) / "password"
        _write_password(initdb_password, secret)
        if _is_root():
            shutil.chown(folder, "postgres", "postgres")
            shutil.chown(initdb_password, "postgres", "postgres")
        result = run_server_tool(
            [
                "initdb",
                "-D",
                str(data),
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                f"--pwfile={initdb_password}",
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
    _write_password(data / PASSWORD_FILE, secret)


def _admin_connection():
    """psql's connection options for localdb's own work: the socket when there is one."""
    sockets = socket_dir()
    if (sockets / f".s.PGSQL.{port()}").exists():
        return ["-h", str(sockets), "-p", str(port()), "-U", DATABASE_USER]
    return ["-h", "127.0.0.1", "-p", str(port()), "-U", DATABASE_USER]


def _admin_env():
    secret = password()
    return os.environ | {"PGPASSWORD": secret} if secret else None


def _secure(data):
    """Give a cluster made with trust over TCP a password and a pg_hba.conf that asks for it."""
    if socket_dir().exists():
        socket_dir().chmod(0o700)  # the socket trusts whoever reaches it: only the server's user
    hba = data / "pg_hba.conf"
    if password() and hba.read_text() == PG_HBA:
        return
    print("localdb: writing pg_hba.conf: a password over TCP (SCRAM-SHA-256)")
    secret = password() or secrets.token_urlsafe(32)
    altered = run_server_tool(
        ["psql", *_admin_connection(), "-v", "ON_ERROR_STOP=1", "-qAt", "-d", "postgres"],
        input=f"SET password_encryption = 'scram-sha-256';\n"
        f"ALTER USER {DATABASE_USER} PASSWORD '{secret}';\n",
        capture_output=True,
        text=True,
        env=_admin_env(),
    )
    if altered.returncode != 0:
        sys.exit(f"localdb: could not set the password:\n{altered.stderr}")
    _write_password(data / PASSWORD_FILE, secret)
    hba.write_text(PG_HBA)
    if _is_root():
        shutil.chown(hba, "postgres", "postgres")
    run_server_tool(["pg_ctl", "-D", str(data), "reload"], capture_output=True)


def _create_database():
    exists = run_server_tool(
        [
            "psql",
            *_admin_connection(),
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'",
        ],
        capture_output=True,
        text=True,
        env=_admin_env(),
    )
    if exists.stdout.strip() != "1":
        print(f"localdb: creating database {DATABASE_NAME}")
        run_server_tool(["createdb", *_admin_connection(), DATABASE_NAME], env=_admin_env())


def start():
    data = data_dir()
    if is_up():
        if not (data / "postmaster.pid").exists():
            sys.exit(
                f"localdb: a PostgreSQL that is not this checkout's ({data}) answers on "
                f"127.0.0.1:{port()}; stop it, or set NEWSROOM_DB_PORT."
            )
        _secure(data)
        print(f"localdb: already running on 127.0.0.1:{port()} ({data})")
        return
    if not (data / "PG_VERSION").exists():
        _initialise(data)
    sockets = socket_dir()
    sockets.mkdir(exist_ok=True)
    if _is_root():
        shutil.chown(sockets, "postgres", "postgres")
    sockets.chmod(0o700)  # see _secure
    # A socket path longer than ~107 bytes is refused; then listen on TCP only.
    socket_option = str(sockets) if len(str(sockets)) < 90 else ""
    options = (
        f"-p {port()} -c listen_addresses=127.0.0.1 "
        f"-c unix_socket_directories='{socket_option}' -c max_connections=200"
    )
    print(f"localdb: starting PostgreSQL on 127.0.0.1:{port()} ({data})")
    result = run_server_tool(
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
    _secure(data)
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
    run_server_tool(["pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True)


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
