from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from articles import services
from articles.forms import ArticleAdminForm
from articles.models import Article, Correction, GlossaryTerm, Topic
from core import markup
from core.history_admin import HistoryAdmin


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


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["made_at", "kind", "note"]
    verbose_name_plural = "Corrections and updates (shown to readers, dated)"


@admin.action(description="Publish the selected stories now (or at their publish time)")
def publish(modeladmin, request, queryset):
    for article in queryset:
        try:
            services.publish(article=article)
        except ValidationError as error:
            modeladmin.message_user(
                request,
                f"“{article}” was not published: {' '.join(error.messages)}",
                messages.ERROR,
            )
        else:
            modeladmin.message_user(request, f"“{article}” is {article.state.lower()}.")


@admin.action(description="Unpublish the selected stories (editors can still preview them)")
def unpublish(modeladmin, request, queryset):
    for article in queryset:
        services.unpublish(article=article)
    modeladmin.message_user(request, f"Unpublished {queryset.count()} stories.")


class ArticleAdmin(HistoryAdmin):
    """The story form's own fields. The project registers it (newsroom/admin.py), adding
    the evidence and question inlines of the apps above this one."""

    form = ArticleAdminForm
    list_display = ["headline", "state", "published_at", "updated_at"]
    list_filter = ["status", "topics"]
    search_fields = ["headline", "dek", "byline"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["topics", "glossary_terms", "follows_up"]
    readonly_fields = ["created_at", "updated_at", "reading_time_minutes"]
    inlines = [CorrectionInline]
    actions = [publish, unpublish]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "byline", "topics"]}),
        ("Explanation", {"fields": ["explanation"]}),
        ("Technical deep dive", {"fields": ["technical"]}),
        ("Glossary", {"fields": ["glossary_terms"]}),
        ("Follow-up", {"fields": ["follows_up"]}),
        (
            "Publishing",
            {
                "fields": ["status", "published_at"],
                "description": "Draft → In review → Published. A publish time in the future "
                "schedules the story: it appears by itself at that time. Preview any story "
                "with “View on site”.",
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at", "reading_time_minutes"]}),
    ]
    view_on_site = True
    change_form_template = "admin/articles/article/change_form.html"

    class Media:
        js = ["js/admin_markdown_preview.js"]
        css = {"all": ["css/admin.css"]}

    @admin.display(description="State", ordering="status")
    def state(self, article):
        return article.state

    def get_urls(self):
        preview = path(
            "markdown-preview/",
            self.admin_site.admin_view(require_POST(self.markdown_preview)),
            name="articles_article_markdown_preview",
        )
        return [preview, *super().get_urls()]

    def markdown_preview(self, request):
        """Render an editor's Markdown through the public pipeline, sanitised the same way."""
        if not self.has_change_permission(request) and not self.has_add_permission(request):
            return JsonResponse({"error": "Not allowed."}, status=403)
        terms = [
            markup.Term(term.slug, term.forms)
            for term in GlossaryTerm.objects.filter(
                pk__in=[pk for pk in request.POST.getlist("terms") if pk.isdigit()]
            )
        ]
        try:
            html = markup.render(
                request.POST.get("source", ""),
                section=request.POST.get("section", "preview")[:20],
                terms=terms,
            )
        except markup.MarkupRefused as refusal:
            return JsonResponse({"error": str(refusal)}, status=400)
        return JsonResponse({"html": html})

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug")
        super().save_model(request, obj, form, change)
        was_published = form.initial.get("status") == Article.Status.PUBLISHED
        if change and was_published and "slug" in form.changed_data:
            services.keep_old_link(article=obj, old_slug=old_slug)
