"""The site's sitemap: each app's section, and the index pages that list them."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.sitemaps import AuthorSitemap, GlossaryTermSitemap, StorySitemap, TopicSitemap
from predictions.sitemaps import QuestionSitemap
from trust.sitemaps import SourceSitemap


class IndexPageSitemap(Sitemap):
    def items(self):
        return [
            "articles:front",
            "articles:topics",
            "articles:glossary",
            "trust:sources",
            "trust:methodology",
            "predictions:questions",
            "predictions:community",
        ]

    def location(self, url_name):
        return reverse(url_name)


SITEMAPS = {
    "pages": IndexPageSitemap,
    "stories": StorySitemap,
    "topics": TopicSitemap,
    "glossary": GlossaryTermSitemap,
    "authors": AuthorSitemap,
    "sources": SourceSitemap,
    "questions": QuestionSitemap,
}
