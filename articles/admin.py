from django.contrib import admin

from articles.models import Article, GlossaryTerm, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "slug", "aliases"]
    search_fields = ["term", "aliases", "definition"]
    prepopulated_fields = {"slug": ["term"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "published_at", "updated_at"]
    list_filter = ["status", "topics"]
    search_fields = ["headline", "dek", "byline"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["topics", "glossary_terms"]
    readonly_fields = ["created_at", "updated_at", "reading_time_minutes"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "byline", "topics"]}),
        ("Explanation", {"fields": ["explanation"]}),
        ("Technical deep dive", {"fields": ["technical"]}),
        ("Glossary", {"fields": ["glossary_terms"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
        ("Record", {"fields": ["created_at", "updated_at", "reading_time_minutes"]}),
    ]
    view_on_site = True
