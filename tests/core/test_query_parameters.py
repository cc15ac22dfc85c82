"""A shared page answers only the query parameters it takes: any other is redirected away,
so that a made-up query string cannot make the HTTP cache fetch a page again and again."""

import pytest
from django.urls import reverse

from tests.factories import make_article, make_topic

pytestmark = pytest.mark.django_db


def test_a_parameter_a_story_does_not_take_is_a_shared_redirect_to_its_clean_url(client):
    story = make_article()
    url = story.get_absolute_url()

    response = client.get(url, {"cachebuster": "4821", "part": "technical", "z": ""})

    assert response.status_code == 301
    assert response["Location"] == f"{url}?part=technical"
    assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]
    assert client.get(response["Location"]).status_code == 200


def test_the_redirect_is_made_before_the_page_is(client, django_assert_num_queries):
    story = make_article()
    with django_assert_num_queries(0):
        response = client.get(story.get_absolute_url(), {"anything": "1"})
    assert response.status_code == 301


@pytest.mark.parametrize(
    ("url", "taken"),
    [
        (reverse("articles:search"), {"q": "cells", "topic": "medicine"}),
        (reverse("trust:sources"), {"kind": "journal", "sort": "name"}),
    ],
)
def test_parameters_a_page_takes_are_never_redirected_away(client, url, taken):
    make_topic(slug="medicine")
    assert client.get(url, taken).status_code == 200
    redirected = client.get(url, {**taken, "cachebuster": "1"})
    assert redirected.status_code == 301
    for name in taken:
        assert f"{name}=" in redirected["Location"]
    assert "cachebuster" not in redirected["Location"]


def test_pages_that_take_no_parameters_redirect_every_one(client):
    for name in ("articles:topics", "trust:methodology", "predictions:questions"):
        response = client.get(reverse(name), {"page": "2"})
        assert (response.status_code, response["Location"]) == (301, reverse(name)), name


def test_the_personal_landing_parameter_is_kept(client):
    story = make_article()
    response = client.get(story.get_absolute_url(), {"saved": "read"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
