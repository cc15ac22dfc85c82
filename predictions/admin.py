from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone

from core.admin_concurrency import OptimisticConcurrencyMixin
from core.admin_desk import CappedRowsMixin, DeskAdminMixin, LabelledDateTimesMixin
from core.history_admin import HistoryAdmin
from predictions import services
from predictions.forms import QuestionAdminForm, ResolveForm, forecaster_count
from predictions.models import Question


@admin.action(description="Resolve the selected questions (asks for confirmation)")
def resolve(modeladmin, request, queryset):
    form = ResolveForm(
        request.POST if "confirm" in request.POST else None,
        initial={"resolved_on": timezone.localdate()},
    )
    if form.is_valid():
        for question in queryset:
            try:
                services.resolve_question(
                    question=question,
                    resolution=form.cleaned_data["resolution"],
                    note=form.cleaned_data["note"],
                    now=form.resolved_at(),
                )
            except ValidationError as error:
                modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
        modeladmin.message_user(
            request,
            f"Resolved {queryset.count()} question(s); scores recomputed.",
            messages.SUCCESS,
        )
        return None
    return TemplateResponse(
        request,
        "admin/predictions/question/resolve.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Resolve questions",
            "questions": [
                (question, forecaster_count(question), question.closes_at > timezone.now())
                for question in queryset
            ],
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        },
    )


@admin.register(Question)
class QuestionAdmin(
    OptimisticConcurrencyMixin, LabelledDateTimesMixin, DeskAdminMixin, HistoryAdmin
):
    form = QuestionAdminForm
    list_display = ["text", "article", "closes_at", "resolution", "forecasters", "median"]
    list_filter = ["resolution"]
    search_fields = ["text", "article__headline"]
    autocomplete_fields = ["article"]
    prepopulated_fields = {"slug": ["text"]}
    readonly_fields = ["resolution", "resolution_note", "resolved_at", "forecasters", "median"]
    actions = [resolve]


class QuestionInline(CappedRowsMixin, LabelledDateTimesMixin, admin.StackedInline):
    model = Question
    form = QuestionAdminForm
    fields = [
        "text",
        "slug",
        "criteria",
        ("opens_at", "closes_at", "resolve_by"),
        "change_reason",
        "resolution",
    ]
    prepopulated_fields = {"slug": ["text"]}
    readonly_fields = ["resolution"]
    can_delete = False
    verbose_name = "forecast question"
