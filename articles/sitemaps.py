"""Sitemap sections for stories, topics, glossary terms and authors.

Composed in newsroom/sitemaps.py.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from articles.models import Article, Author, GlossaryTerm, Topic


def _with_last_story_update(queryset):
    """Annotate ``last_story_update``: when one of the object's public stories last changed.

    A topic or term page is a list of stories, so it changes when they do.
    """
    public = Article.published_q(prefix="articles__")
    return queryset.annotate(last_story_update=Max("articles__updated_at", filter=public))


class StorySitemap(Sitemap):
    def items(self):
        return Article.objects.published().only("slug", "updated_at").latest_first()

    def lastmod(self, story):
        return story.updated_at


class TopicSitemap(Sitemap):
    def items(self):
        return _with_last_story_update(Topic.objects.only("slug")).order_by("slug")

    def lastmod(self, topic):
        return topic.last_story_update


class GlossaryTermSitemap(Sitemap):
    def items(self):
        return _with_last_story_update(GlossaryTerm.objects.only("slug")).order_by("slug")

    def lastmod(self, term):
        return term.last_story_update


class AuthorSitemap(Sitemap):
    def items(self):
        return _with_last_story_update(Author.objects.only("slug")).order_by("slug")

    def lastmod(self, author):
        return author.last_story_update
