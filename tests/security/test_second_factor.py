"""Editors' second factor (TOTP, django-otp) at the admin's login and enrolment."""

from io import StringIO
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.admin_forms import admin_login, app_code, enrol, secret_on_page, wrong_code

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-editor-password"
STORIES = "/admin/articles/article/"


@pytest.fixture
def editor(django_user_model):
    """An editor made by the documented command (staff, in Editors, not a superuser)."""
    call_command("create_editor", "ada", stdout=StringIO())
    return django_user_model.objects.get(username="ada")


@pytest.fixture(autouse=True)
def editor_password(monkeypatch):
    monkeypatch.setenv("NEWSROOM_EDITOR_PASSWORD", PASSWORD)


@pytest.fixture
def chief(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@example.org", PASSWORD)


def errors_of(response):
    return response.context["form"].errors


# Logging in


def test_an_editor_without_a_device_logs_in_with_the_password_and_is_offered_one(client, editor):
    response = admin_login(client, "ada", PASSWORD, next_url=STORIES)
    assert response.status_code == 302 and response["Location"] == STORIES
    page = client.get(STORIES).content.decode()
    assert f'href="{reverse("admin:second_factor")}"' in page


def test_an_editor_with_a_device_must_give_its_code(client, editor):
    enrol(editor)
    missing = admin_login(client, "ada", PASSWORD)
    assert missing.status_code == 200
    assert errors_of(missing)["otp_token"] == [
        "Enter the six-digit code from your authenticator app."
    ]
    assert "_auth_user_id" not in client.session
    assert client.get(STORIES).status_code == 302
    assert 'autocomplete="one-time-code"' in missing.content.decode()


def test_the_right_code_logs_in_and_the_session_is_verified(client, editor):
    secret = enrol(editor)
    response = admin_login(client, "ada", PASSWORD, code=app_code(secret), next_url=STORIES)
    assert response.status_code == 302 and response["Location"] == STORIES
    assert client.get(STORIES).status_code == 200
    assert client.session["otp_device_id"] == TOTPDevice.objects.get(user=editor).persistent_id


def test_a_wrong_code_is_a_form_error_and_logs_nobody_in(client, editor):
    secret = enrol(editor)
    response = admin_login(client, "ada", PASSWORD, code=wrong_code(secret))
    assert response.status_code == 200
    assert "That code is wrong or has already been used" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_replayed_code_is_refused(client, editor):
    secret = enrol(editor)
    code = app_code(secret)
    assert admin_login(client, "ada", PASSWORD, code=code).status_code == 302
    client.logout()
    replayed = admin_login(client, "ada", PASSWORD, code=code)
    assert replayed.status_code == 200
    assert errors_of(replayed)["otp_token"] == [
        "That code is wrong or has already been used. Enter the code your app shows now."
    ]


def test_wrong_codes_count_toward_the_lockout(client, editor):
    secret = enrol(editor)
    for _ in range(4):
        assert admin_login(client, "ada", PASSWORD, code=wrong_code(secret)).status_code == 200
    assert admin_login(client, "ada", PASSWORD, code=wrong_code(secret)).status_code == 429
    assert AccessAttempt.objects.get(username="ada").failures_since_start == 5
    # Locked out: even the right password and code wait.
    assert admin_login(client, "ada", PASSWORD, code=app_code(secret)).status_code == 429


def test_a_missing_code_counts_toward_the_address_limit_too(client, editor, settings):
    settings.ADMIN_ADDRESS_FAILURE_LIMIT = 2
    enrol(editor)
    assert admin_login(client, "ada", PASSWORD).status_code == 200
    assert admin_login(client, "someone", "guess").status_code == 200
    paused = admin_login(client, "ada", PASSWORD)
    assert paused.status_code == 429
    assert "paused for your address" in paused.content.decode()


def test_guessing_codes_in_a_row_is_slowed_by_the_device(client, editor):
    secret = enrol(editor)
    admin_login(client, "ada", PASSWORD, code=wrong_code(secret))
    # Straight after a wrong code the device refuses even the right one for a moment.
    response = admin_login(client, "ada", PASSWORD, code=app_code(secret))
    assert errors_of(response)["otp_token"] == [
        "Too many wrong codes in a row. Wait a few seconds, then enter the code your app shows now."
    ]


def test_a_session_without_the_code_does_not_reach_the_admin(client, editor):
    enrol(editor)
    client.force_login(editor)  # a password-only session, as before the device was added
    response = client.get(STORIES)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_outside_editors_are_still_told_so_before_any_code(client, django_user_model):
    django_user_model.objects.create_user("intern", password=PASSWORD, is_staff=True)
    response = admin_login(client, "intern", PASSWORD)
    assert "This account is not an editor&#x27;s" in response.content.decode()
    assert "otp_token" not in errors_of(response)


# Enrolling


def test_an_editor_enrols_with_the_secret_shown_and_a_first_code(client, editor):
    admin_login(client, "ada", PASSWORD)
    page = client.get(reverse("admin:second_factor"), {"next": STORIES})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="img" aria-label="QR code of the secret shown below it"' in html
    assert "Superusers need a second factor" not in html
    secret = secret_on_page(html)

    wrong = client.post(
        reverse("admin:second_factor"), {"otp_token": wrong_code(secret), "next": STORIES}
    )
    assert wrong.status_code == 200
    assert "That code is not the one your app shows now" in wrong.content.decode()
    assert secret_on_page(wrong.content.decode()) == secret  # the same device, to try again
    assert not TOTPDevice.objects.get(user=editor).confirmed

    # django-otp holds back a new try for a second after a wrong code.
    TOTPDevice.objects.filter(user=editor).update(throttling_failure_count=0)
    done = client.post(
        reverse("admin:second_factor"), {"otp_token": app_code(secret), "next": STORIES}
    )
    assert done.status_code == 302 and done["Location"] == STORIES
    assert TOTPDevice.objects.get(user=editor).confirmed
    assert client.get(STORIES).status_code == 200  # this session counts as verified

    again = client.get(reverse("admin:second_factor")).content.decode()
    assert "Your account has a second factor" in again
    assert secret not in again and "Key:" not in again  # the secret is never shown again


def test_each_visit_before_confirming_shows_a_new_secret(client, editor):
    admin_login(client, "ada", PASSWORD)
    first = secret_on_page(client.get(reverse("admin:second_factor")).content.decode())
    second = secret_on_page(client.get(reverse("admin:second_factor")).content.decode())
    assert first != second
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_an_unsafe_next_after_enrolment_lands_on_the_admin_index(client, editor):
    admin_login(client, "ada", PASSWORD)
    secret = secret_on_page(client.get(reverse("admin:second_factor")).content.decode())
    done = client.post(
        reverse("admin:second_factor"),
        {"otp_token": app_code(secret), "next": "https://evil.example/"},
    )
    assert done["Location"] == reverse("admin:index")


def test_the_enrolment_page_is_for_logged_in_editors_only(client):
    response = client.get(reverse("admin:second_factor"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# Required for superusers in production


def test_in_production_a_superuser_is_sent_to_enrol_before_any_admin_page(client, chief, settings):
    settings.ENVIRONMENT = "production"
    login = admin_login(client, "chief", PASSWORD, next_url=STORIES)
    assert login.status_code == 302
    for path in (STORIES, reverse("admin:index"), reverse("admin:password_change")):
        response = client.get(path)
        assert response.status_code == 302
        assert (
            response["Location"] == f"{reverse('admin:second_factor')}?{urlencode({'next': path})}"
        )

    page = client.get(reverse("admin:second_factor"), {"next": STORIES})
    assert "Superusers need a second factor before they can use the admin" in (
        page.content.decode()
    )
    secret = secret_on_page(page.content.decode())
    done = client.post(
        reverse("admin:second_factor"), {"otp_token": app_code(secret), "next": STORIES}
    )
    assert done["Location"] == STORIES
    assert client.get(STORIES).status_code == 200


def test_in_production_a_superuser_may_still_log_out_before_enrolling(client, chief, settings):
    settings.ENVIRONMENT = "production"
    admin_login(client, "chief", PASSWORD)
    assert client.post(reverse("admin:logout")).status_code == 200
    assert "_auth_user_id" not in client.session


def test_in_production_editors_are_offered_a_second_factor_not_forced(client, editor, settings):
    settings.ENVIRONMENT = "production"
    admin_login(client, "ada", PASSWORD)
    assert client.get(STORIES).status_code == 200


def test_in_development_a_superuser_is_not_forced_to_enrol(client, chief):
    admin_login(client, "chief", PASSWORD)
    assert client.get(STORIES).status_code == 200


# A lost device


def test_the_reset_command_removes_a_lost_device(client, editor):
    enrol(editor)
    out = StringIO()
    call_command("reset_second_factor", "ada", stdout=out)
    assert "Removed the second factor of “ada”" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert admin_login(client, "ada", PASSWORD).status_code == 302


def test_the_reset_command_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="There is no user “nobody”"):
        call_command("reset_second_factor", "nobody")


def test_superusers_can_remove_a_device_in_the_admin_which_hides_its_secret(client, chief, editor):
    secret = enrol(chief)
    enrol(editor)
    admin_login(client, "chief", PASSWORD, code=app_code(secret))
    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert listing.status_code == 200
    device = TOTPDevice.objects.get(user=editor)
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert device.key not in change.content.decode()
    deleted = client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
