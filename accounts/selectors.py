"""Reads about accounts: for other apps' pages, the account page and the data export."""

from django.db.models import Count, Q

from accounts import signals
from accounts.models import Account


def handles_for(reader_ids):
    """``{reader_id: handle}`` for those of ``reader_ids`` that belong to an account, in
    one query; readers without an account are absent."""
    return dict(
        Account.objects.filter(reader_id__in=set(reader_ids)).values_list("reader_id", "handle")
    )


def account_page(account):
    """What the account page shows: its passkeys and how many recovery codes are left."""
    codes = account.recovery_codes.aggregate(
        left=Count("pk", filter=Q(used_at__isnull=True)), made=Count("pk")
    )
    return {
        "account": account,
        "passkeys": list(account.passkeys.all()),
        "codes_left": codes["left"],
        "codes_made": codes["made"],
    }


def _moment(value):
    return value.isoformat() if value else None


def export(account, *, now):
    """Everything the site holds about the account, JSON-ready: the account, its passkeys
    (names and dates; the keys are public keys and useless to anyone, but they are not
    the reader's data), its recovery codes' dates, and each app's part of the reader's
    activity (accounts/signals.py: reader_data_requested)."""
    data = {
        "exported_at": now.isoformat(),
        "account": {
            "handle": account.handle,
            "created_at": _moment(account.created_at),
            "email": account.email or None,
            "email_verified_at": _moment(account.email_verified_at),
            "last_signed_in_at": _moment(account.user.last_login),
        },
        "passkeys": [
            {
                "name": passkey.name,
                "created_at": _moment(passkey.created_at),
                "last_used_at": _moment(passkey.last_used_at),
                "transports": passkey.transports,
            }
            for passkey in account.passkeys.all()
        ],
        "recovery_codes": [
            {"created_at": _moment(code.created_at), "used_at": _moment(code.used_at)}
            for code in account.recovery_codes.order_by("created_at", "pk")
        ],
    }
    for _receiver, sections in signals.reader_data_requested.send(
        sender=Account, reader_id=account.reader_id
    ):
        data.update(sections or {})
    return data
