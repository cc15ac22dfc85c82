"""Accounts made directly (a user and its account, as accounts/services.py makes them),
signed in with ``force_login``; the notification jobs run with ``call_local`` unless a
test starts the job runner."""

import itertools
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from accounts.backends import BACKEND
from accounts.models import Account
from core import readers
from notices.models import Preferences
from tests.mail_server import mail_server  # noqa: F401 - a fixture for the tests here

_numbers = itertools.count(1)


def make_account(*, email=None, verified=True, frequency=None, threshold=None):
    """An account with a verified ``email`` when given; ``frequency`` and ``threshold``
    make its notification preferences."""
    number = next(_numbers)
    user = get_user_model().objects.create(username=f"reader-{uuid.uuid4().hex}")
    account = Account.objects.create(
        user=user,
        handle=f"reader{number}",
        handle_skeleton=f"reader{number}",
        reader_id=uuid.uuid4().hex,
        email=email or "",
        email_verified_at=timezone.now() if email and verified else None,
    )
    if frequency or threshold:
        Preferences.objects.create(
            account=account,
            email_frequency=frequency or Preferences.Frequency.OFF,
            crowd_threshold=threshold or 10,
            emails_since=timezone.now() if frequency else None,
        )
    return account


def signed_in(account, **client_options):
    """A client signed in to ``account``, with its reader cookie (as signing in sets it)."""
    client = Client(**client_options)
    client.force_login(account.user, backend=BACKEND)
    client.cookies[readers.COOKIE_NAME] = readers.signed_reader_cookie(account.reader_id)
    return client


@pytest.fixture
def account(db):
    return make_account()


@pytest.fixture
def reader(account):
    """A client signed in to ``account``."""
    return signed_in(account)
