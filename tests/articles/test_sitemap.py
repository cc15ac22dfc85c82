"""/sitemap.xml and /robots.txt: what search engines are told to crawl."""

import xml.etree.ElementTree as ET
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, GlossaryTerm, Topic
from tests.factories import make_article
from trust.models import Source

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client):
    """{absolute URL: lastmod or None}, and how often each URL is listed."""
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    urls = root.findall("sm:url", NS)
    locations = [url.findtext("sm:loc", namespaces=NS) for url in urls]
    lastmods = {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in urls
    }
    return lastmods, Counter(locations)


def absolute(obj):
    return f"http://testserver{obj.get_absolute_url()}"


def test_sitemap_lists_every_published_story_once_and_no_drafts(client, fixture_content):
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))

    lastmods, counts = sitemap_entries(client)

    published = list(Article.objects.published())
    assert len(published) >= 8
    for story in published:
        assert counts[absolute(story)] == 1, story.slug
        assert lastmods[absolute(story)] == story.updated_at.date().isoformat()
    assert absolute(draft) not in counts and absolute(scheduled) not in counts
    assert max(counts.values()) == 1


def test_sitemap_covers_topics_terms_sources_and_index_pages(client, fixture_content):
    lastmods, counts = sitemap_entries(client)

    expected = [
        *Topic.objects.all(),
        *GlossaryTerm.objects.all(),
        *Source.objects.all(),
    ]
    assert expected
    for obj in expected:
        assert absolute(obj) in counts, obj
    for name in ["articles:front", "articles:topics", "articles:glossary", "trust:sources"]:
        assert f"http://testserver{reverse(name)}" in counts


def test_topic_lastmod_is_its_latest_public_story(client):
    story = make_article()
    make_article(topics=list(story.topics.all()), status=Article.Status.DRAFT)
    topic = story.topics.get()

    lastmods, _ = sitemap_entries(client)

    assert lastmods[absolute(topic)] == story.updated_at.date().isoformat()


def test_robots_txt_points_to_the_sitemap_and_does_not_reveal_the_admin(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert not any(settings.ADMIN_URL in line for line in lines)
    assert "Sitemap: http://testserver/sitemap.xml" in lines
