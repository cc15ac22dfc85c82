"""Reads the article pages share."""

from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from articles.models import Article, Topic


def front_page_stories():
    """Public stories for the front page, the one that leads first: the story editors
    pinned, while it is public, else the newest. The pin sorts first so that the lead
    costs no query of its own and is not repeated further down."""
    return Article.objects.published().for_listing().order_by("-is_lead", "-published_at", "-pk")


@dataclass(frozen=True)
class Section:
    """A section of the front page: a topic (None for stories without one) and the
    stories placed under it, newest first."""

    topic: Topic | None
    stories: list

    @property
    def featured(self):
        """The story the section opens with: its newest with a picture, else its newest."""
        return next((story for story in self.stories if story.lead_image), self.stories[0])

    @property
    def others(self):
        return [story for story in self.stories if story is not self.featured]


def front_page_sections(stories):
    """``stories`` (newest first, topics prefetched) in sections by topic, each story once.

    A story goes under the one of its topics that has the most of these stories, so that
    the page has a few full desks rather than a section per tag; between topics as
    common, under the one given fewer so far, so that two topics sharing their stories
    share them out. Sections come in the order of their newest story; the stories
    without a topic come last, in a section of their own.
    """
    stories = list(stories)
    counts = Counter(topic for story in stories for topic in story.topics.all())
    placed = {}
    for story in stories:
        topics = story.topics.all()
        topic = (
            min(topics, key=lambda t: (-counts[t], len(placed.get(t, ())), t.name))
            if topics
            else None
        )
        placed.setdefault(topic, []).append(story)
    untagged = placed.pop(None, None)
    sections = [Section(topic, placed_stories) for topic, placed_stories in placed.items()]
    return sections + ([Section(None, untagged)] if untagged else [])


def next_scheduled_change(now=None):
    """When the public stories next change by themselves: a scheduled story goes live or
    a story's takedown time comes (None when nothing is waiting). One query: each
    moment is the first row of its own index (article_public_idx, article_takedown_idx)."""
    now = now or timezone.now()
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    goes_live = published.filter(published_at__gt=now).order_by("published_at")
    taken_down = published.filter(unpublish_at__gt=now).order_by("unpublish_at")
    moments = goes_live.values_list("published_at", flat=True)[:1].union(
        taken_down.values_list("unpublish_at", flat=True)[:1], all=True
    )
    return next(iter(moments.order_by("published_at")[:1]), None)
