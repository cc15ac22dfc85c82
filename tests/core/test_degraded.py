"""When Redis or the HTTP cache is away, pages and writes still answer and nothing is lost."""

import logging

import pytest
from django.core.cache import caches
from django.urls import reverse

from predictions.models import Read
from tests.factories import make_article
from tools.servers import free_port

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "unix:///nonexistent/redis.sock",
    }
}


@pytest.fixture
def redis_away(settings):
    settings.CACHES = DEAD_REDIS
    caches._settings = caches.settings = DEAD_REDIS
    caches._connections.__dict__.pop("default", None)
    yield
    caches._connections.__dict__.pop("default", None)


def test_without_redis_pages_answer_and_votes_are_stored(client, redis_away, caplog):
    story = make_article()
    assert client.get(story.get_absolute_url()).status_code == 200
    with caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        response = client.post(
            reverse("predictions:read", kwargs={"slug": story.slug}), {"choice": "promising"}
        )
    assert response.status_code == 302
    assert Read.objects.get().choice == "promising"
    assert "Rate limit not applied, Redis unavailable" in caplog.text
    assert client.get("/healthz").json()["redis"] == "unavailable"


def test_an_edit_is_saved_when_the_http_cache_cannot_be_purged(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.HTTP_CACHE_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]
    story = make_article(headline="Before")
    story.headline = "After"
    with caplog.at_level(logging.WARNING, logger="core.httpcache"):
        with django_capture_on_commit_callbacks(execute=True):
            story.save()
    story.refresh_from_db()
    assert story.headline == "After"
    assert f"Purge of stories story-{story.slug}" in caplog.text


def test_healthz_names_an_http_cache_node_that_does_not_answer(client, settings):
    dead = f"http://127.0.0.1:{free_port()}/"
    settings.HTTP_CACHE_PURGE_URLS = [dead]
    report = client.get("/healthz")
    assert report.status_code == 200
    assert report.json()["http_cache"] == {dead: "unavailable"}
