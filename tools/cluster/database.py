"""The PostgreSQL primary and its streaming replica, each a tools/localdb.py cluster.

Each runs through ``python -m tools.localdb`` with its own NEWSROOM_DB_DIR and
NEWSROOM_DB_PORT. The replica is made once with ``pg_basebackup -R`` from the
running primary (it copies the primary's password and pg_hba.conf, which admits
replication over loopback) and then runs as a hot standby.
"""

import os
import subprocess

from tools import localdb, servers


class Database:
    def __init__(self, folder, port):
        self.folder, self.port = folder, port
        self.env = os.environ | {"NEWSROOM_DB_DIR": str(folder), "NEWSROOM_DB_PORT": str(port)}
        self.env.pop("DATABASE_URL", None)

    def localdb(self, command):
        return servers.run_tool("tools.localdb", command, env=self.env)

    def start(self):
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        self.folder.parent.chmod(0o755)
        self.localdb("start")

    def stop(self, mode="fast"):
        """Stop it: "fast" as an operator would, "immediate" as a power cut would."""
        localdb.run_server_tool(
            ["pg_ctl", "-D", str(self.folder), "-m", mode, "-w", "stop"], capture_output=True
        )

    @property
    def url(self):
        return self.localdb("url").strip()

    def is_up(self):
        command = [localdb.pg_binary("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        return subprocess.run(command, check=False).returncode == 0

    def pid(self):
        try:
            return int((self.folder / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def query(self, sql):
        """One value from ``sql``, run through psql on TCP with the cluster's password."""
        result = localdb.run_server_tool(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", localdb.DATABASE_USER]
            + ["-d", localdb.DATABASE_NAME, "-qAtc", sql],
            capture_output=True,
            text=True,
            env=self.env | {"PGPASSWORD": self.password()},
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql on {self.port}: {result.stderr}")
        return result.stdout.strip()

    def password(self):
        return (self.folder / localdb.PASSWORD_FILE).read_text().strip()


class Replica(Database):
    def __init__(self, folder, port, primary):
        super().__init__(folder, port)
        self.primary = primary

    def start(self):
        if not (self.folder / "PG_VERSION").exists():
            self._copy_primary()
        super().start()

    def _copy_primary(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o700)
        if os.geteuid() == 0:
            os.chown(self.folder, *_postgres_ids())
            # pg_basebackup reads every file as the server's user; the password is its own.
            os.chown(self.primary.folder / localdb.PASSWORD_FILE, *_postgres_ids())
        result = localdb.run_server_tool(
            ["pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port)]
            + ["-U", localdb.DATABASE_USER, "-D", str(self.folder), "-R", "-X", "stream"]
            # An immediate checkpoint: the default spreads it over minutes.
            + ["--checkpoint", "fast"],
            capture_output=True,
            text=True,
            env=self.env | {"PGPASSWORD": self.primary.password()},
        )
        if result.returncode != 0:
            raise RuntimeError(f"pg_basebackup failed: {result.stderr}")
        # The copy's socket folder and log belong to the primary's run.
        (self.folder / "server.log").unlink(missing_ok=True)

    def lag_seconds(self):
        """Replay lag as core/replicas.py measures it, or None when the replica is down."""
        from core.replicas import LAG_SQL

        try:
            _, lag = self.query(LAG_SQL.replace("\n", " ")).split("|")
        except (RuntimeError, ValueError):
            return None
        return float(lag) if lag else None

    def hold_back(self, seconds):
        """Replay WAL only ``seconds`` after it was written (recovery_min_apply_delay)."""
        self.query(f"ALTER SYSTEM SET recovery_min_apply_delay = '{int(seconds * 1000)}ms'")
        self.query("SELECT pg_reload_conf()")

    def is_streaming(self):
        try:
            return self.primary.query("SELECT state FROM pg_stat_replication") == "streaming"
        except RuntimeError:
            return False


def _postgres_ids():
    import pwd

    user = pwd.getpwnam("postgres")
    return user.pw_uid, user.pw_gid
