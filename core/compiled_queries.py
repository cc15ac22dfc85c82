"""Lookups whose SQL the ORM writes once, for the few that every reader write makes.

Building a queryset and compiling it costs Django more CPU than PostgreSQL takes
to run the statement (about a millisecond against a fifth of one on the
benchmark's machine); on a vote's path that was the largest single cost.
``fetch_one(build, alias, params)`` compiles the queryset that ``build()``
returns once per database and runs that SQL with the caller's parameters.
``build`` must be a module-level function whose queryset takes exactly those
parameters, in that order, as its placeholders: a lookup by one or more
values, with nothing that varies between calls (no "now").
"""

import functools

from django.db import connections


@functools.cache
def _sql(build, alias):
    sql, _ = build().using(alias).query.sql_with_params()
    return sql


def fetch_one(build, alias, params):
    """The first row of ``build()``'s SQL run with ``params``, or None."""
    with connections[alias].cursor() as cursor:
        cursor.execute(_sql(build, alias), params)
        return cursor.fetchone()
