"""The editors' article form, composed from the apps that add to it.

`articles` knows nothing of the evidence layer or of predictions; here, at the
project level, the article admin gains their inlines and re-scores on save.
"""

from django.contrib import admin

from articles.admin import ArticleAdmin
from articles.models import Article
from predictions.admin import QuestionInline
from trust.admin import EVIDENCE_INLINES, after_article_saved


class NewsroomArticleAdmin(ArticleAdmin):
    inlines = [*ArticleAdmin.inlines, *EVIDENCE_INLINES, QuestionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        after_article_saved(form.instance)


admin.site.unregister(Article)
admin.site.register(Article, NewsroomArticleAdmin)
