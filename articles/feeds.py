"""RSS and Atom feeds of the latest stories, for the whole site and for each topic."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.models import Article, Topic

STORIES_IN_FEED = 20


class LatestStoriesFeed(Feed):
    description = "Science news told twice — plainly and in depth — with the evidence."
    item_guid_is_permalink = True

    def title(self):
        return f"{settings.SITE_NAME}: latest stories"

    def link(self):
        return reverse("articles:front")

    def items(self):
        return self.stories(Article.objects.published())

    def stories(self, articles):
        return (
            articles.only(
                "slug",
                "headline",
                "dek",
                "byline",
                "explanation_html",
                "published_at",
                "updated_at",
            )
            .prefetch_related("topics")
            .latest_first()[:STORIES_IN_FEED]
        )

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        """The standfirst and the plain explanation, whole."""
        # Glossary and footnote links point within the page; in a feed reader they
        # must name the page too.
        explanation = item.explanation_html.replace('href="#', f'href="{item.get_absolute_url()}#')
        return format_html("<p>{}</p>{}", item.dek, mark_safe(explanation))

    def item_author_name(self, item):
        return item.byline

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = Atom1Feed
    subtitle = LatestStoriesFeed.description


class TopicStoriesFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return f"{settings.SITE_NAME}: {topic.name}"

    def link(self, topic):
        return topic.get_absolute_url()

    def description(self, topic):
        return topic.description or f"The latest {topic.name} stories."

    def items(self, topic):
        return self.stories(topic.articles.published())


class TopicStoriesAtomFeed(TopicStoriesFeed):
    feed_type = Atom1Feed

    def subtitle(self, topic):
        return self.description(topic)
