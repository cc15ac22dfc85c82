"""The benchmark's databases: made on the project's PostgreSQL server, marked, reused.

A marker (a comment on the database holding a hash of what the data set is made
from) lets later runs reuse a database the generator and the fixtures still match.
Standard library and psycopg only: no Django here.
"""

import hashlib
import json
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tools import localdb

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "tools" / "bench"
# What the large data set is made from, besides the fixtures.
GENERATOR = [
    BENCH / f"{name}.py" for name in ("synthetic", "bulk", "stories", "evidence", "forecasts")
]
FIXTURES = REPO / "fixtures"


def server_url():
    return os.environ.get("DATABASE_URL") or localdb.url()


def database_url(name):
    parts = urlsplit(server_url())
    return urlunsplit(parts._replace(path=f"/{name}"))


def psycopg_connect(name):
    import psycopg

    return psycopg.connect(database_url(name), autocommit=True)


def admin_connection():
    return psycopg_connect("postgres")


def database_exists(name):
    with admin_connection() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def drop_database(name):
    from psycopg import sql

    with admin_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def create_database(name, template=None):
    from psycopg import sql

    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with admin_connection() as conn:
        if template and conn.info.server_version >= 150000:
            # A file copy takes seconds where PostgreSQL 15's default (WAL-logged) takes longer.
            statement += sql.SQL(" STRATEGY FILE_COPY")
        conn.execute(statement)


def read_marker(name):
    with admin_connection() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else None
    except ValueError:
        return None


def write_marker(name, marker):
    from psycopg import sql

    with admin_connection() as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(json.dumps(marker))
            )
        )


def content_key(*parts):
    """What the data set is made from: when any of it changes, the database is rebuilt."""
    digest = hashlib.sha256()
    for path in [*GENERATOR, *sorted(FIXTURES.glob("*.yaml"))]:
        digest.update(path.read_bytes())
    digest.update(repr(parts).encode())
    return digest.hexdigest()[:16]


# The baseline's write (tools/bench/baseline.py): one row a request, in the run's copy.
WRITE_FLOOR_TABLE = "bench_write_floor"


def create_write_floor(name):
    """The table of the baseline's one durable insert, in the database ``name``."""
    with psycopg_connect(name) as conn:
        conn.execute(
            f"CREATE TABLE {WRITE_FLOOR_TABLE} (id bigserial PRIMARY KEY, "
            "written_at timestamptz NOT NULL DEFAULT now())"
        )
