"""RSS and Atom feeds, read back with a real feed parser."""

import re
from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleImage
from tests.factories import make_article, make_picture, make_term, make_topic

pytestmark = pytest.mark.django_db

SITE_FEEDS = ["articles:feed_rss", "articles:feed_atom"]
TOPIC_FEEDS = ["articles:topic_feed_rss", "articles:topic_feed_atom"]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def as_struct_time(moment):
    return moment.replace(microsecond=0).utctimetuple()


@pytest.mark.parametrize("name", SITE_FEEDS)
def test_site_feed_lists_public_stories_newest_first(client, name):
    now = timezone.now()
    older = make_article(published_at=now - timedelta(days=2))
    newer = make_article(published_at=now - timedelta(days=1))
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=now + timedelta(days=1))

    feed = parse(client, reverse(name))

    assert [entry.id for entry in feed.entries] == [
        f"http://testserver{newer.get_absolute_url()}",
        f"http://testserver{older.get_absolute_url()}",
    ]


@pytest.mark.parametrize("name", SITE_FEEDS)
def test_feed_items_carry_summary_dates_categories_and_author(client, name):
    topics = [make_topic(name="Astronomy"), make_topic(name="Physics")]
    story = make_article(
        topics=topics,
        dek="A star went out.",
        explanation="The *star* dimmed over [a week](#fn).",
        byline="Ada Reporter",
    )
    story.refresh_from_db()

    entry = parse(client, reverse(name)).entries[0]

    assert entry.title == story.headline
    assert entry.link == f"http://testserver{story.get_absolute_url()}"
    assert "A star went out." in entry.summary
    assert "<em>star</em>" in entry.summary
    # In-page links name the story's page, so they work in a feed reader.
    assert f'href="http://testserver{story.get_absolute_url()}#fn"' in entry.summary
    assert entry.published_parsed == as_struct_time(story.published_at)
    assert {tag.term for tag in entry.tags} == {"Astronomy", "Physics"}
    assert entry.author == "Ada Reporter"


@pytest.mark.parametrize("name", SITE_FEEDS)
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_link_in_feed_content_is_absolute(client, name, scheme):
    term = make_term(term="Quasar")
    story = make_article(
        explanation=(
            "A quasar outshines its galaxy: see [our methods](/methodology/), "
            "[the paper](https://example.org/paper?a=1&b=2) and [a note](#fn)."
        ),
        terms=[term],
    )
    story.refresh_from_db()
    assert 'href="#term-' in story.explanation_html

    response = client.get(reverse(name), secure=scheme == "https")
    summary = feedparser.parse(response.content).entries[0].summary

    site = f"{scheme}://testserver"
    hrefs = re.findall(r'href="([^"]*)"', summary)
    assert sorted(hrefs) == sorted(
        [
            f"{site}{story.get_absolute_url()}#term-{term.slug}",
            f"{site}/methodology/",
            "https://example.org/paper?a=1&amp;b=2",
            f"{site}{story.get_absolute_url()}#fn",
        ]
    )


@pytest.mark.parametrize("name", SITE_FEEDS)
def test_a_figures_picture_sources_in_feed_content_are_absolute(client, name):
    story = make_article()
    make_picture(story, role=ArticleImage.Role.EXPLANATION, alt="The laser bay.")
    content = client.get(reverse(name)).content.decode()
    srcsets = re.findall(r'srcset=&quot;(.*?)&quot;|srcset="(.*?)"', content)
    candidates = [url for pair in srcsets for value in pair if value for url in value.split(", ")]
    assert candidates
    for candidate in candidates:
        assert candidate.startswith("http://testserver/"), candidate


def test_atom_entries_say_when_a_story_was_updated(client):
    story = make_article(published_at=timezone.now() - timedelta(days=3))
    story.refresh_from_db()

    feed = parse(client, reverse("articles:feed_atom"))

    assert feed.entries[0].updated_parsed == as_struct_time(story.updated_at)
    assert feed.feed.updated_parsed == as_struct_time(story.updated_at)


