"""A throwaway live site for `make screenshots` and `make lighthouse`.

`live_server()` prepares a database of its own (migrations, the fixture
content, the labelled demo forecasts, collected static files), serves it with
gunicorn on a free 127.0.0.1 port in development mode and stops the server on
the way out, even after an error or Ctrl-C. Without DATABASE_URL it uses a
database named `newsroom_liveserver` on the checkout's private cluster, so the
reader actions the scripts take never touch the development data.
"""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(CHECKOUT))

from tools import devenv, servers  # noqa: E402  (standard library only)
from tools.servers import say  # noqa: E402

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

VAR = CHECKOUT / "var"
DATABASE_NAME = "newsroom_liveserver"
START_TIMEOUT_SECONDS = 30


def database_url():
    """DATABASE_URL when set, else a database of the scripts' own on the private cluster."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    private = subprocess.run(
        [sys.executable, "-m", "tools.localdb", "url"],
        cwd=CHECKOUT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return private.rsplit("/", 1)[0] + "/" + DATABASE_NAME


def ensure_database(url):
    """Create the database named in ``url`` when the server does not have it yet."""
    import psycopg
    from psycopg import sql

    server_url, name = url.split("?", 1)[0].rsplit("/", 1)
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            say(f"Creating the database {name}")
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def server_environment(url):
    return (
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


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=CHECKOUT, env=env, check=True)


def signed_reader_cookie(reader_id, env):
    """The `reader` cookie value a reader with this id carries (signed like the site does)."""
    code = (
        f"from core.readers import signed_reader_cookie; print(signed_reader_cookie({reader_id!r}))"
    )
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=CHECKOUT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@contextlib.contextmanager
def live_server():
    """Yield ``(base_url, env)`` for a freshly prepared site; stop it afterwards."""
    url = database_url()
    ensure_database(url)
    env = server_environment(url)
    say("Preparing the database: migrations, fixture content, demo forecasts")
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_content")
    manage(env, "seed_demo_forecasts")
    say("Collecting static files")
    manage(env, "collectstatic", "--no-input", "-v", "0")

    VAR.mkdir(exist_ok=True)
    log_path = VAR / "liveserver.log"
    server = servers.Gunicorn(env=env, log_path=log_path)
    base_url = server.base_url
    say(f"Starting gunicorn on {base_url} (log: {log_path.relative_to(CHECKOUT)})")
    server.launch()
    # A plain `kill` (SIGTERM) unwinds through the finally below too, like Ctrl-C does.
    previous_handler = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        server.wait_until_ready(START_TIMEOUT_SECONDS)
        yield base_url, env
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        say("Stopping the server")
        server.stop()
