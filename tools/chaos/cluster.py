"""The throwaway PostgreSQL cluster and the gunicorn that serves the site from it."""

import os
import shutil
import tempfile
from pathlib import Path

from tools import localredis, servers
from tools.cluster.database import Database


class ThrowawayCluster(Database):
    """A PostgreSQL cluster of its own (tools/localdb.py) in a temporary folder, on a free
    port: never the development one."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="newsroom-chaos-"))
        # The postgres OS user (the server's, when we are root) must be able to enter it.
        self.root.chmod(0o755)
        super().__init__(self.root / ".localdb", servers.free_port())

    def crash(self):
        """Stop as a power cut would: no checkpoint, WAL recovery on the next start."""
        self.stop(mode="immediate")

    def remove(self):
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
