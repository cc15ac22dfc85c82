"""What the articles tests share: a real SMTP server for the review emails."""

from tests.mail_server import mail_server  # noqa: F401 - a fixture for the tests here
