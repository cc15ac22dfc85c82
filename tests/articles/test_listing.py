"""Listings: pagination and its edges, related stories and the 404 page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.search import CANDIDATES_PER_LINK, related_stories
from tests.factories import make_article, make_term, make_topic

pytestmark = pytest.mark.django_db

BAD_PAGES = ["0", "-1", "999", "abc", "1.5", "", "1", "02"]


def get_nearest_page(client, url, page):
    """A page number written any other way than the page's own is a shared redirect to the
    nearest page's own URL (page 1 has none), which answers."""
    response = client.get(url, {"page": page})
    assert response.status_code == 301
    assert "public" in response["Cache-Control"]
    location = response["Location"]
    assert location in {url, f"{url}?page=2", f"{url}?page=3"}, location
    landed = client.get(location)
    assert landed.status_code == 200
    return landed


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

    response = get_nearest_page(client, reverse("articles:front"), page)

    assert response.context["latest"]


@pytest.mark.parametrize("page", BAD_PAGES)
def test_topic_page_pagination_edges_do_not_error(client, page):
    topic = make_topic()
    make_stories(25, topics=[topic])

    response = get_nearest_page(client, topic.get_absolute_url(), page)

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

    response = get_nearest_page(client, reverse("articles:glossary"), page)

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

    # A term scores 2, a topic 1: "two" (two terms) ties "three" (one term, two
    # topics) at 4 and is newer; "one_oldest" shares a term and outranks one topic.
    assert related == [
        neighbours["two"],
        neighbours["three"],
        neighbours["one_oldest"],
        neighbours["one_newer"],
    ]


def test_related_stories_rank_a_shared_term_above_a_shared_topic():
    biology, cells = make_topic(), make_term()
    article = Article.objects.for_detail().get(pk=make_article(topics=[biology], terms=[cells]).pk)
    now = timezone.now()
    both = make_article(topics=[biology], terms=[cells], published_at=now - timedelta(days=3))
    term_only = make_article(terms=[cells], published_at=now - timedelta(days=2))
    topic_only = make_article(topics=[biology], published_at=now - timedelta(days=1))

    assert related_stories(article) == [both, term_only, topic_only]


def test_related_stories_say_which_terms_and_topics_they_share():
    car_t, memory = make_term(term="CAR-T therapy"), make_term(term="memory T cells")
    health = make_topic(name="Health & medicine")
    article = Article.objects.for_detail().get(
        pk=make_article(topics=[health], terms=[car_t, memory]).pk
    )
    make_article(topics=[health], terms=[car_t, memory, make_term()])
    make_article(topics=[health, make_topic()])

    related = related_stories(article)
    html = render_related(article)

    assert [story.also_about for story in related] == [
        ["CAR-T therapy", "memory T cells"],
        ["Health & medicine"],
    ]
    assert '<p class="related__why">Also about: CAR-T therapy, memory T cells</p>' in html
    assert '<p class="related__why">Also about: Health &amp; medicine</p>' in html


def test_related_stories_never_include_drafts_or_scheduled_stories():
    space, quasar = make_topic(), make_term()
    article = Article.objects.for_detail().get(pk=make_article(topics=[space], terms=[quasar]).pk)
    shares_all = {"topics": [space], "terms": [quasar]}
    make_article(status=Article.Status.DRAFT, **shares_all)
    make_article(status=Article.Status.IN_REVIEW, **shares_all)
    make_article(published_at=timezone.now() + timedelta(hours=1), **shares_all)
    public = make_article(topics=[space])

    assert related_stories(article) == [public]


@pytest.mark.parametrize("candidates", [5, 60])
def test_related_stories_take_one_query_however_many_stories_share_topics(
    candidates, django_assert_num_queries
):
    space, stars, quasar = make_topic(), make_topic(), make_term()
    article = Article.objects.for_detail().get(
        pk=make_article(topics=[space, stars], terms=[quasar]).pk
    )
    for number in range(candidates):
        make_article(topics=[space, stars][: number % 2 + 1], terms=[quasar][: number % 3])

    with django_assert_num_queries(1):
        html = render_related(article)

    assert html.count('class="related__item"') == 4


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


def test_related_stories_read_a_few_links_of_a_crowded_topic():
    """3,000 stories share one big topic: the query reads only its newest few links, and
    the three that also share a small topic still rank first on everything they share."""
    crowd, niche = make_topic(name="Crowd"), make_topic(name="Niche")
    published_at = timezone.now() - timedelta(days=1)
    stories = Article.objects.bulk_create(
        Article(
            slug=f"crowd-{number}",
            headline=f"Crowd story {number}",
            status=Article.Status.PUBLISHED,
            published_at=published_at,
        )
        for number in range(3_000)
    )
    Topics = Article.topics.through
    Topics.objects.bulk_create(Topics(article=story, topic=crowd) for story in stories)
    Topics.objects.bulk_create(Topics(article=story, topic=niche) for story in stories[:3])
    article = Article.objects.for_detail().get(pk=make_article(topics=[crowd, niche]).pk)
    with connection.cursor() as cursor:
        # Fresh tables have no statistics; the planner needs them to choose well.
        cursor.execute(f"ANALYZE {Article._meta.db_table}, {Topics._meta.db_table}")

    with CaptureQueriesContext(connection) as captured:
        related = related_stories(article)
    with connection.cursor() as cursor:
        query = captured[-1]
        cursor.execute("EXPLAIN ANALYZE " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # The oldest three share both topics; the fourth is the crowd's newest story.
    assert set(related[:3]) == set(stories[:3])
    assert related[3] == stories[-1]
    assert not re.search(r"Seq Scan on articles_article_topics\b", plan), plan
    # Every read of the link table, whichever index the planner takes, returns a few rows.
    scans = re.findall(
        r"on articles_article_topics(?: \w+)?\s+\(cost=[^)]*\) "
        r"\(actual time=[^)]* rows=(\d+) loops=(\d+)\)",
        plan,
    )
    assert len(scans) >= 2, plan
    assert all(int(rows) <= CANDIDATES_PER_LINK for rows, _ in scans), plan


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
