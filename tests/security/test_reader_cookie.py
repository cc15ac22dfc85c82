"""A bad reader cookie is cleared, not a dead end; a key rotation keeps readers' identities."""

import pytest
from django.core import signing
from django.urls import reverse

from core.readers import COOKIE_NAME, MARKER_COOKIE_NAME, SALT, signed_reader_cookie
from predictions.models import Read
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def vote(client, article):
    return client.post(
        reverse("predictions:read", kwargs={"slug": article.slug}), {"choice": "promising"}
    )


@pytest.mark.parametrize(
    "cookie",
    [
        "garbage",
        signing.TimestampSigner(key="another-key" * 5, salt=COOKIE_NAME + SALT).sign("r1"),
    ],
    # Named: a signed value holds the time, and pytest-xdist's workers must agree on ids.
    ids=["garbage", "signed-with-another-key"],
)
def test_a_bad_reader_cookie_is_cleared_and_the_next_vote_starts_afresh(client, cookie):
    article = make_article()
    client.cookies[COOKIE_NAME] = cookie
    refused = vote(client, article)
    assert refused.status_code == 400
    assert "we have cleared it" in refused.content.decode()
    for name in (COOKIE_NAME, MARKER_COOKIE_NAME):
        assert refused.cookies[name].value == "" and refused.cookies[name]["max-age"] == 0
    assert not Read.objects.exists()
    # The client dropped the cookie as told: the next vote makes a new reader.
    again = vote(client, article)
    assert again.status_code == 302
    assert Read.objects.count() == 1


def test_after_a_key_rotation_readers_keep_their_identity(client, settings):
    article = make_article()
    old_cookie = signed_reader_cookie("long-time-reader")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-" + "x" * 40
    client.cookies[COOKIE_NAME] = old_cookie
    assert vote(client, article).status_code == 302
    assert Read.objects.get().reader_id == "long-time-reader"


def test_a_large_or_many_field_vote_is_refused_before_its_body_is_parsed(client):
    article = make_article()
    url = reverse("predictions:read", kwargs={"slug": article.slug})
    huge = client.post(url, {"choice": "promising", "pad": "x" * 1_000_000})
    many = client.post(
        url,
        "&".join(f"f{n}=1" for n in range(1200)),
        content_type="application/x-www-form-urlencoded",
    )
    assert huge.status_code == many.status_code == 413
    assert not Read.objects.exists()


def test_a_search_for_the_old_token_placeholder_echoes_no_token(client):
    page = client.get("/search/?q=__newsroom_csrf_token__").content.decode()
    assert "csrfmiddlewaretoken" not in page
    assert client.cookies.get("csrftoken") is None
