"""Author pages through the real HTTP cache (Varnish) in front of the app.

Pictures are not checked here: the test live server answers MEDIA_URL itself, before
the app's view (tests/articles/test_pictures.py checks that view through the client).
"""

import pytest

from tests.core.test_http_cache_stack import cache_url, wait_for  # noqa: F401
from tests.factories import make_article, make_author
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
