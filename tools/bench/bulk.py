"""Bulk loading for the synthetic data set: COPY, explicit ids, indexes built once.

The generator's parts (tools/bench/stories.py, evidence.py, forecasts.py and
synthetic.py) share this base: it holds the cursor, the random generator, "now",
and the messages of each step.
"""

import time

from django.db import connection


def apportion(total, weights):
    """Whole numbers proportional to ``weights`` that add up to ``total`` (largest remainder)."""
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    shares = [int(part) for part in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - shares[i], reverse=True)
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return shares


class BulkLoad:
    def _say(self, message):
        if self.verbose:
            self.stdout.write(f"{message}\n")

    def _step(self, label, function, *args):
        started, cpu = time.monotonic(), time.process_time()
        function(*args)
        wall, cpu = time.monotonic() - started, time.process_time() - cpu
        self._say(f"  {label}: {wall:.1f} s ({cpu:.1f} s CPU here)")

    def _drop_indexes(self, models):
        """Drop the secondary indexes and unique constraints of the bulk-loaded tables.

        Building an index once over all rows is several times faster than updating it
        row by row (the search index most of all); _restore_indexes rebuilds them from
        the definitions saved here, in the same transaction.
        """
        saved = []
        for model in models:
            self.cursor.execute(
                "SELECT 'ALTER TABLE ' || conrelid::regclass || ' DROP CONSTRAINT '"
                "       || quote_ident(conname),"
                "       'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT '"
                "       || quote_ident(conname) || ' ' || pg_get_constraintdef(oid)"
                " FROM pg_constraint WHERE conrelid = %(table)s::regclass AND contype = 'u' "
                "UNION ALL "
                "SELECT 'DROP INDEX ' || indexrelid::regclass, pg_get_indexdef(indexrelid)"
                " FROM pg_index WHERE indrelid = %(table)s::regclass AND NOT indisprimary"
                " AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = indexrelid)",
                {"table": model._meta.db_table},
            )
            saved += self.cursor.fetchall()
        for drop, _ in saved:
            self.cursor.execute(drop)
        return saved

    def _restore_indexes(self, saved):
        # Check the deferred foreign keys now: ALTER TABLE refuses a table with pending checks.
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _, create in saved:
            self.cursor.execute(create)

    def _table(self, model):
        return connection.ops.quote_name(model._meta.db_table)

    def _copy(self, model, fields, rows):
        """COPY ``rows`` into ``model``'s table. A NOT NULL column the rows leave out takes
        the model's default, or "" for text (the database has none: Django keeps defaults
        in Python)."""
        given = {model._meta.get_field(name) for name in fields}
        defaulted = [
            field
            for field in model._meta.concrete_fields
            if field not in given
            and not field.null
            and not field.generated
            and (field.has_default() or field.empty_strings_allowed)
        ]
        columns = ", ".join(
            connection.ops.quote_name(field.column)
            for field in [*(model._meta.get_field(name) for name in fields), *defaulted]
        )
        tail = tuple(field.get_default() for field in defaulted)
        with self.cursor.copy(f"COPY {self._table(model)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *tail))

    def _new_ids(self, model, count):
        """Primary keys for rows written with explicit ids; the sequence is moved past them."""
        table = self._table(model)
        self.cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        start = self.cursor.fetchone()[0] + 1
        self.cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
            [model._meta.db_table, start + count - 1],
        )
        return list(range(start, start + count))

    # ------------------------------------------------------------------ content

    def _analyze(self, models):
        """Fresh planner statistics; outside a transaction VACUUM also marks pages all-visible."""
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"{command} {self._table(model)}")
