"""What the editorial tests share: a second editor beside the ``editor`` fixture."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.admin_forms import admin_login


@pytest.fixture
def alice(db):
    """A second editor, in a browser of her own."""
    User.objects.create_superuser("alice", "alice@example.org", "a-long-alice-password")
    client = Client()
    assert admin_login(client, "alice", "a-long-alice-password").status_code == 302
    return client