@pytest.mark.parametrize("name", TOPIC_FEEDS)
def test_topic_feed_holds_only_that_topics_stories(client, name):
    topic = make_topic(name="Volcanoes")
    inside = make_article(topics=[topic])
    make_article()

    feed = parse(client, reverse(name, kwargs={"slug": topic.slug}))

    assert "Volcanoes" in feed.feed.title
    assert [entry.id for entry in feed.entries] == [f"http://testserver{inside.get_absolute_url()}"]


@pytest.mark.parametrize("name", TOPIC_FEEDS)
def test_unknown_topic_feed_is_404(client, name):
    assert client.get(reverse(name, kwargs={"slug": "no-such-topic"})).status_code == 404


@pytest.mark.parametrize("name", SITE_FEEDS)
def test_feeds_of_the_fixture_content_validate(client, fixture_content, name):
    feed = parse(client, reverse(name))

    published = Article.objects.published().latest_first()
    assert [entry.title for entry in feed.entries] == [story.headline for story in published]


def test_every_page_advertises_the_site_feeds(client):
    html = client.get(reverse("articles:front")).content.decode()

    rss = reverse("articles:feed_rss")
    assert f'type="application/rss+xml" title="Newsroom: latest stories (RSS)" href="{rss}"' in html
    assert f'href="{reverse("articles:feed_atom")}"' in html


def test_topic_page_advertises_its_feeds(client):
    topic = make_topic()

    html = client.get(topic.get_absolute_url()).content.decode()

    for name in TOPIC_FEEDS:
        assert f'href="{reverse(name, kwargs={"slug": topic.slug})}"' in html


def test_story_page_advertises_each_of_its_topics_feeds(client):
    topics = [make_topic(name="Astronomy"), make_topic(name="Physics")]
    story = make_article(topics=topics)

    head = client.get(story.get_absolute_url()).content.decode().split("</head>", 1)[0]

    for topic in topics:
        for name, kind, label in [
            ("articles:topic_feed_rss", "rss", "RSS"),
            ("articles:topic_feed_atom", "atom", "Atom"),
        ]:
            url = reverse(name, kwargs={"slug": topic.slug})
            assert (
                f'<link rel="alternate" type="application/{kind}+xml" '
                f'title="Newsroom: {topic.name} ({label})" href="{url}">'
            ) in head


def test_footer_links_to_the_site_feeds(client):
    html = client.get(reverse("articles:front")).content.decode()

    footer = html.split('<footer class="site-footer">', 1)[1]
    assert f'<a href="{reverse("articles:feed_rss")}">' in footer
    assert f'<a href="{reverse("articles:feed_atom")}">' in footer


def test_topic_page_shows_visible_links_to_its_feeds(client):
    topic = make_topic(name="Oceans")

    main = client.get(topic.get_absolute_url()).content.decode().split("<main", 1)[1]

    for name in TOPIC_FEEDS:
        assert (
            f'<a href="{reverse(name, kwargs={"slug": topic.slug})}">' in main.split("</main>")[0]
        )


@pytest.mark.parametrize("name", SITE_FEEDS)
def test_feed_items_carry_the_reality_score_in_the_text_and_as_a_category(client, name):
    from tests.trust.test_score_badges import scored_story

    story = scored_story(topics=[make_topic(name="Astronomy")])
    unscored = make_article(published_at=story.published_at - timedelta(days=1))

    entries = {entry.title: entry for entry in parse(client, reverse(name)).entries}

    scored_entry = entries[story.headline]
    assert "<p>Reality score: 74/100 (Likely).</p>" in scored_entry.summary
    assert {tag.term for tag in scored_entry.tags} == {"Astronomy", "Reality: Likely"}
    unscored_entry = entries[unscored.headline]
    assert "Reality score: not scored yet." in unscored_entry.summary
    assert not any(tag.term.startswith("Reality") for tag in unscored_entry.tags)


@pytest.mark.parametrize("name", TOPIC_FEEDS)
def test_topic_feed_items_carry_the_reality_score_too(client, name):
    from tests.trust.test_score_badges import scored_story

    story = scored_story()
    topic = story.topics.get()
    entry = parse(client, reverse(name, kwargs={"slug": topic.slug})).entries[0]
    assert "Reality score: 74/100 (Likely)." in entry.summary
    assert "Reality: Likely" in {tag.term for tag in entry.tags}
