"""The benchmark's databases, on the project's PostgreSQL server: built once, marked, reused.

``newsroom_bench_small`` is the fixture content as `make content` loads it;
``newsroom_bench`` is a copy of it with tools/bench/dataset.py's data set added. A marker
(a comment on the database holding a hash of the generator and the fixtures) lets later
runs reuse a database that they still match.
"""

import hashlib
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tools import localdb

REPO = Path(__file__).resolve().parents[2]


def database_url(name):
    server = os.environ.get("DATABASE_URL") or localdb.url()
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def execute(statement, *params, database="postgres"):
    """One statement, in autocommit: its first row."""
    import psycopg

    with psycopg.connect(database_url(database), autocommit=True) as connection:
        cursor = connection.execute(statement, params)
        return cursor.fetchone() if cursor.description else None


def drop(name):
    execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create(name, template=None):
    # A file copy takes seconds where PostgreSQL 15's default (WAL-logged) takes longer.
    copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
    execute(f'CREATE DATABASE "{name}"{copy}')


def content_key(scale):
    """What a data set is made from: when any of it changes, the database is rebuilt."""
    digest = hashlib.sha256(repr(scale).encode())
    for path in [REPO / "tools/bench/dataset.py", *sorted((REPO / "fixtures").glob("*.yaml"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure(bench, name, *, scale=None, template=None):
    """The small data set (no ``template``), or the large one: a copy of ``template`` with
    the synthetic data set at ``scale``; reused when its marker matches. Its marker."""
    key = content_key(scale)
    row = execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", name
    )
    marker = json.loads(row[0]) if row and row[0] and row[0].startswith("{") else {}
    if marker.get("key") == key and not bench.args.rebuild:
        bench.say(f"Reusing {name} (built {marker['built']}; --rebuild builds it again)")
        bench.manage(name, "migrate", "--no-input", "-v", "0")
        return marker
    bench.say(f"Building {name}" + (" with the synthetic data set" if template else ""))
    drop(name)
    started, generation = time.monotonic(), None
    try:
        create(name, template)
        if template:
            generating = time.monotonic()
            bench.manage(
                name,
                "shell",
                "-c",
                f"from tools.bench import dataset; dataset.generate(scale={scale})",
            )
            generation = round(time.monotonic() - generating, 1)
        else:
            for command in (
                ["migrate", "--no-input", "-v", "0"],
                ["load_content"],
                ["seed_demo_forecasts"],
            ):
                bench.manage(name, *command)
    except BaseException:
        drop(name)
        raise
    marker = {
        "key": key,
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.monotonic() - started, 1),
        "generation_seconds": generation,
        "scale": scale,
    }
    execute(f"""COMMENT ON DATABASE "{name}" IS '{json.dumps(marker)}'""")
    return marker
