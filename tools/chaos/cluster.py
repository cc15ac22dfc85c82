"""The throwaway PostgreSQL cluster and the gunicorn that serves the site from it."""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tools import localdb, localredis, servers


class ThrowawayCluster:
    """A PostgreSQL cluster of its own, made by the project's localdb script.

    The script is copied into a temporary "checkout", so that the cluster's
    data, port and socket belong to that copy and never to the development one.
    """

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="newsroom-chaos-"))
        # The postgres OS user (the server's, when we are root) must be able to enter it.
        self.root.chmod(0o755)
        package = self.root / "tools"
        package.mkdir()
        shutil.copy(servers.CHECKOUT / "tools" / "localdb.py", package / "localdb.py")
        (package / "__init__.py").touch()
        self.port = servers.free_port()
        self.env = os.environ | {"NEWSROOM_DB_PORT": str(self.port)}
        self.env.pop("DATABASE_URL", None)
        self.data = self.root / ".localdb"

    def _localdb(self, command):
        result = subprocess.run(
            [sys.executable, "-m", "tools.localdb", command],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"localdb {command} failed: {result.stdout}{result.stderr}")
        return result

    def start(self):
        self._localdb("start")

    @property
    def url(self):
        """The copy's own URL, with the password its cluster was made with."""
        return self._localdb("url").stdout.strip()

    def stop(self):
        self._localdb("stop")

    def crash(self):
        """Stop as a power cut would: no checkpoint, WAL recovery on the next start."""
        command = [
            localdb.pg_binary("pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            "immediate",
            "-w",
            "stop",
        ]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, capture_output=True, check=False)

    def is_up(self):
        command = [localdb.pg_binary("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        return subprocess.run(command, check=False).returncode == 0

    def remove(self):
        with contextlib.suppress(RuntimeError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class AppServer(servers.Gunicorn):
    """gunicorn serving the site in production mode against the throwaway cluster."""

    def __init__(self, database_url, *, workers, secret_key, log_path):
        env = os.environ | {
            "NEWSROOM_ENV": "production",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": localredis.url(db=3),
            # Plain HTTP on loopback: no redirect to https.
            "SECURE_SSL_REDIRECT": "0",
            # Every synthetic reader shares 127.0.0.1: lift the per-address write limit.
            "READER_WRITE_LIMIT": "1000000",
            "WEB_CONCURRENCY": str(workers),
            "THREADS": "4",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        super().__init__("newsroom.wsgi", env=env, log_path=log_path)

    def manage(self, *args):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=servers.CHECKOUT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
