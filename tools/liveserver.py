"""A throwaway live site for `make screenshots` and `make lighthouse`.

``live_server()`` prepares a database of its own (migrations, the fixture content, the
labelled demo forecasts, collected static files), serves it with gunicorn on a free
127.0.0.1 port in development mode and stops the server on the way out, even after an
error, Ctrl-C or SIGTERM. Without DATABASE_URL it uses a database named
``newsroom_liveserver`` on the checkout's private cluster, so the reader actions the
scripts take never touch the development data.
"""

import contextlib
import os
import signal
import sys

from tools import devenv, localdb, servers

# Debian's Chromium, headless, as root and on a closed network: without the
# background-networking flags it keeps calling hosts this network refuses.
# tests/conftest.py launches it with these too.
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VAR = servers.CHECKOUT / "var"


@contextlib.contextmanager
def live_server():
    """Yield ``(base_url, env)`` for a freshly prepared site; stop it afterwards."""
    import psycopg

    url = os.environ.get("DATABASE_URL") or localdb.url().rsplit("/", 1)[0] + "/newsroom_liveserver"
    server_url, name = url.split("?", 1)[0].rsplit("/", 1)
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            servers.say(f"Creating the database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')
    env = (
        os.environ
        | devenv.values()
        | {
            "NEWSROOM_ENV": "development",
            "DATABASE_URL": url,
            "DEBUG": "0",  # real error pages and hashed static files, as in production
            "WEB_CONCURRENCY": "2",
            "THREADS": "4",
            "PYTHONUNBUFFERED": "1",
        }
    )
    servers.say("Preparing the database: migrations, fixture content, demo forecasts, static")
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["load_content"],
        ["seed_demo_forecasts"],
        ["collectstatic", "--no-input", "-v", "0"],
    ):
        servers.manage(env, *command)
    VAR.mkdir(exist_ok=True)
    server = servers.Gunicorn(env=env, log_path=VAR / "liveserver.log")
    servers.say(f"Starting gunicorn on {server.base_url} (log: var/liveserver.log)")
    # A plain `kill` (SIGTERM) unwinds through the finally below too, like Ctrl-C does.
    previous_handler = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        server.launch()
        server.wait(30)
        yield server.base_url, env
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        servers.say("Stopping the server")
        server.stop()
