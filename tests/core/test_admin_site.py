"""Who the editors' admin lets in, and where a login lands."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def log_in(client, username, password, next_url="/admin/"):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": next_url}
    )


def test_staff_outside_editors_are_told_so_and_get_no_session(client, django_user_model):
    django_user_model.objects.create_user("intern", password="an-intern-password", is_staff=True)
    response = log_in(client, "intern", "an-intern-password")
    assert response.status_code == 200
    assert "This account is not an editor&#x27;s" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_for_a_non_editor_says_nothing_about_the_account(
    client, django_user_model
):
    django_user_model.objects.create_user("intern", password="an-intern-password", is_staff=True)
    page = log_in(client, "intern", "wrong").content.decode()
    assert "not an editor" not in page
    assert "Please enter the correct username and password" in page


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/admin/", "javascript:alert(1)"]
)
def test_a_refused_next_lands_on_the_admin_index(client, django_user_model, next_url):
    django_user_model.objects.create_superuser("chief", "chief@example.org", "a-chief-password")
    response = log_in(client, "chief", "a-chief-password", next_url=next_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_a_refused_next_in_the_query_string_lands_on_the_admin_index(client, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.org", "a-chief-password")
    response = client.post(
        reverse("admin:login") + "?next=https://evil.example/",
        {"username": "chief", "password": "a-chief-password"},
    )
    assert response["Location"] == reverse("admin:index")


def test_a_safe_next_is_kept(client, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.org", "a-chief-password")
    target = reverse("admin:articles_article_changelist")
    assert log_in(client, "chief", "a-chief-password", next_url=target)["Location"] == target
