"""Question pages in the sitemap (composed in newsroom/sitemaps.py)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from predictions.models import Question


class QuestionSitemap(Sitemap):
    def items(self):
        return (
            Question.objects.public()
            .annotate(last_forecast_day=Max("aggregate_history__day"))
            .only("slug", "opens_at", "resolved_at")
            .order_by("slug")
        )

    def lastmod(self, question):
        """A question's page changes when it opens, as forecasts arrive, and on resolution."""
        days = [question.opens_at.date(), question.last_forecast_day]
        if question.resolved_at:
            days.append(question.resolved_at.date())
        return max(day for day in days if day)
