"""The one "published" rule: the same stories, asked directly or through a relation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Topic
from tests.factories import make_article, make_topic

pytestmark = pytest.mark.django_db


def test_published_rule_is_the_same_from_a_story_and_from_its_topic():
    topic = make_topic()
    public = make_article(topics=[topic])
    make_article(topics=[topic], status=Article.Status.DRAFT)
    make_article(topics=[topic], published_at=timezone.now() + timedelta(hours=1))

    assert list(Article.objects.published()) == [public]
    through_topic = Topic.objects.filter(Article.published_q(prefix="articles__"))
    assert list(through_topic.values_list("articles", flat=True)) == [public.pk]
