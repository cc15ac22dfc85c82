"""Who else has a story open: a short-lived mark per story per editor in Redis, shown on
the change form and refreshed while it is open, and a save made since the form was
loaded named before the refusal it would bring."""

import logging
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.admin_concurrency import presence
from tests.admin_forms import change_form_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ALSO_OPEN = re.compile(r"Also open by <strong>([^<]+)</strong> \(since (\d\d:\d\d)\)")


@pytest.fixture
def story():
    return make_article(headline="Bees learn to count to four")


def change_url(story):
    return reverse("admin:articles_article_change", args=[story.pk])


def presence_url(story):
    return reverse("admin:articles_article_presence", args=[story.pk])


def note(client, story, **data):
    response = client.post(presence_url(story), data)
    assert response.status_code == 200
    return response.json()["html"]


def later(seconds):
    """Run as if the clock said ``seconds`` from now."""
    return mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() + timedelta(seconds=seconds)
    )


def test_the_form_says_who_else_has_it_open_and_since_when(client, editor, alice, story):
    alone = client.get(change_url(story)).content.decode()
    assert 'id="presence"' in alone and "Also open by" not in alone

    opened = alice.get(change_url(story)).content.decode()

    name, since = ALSO_OPEN.search(opened).groups()
    assert name == "editor" and since == timezone.localtime().strftime("%H:%M")
    assert f'data-url="{presence_url(story)}"' in opened
    assert f'data-refresh="{presence.REFRESH_SECONDS}"' in opened
    # The editor who opened it first learns of Alice at the next refresh.
    assert ALSO_OPEN.search(note(client, story)).group(1) == "alice"


def test_each_editor_is_shown_once_and_keeps_the_time_they_arrived(client, editor, alice, story):
    client.get(change_url(story))
    first = presence.mark(presence.subject_of(story), editor.pk)[0].since
    with later(30):
        client.get(change_url(story))  # the same editor in a second tab, or a refresh
        said = note(alice, story)
    assert said.count("<strong>editor</strong>") == 1
    assert presence.mark(presence.subject_of(story), editor.pk)[0].since == first


def test_a_mark_not_refreshed_expires(client, editor, alice, story):
    client.get(change_url(story))
    with later(presence.MARK_SECONDS - 5):
        assert "editor" in note(alice, story)
    with later(presence.MARK_SECONDS + 5):
        assert "Also open by" not in note(alice, story)


def test_saving_and_leaving_the_form_takes_the_mark_away(client, editor, alice, story):
    url = change_url(story)
    client.post(url, change_form_data(client, url) | {"_continue": ["1"]})
    assert "editor" in note(alice, story)  # still editing

    client.post(url, change_form_data(client, url) | {"dek": ["A new standfirst."]})
    assert "Also open by" not in note(alice, story)


def test_a_refresh_arriving_after_the_save_does_not_mark_its_editor_again(
    client, editor, alice, story
):
    url = change_url(story)
    drawn = re.search(r'data-drawn="([^"]+)"', client.get(url).content.decode()).group(1)
    client.post(url, change_form_data(client, url) | {"dek": ["A new standfirst."]})

    # The refresh the form sent just before it was saved reaches the server after.
    note(client, story, drawn=drawn)
    assert "Also open by" not in note(alice, story)

    # Opening the form again (drawn after the save) marks the editor again.
    client.get(url)
    assert "editor" in note(alice, story)


def test_a_save_since_the_form_was_loaded_is_named_before_saving(client, editor, alice, story):
    mine = change_form_data(client, change_url(story))
    alices = change_form_data(alice, change_url(story))
    assert note(client, story, loaded_version=mine["loaded_version"]).count("Saved since") == 0

    alice.post(change_url(story), alices | {"headline": ["Bees learn to count to five"]})

    said = note(client, story, loaded_version=mine["loaded_version"])
    assert re.search(
        r"Saved since you opened this form, by alice at \d\d:\d\d: Headline\. "
        r"Saving now will be refused",
        said,
    )
    # Alice's own form, reloaded by her save, is up to date.
    fresh = change_form_data(alice, change_url(story))["loaded_version"]
    assert "Saved since" not in note(alice, story, loaded_version=fresh)


def test_only_editors_may_mark_themselves_and_only_by_posting(client, editor, story):
    url = presence_url(story)
    assert Client().post(url).status_code == 302  # to the editors' log-in page
    assert client.get(url).status_code == 405
    missing = reverse("admin:articles_article_presence", args=[story.pk + 1000])
    assert client.post(missing).status_code == 404
    # A forged or foreign version says nothing, and is no error.
    assert "Saved since" not in note(client, story, loaded_version="not-a-version")
    for drawn in ("yesterday", "nan", "inf", ""):
        assert "Also open by" not in note(client, story, drawn=drawn)


def test_without_redis_nobody_is_shown_and_the_form_still_opens(
    client, editor, alice, story, settings, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "unix:///nonexistent/redis.sock",
        }
    }
    alice.get(change_url(story))
    with caplog.at_level(logging.WARNING, logger="core.admin_concurrency.presence"):
        opened = client.get(change_url(story))
        saved = client.post(
            change_url(story), change_form_data(client, change_url(story)) | {"dek": ["New."]}
        )
    assert opened.status_code == 200 and "Also open by" not in opened.content.decode()
    assert saved.status_code == 302
    assert "Redis unavailable" in caplog.text
