"""The real stack (Varnish, newsroom/deploy/varnish.vcl, in front of the app): a story
taken down at its time is gone from the cache at that time, not one stale copy later."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.core.test_http_cache_stack import cache_url  # noqa: F401 (a fixture)
from tests.factories import make_article
from tools.localcache import fetch

pytestmark = pytest.mark.django_db(transaction=True)


def sleep_until(moment):
    time.sleep(max(0, (moment - timezone.now()).total_seconds()))


def test_a_story_taken_down_in_three_seconds_is_cached_before_and_a_404_after(cache_url):  # noqa: F811
    down = timezone.now() + timedelta(seconds=3)
    story = make_article(headline="Gone at three", unpublish_at=down)
    make_article(headline="Staying up")
    url, front = cache_url + story.get_absolute_url(), cache_url + "/"

    first, second = fetch(url), fetch(url)
    listed = fetch(front)

    assert (first[0], first[1]["X-Cache"]) == (200, "miss")
    assert (second[0], second[1]["X-Cache"]) == (200, "hit")
    assert int(re.search(r"s-maxage=(\d+)", first[1]["Cache-Control"]).group(1)) <= 3
    assert "Gone at three" in listed[2] and "Gone at three" in fetch(front)[2]

    sleep_until(down + timedelta(milliseconds=100))

    after = fetch(url)
    assert after[0] == 404
    assert "Gone at three" not in fetch(front)[2]
    assert fetch(url)[0] == 404
