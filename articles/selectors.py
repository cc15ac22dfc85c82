"""Reads the article pages share."""

from django.utils import timezone

from articles.models import Article


def seconds_until_next_scheduled(now=None):
    """Seconds until the next scheduled story goes live, or None when none is waiting."""
    now = now or timezone.now()
    due = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return None if due is None else (due - now).total_seconds()
