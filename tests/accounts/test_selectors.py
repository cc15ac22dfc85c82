"""What other apps read of accounts: a handle for each reader id that has one."""

import pytest
from django.test import Client

from accounts.models import Account
from accounts.selectors import handles_for
from tests.accounts.flows import create_account

pytestmark = pytest.mark.django_db


def test_handles_for_names_the_readers_with_an_account_in_one_query(django_assert_num_queries):
    create_account(Client(), "grace")
    create_account(Client(), "alan")
    grace, alan = (Account.objects.get(handle=handle).reader_id for handle in ("grace", "alan"))

    with django_assert_num_queries(1):
        found = handles_for([grace, alan, "f" * 32, grace])

    assert found == {grace: "grace", alan: "alan"}
