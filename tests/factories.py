"""Small factories for tests: sensible defaults, override what the test is about."""

import itertools
from datetime import timedelta

from django.utils import timezone

from articles.models import Article, GlossaryTerm, Topic

_numbers = itertools.count(1)


def make_topic(**overrides):
    number = next(_numbers)
    fields = {"name": f"Topic {number}", "slug": f"topic-{number}"}
    return Topic.objects.create(**(fields | overrides))


def make_term(**overrides):
    number = next(_numbers)
    fields = {
        "term": f"Term {number}",
        "slug": f"term-{number}",
        "definition": f"What term {number} means.",
    }
    return GlossaryTerm.objects.create(**(fields | overrides))


def make_article(*, topics=None, terms=(), **overrides):
    """A published story from an hour ago, in one new topic unless ``topics`` is given."""
    number = next(_numbers)
    fields = {
        "slug": f"story-{number}",
        "headline": f"Story number {number}",
        "dek": f"What story {number} is about.",
        "byline": "Test Desk",
        "explanation": f"The plain account of story {number}.",
        "technical": f"The technical account of story {number}.",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1),
    }
    article = Article.objects.create(**(fields | overrides))
    article.topics.set(topics if topics is not None else [make_topic()])
    if terms:
        article.glossary_terms.set(terms)
    return article
