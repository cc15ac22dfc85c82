"""The whole cluster: start what is not running, stop everything, say how each part is."""

import os

from tools import localcache, servers
from tools.cluster.database import Database, Replica
from tools.cluster.layout import is_listening
from tools.cluster.nodes import Node
from tools.supervision import Supervisor

CONTENT_COMMANDS = [("migrate", "--no-input", "-v", "0"), ("load_content",)]
DEMO_FORECASTS = ("seed_demo_forecasts",)
COLLECT_STATIC = ("collectstatic", "--no-input", "-v", "0")


class ClusterError(Exception):
    """Something the operator must fix first (a port held by someone else, say)."""


class Cluster:
    def __init__(self, layout, *, node_env=None):
        self.layout = layout
        self.primary = Database(layout.folder("primary"), layout.primary_port)
        self.replica = Replica(layout.folder("replica"), layout.replica_port, self.primary)
        self.redis_env = os.environ | {
            "NEWSROOM_REDIS_DIR": str(layout.folder("redis")),
            "NEWSROOM_REDIS_PORT": str(layout.redis_port),
        }
        self.extra_env = node_env or {}
        self.supervisor = Supervisor(layout.root)
        self.nodes = [
            Node(layout.folder(f"node{number}"), env={}, supervisor=self.supervisor)
            for number in range(1, layout.node_count + 1)
        ]

    # The parts, each through its own tool.

    def _localredis(self, command):
        return servers.run_tool("tools.localredis", command, env=self.redis_env).strip()

    def start_redis(self):
        self.layout.root.mkdir(parents=True, exist_ok=True)
        self._localredis("start")

    def stop_redis(self):
        self._localredis("stop")

    def redis_pid(self):
        try:
            number = int((self.layout.folder("redis") / "redis.pid").read_text())
            os.kill(number, 0)
        except (OSError, ValueError):
            return None
        return number

    def cache_folder(self):
        return self.layout.folder("cache")

    def cache_pid(self):
        return localcache.pid(self.layout.cache_port, self.cache_folder())

    def node_env(self, *, with_replica=True):
        env = os.environ | {
            "NEWSROOM_ENV": "development",
            "DATABASE_URL": self.primary.url,
            "REDIS_URL": self._localredis("url"),
            "HTTP_CACHE_PURGE_URLS": self.layout.base_url + "/",
            "CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
            "PYTHONUNBUFFERED": "1",
        }
        if with_replica:
            env["DATABASE_REPLICA_URL"] = self.replica.url
        return env | self.extra_env

    # The whole.

    def refuse_taken_ports(self):
        running = {
            "cache": self.cache_pid(),
            "redis": self.redis_pid(),
            "primary": self.primary.pid(),
            "replica": self.replica.pid(),
        }
        for name, port in self.layout.ports().items():
            if running[name] is None and is_listening(port):
                hint = (
                    " Is `make run` serving? Stop it (Ctrl-C, then `make stop`) first."
                    if name == "cache"
                    else ""
                )
                raise ClusterError(
                    f"127.0.0.1:{port}, where the cluster's {name} listens, is taken by another"
                    f" program.{hint}"
                )

    def start(
        self, *, load_content=True, demo_forecasts=True, collect_static=False, say=servers.say
    ):
        """Start what is not running. ``load_content`` migrates and loads the fixture content
        (with the labelled demo forecasts unless ``demo_forecasts`` is false), as `make run`
        does; ``collect_static`` runs collectstatic when static/ changed since (`make cluster` has
        `make static`)."""
        self.refuse_taken_ports()
        say(f"cluster: PostgreSQL primary on 127.0.0.1:{self.layout.primary_port}")
        self.primary.start()
        say(f"cluster: Redis on 127.0.0.1:{self.layout.redis_port}")
        self.start_redis()
        if load_content or collect_static:
            # No cache to purge yet: the first pages it stores are already the new ones.
            content_env = self.node_env(with_replica=False) | {"HTTP_CACHE_PURGE_URLS": ""}
            manager = servers.Gunicorn(env=content_env, log_path=os.devnull)
            commands = [*CONTENT_COMMANDS, *([DEMO_FORECASTS] if demo_forecasts else [])]
            commands = commands if load_content else []
            commands += [COLLECT_STATIC] if collect_static and static_is_stale() else []
            say("cluster: migrations and the fixture content, on the primary")
            for command in commands:
                manager.manage(*command)
        say(f"cluster: streaming replica on 127.0.0.1:{self.layout.replica_port}")
        self.replica.start()
        env = self.node_env()
        starting = [node for node in self.nodes if not node.is_running()]
        for node in starting:
            say(f"cluster: app node on {node.socket}")
            node.env = env
            node.launch()
        for node in starting:
            node.wait_until_answering()
        if self.cache_pid() is None:
            say(f"cluster: Varnish on 127.0.0.1:{self.layout.cache_port} in front of the nodes")
            self.start_cache()
        say(f"cluster: serving on {self.layout.base_url}/")

    def start_cache(self):
        backends = [f"unix:{node.socket}" for node in self.nodes]
        localcache.start(self.layout.cache_port, backends, folder=self.cache_folder())

    def stop(self, say=servers.say):
        say("cluster: stopping Varnish, the app nodes, the replica, the primary and Redis")
        localcache.stop(self.layout.cache_port, self.cache_folder())
        for node in self.nodes:
            node.stop()
        self.supervisor.shutdown()
        for database in (self.replica, self.primary):
            if database.pid() is not None:
                database.stop()
        if self.redis_pid() is not None:
            self.stop_redis()

    def status(self):
        """Each component's pid, port and state; the replica's replay lag."""
        report = {"url": self.layout.base_url + "/"}
        cache = self.cache_pid()
        report["cache"] = _part(cache, self.layout.cache_port, "running" if cache else "stopped")
        for number, node in enumerate(self.nodes, start=1):
            pid = node.pid()
            state = "stopped" if pid is None else ("serving" if node.answers() else "not answering")
            report[f"node{number}"] = {"pid": pid, "socket": str(node.socket), "state": state}
        redis = self.redis_pid()
        report["redis"] = _part(redis, self.layout.redis_port, "running" if redis else "stopped")
        for name, database in (("primary", self.primary), ("replica", self.replica)):
            pid = database.pid() if database.is_up() else None
            report[name] = _part(pid, database.port, "running" if pid else "stopped")
        if report["replica"]["state"] == "running":
            report["replica"]["streaming"] = self.replica.is_streaming()
            report["replica"]["replay_lag_seconds"] = self.replica.lag_seconds()
        return report


def static_is_stale():
    """True unless collected static files are newer than every file in static/."""
    manifest = servers.CHECKOUT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    sources = (servers.CHECKOUT / "static").rglob("*")
    return any(path.stat().st_mtime > collected for path in sources if path.is_file())


def _part(pid, port, state):
    return {"pid": pid, "port": port, "state": state}
