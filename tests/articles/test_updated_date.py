"""Issue 34: a story's "Updated" date is a change its readers were told of.

It is the publish time until a correction or update note moves it. Saving a story (an
edit, a re-render when a glossary term is added, a fixture load) does not; the fixture
stories carry their real dates and the notes that explain them.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article, Correction
from tests.approvals import approve
from tests.factories import make_article, make_term
from tests.site_content import load_site_content

pytestmark = pytest.mark.django_db

UPDATED = re.compile(r'· Updated <time datetime="([^"]+)">([^<]+)</time>')
NOTE_DATES = re.compile(r'<li><strong>(?:Correction|Update), <time datetime="[^"]+">([^<]+)</time>')
FOLLOW_UPS = [
    "lecanemab-traditional-approval-alzheimers",
    "lk-99-superconductor-claim-fails-replication",
]


def header_and_notes(client, article):
    """The "Updated" date the header shows (or None) and the dates of the notes shown."""
    html = client.get(article.get_absolute_url()).content.decode()
    updated = UPDATED.search(html)
    return (updated[2] if updated else None), NOTE_DATES.findall(html)


def make_draft():
    """A draft the checklist lets through (its evidence waived, with the reason; approved
    by a second editor)."""
    draft = make_article(
        status=Article.Status.DRAFT,
        published_at=None,
        published_without_evidence=True,
        without_evidence_reason="The paper is not out yet.",
    )
    approve(draft)
    return draft


def long_ago(article, days=10):
    then = timezone.now() - timedelta(days=days)
    Article.objects.filter(pk=article.pk).update(published_at=then, updated_at=then)
    article.refresh_from_db()
    return then


def test_an_edit_without_a_note_leaves_the_updated_date(client):
    article = make_article()
    published = long_ago(article)

    article.headline = "A better headline"
    article.explanation = "A rewritten plain account."
    article.save()

    assert Article.objects.get(pk=article.pk).updated_at == published
    assert header_and_notes(client, article) == (None, [])


def test_adding_a_glossary_term_leaves_the_updated_date_even_in_memory():
    """The term's signal re-renders the story with update_fields; a later full save of the
    same object (as loaddata's second pass makes) used to write the time of that re-render."""
    article = make_article()
    published = long_ago(article)

    article.glossary_terms.add(make_term(term="Cuprate"))
    assert article.updated_at == published
    article.save()

    assert Article.objects.get(pk=article.pk).updated_at == published


def test_a_note_moves_the_updated_date_and_the_header_says_so(client):
    article = make_article()
    long_ago(article)
    made = timezone.now() - timedelta(days=2)

    Correction.objects.create(article=article, kind="update", note="Phase 3 began.", made_at=made)

    assert Article.objects.get(pk=article.pk).updated_at == made
    label = f"{made:%-d %B %Y}"
    assert header_and_notes(client, article) == (label, [label])


def test_publishing_dates_the_story_at_its_publication(client):
    article = make_draft()
    Article.objects.filter(pk=article.pk).update(
        created_at=timezone.now() - timedelta(days=5), updated_at=timezone.now() - timedelta(days=5)
    )
    article.refresh_from_db()

    services.publish(article=article)

    article.refresh_from_db()
    assert article.updated_at == article.published_at
    assert header_and_notes(client, article) == (None, [])


def test_a_scheduled_story_is_dated_at_its_publish_time():
    article = make_draft()
    at = timezone.now() + timedelta(days=3)
    long_before = article.updated_at

    services.publish(article=article, at=at)
    article.refresh_from_db()
    assert article.updated_at == at

    article.published_at = at - timedelta(days=1)  # brought forward a day
    article.save()
    article.refresh_from_db()
    assert article.updated_at == at - timedelta(days=1) > long_before


def test_the_follow_up_stories_show_their_own_dates_not_the_day_they_were_loaded(
    client, fixture_content
):
    today = f"{timezone.now():%-d %B %Y}"
    traditional, failed = (Article.objects.get(slug=slug) for slug in FOLLOW_UPS)

    assert header_and_notes(client, traditional) == (None, [])
    assert traditional.updated_at == traditional.published_at
    assert header_and_notes(client, failed) == ("14 December 2023", ["14 December 2023"])
    for article in Article.objects.published():
        assert header_and_notes(client, article)[0] != today, article.slug


def test_every_fixture_story_that_says_updated_has_a_note_of_that_date(client, fixture_content):
    updated_stories = 0
    for article in Article.objects.published():
        updated, notes = header_and_notes(client, article)
        assert updated == (notes[-1] if notes else None), article.slug
        latest = article.corrections.order_by("made_at").last()
        assert article.updated_at == (latest.made_at if latest else article.published_at)
        updated_stories += updated is not None
    assert updated_stories >= 8


def test_reloading_the_fixtures_keeps_their_notes_and_dates(fixture_content):
    notes = list(Correction.objects.order_by("pk").values_list("pk", "article__slug", "made_at"))
    dates = dict(Article.objects.values_list("slug", "updated_at"))

    load_site_content()

    assert (
        list(Correction.objects.order_by("pk").values_list("pk", "article__slug", "made_at"))
        == notes
    )
    assert dict(Article.objects.values_list("slug", "updated_at")) == dates
