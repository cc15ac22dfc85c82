"""Recovery codes: ten, shown once, stored as digests, each signing in once; made anew
from the account page, which retires the old ones."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from accounts import recovery
from accounts.models import Account, RecoveryCode
from core.readers import COOKIE_NAME
from tests.accounts.flows import create_account

pytestmark = pytest.mark.django_db


def codes_shown(client):
    page = client.get(reverse("accounts:recovery_codes")).content.decode()
    return [part.split("</code>")[0] for part in page.split("<li><code>")[1:]]


def sign_in_with_code(client, handle, code):
    return client.post(reverse("accounts:sign_in_recovery"), {"handle": handle, "code": code})


def test_ten_codes_are_shown_once_and_only_their_digests_are_kept():
    browser = Client()
    create_account(browser, "grace")
    codes = codes_shown(browser)

    assert len(codes) == len(set(codes)) == 10
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert stored == {hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes}
    assert not any(code in str(stored) for code in codes)


def test_a_code_signs_in_once_on_another_device():
    owner = Client()
    create_account(owner, "grace")
    code = codes_shown(owner)[3]
    device = Client()

    response = sign_in_with_code(device, "GRACE", code.upper().replace("-", " "))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    account = Account.objects.get()
    assert device.cookies[COOKIE_NAME].value.split(":")[0] == account.reader_id
    page = device.get(reverse("accounts:account")).content.decode()
    assert "you have 9 left" in page
    again = sign_in_with_code(Client(), "grace", code)
    assert again.status_code == 200
    assert "do not match an unused recovery code" in again.content.decode()


def test_a_code_of_another_account_or_a_wrong_code_does_not_sign_in():
    grace, alan = Client(), Client()
    create_account(grace, "grace")
    create_account(alan, "alan")
    alans_code = codes_shown(alan)[0]
    for handle, code in [("grace", alans_code), ("grace", "aaaa-bbbb-cccc-dddd"), ("grace", "x")]:
        response = sign_in_with_code(Client(), handle, code)
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()


def test_new_codes_retire_the_old_ones():
    browser = Client()
    create_account(browser, "grace")
    old = codes_shown(browser)

    response = browser.post(reverse("accounts:recovery_codes"))

    assert response.status_code == 302
    new = codes_shown(browser)
    assert len(new) == 10 and not set(new) & set(old)
    assert sign_in_with_code(Client(), "grace", old[0]).status_code == 200  # refused
    assert sign_in_with_code(Client(), "grace", new[0]).status_code == 302


def test_typed_codes_are_folded_and_nonsense_is_no_code():
    assert recovery.folded(" ABCD-efgh ijkl-MN0P ") == "abcdefghijklmnop"
    assert recovery.folded("abcd-efgh-ijkl-mn0p") == "abcdefghijklmnop"
    assert recovery.code_hash("short") == ""
    assert recovery.code_hash("ａｂｃｄ" * 4) == ""
