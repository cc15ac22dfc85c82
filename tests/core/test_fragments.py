"""Parts of shared pages kept rendered in Redis until what they show changes
(core/fragments.py): a story read again costs one query, and is the same page to the byte;
an editor's change, a retraction and a rescoring show on the next request; reader activity
shows once its debounced purge is sent, without rendering the story's body again."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, GlossaryTerm, Topic
from core import activity_purges, fragments, shared_redis
from predictions import services
from tests import query_budgets
from tests.factories import cite, make_article, make_question, make_source, make_topic
from trust.models import Citation
from trust.services import mark_citation

pytestmark = pytest.mark.django_db

STORY_PARTS = ("", "?part=explanation", "?part=technical", "?part=evidence")


def page(article, query=""):
    return Client().get(article.get_absolute_url() + query)


def drawn_twice(url):
    """The page at ``url`` rendered twice: its parts are kept from the second drawing on."""
    Client().get(url)
    return Client().get(url)


def activity_purge_sent():
    """As the purger thread does once ACTIVITY_PURGE_SECONDS have passed."""
    activity_purges.send_due(now=time.time() + settings.ACTIVITY_PURGE_SECONDS + 1)


def test_a_story_read_again_costs_one_query_and_is_the_same_page(django_assert_num_queries):
    article = make_article()
    make_question(article)
    first = drawn_twice(article.get_absolute_url())
    with django_assert_num_queries(query_budgets.ARTICLE_PAGE_KEPT):
        again = page(article)
    assert again.content == first.content
    assert again["Cache-Control"] == first["Cache-Control"]
    assert again["xkey"] == first["xkey"]


def test_kept_parts_make_the_same_bytes_as_a_page_rendered_whole(fixture_content, settings):
    urls = ["/", "/?page=2", reverse("articles:glossary"), reverse("articles:topics")]
    urls += [topic.get_absolute_url() for topic in Topic.objects.all()]
    urls += [term.get_absolute_url() for term in GlossaryTerm.objects.all()[:5]]
    urls += [author.get_absolute_url() for author in Author.objects.all()]
    search = reverse("articles:search")
    urls += [
        f"{search}?q=trial",
        f"{search}?q=the",
        f"{search}?q=%24%24",
        f"{search}?q={'x' * 300}",
    ]
    urls += [
        story.get_absolute_url() + query
        for story in Article.objects.published()
        for query in STORY_PARTS
    ]
    kept = {}
    for url in urls:
        drawn_twice(url)
        kept[url] = Client().get(url).content
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "unix:///nowhere"}}
    for url in urls:
        assert Client().get(url).content == kept[url], url


def test_the_front_page_read_again_costs_one_query(django_assert_num_queries):
    for _ in range(3):
        make_article()
    front = reverse("articles:front")
    first = drawn_twice(front)
    with django_assert_num_queries(query_budgets.FRONT_PAGE_KEPT):
        again = Client().get(front)
    assert again.content == first.content


def test_a_topic_page_read_again_costs_its_topic_and_the_schedule(django_assert_num_queries):
    topic = make_topic()
    for _ in range(3):
        make_article(topics=[topic])
    first = drawn_twice(topic.get_absolute_url())
    with django_assert_num_queries(query_budgets.LISTING_PAGE_KEPT):
        again = Client().get(topic.get_absolute_url())
    assert again.content == first.content


def test_a_new_story_is_on_the_front_page_at_once(django_capture_on_commit_callbacks):
    make_article(headline="Yesterday in science")
    drawn_twice(reverse("articles:front"))
    with django_capture_on_commit_callbacks(execute=True):
        make_article(headline="Today in science")
    assert "Today in science" in Client().get(reverse("articles:front")).content.decode()


def test_the_front_page_is_kept_no_longer_than_until_a_scheduled_story_is_due():
    make_article()
    make_article(published_at=timezone.now() + timedelta(seconds=40))
    drawn_twice(reverse("articles:front"))
    client = shared_redis.client()
    kept = client.keys(fragments.FRAGMENT_PREFIX + "*")
    assert kept
    assert all(0 < client.ttl(name) <= 40 for name in kept)


def test_an_editors_change_shows_on_the_next_request(django_capture_on_commit_callbacks):
    article = make_article(headline="A first headline")
    assert "A first headline" in page(article).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "A corrected headline"
        article.explanation = "A new first paragraph."
        article.save()
    content = page(article).content.decode()
    assert "A corrected headline" in content and "A new first paragraph." in content
    assert "A first headline" not in content


def test_a_retraction_shows_on_the_next_request(django_capture_on_commit_callbacks):
    article = make_article()
    citation = cite(article, make_source())
    before = page(article).content.decode()
    assert "Retracted" not in before
    with django_capture_on_commit_callbacks(execute=True):
        mark_citation(
            citation=citation,
            status=Citation.Status.RETRACTED,
            notice_date=timezone.now().date(),
            reason="The cited paper was retracted",
        )
    assert "Retracted" in page(article).content.decode()


def test_votes_show_once_their_purge_is_sent_and_the_body_stays_kept(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    article = make_article()
    before = drawn_twice(article.get_absolute_url()).content.decode()
    assert "3 reads so far" not in before
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            services.cast_read(article=article, reader_id=f"reader-{number}", choice="promising")
    assert page(article).content.decode() == before
    activity_purge_sent()
    # Only the panels that show activity are drawn again: the story's row and its tally,
    # not the body, evidence, glossary or related stories.
    with django_assert_max_num_queries(query_budgets.ARTICLE_PAGE_KEPT + 2):
        after = page(article).content.decode()
    assert "3 reads so far" in after


def test_a_kept_panel_that_expires_keeps_the_page_short_lived():
    article = make_article()
    make_question(article, closes_at=timezone.now() + timedelta(seconds=90))
    first, again = page(article), page(article)
    for response in (first, again):
        seconds = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
        assert 0 < seconds <= 90


def test_a_page_drawn_once_leaves_a_mark_not_its_parts():
    """A crawler's one pass through the archive fills no memory with pages."""
    for _ in range(5):
        page(make_article())
    names = shared_redis.client().keys(fragments.FRAGMENT_PREFIX + "*")
    assert names
    assert all(name.endswith(fragments.SEEN.encode()) for name in names)
    assert sum(len(shared_redis.client().get(name)) for name in names) < 100


