"""The source directory's pages in the sitemap (composed in newsroom/sitemaps.py)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from trust.models import Source


class SourceSitemap(Sitemap):
    def items(self):
        return (
            Source.objects.annotate(last_scored=Max("score_changes__changed_at"))
            .only("slug")
            .order_by("slug")
        )

    def lastmod(self, source):
        """A source's page changes when its trust score is recorded."""
        return source.last_scored
