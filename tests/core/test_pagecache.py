"""Anonymous pages are cached whole, invalidated by version, and answer conditional GETs."""

import re

import pytest
from django.urls import reverse

from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import services
from tests.factories import make_article, make_question

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def test_a_second_anonymous_visit_runs_no_sql(client, django_assert_num_queries):
    article = make_article()
    client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        response = client.get(article.get_absolute_url())
    assert article.headline in response.content.decode()


def test_cached_pages_carry_a_working_csrf_token_for_each_reader(client):
    article = make_article()
    from django.test import Client

    make_question(article=article)
    Client().get(article.get_absolute_url())  # someone else filled the cache
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(article.get_absolute_url()).content.decode()
    tokens = set(TOKEN.findall(page))
    assert len(tokens) == 1 and "__newsroom" not in page
    response = strict.post(
        reverse("predictions:read", kwargs={"slug": article.slug}),
        {"choice": "promising", "csrfmiddlewaretoken": tokens.pop()},
    )
    assert response.status_code == 302


def test_a_readers_vote_shows_on_the_next_request(client):
    article = make_article()
    assert "0 reads so far" in client.get(article.get_absolute_url()).content.decode()
    services.cast_read(article=article, reader_id="someone", choice="overhyped")
    assert "1 read so far" in client.get(article.get_absolute_url()).content.decode()


def test_an_editors_edit_shows_on_the_next_request(client):
    article = make_article(headline="Before the edit")
    client.get(article.get_absolute_url())
    client.get(reverse("articles:front"))
    article.headline = "After the edit"
    article.save()
    assert "After the edit" in client.get(article.get_absolute_url()).content.decode()
    assert "After the edit" in client.get(reverse("articles:front")).content.decode()


def test_conditional_get_answers_304_until_something_changes(client):
    article = make_article()
    first = client.get(article.get_absolute_url())
    etag = first["ETag"]
    assert "private" in first["Cache-Control"] and "must-revalidate" in first["Cache-Control"]

    again = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert again.status_code == 304

    services.cast_read(article=article, reader_id="someone", choice="promising")
    changed = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_reader_who_has_acted_gets_their_own_page(client, django_assert_max_num_queries):
    article = make_article()
    client.get(article.get_absolute_url())
    services.cast_read(article=article, reader_id="me", choice="promising")
    client.cookies[COOKIE_NAME] = signed_reader_cookie("me")
    response = client.get(article.get_absolute_url())
    assert "Your read: <strong>Promising</strong>" in response.content.decode()
    assert "ETag" not in response


def test_editors_previews_are_never_served_from_the_cache(client, editor):
    draft = make_article(status="draft")
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200 and "Preview — not published." in response.content.decode()
    assert "ETag" not in response


def test_versions_and_rate_limits_live_in_the_cache_all_workers_share():
    from django.core.cache import caches

    from core import pagecache
    from newsroom import settings as site_settings

    before = pagecache.version("stories")
    pagecache.bump("stories")
    assert caches["shared"].get("version:stories") == before + 1
    assert caches["default"].get("version:stories") is None
    # Outside the tests the shared cache is on disk (or Redis), not in one process's memory.
    assert site_settings.CACHES["shared"]["BACKEND"].endswith(("FileBasedCache", "RedisCache"))
