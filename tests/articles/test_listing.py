"""Listings: pagination and its edges, related stories and the 404 page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.search import related_stories
from tests.factories import make_article, make_term, make_topic

pytestmark = pytest.mark.django_db

BAD_PAGES = ["0", "-1", "999", "abc", "1.5", ""]


def make_stories(count, **overrides):
    """``count`` published stories, newest first, an hour apart."""
    now = timezone.now()
    return [
        make_article(published_at=now - timedelta(hours=hour + 1), **overrides)
        for hour in range(count)
    ]


def test_front_page_leads_with_the_newest_story_on_page_one_only(client):
    stories = make_stories(30)

    first = client.get(reverse("articles:front"))
    second = client.get(reverse("articles:front"), {"page": 2})
    third = client.get(reverse("articles:front"), {"page": 3})

    assert first.context["lead"] == stories[0]
    assert list(first.context["latest"]) == stories[1:12]
    assert second.context["lead"] is None
    assert list(second.context["latest"]) == stories[12:24]
    assert list(third.context["latest"]) == stories[24:]
    assert 'rel="next" href="?page=2"' in first.content.decode()


def test_front_page_queries_do_not_grow_with_pages_of_stories(client):
    make_stories(3, topics=[make_topic(), make_topic()])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("articles:front"))
    make_stories(40, topics=[make_topic(), make_topic()])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("articles:front"), {"page": 2})

    assert len(many) == len(few)


@pytest.mark.parametrize("page", BAD_PAGES)
def test_front_page_pagination_edges_do_not_error(client, page):
    make_stories(14)

    response = client.get(reverse("articles:front"), {"page": page})

    assert response.status_code == 200
    assert response.context["latest"]


@pytest.mark.parametrize("page", BAD_PAGES)
def test_topic_page_pagination_edges_do_not_error(client, page):
    topic = make_topic()
    make_stories(25, topics=[topic])

    response = client.get(topic.get_absolute_url(), {"page": page})

    assert response.status_code == 200
    assert response.context["stories"]


def test_glossary_index_shows_fifty_terms_a_page(client):
    for _ in range(55):
        make_term()

    first = client.get(reverse("articles:glossary"))
    second = client.get(reverse("articles:glossary"), {"page": 2})

    assert len(first.context["terms"]) == 50
    assert len(second.context["terms"]) == 5
    assert 'rel="next" href="?page=2"' in first.content.decode()


@pytest.mark.parametrize("page", BAD_PAGES)
def test_glossary_pagination_edges_do_not_error(client, page):
    for _ in range(55):
        make_term()

    response = client.get(reverse("articles:glossary"), {"page": page})

    assert response.status_code == 200
    assert response.context["terms"]


def render_related(article):
    template = Template("{% load articles_tags %}{% related_stories article %}")
    return template.render(Context({"article": article}))


@pytest.fixture
def article_with_neighbours():
    """A story, and others sharing 3, 2, 1, 1 and 0 of its topics and terms."""
    space, stars = make_topic(name="Space"), make_topic(name="Stars")
    quasar, pulsar = make_term(term="Quasar"), make_term(term="Pulsar")
    now = timezone.now()
    article = make_article(topics=[space, stars], terms=[quasar, pulsar])
    neighbours = {
        "three": make_article(topics=[space, stars], terms=[quasar]),
        "two": make_article(topics=[make_topic()], terms=[quasar, pulsar]),
        "one_newer": make_article(topics=[space], published_at=now - timedelta(minutes=5)),
        "one_older": make_article(topics=[stars], published_at=now - timedelta(days=5)),
        "one_oldest": make_article(terms=[pulsar], published_at=now - timedelta(days=9)),
        "none": make_article(),
        "draft": make_article(
            topics=[space, stars], terms=[quasar, pulsar], status=Article.Status.DRAFT
        ),
        "scheduled": make_article(
            topics=[space, stars], terms=[quasar], published_at=now + timedelta(days=1)
        ),
    }
    return Article.objects.for_detail().get(pk=article.pk), neighbours


def test_related_stories_rank_by_shared_topics_and_terms(article_with_neighbours):
    article, neighbours = article_with_neighbours

    related = list(related_stories(article))

    assert related == [
        neighbours["three"],
        neighbours["two"],
        neighbours["one_newer"],
        neighbours["one_older"],
    ]


def test_related_stories_tag_renders_in_one_query(
    article_with_neighbours, django_assert_num_queries
):
    article, neighbours = article_with_neighbours

    with django_assert_num_queries(1):
        html = render_related(article)

    assert html.count('class="related__item"') == 4
    assert neighbours["three"].headline in html
    assert article.headline not in html
    assert neighbours["draft"].headline not in html


def test_related_stories_render_nothing_for_a_story_with_no_neighbours():
    article = Article.objects.for_detail().get(pk=make_article().pk)
    make_article()

    assert render_related(article).strip() == ""


def test_404_page_helps_the_reader_on(client):
    stories = make_stories(7)
    draft = make_article(status=Article.Status.DRAFT)

    response = client.get("/no/such/page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert f'action="{reverse("articles:search")}"' in html
    assert [story.headline in html for story in stories] == [True] * 5 + [False] * 2
    assert draft.headline not in html
    assert '<meta name="robots" content="noindex">' in html
    assert 'rel="canonical"' not in html


def test_unknown_story_gets_the_helpful_404(client):
    response = client.get(reverse("articles:detail", kwargs={"slug": "no-such-story"}))

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
