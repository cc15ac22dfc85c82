"""`make cluster`: the site as it runs on several machines, on this one's loopback.

    python -m tools.cluster start|stop|status

Each part is its own process set with its own port and folder under ``var/cluster/`` (a
folder under /tmp when the postgres OS user cannot enter the checkout): Varnish on :8000
as the load balancer in front of two gunicorn app nodes (health-checked every second),
one Redis (TCP, a password), and a PostgreSQL primary with one streaming replica
(``pg_basebackup -R``, hot standby). The nodes read pages from the replica and write to
the primary (core/replicas.py); they run under supervisord (tools/supervision.py), so a
node that dies comes back by itself, and so do the job runner and a mail server that
keeps what it receives in the cluster folder's mail/. ``start`` loads the fixture
content as ``make run`` does, starts only what is not running and refuses when something
else holds a port; ``status`` prints one JSON object. Its faults are tools/faults/cluster.py's.
"""

import argparse
import contextlib
import json
import os
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from tools import devenv, localcache, localdb, localredis, servers
from tools.supervision import Supervisor, add_background

CHECKOUT = servers.CHECKOUT


@dataclass(frozen=True)
class Layout:
    """Where each part of a cluster listens and keeps its files."""

    root: Path
    cache_port: int
    node_count: int
    redis_port: int
    primary_port: int
    replica_port: int
    mail_port: int

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.cache_port}"

    def folder(self, name):
        return self.root / name

    def ports(self):
        return {
            "cache": self.cache_port,
            "redis": self.redis_port,
            "primary": self.primary_port,
            "replica": self.replica_port,
            "mail": self.mail_port,
        }

    @classmethod
    def default(cls):
        """`make cluster`'s: the site on :8000, as `make run` serves it, in var/cluster/ (in
        /tmp when the postgres OS user cannot enter the checkout)."""
        data = localdb.Cluster().data
        root = CHECKOUT / "var" / "cluster"
        if data != CHECKOUT / ".localdb":
            root = Path("/tmp") / f"newsroom-cluster-{data.name.rsplit('-', 1)[-1]}"
        return cls(root, 8000, 2, 6391, 5491, 5492, devenv.mail_port())

    @classmethod
    def throwaway(cls, root):
        """On free ports, for the suite and for chaos."""
        return cls(root, servers.free_port(), 2, *(servers.free_port() for _ in range(4)))


