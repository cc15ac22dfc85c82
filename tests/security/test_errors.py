"""Friendly error pages that leak nothing; the 503 while the database is away."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.template import loader
from django.test import Client, RequestFactory
from django.urls import reverse

from core import errors
from newsroom import views as project_views
from tests.factories import make_article
from tests.security.urls import SECRET

pytestmark = pytest.mark.django_db

LEAKS = [SECRET, "Traceback", "OperationalError", "settings.py", "/work/", "127.0.0.1"]


@pytest.fixture(autouse=True)
def failing_views(settings):
    settings.ROOT_URLCONF = "tests.security.urls"


@pytest.fixture
def quiet_client():
    """A client that gets the 500 page rather than the exception, as a browser would."""
    return Client(raise_request_exception=False)


def assert_leaks_nothing(response):
    page = response.content.decode()
    for leak in LEAKS:
        assert leak not in page, leak


def test_a_bad_request_gets_the_friendly_400(client):
    response = client.get("/test-errors/400/")
    assert response.status_code == 400
    assert "That request could not be used" in response.content.decode()
    assert_leaks_nothing(response)


def test_a_request_for_an_unknown_host_gets_the_400_not_a_500(client):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "That request could not be used" in response.content.decode()
    assert "attacker.example" not in response.content.decode()


def test_forbidden_gets_the_friendly_403(client):
    response = client.get("/test-errors/403/")
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()
    assert_leaks_nothing(response)


def test_a_form_without_its_csrf_token_gets_the_friendly_403():
    checking = Client(enforce_csrf_checks=True)
    response = checking.post(reverse("admin:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your form could not be sent" in page
    assert "CSRF" not in page and "Referer" not in page


def test_a_cross_site_reader_write_gets_the_friendly_403():
    article = make_article()
    response = Client().post(
        f"/articles/{article.slug}/read/",
        {"choice": "promising"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert not article.reads.exists()

    as_json = Client().post(
        f"/articles/{article.slug}/read/",
        {"choice": "promising"},
        headers={"Sec-Fetch-Site": "cross-site", "Accept": "application/json"},
    )
    assert as_json.status_code == 403
    assert "only be sent from a page of this site" in as_json.json()["error"]


def test_the_404_helps_and_still_answers_without_the_database(client):
    story = make_article()
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert story.headline in response.content.decode()
    with mock.patch.object(
        project_views.Article.objects, "published", side_effect=OperationalError
    ):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_an_unexpected_error_gets_the_500_page_and_leaks_nothing(quiet_client):
    response = quiet_client.get("/test-errors/500/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert_leaks_nothing(response)


def test_the_500_page_renders_without_a_request_or_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = errors.server_error(RequestFactory().get("/"))
        bare = loader.get_template("500.html").render({})
    assert response.status_code == 500
    assert "Something went wrong" in bare


def test_a_database_error_gets_the_503_with_retry_after(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/test-errors/503/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "We will be back in a moment" in response.content.decode()
    assert_leaks_nothing(response)

    as_json = client.get("/test-errors/503/", HTTP_ACCEPT="application/json")
    assert as_json.status_code == 503
    assert as_json["Retry-After"] == "30"
    assert "database" in as_json.json()["error"]


def test_a_database_error_outside_a_view_also_gets_the_503():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("the server closed the connection unexpectedly")
    except OperationalError:
        response = errors.server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
