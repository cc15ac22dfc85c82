"""The checkout's private PostgreSQL cluster, used when DATABASE_URL is unset.

Run as ``python -m tools.localdb start|stop|status|url``. Standard library only, so it
runs before the virtualenv exists. The cluster lives in ``.localdb/`` inside the
checkout, or in a per-checkout folder under /tmp when the ``postgres`` OS user cannot
enter the checkout (PostgreSQL refuses to run as root, so as root the server runs as that
user). It listens on a unix socket in its own folder and on 127.0.0.1 at a port fixed
for the checkout: ``NEWSROOM_DB_PORT``, else 5433 plus a number derived from the
checkout's path, so two checkouts never collide. ``Cluster(folder, port)`` is one
elsewhere: tools/cluster.py runs a primary and its replica so, and the chaos runs a
throwaway one.

Over TCP the server asks for a password (SCRAM-SHA-256): one generated when the cluster
is made, kept in ``localdb.password`` in the cluster's folder (mode 600, owned by whoever
runs the project) and put into its URL. Only the unix socket, in a mode-700 folder that
only the server's OS user (and root) can enter, trusts its callers; localdb's own
administration goes through it. ``start`` upgrades a cluster made before this (trust
over TCP) to the same arrangement.
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
PG_HBA = f"""# Written by tools/localdb.py: the socket, in a mode-700 folder, trusts its owner;
# TCP asks for the password in {PASSWORD_FILE} (SCRAM-SHA-256).
local all all trust
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
# A streaming replica (tools/cluster.py) copies the cluster with the same password.
host replication all 127.0.0.1/32 scram-sha-256
"""
# Debian keeps the server binaries out of PATH, one folder per version: newest first.
PG_BIN_DIRS = sorted(
    Path("/usr/lib/postgresql").glob("*/bin"),
    key=lambda folder: [int(part) for part in folder.parent.name.split(".") if part.isdigit()],
    reverse=True,
)
DIGEST = hashlib.sha256(str(CHECKOUT).encode()).hexdigest()
IS_ROOT = os.geteuid() == 0


def pg_binary(name, *, newest_first=False):
    """A PostgreSQL program: from PATH, else from the newest installed version's folder.
    ``newest_first`` looks there first: newer client tools (pg_dump, pg_restore) work with
    every older server, and tools/backup.py wants them."""
    folders = [folder for folder in PG_BIN_DIRS if (folder / name).exists()]
    found = shutil.which(name)
    if folders and (newest_first or not found):
        return str(folders[0] / name)
    if found:
        return found
    sys.exit(f"cannot find PostgreSQL's {name}; install the postgresql package.")


def run_server_tool(args, **kwargs):
    """Run a PostgreSQL program, as the postgres OS user when we are root."""
    command = [pg_binary(args[0]), *args[1:]]
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *command] if IS_ROOT else command, check=False, **kwargs
    )


def enterable_by_postgres(path):
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


def rules(hba):
    """pg_hba.conf's lines that are not comments."""
    return [line for line in hba.splitlines() if line.strip() and not line.startswith("#")]


