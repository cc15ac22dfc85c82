from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from predictions import services
from predictions.models import Question


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        choices=[choice for choice in Question.Resolution.choices if choice[0]],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What decided it, with a source readers can check.",
    )


@admin.action(description="Resolve the selected questions (asks for confirmation)")
def resolve(modeladmin, request, queryset):
    form = ResolveForm(request.POST if "confirm" in request.POST else None)
    if form.is_valid():
        for question in queryset:
            try:
                services.resolve_question(
                    question=question,
                    resolution=form.cleaned_data["resolution"],
                    note=form.cleaned_data["note"],
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
            "questions": queryset,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        },
    )


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "article", "closes_at", "resolution", "forecasters", "median"]
    list_filter = ["resolution"]
    search_fields = ["text", "article__headline"]
    autocomplete_fields = ["article"]
    prepopulated_fields = {"slug": ["text"]}
    readonly_fields = ["resolution", "resolution_note", "resolved_at", "forecasters", "median"]
    actions = [resolve]


class QuestionInline(admin.StackedInline):
    model = Question
    fields = ["text", "slug", "criteria", ("opens_at", "closes_at", "resolve_by"), "resolution"]
    readonly_fields = ["resolution"]
    can_delete = False
    verbose_name = "forecast question"
