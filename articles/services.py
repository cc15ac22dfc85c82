"""Editorial writes with rules: publishing, unpublishing, renaming a published story."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleRedirect


@transaction.atomic
def publish(*, article, at=None):
    """Publish now, or schedule for ``at``; refused if a required part is missing."""
    problems = article.publication_problems(topic_count=article.topics.count())
    if problems:
        raise ValidationError(problems)
    article.status = Article.Status.PUBLISHED
    article.published_at = at or article.published_at or timezone.now()
    article.save(update_fields=["status", "published_at", "updated_at"])
    return article


@transaction.atomic
def unpublish(*, article):
    """Back to draft: readers get a 404 again, editors can still preview it."""
    article.status = Article.Status.DRAFT
    article.save(update_fields=["status", "updated_at"])
    return article


def keep_old_link(*, article, old_slug):
    """After a published story's slug changes, its old URL redirects to the new one."""
    if old_slug == article.slug:
        return
    ArticleRedirect.objects.filter(old_slug=article.slug).delete()
    ArticleRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": article})
