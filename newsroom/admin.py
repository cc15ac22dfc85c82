"""The editors' article admin, composed from the apps that add to it.

`articles` knows nothing of the evidence layer or of predictions; here, at the
project level, the article admin gains their inlines and columns, and
re-scores on save.
"""

import operator
from functools import reduce

from django.contrib import admin
from django.db.models import F

from articles.admin import PUBLISHING_SECTION, STORY_SECTION, ArticleAdmin
from articles.models import Article
from core.admin_desk import Section
from predictions.admin import QuestionInline
from predictions.models import ReadTally
from trust.admin import EVIDENCE_INLINES, after_article_saved

READ_COUNT_COLUMNS = [F(f"read_tally__{field}") for field in ReadTally.count_fields().values()]


class NewsroomArticleAdmin(ArticleAdmin):
    inlines = [*ArticleAdmin.inlines, *EVIDENCE_INLINES, QuestionInline]
    list_display = [*ArticleAdmin.list_display, "reality_score", "reads", "forecasters"]
    desk_sections = (
        STORY_SECTION,
        Section("Evidence", inlines=("assessment", "component_scores", "citations")),
        Section("Question", inlines=("question",)),
        PUBLISHING_SECTION,
    )

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

    def related_saved(self, article, formsets):
        after_article_saved(article, formsets)


admin.site.register(Article, NewsroomArticleAdmin)
