"""A story taken down at its time, and the caches that must not outlive it.

A story with a takedown time ("Take down at", ``Article.unpublish_at``) is public until
then and gone from every reader's surface at that time: its page, the listings, the
feeds, the sitemap, search, the API, related stories and reader writes. The shared
cache keeps no page that shows it past that moment, and serves none stale past it.
The site's clock is moved with ``travel`` (Django's ``timezone.now``), as time would.
"""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import selectors
from articles.models import Article, Topic
from articles.search import related_stories
from predictions.models import Forecast, Read
from tests.factories import make_article, make_question, make_topic

pytestmark = pytest.mark.django_db

WORD = "Quasiperiodicity"


def s_maxage(response):
    return int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1))


def stale_seconds(response):
    return int(re.search(r"stale-while-revalidate=(\d+)", response["Cache-Control"]).group(1))


def reader_surfaces(client, story, topic):
    """What of ``story`` each reader surface shows, by name: True when it shows it."""
    slug, headline = story.slug, story.headline
    feeds = [
        reverse("articles:feed_rss"),
        reverse("articles:feed_atom"),
        reverse("articles:topic_feed_rss", kwargs={"slug": topic.slug}),
    ]
    api_list = client.get(reverse("api:stories")).json()
    return {
        "page": client.get(story.get_absolute_url()).status_code == 200,
        "front": headline in client.get(reverse("articles:front")).content.decode(),
        "topic": headline in client.get(topic.get_absolute_url()).content.decode(),
        "topic count": Topic.objects.with_story_counts().get(pk=topic.pk).story_count == 1,
        "feeds": [slug in client.get(feed).content.decode() for feed in feeds],
        "sitemap": story.get_absolute_url() in client.get(reverse("sitemap")).content.decode(),
        "search": headline in client.get(reverse("articles:search"), {"q": WORD}).content.decode(),
        "api list": any(item["slug"] == slug for item in api_list["results"]),
        "api story": client.get(reverse("api:story", args=[slug])).status_code == 200,
    }


def test_a_story_is_on_every_surface_before_its_takedown_and_on_none_after(client, travel):
    now = timezone.now()
    topic = make_topic()
    story = make_article(
        headline=f"{WORD} in a crystal", topics=[topic], unpublish_at=now + timedelta(minutes=10)
    )
    everywhere = {
        "page": True,
        "front": True,
        "topic": True,
        "topic count": True,
        "feeds": [True, True, True],
        "sitemap": True,
        "search": True,
        "api list": True,
        "api story": True,
    }
    assert reader_surfaces(client, story, topic) == everywhere

    travel(now + timedelta(minutes=10))

    nowhere = {name: [False] * 3 if name == "feeds" else False for name in everywhere}
    assert reader_surfaces(client, story, topic) == nowhere
    assert client.get(story.get_absolute_url()).status_code == 404
    assert client.get(reverse("api:story", args=[story.slug])).status_code == 404


def test_the_story_says_taken_down_to_editors_and_its_state_changes_on_time(travel):
    now = timezone.now()
    story = make_article(unpublish_at=now + timedelta(minutes=10))
    assert story.is_public and story.state == "Published"
    travel(now + timedelta(minutes=10))
    assert not story.is_public and story.state == "Taken down"
    assert not Article.objects.published().filter(pk=story.pk).exists()


def test_a_story_pages_shared_life_ends_at_its_takedown_with_no_stale_copy(client):
    story = make_article(unpublish_at=timezone.now() + timedelta(minutes=10))

    response = client.get(story.get_absolute_url())

    assert "public" in response["Cache-Control"]
    assert 590 <= s_maxage(response) <= 600
    assert stale_seconds(response) == 0
    assert "stale-if-error=0" in response["Cache-Control"]


def test_a_story_without_a_takedown_keeps_its_usual_life_and_grace(client):
    response = client.get(make_article().get_absolute_url())
    assert s_maxage(response) > 60 * 60 and stale_seconds(response) == 60


