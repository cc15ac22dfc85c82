"""Author pages and pictures through the real HTTP cache (Varnish) in front of the app."""

import urllib.request

import pytest

from tests.core.test_http_cache_stack import cache_url, wait_for  # noqa: F401
from tests.factories import make_article, make_author, make_picture
from tools.localcache import fetch

pytestmark = pytest.mark.django_db(transaction=True)


def test_renaming_an_author_reaches_their_page_and_their_stories_through_the_cache(cache_url):  # noqa: F811
    author = make_author(name="Before Rename", slug="someone")
    story = make_article(author=author, byline="Before Rename")
    page, story_page = cache_url + author.get_absolute_url(), cache_url + story.get_absolute_url()
    fetch(page), fetch(story_page)
    assert fetch(page)[1]["X-Cache"] == "hit"
    assert fetch(story_page)[1]["X-Cache"] == "hit"

    author.name = "After Rename"
    author.save()

    wait_for(lambda: "After Rename" in fetch(page)[2], 2)
    assert 'href="/authors/someone/"' in fetch(story_page)[2]


def test_a_picture_is_served_through_the_cache_and_kept_there(cache_url):  # noqa: F811
    image = make_picture(make_article())
    url = cache_url + image.fallback["url"]
    answers = []
    for _ in range(2):
        with urllib.request.urlopen(url, timeout=10) as response:
            answers.append((response.headers, response.read()))
    (first, body), (second, again) = answers
    assert first["Content-Type"] == "image/png" and body.startswith(b"\x89PNG") and body == again
    assert second["X-Cache"] == "hit"
    assert "immutable" in second["Cache-Control"]
