"""The editors' article form, composed from the apps that add to it.

`articles` knows nothing of the evidence layer; here, at the project level,
the article admin gains the trust app's inlines and re-scores on save.
"""

from django.contrib import admin

from articles.admin import ArticleAdmin
from articles.models import Article
from trust.admin import EVIDENCE_INLINES, after_article_saved


class NewsroomArticleAdmin(ArticleAdmin):
    inlines = [*ArticleAdmin.inlines, *EVIDENCE_INLINES]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        after_article_saved(form.instance)


admin.site.unregister(Article)
admin.site.register(Article, NewsroomArticleAdmin)