def write_secret(path, secret):
    """``secret`` into ``path``, created with mode 600 (never readable by others)."""
    path.unlink(missing_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
        file.write(secret + "\n")


def chown_to_postgres(*paths):
    if IS_ROOT:
        for path in paths:
            shutil.chown(path, "postgres", "postgres")


class Cluster:
    def __init__(self, data=None, port=None):
        if data is None:
            local = CHECKOUT / ".localdb"
            usable = not IS_ROOT or enterable_by_postgres(CHECKOUT)
            data = local if usable else Path("/tmp") / f"newsroom-db-{DIGEST[:12]}"
        self.data = Path(data)
        self.port = port or int(
            os.environ.get("NEWSROOM_DB_PORT") or 5433 + int(DIGEST[:8], 16) % 1000
        )
        self.sockets = self.data / "socket"

    def password(self):
        """The TCP password, or None before the cluster exists (or to other users)."""
        try:
            return (self.data / PASSWORD_FILE).read_text().strip() or None
        except OSError:
            return None

    def url(self):
        secret = self.password()
        user = f"{DATABASE_USER}:{secret}" if secret else DATABASE_USER
        return f"postgres://{user}@127.0.0.1:{self.port}/{DATABASE_NAME}"

    def is_up(self):
        command = [pg_binary("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        return subprocess.run(command, check=False).returncode == 0

    def pid(self):
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def query(self, sql, database=DATABASE_NAME):
        """psql's answer to ``sql``: through the socket when there is one, else over TCP
        with the password."""
        socket = (self.sockets / f".s.PGSQL.{self.port}").exists()
        host = str(self.sockets) if socket else "127.0.0.1"
        result = run_server_tool(
            ["psql", "-h", host, "-p", str(self.port), "-U", DATABASE_USER, "-d", database]
            + ["-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
            capture_output=True,
            text=True,
            env=os.environ | {"PGPASSWORD": self.password() or ""},
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql on {self.port}: {result.stderr}")
        return result.stdout.strip()

    def initialise(self):
        self.data.mkdir(parents=True, exist_ok=True)
        chown_to_postgres(self.data)
        self.data.chmod(0o700)
        print(f"localdb: creating a cluster in {self.data}")
        secret = secrets.token_urlsafe(32)
        # initdb wants an empty folder, so its copy of the password waits in one of its own.
        with tempfile.TemporaryDirectory(prefix="localdb-") as folder:
            write_secret(Path(folder) / "password", secret)
            chown_to_postgres(folder, Path(folder) / "password")
            result = run_server_tool(
                ["initdb", "-D", str(self.data), "--auth-local=trust", "--auth-host=scram-sha-256"]
                + [f"--pwfile={folder}/password", "-U", DATABASE_USER, "-E", "UTF8"]
                + ["--locale=C.UTF-8"],
                capture_output=True,
                text=True,
            )
        if result.returncode != 0:
            sys.exit(f"localdb: initdb failed:\n{result.stdout}{result.stderr}")
        write_secret(self.data / PASSWORD_FILE, secret)

    def secure(self):
        """Give a cluster made with trust over TCP a password and a pg_hba.conf that asks
        for it."""
        if self.sockets.exists():
            self.sockets.chmod(0o700)  # the socket trusts whoever reaches it: the server's user
        hba = self.data / "pg_hba.conf"
        if self.password() and rules(hba.read_text()) == rules(PG_HBA):
            return
        print("localdb: writing pg_hba.conf: a password over TCP (SCRAM-SHA-256)")
        secret = self.password() or secrets.token_urlsafe(32)
        try:
            self.query(
                "SET password_encryption = 'scram-sha-256';"
                f" ALTER USER {DATABASE_USER} PASSWORD '{secret}'",
                "postgres",
            )
        except RuntimeError as error:
            sys.exit(f"localdb: could not set the password:\n{error}")
        write_secret(self.data / PASSWORD_FILE, secret)
        hba.write_text(PG_HBA)
        chown_to_postgres(hba)
        run_server_tool(["pg_ctl", "-D", str(self.data), "reload"], capture_output=True)

    def start(self):
        if self.is_up():
            if self.pid() is None:
                sys.exit(
                    f"localdb: a PostgreSQL that is not this checkout's ({self.data}) answers on "
                    f"127.0.0.1:{self.port}; stop it, or set NEWSROOM_DB_PORT."
                )
            self.secure()
            print(f"localdb: already running on 127.0.0.1:{self.port} ({self.data})")
            return
        if not (self.data / "PG_VERSION").exists():
            self.initialise()
        self.sockets.mkdir(exist_ok=True)
        chown_to_postgres(self.sockets)
        self.sockets.chmod(0o700)  # see secure()
        # A socket path longer than ~107 bytes is refused; then listen on TCP only.
        socket = str(self.sockets) if len(str(self.sockets)) < 90 else ""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories='{socket}' -c max_connections=200"
        )
        print(f"localdb: starting PostgreSQL on 127.0.0.1:{self.port} ({self.data})")
        log = self.data / "server.log"
        result = run_server_tool(
            ["pg_ctl", "-D", str(self.data), "-l", str(log), "-o", options, "-w", "-t", "30"]
            + ["start"],
            capture_output=True,
            text=True,
        )
        deadline = time.monotonic() + 15
        while not self.is_up() and time.monotonic() < deadline:
            time.sleep(0.1)
        if result.returncode != 0 or not self.is_up():
            tail = log.read_text(errors="replace")[-2000:]
            sys.exit(f"localdb: PostgreSQL did not start:\n{result.stderr}\n{tail}")
        self.secure()
        if not self.query(
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'", "postgres"
        ):
            print(f"localdb: creating database {DATABASE_NAME}")
            self.query(f"CREATE DATABASE {DATABASE_NAME}", "postgres")

    def stop(self, mode="fast"):
        """Stop it: "fast" as an operator would, "immediate" as a power cut would."""
        if self.pid() is None:
            print("localdb: not running")
            return
        print(f"localdb: stopping PostgreSQL ({self.data})")
        command = ["pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop"]
        run_server_tool(command, capture_output=True)

    def status(self):
        state = "running" if self.is_up() else "stopped"
        print(f"localdb: {state}; data {self.data}; url {self.url()}")
        return 0 if state == "running" else 3


def url():
    """The checkout's cluster's URL."""
    return Cluster().url()


def main(argv):
    cluster = Cluster()
    commands = {"start": cluster.start, "stop": cluster.stop, "status": cluster.status}
    commands["url"] = lambda: print(cluster.url())
    if len(argv) != 1 or argv[0] not in commands:
        sys.exit("usage: python -m tools.localdb start|stop|status|url")
    return commands[argv[0]]() or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
