"""The site's fixture content, loaded once per test session and copied back afterwards.

Loading it the way `make run` does (tests/site_content.py) renders every story's Markdown,
figures and scores: seconds each time. The first test that asks for it loads it so, and
every table the load changed is kept in memory (COPY ... TO STDOUT) with what those
tables held before. A later test whose tables hold the same before (a test in a
transaction starts from the migrated database, a live-server test from an emptied one,
so a session keeps one snapshot of each) gets them back by COPY ... FROM STDIN, in one
transaction, with their id sequences moved past the rows: milliseconds instead of
seconds. Tables the load never changes (content types, permissions, users) are left as
they are; the content refers to none of them.
"""

from django.db import connection, transaction

from tests.site_content import load_site_content

# (what the changed tables held before the load, {table: its rows after the load})
_snapshots = []


def _tables():
    return sorted(connection.introspection.django_table_names(include_views=False))


def _state(cursor, tables):
    """Each table's content, as a digest: equal digests, equal rows."""
    digests = " UNION ALL ".join(
        f"SELECT '{table}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
        f"FROM {table} AS t"
        for table in tables
    )
    cursor.execute(digests)
    return dict(cursor.fetchall())


def _copy_out(cursor, table):
    with cursor.copy(f"COPY {table} TO STDOUT") as copy:
        return b"".join(bytes(block) for block in copy)


def _copy_in(cursor, table, rows):
    cursor.execute(f"DELETE FROM {table}")
    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
        copy.write(rows)
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND (is_identity = 'YES' OR column_default LIKE 'nextval%%')",
        [table],
    )
    for (column,) in cursor.fetchall():
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), max({column})) FROM {table} "
            f"HAVING max({column}) IS NOT NULL",
            [table, column],
        )


def load():
    """The fixture content in the test database: loaded the first time from this state,
    copied back after."""
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        now = _state(cursor, tables)
        for before, snapshot in _snapshots:
            if all(now[table] == digest for table, digest in before.items()):
                for table, rows in snapshot.items():
                    _copy_in(cursor, table, rows)
                return
        load_site_content()
        after = _state(cursor, tables)
        changed = [table for table in tables if after[table] != now[table]]
        _snapshots.append(
            (
                {table: now[table] for table in changed},
                {table: _copy_out(cursor, table) for table in changed},
            )
        )
