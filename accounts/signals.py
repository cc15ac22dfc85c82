"""What accounts tells the apps that keep a reader's activity, without importing them
(accounts sits below them: tests/test_layers.py). Each app that stores rows by reader id
connects receivers in its AppConfig.ready().

``reader_joined(sender, anonymous_reader_id, account_reader_id)``: a browser's anonymous
reader signed in to an account; its activity joins the account's reader id. Each
receiver returns a dict of what it moved, by kind: {"reads": 3, "forecasts": 2}.

``reader_data_requested(sender, reader_id)``: the account's owner asks for everything
the site holds about them. Each receiver returns a dict of JSON-ready sections.

``account_deleted(sender, reader_id, anonymous_reader_id)``: the account is being
deleted (in its transaction). What the apps keep of the reader must be moved to
``anonymous_reader_id``, a fresh random id linked to no one, or removed.
"""

from django.dispatch import Signal

reader_joined = Signal()
reader_data_requested = Signal()
account_deleted = Signal()


def joined_counts(results):
    """The receivers' counts of what moved, added up by kind."""
    totals = {}
    for _receiver, counts in results:
        for kind, count in (counts or {}).items():
            totals[kind] = totals.get(kind, 0) + count
    return totals
