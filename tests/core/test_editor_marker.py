"""Only editors' browsers carry the marker the HTTP cache passes on; a signed-in reader
gets the page everyone gets."""

import pytest
from django.contrib.auth.models import User

from core.editors import MARKER_COOKIE_NAME
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_an_editor_who_logs_in_is_marked_and_gets_pages_of_their_own(client, editor):
    assert client.cookies[MARKER_COOKIE_NAME].value == "1"
    assert client.cookies[MARKER_COOKIE_NAME]["httponly"]

    response = client.get(make_article().get_absolute_url())

    assert "private" in response["Cache-Control"]


def test_a_signed_in_reader_is_not_marked_and_gets_the_shared_page(client):
    story = make_article()
    anonymous = client.get(story.get_absolute_url())
    client.force_login(User.objects.create_user("a-reader"))

    response = client.get(story.get_absolute_url())

    assert MARKER_COOKIE_NAME not in response.cookies
    assert "public" in response["Cache-Control"]
    assert response.content == anonymous.content


def test_a_forged_marker_is_cleared(client):
    client.cookies[MARKER_COOKIE_NAME] = "1"

    response = client.get(make_article().get_absolute_url())

    assert response.cookies[MARKER_COOKIE_NAME]["max-age"] == 0
