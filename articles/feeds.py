"""RSS and Atom feeds of the latest stories, for the whole site and for each topic."""

import dataclasses
import re
from html import unescape
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from articles import cards, previews
from articles.models import Article, ArticleImage, Topic

STORIES_IN_FEED = 20
# Media RSS: the namespace feed readers read an item's picture from, in RSS and Atom alike.
MEDIA_RSS = "http://search.yahoo.com/mrss/"
# A link-bearing attribute in the sanitised HTML of core/markup.py (always double-quoted).
_LINK_ATTRIBUTE = re.compile(r'\b(srcset|href|src)="([^"]*)"')


def _absolute_srcset(value, base):
    """A srcset's candidates ("url 480w, url 800w") with each URL made absolute."""
    candidates = (candidate.split() for candidate in value.split(","))
    return ", ".join(
        " ".join([urljoin(base, url), *descriptors]) for url, *descriptors in candidates if url
    )


def absolute_links(html, *, base):
    """``html`` with every href, src and srcset resolved against ``base``, an absolute URL."""

    def resolve(match):
        value = unescape(match[2])
        url = _absolute_srcset(value, base) if match[1] == "srcset" else urljoin(base, value)
        return f'{match[1]}="{escape(url)}"'

    return _LINK_ATTRIBUTE.sub(resolve, html)


class PictureElements:
    """Each item's picture (articles/previews.py) as Media RSS ``media:content``, with its
    credit, for the feed reader to show. Not its alt text: feed parsers read a
    ``media:description`` as the item's content."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        picture = item.get("picture")
        if picture is None:
            return
        handler.startElement(
            "media:content",
            {
                "url": picture.url,
                "type": picture.type,
                "medium": "image",
                "width": str(picture.width),
                "height": str(picture.height),
            },
        )
        if picture.credit:
            handler.addQuickElement("media:credit", picture.credit)
        handler.endElement("media:content")


class RssWithPictures(PictureElements, Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_RSS}


class AtomWithPictures(PictureElements, Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS}


class LatestStoriesFeed(Feed):
    feed_type = RssWithPictures
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
            .annotate(**cards.annotations())
            .prefetch_related(
                "topics",
                Prefetch(
                    "images",
                    queryset=ArticleImage.objects.filter(
                        role=ArticleImage.Role.LEAD
                    ).select_related("picture"),
                ),
            )
            .latest_first()[:STORIES_IN_FEED]
        )

    def item_title(self, item):
        return item.headline

    def get_feed(self, obj, request):
        """The feed, with every link in its items' HTML, and their pictures, made absolute.

        A feed reader has no page to resolve "/glossary/…" or "#term-…" against, so each
        is resolved against the item's own link, which Feed has already made absolute
        from the request's scheme and host.
        """
        feed = super().get_feed(obj, request)
        for item in feed.items:
            item["description"] = absolute_links(item["description"], base=item["link"])
            if item["picture"] is not None:
                url = urljoin(item["link"], item["picture"].url)
                item["picture"] = dataclasses.replace(item["picture"], url=url)
        return feed

    def item_extra_kwargs(self, item):
        return {"picture": previews.picture_of(item)}

    def item_description(self, item):
        """The standfirst, what other apps add to the card (a rating), the explanation."""
        extras = cards.feed_text(item)
        return format_html(
            "<p>{}</p>{}{}",
            item.dek,
            format_html("<p>{}</p>", extras) if extras else "",
            mark_safe(item.explanation_html),
        )

    def item_author_name(self, item):
        return item.byline

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()] + cards.feed_categories(item)


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = AtomWithPictures
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
    feed_type = AtomWithPictures

    def subtitle(self, topic):
        return self.description(topic)