def test_listings_and_the_api_list_end_their_life_at_the_next_takedown(client):
    topic = make_topic()
    make_article(topics=[topic], unpublish_at=timezone.now() + timedelta(minutes=5))
    make_article(topics=[topic], published_at=timezone.now() + timedelta(minutes=20))
    pages = [
        reverse("articles:front"),
        topic.get_absolute_url(),
        reverse("articles:topics"),
        reverse("articles:search") + f"?q={WORD}",
        reverse("api:stories"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 290 <= s_maxage(response) <= 300, url
        assert stale_seconds(response) == 0, url


def test_listings_end_their_life_at_the_next_publish_time_when_it_comes_first(client):
    make_article(published_at=timezone.now() + timedelta(minutes=3))
    make_article(unpublish_at=timezone.now() + timedelta(minutes=30))
    response = client.get(reverse("articles:front"))
    assert 170 <= s_maxage(response) <= 180


def test_feeds_and_the_sitemap_are_not_kept_by_shared_caches(client):
    """They are drawn for every request, so a takedown shows in them at its time."""
    make_article(unpublish_at=timezone.now() + timedelta(minutes=10))
    for url in [reverse("articles:feed_rss"), reverse("articles:feed_atom"), reverse("sitemap")]:
        response = client.get(url)
        assert response.status_code == 200
        assert "public" not in response.get("Cache-Control", ""), url


def test_the_next_scheduled_change_is_the_earlier_of_going_live_and_takedown(
    django_assert_num_queries,
):
    now = timezone.now()
    assert selectors.next_scheduled_change(now) is None
    make_article(unpublish_at=now - timedelta(seconds=1), published_at=now - timedelta(hours=2))
    make_article(status=Article.Status.DRAFT, unpublish_at=now + timedelta(minutes=1))
    assert selectors.next_scheduled_change(now) is None
    make_article(published_at=now + timedelta(minutes=20))
    make_article(unpublish_at=now + timedelta(minutes=7))
    with django_assert_num_queries(1):
        assert selectors.next_scheduled_change(now) == now + timedelta(minutes=7)
    assert (selectors.next_scheduled_change(now) - now).total_seconds() == 7 * 60


def test_related_stories_and_follow_ups_drop_a_story_at_its_takedown(client, travel):
    now = timezone.now()
    topic = make_topic()
    first = make_article(topics=[topic])
    going = make_article(
        headline="Going at ten", topics=[topic], unpublish_at=now + timedelta(minutes=10)
    )
    follow_up = make_article(
        headline="Follow-up going at ten",
        topics=[topic],
        follows_up=first,
        unpublish_at=now + timedelta(minutes=10),
    )

    def page():
        return Article.objects.for_detail().get(pk=first.pk)

    assert {story.pk for story in related_stories(page())} >= {going.pk}
    assert "Follow-up going at ten" in client.get(first.get_absolute_url()).content.decode()

    travel(now + timedelta(minutes=10))

    assert not {story.pk for story in related_stories(page())} & {going.pk, follow_up.pk}
    assert list(page().follow_ups.all()) == []
    assert "Follow-up going at ten" not in client.get(first.get_absolute_url()).content.decode()


def test_a_page_linking_to_a_story_leaves_shared_caches_when_that_story_is_taken_down(client):
    """Whole or with its parts kept, a story's page linking to one that is to be taken
    down (a related story, a follow-up) is kept no longer, and served stale no longer."""
    now = timezone.now()
    topic = make_topic()
    first = make_article(topics=[topic])
    make_article(
        headline="Related, going", topics=[topic], unpublish_at=now + timedelta(minutes=10)
    )
    base = make_article(topics=[make_topic()])
    make_article(
        headline="Follow-up, going", follows_up=base, topics=[make_topic()],
        unpublish_at=now + timedelta(minutes=20),
    )  # fmt: skip
    gone = make_article(
        unpublish_at=now - timedelta(minutes=1), published_at=now - timedelta(hours=1)
    )
    after = make_article(follows_up=gone, topics=[make_topic()])

    for _ in range(3):  # drawn whole, then again (kept), then from the kept parts
        response = client.get(first.get_absolute_url())
        assert "Related, going" in response.content.decode()
        assert 590 <= s_maxage(response) <= 600 and stale_seconds(response) == 0
        response = client.get(base.get_absolute_url())
        assert "Follow-up, going" in response.content.decode()
        assert 1190 <= s_maxage(response) <= 1200 and stale_seconds(response) == 0
    # A story it follows that is taken down already is not linked, and ends nothing.
    assert s_maxage(client.get(after.get_absolute_url())) > 60 * 60


def test_a_front_page_drawn_while_a_story_goes_live_is_not_kept_as_it_was(
    client, travel, monkeypatch
):
    """The page's stories were read before the story went live, and its life was asked
    after: as of then there was no change to wait for, and the page without the story
    was kept for six hours."""
    now = timezone.now()
    make_article(headline="Going live", published_at=now + timedelta(seconds=1))
    travel(now)
    read_stories = selectors.front_page_stories

    def stories_read_then_the_clock_moves():
        stories = read_stories()
        travel(now + timedelta(seconds=2))
        return stories

    monkeypatch.setattr(selectors, "front_page_stories", stories_read_then_the_clock_moves)
    response = client.get("/")

    assert "Going live" not in response.content.decode()
    assert s_maxage(response) == 0 and stale_seconds(response) == 0


def test_votes_and_forecasts_on_a_taken_down_story_are_refused_cleanly(client, travel):
    now = timezone.now()
    story = make_article(unpublish_at=now + timedelta(minutes=10))
    question = make_question(story)
    read = reverse("predictions:read", kwargs={"slug": story.slug})
    forecast = reverse("predictions:forecast", kwargs={"slug": question.slug})
    mine = reverse("predictions:mine", kwargs={"slug": story.slug})
    assert client.post(read, {"choice": "promising"}).status_code == 302

    travel(now + timedelta(minutes=10))

    assert client.post(read, {"choice": "doubtful"}).status_code == 404
    assert client.post(forecast, {"probability": "40"}).status_code == 404
    assert client.get(mine, headers={"accept": "application/json"}).status_code == 404
    assert Read.objects.count() == 1 and not Forecast.objects.exists()


def test_a_story_and_its_surfaces_stay_parsed_as_xml(client):
    """The feeds and the sitemap stay valid with a takedown pending."""
    make_article(unpublish_at=timezone.now() + timedelta(minutes=10))
    for url in [reverse("articles:feed_rss"), reverse("articles:feed_atom"), reverse("sitemap")]:
        ET.fromstring(client.get(url).content)
