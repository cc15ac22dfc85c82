"""A real SMTP server (aiosmtpd, in a thread of the test) for tests of the site's mail:
register the ``mail_server`` fixture by importing it into a conftest or test module."""

import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from tools import servers


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
