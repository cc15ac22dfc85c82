from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst
from django.utils.translation import ngettext
from simple_history.utils import update_change_reason

from articles import extensions, services, writing
from articles.admin_draft_links import DraftLinksAdminMixin
from articles.admin_pictures import ArticleImageInline
from articles.admin_writing import WritingToolsMixin
from articles.forms import ArticleAdminForm
from articles.models import Article, Author, Correction, GlossaryTerm, Topic
from articles.review_admin import ReviewAdminMixin
from core import markup
from core.admin_concurrency import OptimisticConcurrencyMixin
from core.admin_concurrency.presence_admin import PresenceMixin
from core.admin_desk import CappedRowsMixin, DeskAdminMixin, LabelledDateTimesMixin, Section
from core.held_uploads import HoldsUploadsMixin
from core.history_admin import HistoryAdmin

STORY_SECTION = Section(
    "Story",
    fieldsets=("Story", "Explanation", "Technical deep dive", "Glossary", "Follow-up"),
    inlines=("images",),
)
PUBLISHING_SECTION = Section(
    "Publishing", fieldsets=("Publishing", "Record"), inlines=("corrections",)
)


@admin.register(Topic)
class TopicAdmin(OptimisticConcurrencyMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(OptimisticConcurrencyMixin, admin.ModelAdmin):
    list_display = ["term", "slug", "aliases"]
    search_fields = ["term", "aliases", "definition"]
    prepopulated_fields = {"slug": ["term"]}


@admin.register(Author)
class AuthorAdmin(OptimisticConcurrencyMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class CorrectionInline(CappedRowsMixin, LabelledDateTimesMixin, admin.StackedInline):
    model = Correction
    extra = 0
    fields = [("kind", "made_at"), "note"]
    classes = ["desk-rows"]
    verbose_name_plural = "Corrections and updates (shown to readers, dated)"


@admin.action(description="Publish the selected stories now (or at their publish time)")
def publish(modeladmin, request, queryset):
    for article in queryset:
        try:
            services.publish(article=article, by=request.user)
        except ValidationError as error:
            modeladmin.message_user(
                request,
                f"“{article}” was not published: {' '.join(error.messages)}",
                messages.ERROR,
            )
        else:
            modeladmin.message_user(request, f"“{article}” is {article.state.lower()}.")


@admin.action(description="Pin the selected story as the front page's lead")
def pin_lead(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, "Choose exactly one story to lead.", messages.ERROR)
        return
    article = queryset.get()
    try:
        services.pin_lead(article=article)
    except ValidationError as error:
        modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
    else:
        modeladmin.message_user(request, f"“{article}” now leads the front page.")


@admin.action(description="Unpin the lead (the newest story leads again)")
def unpin_lead(modeladmin, request, queryset):
    for article in queryset.filter(is_lead=True):
        services.unpin_lead(article=article)
    modeladmin.message_user(request, "The newest story leads the front page.")


@admin.action(description="Unpublish the selected stories (editors can still preview them)")
def unpublish(modeladmin, request, queryset):
    stories = list(queryset)
    for article in stories:
        services.unpublish(article=article)
    count = len(stories)
    said = ngettext("Unpublished %(count)d story.", "Unpublished %(count)d stories.", count)
    modeladmin.message_user(request, said % {"count": count})


def record_inline_changes(article, formsets):
    """The story's history entry for this save says what its inlines changed (a
    correction added, a citation removed), which no field of the story shows."""

    def name(obj):
        return Truncator(obj.note if isinstance(obj, Correction) else str(obj)).chars(60)

    said = []
    for formset in formsets:
        what = formset.model._meta.verbose_name
        said += [f"Added {what}: “{name(obj)}”" for obj in formset.new_objects]
        said += [f"Changed {what}: “{name(obj)}”" for obj, _ in formset.changed_objects]
        said += [f"Removed {what}: “{name(obj)}”" for obj in formset.deleted_objects]
    if said and article.history.exists():
        update_change_reason(article, "; ".join(said)[:100])


def _added_columns():
    return [column for part in extensions.admin_parts() for column in part.columns]


def _column(column):
    """A column of the stories' list for an extension's AdminColumn."""

    def show(article):
        value = getattr(article, column.annotation)
        return column.empty if value is None else value

    show.__name__ = column.name
    return admin.display(description=column.description, ordering=column.annotation)(show)


class ArticleAdmin(
    WritingToolsMixin,
    DraftLinksAdminMixin,
    ReviewAdminMixin,
    PresenceMixin,
    OptimisticConcurrencyMixin,
    HoldsUploadsMixin,
    LabelledDateTimesMixin,
    DeskAdminMixin,
    HistoryAdmin,
):
    """The story form: its own fields, and the inlines, desk sections and list columns
    the registered extensions add (articles/extensions.py)."""

    form = ArticleAdminForm
    list_display = ["headline", "state", "review_state", "is_lead", "published_at", "updated_at"]
    list_filter = ["status", "topics"]
    search_fields = ["headline", "dek", "byline"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["topics", "glossary_terms", "author", "follows_up"]
    readonly_fields = ["checklist", "created_at", "updated_at", "reading_time_minutes"]
    inlines = [ArticleImageInline, CorrectionInline]
    actions = [publish, unpublish, pin_lead, unpin_lead]
    fieldsets = [
        ("Story", {"fields": ["headline", "slug", "dek", "byline", "author", "topics"]}),
        ("Explanation", {"fields": ["explanation"]}),
        ("Technical deep dive", {"fields": ["technical"]}),
        ("Glossary", {"fields": ["glossary_terms"]}),
        ("Follow-up", {"fields": ["follows_up"]}),
        (
            "Publishing",
            {
                "fields": [
                    "checklist",
                    ("status", "published_at"),
                    ("unpublish_at", "embargo_until"),
                    ("published_without_evidence", "without_evidence_reason"),
                ],
                "description": "Draft → In review → Published. A story is published only "
                "once the checklist passes, checked after everything on this form is saved. "
                "A publish time in the future schedules the story: it appears by itself at "
                "that time. A takedown time ends it: at that time readers stop seeing it, "
                "by itself (the list of stories says “Taken down”). Under an embargo, a "
                "publish time before it ends is refused; published with no publish time, "
                "the story is scheduled for the embargo's end. Preview any story with “View "
                "on site”. To make a published story the front page's lead, use “Pin” on the "
                "list of stories.",
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at", "reading_time_minutes"]}),
    ]
    view_on_site = True
    change_form_template = "admin/articles/article/change_form.html"
    # A restore brings back the story's words; its status, publish time, link, topics,
    # terms, pictures, evidence and corrections stay as they are (core/history_admin.py).
    restore_fields = ("headline", "dek", "byline", "author", "explanation", "technical")
    restore_keeps = "its pictures, evidence, question and corrections"

    class Media:
        js = ["js/admin_markdown_preview.js", "js/admin_writing_aids.js", "js/admin_desk.js"]
        css = {"all": ["css/admin.css"]}

    @admin.display(description="Publish checklist")
    def checklist(self, article):
        if article is None or article.pk is None:
            return "Checked when the story is first saved."
        items = format_html_join(
            "",
            '<li class="checklist__item checklist__item--{}">{}: {}</li>',
            (
                (
                    "waived" if waived else "missing" if problems else "done",
                    label,
                    "waived (published without evidence)"
                    if waived
                    else " ".join(problems) or "done",
                )
                for label, problems, waived in services.publish_checklist(article)
            ),
        )
        return format_html('<ul class="checklist">{}</ul>', items)

    @admin.display(description="State", ordering="status")
    def state(self, article):
        return article.state

    def restore_problems(self, article):
        """A restored story still renders, and a published one still has every part."""
        problems = []
        for section in writing.HOUSE_TARGETS:
            try:
                markup.validate(getattr(article, section))
            except ValidationError as error:
                problems += error.messages
        if article.status == Article.Status.PUBLISHED:
            problems += article.publication_problems(topic_count=article.topics.count())
        return problems

    @staticmethod
    def asks_to_publish(form):
        was_published = form.initial.get("status") == Article.Status.PUBLISHED
        return form.cleaned_data.get("status") == Article.Status.PUBLISHED and not was_published

    def save_model(self, request, obj, form, change):
        """A story asked to be published is saved as it was; ``save_related`` publishes
        it once its evidence is saved too and the checklist passes."""
        old_slug = form.initial.get("slug")
        if self.asks_to_publish(form):
            obj.status = form.initial.get("status") or Article.Status.DRAFT
        super().save_model(request, obj, form, change)
        was_published = form.initial.get("status") == Article.Status.PUBLISHED
        if change and was_published and "slug" in form.changed_data:
            services.keep_old_link(article=obj, old_slug=old_slug)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_inline_changes(form.instance, formsets)
        # Each extension's update once its inlines are saved (trust re-scores the story).
        for part in extensions.admin_parts():
            if part.after_save:
                part.after_save(form.instance, formsets)
        if self.asks_to_publish(form):
            try:
                services.publish(
                    article=form.instance,
                    by=request.user,
                    override_reason=self.override_reason(request, form),
                )
            except ValidationError as error:
                self.message_user(
                    request,
                    f"Saved, not published: {' '.join(error.messages)}",
                    messages.ERROR,
                )

    def get_deleted_objects(self, objs, request):
        """What deleting stories deletes, without the rows that tie each to its topics and
        glossary terms: Django names those after the model ("Article-topic relationship"),
        and an editor knows a deleted story leaves its topics."""
        links = [
            field.remote_field.through._meta
            for field in self.model._meta.many_to_many
            if field.remote_field.through._meta.auto_created
        ]
        names = {str(capfirst(link.verbose_name)) for link in links}
        plurals = {str(link.verbose_name_plural) for link in links}

        def kept(items):
            return [
                kept(item) if isinstance(item, list) else item
                for item in items
                if isinstance(item, list) or str(item).split(":")[0] not in names
            ]

        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        counts = {name: count for name, count in counts.items() if str(name) not in plurals}
        return kept(deleted), counts, perms_needed, protected

    @property
    def desk_sections(self):
        added = [part.section for part in extensions.admin_parts()]
        return (STORY_SECTION, *added, PUBLISHING_SECTION)

    def get_inlines(self, request, obj):
        added = [inline for part in extensions.admin_parts() for inline in part.inlines]
        return [*self.inlines, *added]

    def get_list_display(self, request):
        return [*self.list_display, *(_column(column) for column in _added_columns())]

    def get_queryset(self, request):
        columns = {column.annotation: column.expression for column in _added_columns()}
        return super().get_queryset(request).annotate(**columns)


admin.site.register(Article, ArticleAdmin)
