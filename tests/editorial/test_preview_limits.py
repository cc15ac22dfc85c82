"""The admin's Markdown preview: crafted text is refused at once, and each editor has at
most settings.MARKDOWN_PREVIEW_CONCURRENCY renderings running, across processes."""

import logging
import os
import time
from contextlib import ExitStack
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.admin_writing import preview_slot

pytestmark = pytest.mark.django_db

PREVIEW = "admin:articles_article_markdown_preview"
ORDINARY = (
    "### Findings\n\nThe trial enrolled *412 patients*; survival improved "
    "([the paper](https://doi.org/10.1056/NEJMoa2031054)).\n\n- one\n- two\n"
)


def preview(client, source):
    return client.post(reverse(PREVIEW), {"source": source, "section": "explanation"})


def another_editor():
    """A second editor, logged in on a client of their own."""
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": "another-editor-password"}):
        call_command("create_editor", "another", stdout=StringIO())
    client = Client()
    response = client.post(
        reverse("admin:login"),
        {"username": "another", "password": "another-editor-password", "next": "/admin/"},
    )
    assert response.status_code == 302
    return client


def test_crafted_markdown_is_refused_in_under_a_second(client, editor):
    started = time.monotonic()
    response = preview(client, "[a](" * 10_000)
    assert time.monotonic() - started < 1  # a bound on a refusal; the render would take 5 s
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"].startswith("This text has too much inline markup")


def test_an_ordinary_story_still_previews(client, editor):
    response = preview(client, ORDINARY)
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<h3>Findings</h3>" in html and "<em>412 patients</em>" in html


def test_a_preview_beyond_the_editors_limit_waits_while_another_editors_goes_ahead(
    client, editor, settings
):
    other = another_editor()
    with ExitStack() as running:
        # The editor's previews in flight, held the way the view holds one.
        for _ in range(settings.MARKDOWN_PREVIEW_CONCURRENCY):
            assert running.enter_context(preview_slot(editor))

        refused = preview(client, ORDINARY)
        assert refused.status_code == 429
        assert refused["Content-Type"] == "application/json"
        assert refused["Retry-After"] == "5"
        assert refused.json() == {
            "error": "Your previous preview is still being rendered. Try again in a few seconds."
        }
        assert preview(other, ORDINARY).status_code == 200

    assert preview(client, ORDINARY).status_code == 200  # released when they finish


def test_one_preview_at_a_time_when_so_configured(client, editor, settings):
    settings.MARKDOWN_PREVIEW_CONCURRENCY = 1
    with preview_slot(editor) as free:
        assert free
        assert preview(client, ORDINARY).status_code == 429
    assert preview(client, ORDINARY).status_code == 200


def test_a_finished_or_refused_preview_frees_its_place(client, editor, settings):
    settings.MARKDOWN_PREVIEW_CONCURRENCY = 1
    assert preview(client, "[a](" * 10_000).status_code == 400
    assert preview(client, ORDINARY).status_code == 200
    assert preview(client, ORDINARY).status_code == 200


def test_without_redis_previews_go_ahead_and_say_so_in_the_log(client, editor, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "unix:///nonexistent/redis.sock",
        }
    }
    with caplog.at_level(logging.WARNING, logger="core.leases"):
        response = preview(client, ORDINARY)
    assert response.status_code == 200
    assert "Redis unavailable" in caplog.text
    assert f"markdown-preview:{editor.pk}" in caplog.text


def test_by_default_the_story_forms_two_previews_render_together(editor):
    # The form previews its explanation and its technical deep dive as it opens.
    with preview_slot(editor) as first, preview_slot(editor) as second:
        assert first and second
        with preview_slot(editor) as third:
            assert not third
