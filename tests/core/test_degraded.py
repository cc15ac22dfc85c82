"""When Redis or the HTTP cache is away, pages and writes still answer and nothing is lost."""

import logging

import pytest
from django.urls import reverse

from core import ratelimit
from predictions.models import Read
from tests.clocks import WINDOW_BOUNDARY, ManualClock
from tests.factories import make_article
from tools.servers import free_port

pytestmark = pytest.mark.django_db


def test_without_redis_pages_answer_and_votes_are_stored(client, redis_away, caplog):
    story = make_article()
    assert client.get(story.get_absolute_url()).status_code == 200
    with caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        response = client.post(
            reverse("predictions:read", kwargs={"slug": story.slug}), {"choice": "promising"}
        )
    assert response.status_code == 302
    assert Read.objects.get().choice == "promising"
    assert "rate limits are per process until it answers again" in caplog.text
    assert client.get("/healthz").json()["redis"] == "unavailable"


def test_without_redis_writes_are_still_limited_per_process_with_one_warning(
    client, redis_away, settings, monkeypatch, caplog
):
    settings.RATE_LIMITS = {"reader-write": (3, 60)}
    clock = ManualClock(WINDOW_BOUNDARY - 1)
    monkeypatch.setattr(ratelimit, "time", clock)
    url = reverse("predictions:read", kwargs={"slug": make_article().slug})
    with caplog.at_level(logging.INFO, logger="core.ratelimit"):
        before = [client.post(url, {"choice": "promising"}) for _ in range(3)]
        clock.now = WINDOW_BOUNDARY + 1  # a sliding window too: no fresh count here
        after = [client.post(url, {"choice": "promising"}) for _ in range(3)]
    statuses = [response.status_code for response in before + after]
    assert statuses == [302] * 3 + [429] * 3
    assert {response["Retry-After"] for response in after} == {"58"}
    warnings = [
        record.getMessage()
        for record in caplog.records
        if record.name == "core.ratelimit" and record.levelno >= logging.WARNING
    ]
    assert len(warnings) == 1  # one for the outage, not one per write
    assert "rate limits are per process" in warnings[0]

    health = client.get("/healthz")
    assert health.status_code == 200  # the load balancer keeps the node
    assert health.json() == {"status": "degraded", "database": "ok", "redis": "unavailable"}


def test_the_per_process_fallback_forgets_addresses_quiet_for_a_whole_window():
    fallback = ratelimit.ProcessFallback()
    for number in range(fallback.SWEEP_AT_LEAST):
        assert fallback.seconds_to_wait(f"early-{number}", 3, 60, now=0.0) == 0
    assert len(fallback) == fallback.SWEEP_AT_LEAST
    for number in range(2):
        assert fallback.seconds_to_wait(f"late-{number}", 3, 60, now=61.0) == 0
    assert len(fallback) == 2


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
    assert report.json()["status"] == "degraded"
