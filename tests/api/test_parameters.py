"""A list's query parameters: each one known, each one given once, or a JSON 400 that says
which; never a silent pick of one of two values."""

import pytest
from django.urls import reverse

from tests.factories import make_article, make_question, make_topic

pytestmark = pytest.mark.django_db


def refusal(client, url, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.json()


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("topic", "topic=physics&topic=medicine"),
        ("band", "band=likely&band=speculative"),
        ("page", "page=1&page=2"),
    ],
)
def test_a_repeated_parameter_of_the_story_list_is_a_json_400_naming_it(client, name, query):
    make_article(topics=[make_topic(slug="physics")])
    make_topic(slug="medicine")
    body = refusal(client, reverse("api:stories"), query)
    assert body["error"] == f"Repeated parameter {name}: give each parameter once."


def test_a_repeated_parameter_of_the_question_list_is_a_json_400_naming_it(client):
    make_question()
    body = refusal(client, reverse("api:questions"), "page=1&page=1")
    assert body["error"] == "Repeated parameter page: give each parameter once."


def test_a_repeated_parameter_is_answered_in_the_shape_of_an_unknown_one(client):
    unknown = refusal(client, reverse("api:stories"), "sort=score")
    repeated = refusal(client, reverse("api:stories"), "topic=a&topic=b")
    assert set(repeated) == set(unknown) == {"api_version", "licence", "error"}
    both = refusal(client, reverse("api:stories"), "sort=score&page=1&page=2")
    assert both["error"] == (
        "Unknown parameter sort: this list takes page, topic, band. "
        "Repeated parameter page: give each parameter once."
    )


def test_each_parameter_once_still_answers(client):
    make_article(topics=[make_topic(slug="physics")])
    response = client.get(reverse("api:stories"), {"topic": "physics", "page": "1"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert client.get(reverse("api:questions"), {"page": "1"}).status_code == 200
