"""Reads the article pages share."""

from django.utils import timezone

from articles.models import Article


def front_page_stories():
    """Public stories for the front page, the one that leads first: the story editors
    pinned, while it is public, else the newest. The pin sorts first so that the lead
    costs no query of its own and is not repeated further down."""
    return Article.objects.published().for_listing().order_by("-is_lead", "-published_at", "-pk")


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
