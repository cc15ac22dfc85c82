"""Reader writes are refused when a browser says they come from another site."""

import pytest
from django.urls import reverse

from predictions.models import Read
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def vote(client, article, **headers):
    return client.post(
        reverse("predictions:read", kwargs={"slug": article.slug}),
        {"choice": "promising"},
        headers=headers,
    )


@pytest.mark.parametrize("fetch_site", ["same-origin", "none"])
def test_a_vote_from_this_site_or_typed_by_the_reader_is_taken(client, fetch_site):
    article = make_article()
    assert vote(client, article, **{"Sec-Fetch-Site": fetch_site}).status_code == 302
    assert Read.objects.count() == 1


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site"])
def test_a_vote_from_another_site_is_refused(client, fetch_site):
    article = make_article()
    # Sec-Fetch-Site decides even when a forged Origin looks right.
    headers = {"Sec-Fetch-Site": fetch_site, "Origin": "http://testserver"}
    response = vote(client, article, **headers)
    assert response.status_code == 403
    assert not Read.objects.exists()


def test_without_sec_fetch_site_a_matching_origin_is_taken(client):
    article = make_article()
    assert vote(client, article, Origin="http://testserver").status_code == 302
    assert Read.objects.count() == 1


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://testserver.evil"])
def test_without_sec_fetch_site_another_origin_is_refused(client, origin):
    article = make_article()
    assert vote(client, article, Origin=origin).status_code == 403
    assert not Read.objects.exists()


def test_with_neither_header_the_request_is_not_from_a_browser_page_and_is_taken(client):
    article = make_article()
    assert vote(client, article).status_code == 302
    assert Read.objects.count() == 1


def test_a_refusal_as_json_says_so_in_a_sentence(client):
    article = make_article()
    response = vote(
        client, article, **{"Sec-Fetch-Site": "cross-site", "Accept": "application/json"}
    )
    assert response.status_code == 403
    assert response.json() == {
        "error": "This form can only be sent from a page of this site. Nothing was saved."
    }


def test_the_admin_keeps_token_csrf(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("admin:login"), {"username": "a", "password": "b"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "origin", ["https://testserver", "ftp://testserver", "http://testserver:8080", "garbage"]
)
def test_without_sec_fetch_site_our_host_on_another_scheme_or_port_is_refused(client, origin):
    article = make_article()
    assert vote(client, article, Origin=origin).status_code == 403
    assert not Read.objects.exists()


def test_the_configured_site_url_is_the_origin_that_counts(client, settings):
    settings.SITE_URL = "https://news.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "news.example.org"]
    article = make_article()
    assert vote(client, article, Origin="http://testserver").status_code == 403
    assert vote(client, article, Origin="https://news.example.org:443").status_code == 302
    assert Read.objects.count() == 1
