"""The editors' article admin, composed from the apps that add to it.

`articles` knows nothing of the evidence layer or of predictions; here, at the
project level, the article admin gains their inlines and columns, and
re-scores on save.
"""

import operator
from functools import reduce

from django.contrib import admin
from django.db.models import F

from articles.admin import ArticleAdmin
from articles.models import Article
from predictions.admin import QuestionInline
from predictions.models import ReadTally
from trust.admin import EVIDENCE_INLINES, after_article_saved

READ_COUNT_COLUMNS = [F(f"read_tally__{field}") for field in ReadTally.count_fields().values()]


class NewsroomArticleAdmin(ArticleAdmin):
    inlines = [*ArticleAdmin.inlines, *EVIDENCE_INLINES, QuestionInline]
    list_display = [*ArticleAdmin.list_display, "reality_score", "reads", "forecasters"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                reality=F("assessment__score"),
                read_count=reduce(operator.add, READ_COUNT_COLUMNS),
                forecaster_count=F("question__forecasters"),
            )
        )

    @admin.display(description="Reality", ordering="reality")
    def reality_score(self, article):
        return article.reality

    @admin.display(description="Reads", ordering="read_count")
    def reads(self, article):
        return article.read_count or 0

    @admin.display(description="Forecasters", ordering="forecaster_count")
    def forecasters(self, article):
        return article.forecaster_count or 0

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        after_article_saved(form.instance, formsets)


admin.site.register(Article, NewsroomArticleAdmin)