def is_listening(port):
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Replica(localdb.Cluster):
    """A hot standby of ``primary``, copied once with ``pg_basebackup -R`` (which brings the
    primary's password and its pg_hba.conf, which admits replication over loopback)."""

    def __init__(self, data, port, primary):
        super().__init__(data, port)
        self.primary = primary

    def start(self):
        if not (self.data / "PG_VERSION").exists():
            self.data.mkdir(parents=True, exist_ok=True)
            self.data.chmod(0o700)
            # pg_basebackup reads every file as the server's user; the password is its own.
            localdb.chown_to_postgres(self.data, self.primary.data / localdb.PASSWORD_FILE)
            result = localdb.run_server_tool(
                ["pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port), "-U"]
                + [localdb.DATABASE_USER, "-D", str(self.data), "-R", "-X", "stream"]
                # An immediate checkpoint: the default spreads it over minutes.
                + ["--checkpoint", "fast"],
                capture_output=True,
                text=True,
                env=os.environ | {"PGPASSWORD": self.primary.password()},
            )
            if result.returncode != 0:
                raise RuntimeError(f"pg_basebackup failed: {result.stderr}")
            (self.data / "server.log").unlink(missing_ok=True)  # the primary's
        super().start()

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


class Node(servers.Gunicorn):
    """An app node: gunicorn, a program of the cluster's supervisor, so that it outlives the
    command that started it and comes back when it dies. It listens on a unix socket in
    its folder, which only Varnish's group may enter (tools/localcache.py): readers reach
    it through the cache and nowhere else."""

    def __init__(self, folder, env, supervisor):
        self.folder, self.name, self.supervisor = folder, folder.name, supervisor
        socket = localcache.private_socket(folder)
        super().__init__(env=env, log_path=folder / "gunicorn.log", socket=socket)
        supervisor.add(self.name, self.command(), self.log_path)

    def pid(self):
        return self.supervisor.pid(self.name)

    def launch(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        self.supervisor.ensure_running(self.env)
        self.supervisor.start(self.name)

    def kill(self):
        """SIGKILL the master and its workers at once, as a machine that dies."""
        with contextlib.suppress(ProcessLookupError, TypeError):
            os.killpg(self.pid(), signal.SIGKILL)

    def stop(self):
        self.supervisor.stop(self.name)


class ClusterError(Exception):
    """Something the operator must fix first (a port held by someone else, say)."""


class Cluster:
    def __init__(self, layout, *, node_env=None):
        self.layout = layout
        self.primary = localdb.Cluster(layout.folder("primary"), layout.primary_port)
        self.replica = Replica(layout.folder("replica"), layout.replica_port, self.primary)
        self.redis = localredis.Redis(layout.folder("redis"), layout.redis_port)
        self.extra_env = node_env or {}
        self.supervisor = Supervisor(layout.root)
        self.nodes = [
            Node(layout.folder(f"node{number}"), {}, self.supervisor)
            for number in range(1, layout.node_count + 1)
        ]
        add_background(self.supervisor, self.node_env(), layout.root, layout.folder("mail"))

    def cache_pid(self):
        return localcache.pid(self.layout.cache_port, self.layout.folder("cache"))

    def node_env(self, *, with_replica=True):
        env = os.environ | {
            "NEWSROOM_ENV": "development",
            "DATABASE_URL": self.primary.url(),
            "REDIS_URL": self.redis.url(),
            "HTTP_CACHE_PURGE_URLS": self.layout.base_url + "/",
            "CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
            "EMAIL_URL": f"smtp://127.0.0.1:{self.layout.mail_port}",
            "PYTHONUNBUFFERED": "1",
        }
        if with_replica:
            env["DATABASE_REPLICA_URL"] = self.replica.url()
        return env | self.extra_env

    def start(
        self, *, load_content=True, demo_forecasts=True, collect_static=False, say=servers.say
    ):
        """Start what is not running. ``load_content`` migrates and loads the fixture content
        (with the labelled demo forecasts unless ``demo_forecasts`` is false), as `make run`
        does; ``collect_static`` runs collectstatic when static/ changed since."""
        running = {
            "cache": self.cache_pid(),
            "redis": self.redis.pid(),
            "primary": self.primary.pid(),
            "replica": self.replica.pid(),
            "mail": self.supervisor.pid("mail"),
        }
        for name, port in self.layout.ports().items():
            if running[name] is None and is_listening(port):
                hint = " Is `make run` serving? Stop it (Ctrl-C, then `make stop`) first."
                raise ClusterError(
                    f"127.0.0.1:{port}, where the cluster's {name} listens, is taken by another"
                    f" program.{hint if name == 'cache' else ''}"
                )
        say(f"cluster: PostgreSQL primary on 127.0.0.1:{self.layout.primary_port}")
        self.layout.root.mkdir(parents=True, exist_ok=True)
        self.layout.root.chmod(0o755)  # the postgres OS user enters it
        self.primary.start()
        say(f"cluster: Redis on 127.0.0.1:{self.layout.redis_port}")
        self.redis.start()
        commands = [["migrate", "--no-input", "-v", "0"], ["load_content"]] if load_content else []
        commands += [["seed_demo_forecasts"]] if load_content and demo_forecasts else []
        if collect_static and static_is_stale():
            commands.append(["collectstatic", "--no-input", "-v", "0"])
        if commands:
            say("cluster: migrations and the fixture content, on the primary")
        # No cache to purge yet: the first pages it stores are already the new ones.
        for command in commands:
            env = self.node_env(with_replica=False) | {"HTTP_CACHE_PURGE_URLS": ""}
            servers.manage(env, *command)
        say(f"cluster: streaming replica on 127.0.0.1:{self.layout.replica_port}")
        self.replica.start()
        starting = [node for node in self.nodes if node.pid() is None]
        for node in starting:
            say(f"cluster: app node on {node.socket}")
            node.env = self.node_env()
            node.launch()
        for node in starting:
            node.wait()
        if self.cache_pid() is None:
            say(f"cluster: Varnish on 127.0.0.1:{self.layout.cache_port} in front of the nodes")
            backends = [f"unix:{node.socket}" for node in self.nodes]
            localcache.start(self.layout.cache_port, backends, folder=self.layout.folder("cache"))
        say(f"cluster: serving on {self.layout.base_url}/")

    def stop(self, say=servers.say):
        say("cluster: stopping Varnish, the app nodes, the replica, the primary and Redis")
        localcache.stop(self.layout.cache_port, self.layout.folder("cache"))
        for node in self.nodes:
            node.stop()
        self.supervisor.shutdown()
        for part in (self.replica, self.primary, self.redis):
            part.stop()

    def status(self):
        """Each part's pid, port and state; the replica's replay lag."""

        def part(pid, port):
            return {"pid": pid, "port": port, "state": "running" if pid else "stopped"}

        report = {
            "url": self.layout.base_url + "/",
            "cache": part(self.cache_pid(), self.layout.cache_port),
        }
        for node in self.nodes:
            pid = node.pid()
            state = "stopped" if pid is None else ("serving" if node.answers() else "not answering")
            report[node.name] = {"pid": pid, "socket": str(node.socket), "state": state}
        report["jobs"] = {"pid": self.supervisor.pid("jobs")}
        report["jobs"]["state"] = "running" if report["jobs"]["pid"] else "stopped"
        report["mail"] = part(self.supervisor.pid("mail"), self.layout.mail_port)
        report["redis"] = part(self.redis.pid(), self.layout.redis_port)
        for name, database in (("primary", self.primary), ("replica", self.replica)):
            report[name] = part(database.pid() if database.is_up() else None, database.port)
        if report["replica"]["state"] == "running":
            report["replica"]["streaming"] = self.replica.is_streaming()
            report["replica"]["replay_lag_seconds"] = self.replica.lag_seconds()
        return report


def static_is_stale():
    """True unless collected static files are newer than every file in static/."""
    manifest = CHECKOUT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    return any(path.stat().st_mtime > collected for path in (CHECKOUT / "static").rglob("*"))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tools.cluster", description=__doc__.split("\n")[0]
    )
    parser.add_argument("command", choices=["start", "stop", "status"])
    command = parser.parse_args(argv).command
    cluster = Cluster(Layout.default())
    if command == "start":
        try:
            cluster.start()
        except ClusterError as error:
            sys.exit(f"cluster: {error}")
    elif command == "stop":
        cluster.stop()
    else:
        sys.stdout.write(json.dumps(cluster.status(), indent=2) + "\n")


if __name__ == "__main__":
    main()