def test_parts_stored_under_a_lost_version_are_never_found_again():
    article = make_article(headline="As it was")
    drawn_twice(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(headline="As it is now")  # no purge
    assert "As it was" in page(article).content.decode()
    client = shared_redis.client()
    client.delete(*client.keys(fragments.EDITORIAL + "*"), *client.keys(fragments.ACTIVITY + "*"))
    assert "As it is now" in page(article).content.decode()


def test_without_redis_the_page_is_rendered_whole(redis_away, django_assert_num_queries):
    article = make_article(headline="Rendered whole")
    for _ in range(2):
        with django_assert_num_queries(query_budgets.ARTICLE_PAGE):
            response = page(article)
        assert "Rendered whole" in response.content.decode()


def test_editors_and_personal_pages_never_use_kept_parts(client, editor):
    article = make_article(headline="Kept headline")
    drawn_twice(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(headline="Fresh headline")  # no purge
    assert "Kept headline" in page(article).content.decode()
    assert "Fresh headline" in client.get(article.get_absolute_url()).content.decode()
    personal = Client().get(article.get_absolute_url() + "?saved=read")
    assert "Fresh headline" in personal.content.decode()


def test_the_header_and_footer_follow_the_site_name(settings):
    assert "Newsroom" in Client().get(reverse("articles:front")).content.decode()
    settings.SITE_NAME = "Evidence Daily"
    content = Client().get(reverse("articles:topics")).content.decode()
    assert 'class="site-header__brand" href="/">Evidence Daily</a>' in content
    assert "<p>Evidence Daily — every story told twice" in content
