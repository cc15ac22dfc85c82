"""Accounts made directly (a user and its account, as accounts/services.py makes them),
signed in with ``force_login``; the notification jobs run with ``call_local`` unless a
test starts the job runner."""

import itertools
import threading
import uuid
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from accounts.backends import BACKEND
from accounts.models import Account
from core import readers
from notices.models import Preferences
from tools import servers

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


class MailServer:
    """What a real SMTP server (aiosmtpd, in a thread of the test) received."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.received.append((envelope.original_content, message))
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        with self.lock:
            return [message for _, message in self.received]

    @property
    def raw(self):
        """The messages as they came over the wire."""
        with self.lock:
            return [raw for raw, _ in self.received]


@pytest.fixture
def mail_server(settings, monkeypatch):
    """An SMTP server on a free port, where the site's mail goes: this process's settings
    and, for a job runner started after it, the environment (EMAIL_URL)."""
    inbox, port = MailServer(), servers.free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{port}")
    yield inbox
    controller.stop()
