from django import forms
from django.contrib import admin
from django.db import models

from core.admin_concurrency import OptimisticConcurrencyMixin
from core.admin_desk import DeskAdminMixin, NoDeleteFromPickersMixin
from trust import services
from trust.forms import (
    ComponentScoreForm,
    ComponentScoreFormSet,
    CriteriaListFormSet,
    CriterionForm,
    CriterionResultForm,
    CriterionResultFormSet,
    SourceForm,
)
from trust.models import (
    Assessment,
    Citation,
    ComponentScore,
    Criterion,
    CriterionResult,
    MeterComponent,
    Source,
    TrustScoreChange,
)


class CriterionResultInline(NoDeleteFromPickersMixin, admin.TabularInline):
    model = CriterionResult
    form = CriterionResultForm
    formset = CriterionResultFormSet
    fields = ["criterion", "met", "note"]

    def get_extra(self, request, obj=None, **kwargs):
        """A source without verdicts starts with a row for every criterion."""
        return 0 if CriterionResultFormSet.has_rows_for(obj) else Criterion.objects.count()


class TrustScoreChangeInline(admin.TabularInline):
    model = TrustScoreChange
    extra = 0
    fields = ["changed_at", "old_score", "new_score", "reason"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "Score history"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(OptimisticConcurrencyMixin, DeskAdminMixin, admin.ModelAdmin):
    form = SourceForm
    list_display = ["name", "kind", "trust_score"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["trust_score"]
    fields = ["name", "slug", "kind", "home_url", "description", "trust_score", "change_reason"]
    inlines = [CriterionResultInline, TrustScoreChangeInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        reason = form.cleaned_data["change_reason"] or "First scored against the criteria"
        services.rescore_source(source=form.instance, reason=reason)


@admin.register(Criterion)
class CriterionAdmin(OptimisticConcurrencyMixin, admin.ModelAdmin):
    form = CriterionForm
    list_display = ["name", "weight", "position"]
    list_editable = ["weight", "position"]
    prepopulated_fields = {"slug": ["name"]}

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=CriteriaListFormSet, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        services.rescore_all_sources(reason=f"The criterion “{obj.name}” was added")
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        services.rescore_all_sources(reason=f"The criterion “{obj.name}” changed")
        return super().response_change(request, obj)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        edited_the_list = request.method == "POST" and "_save" in request.POST
        if edited_the_list and response.status_code == 302:
            services.rescore_all_sources(reason="The criteria's weights changed")
        return response


@admin.register(MeterComponent)
class MeterComponentAdmin(OptimisticConcurrencyMixin, admin.ModelAdmin):
    list_display = ["name", "default_weight", "from_sources", "position"]
    prepopulated_fields = {"slug": ["name"]}


class CitationInline(NoDeleteFromPickersMixin, admin.StackedInline):
    model = Citation
    # Links typed without a scheme are https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 1
    fields = [
        "title",
        ("source", "kind", "position"),
        ("url", "doi", "published_on"),
        "note",
        ("status", "status_date"),
        ("status_note", "status_url"),
    ]
    autocomplete_fields = ["source"]
    classes = ["desk-rows"]


class AssessmentForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Why the evidence changed",
        required=False,
        max_length=250,
        help_text="Optional. If this save moves the reality score, its stage, a component "
        "or a citation, readers see this reason in the story's score history.",
    )

    class Meta:
        model = Assessment
        fields = ["stage", "horizon", "horizon_note"]


class AssessmentInline(admin.StackedInline):
    model = Assessment
    form = AssessmentForm
    fields = [("stage", "horizon"), "horizon_note", "score_and_band", "change_reason"]
    classes = ["desk-rows"]
    readonly_fields = ["score_and_band"]
    can_delete = False
    verbose_name = "reality meter and time horizon"

    @admin.display(description="Reality score")
    def score_and_band(self, obj):
        if obj is None or obj.score is None:
            return "Not scored yet: it needs every component's value and at least one source."
        return f"{obj.score}/100 — {obj.band.label}"


class ComponentScoreInline(NoDeleteFromPickersMixin, admin.StackedInline):
    model = ComponentScore
    form = ComponentScoreForm
    formset = ComponentScoreFormSet
    extra = 0
    fields = [("component", "value", "weight"), "rationale", "stage_rule_departure", "concerns"]
    classes = ["desk-rows"]

    class Media:
        js = ["js/admin_meter_rows.js"]

    def get_extra(self, request, obj=None, **kwargs):
        """A story without a meter starts with the rubric's components at default weights."""
        return 0 if ComponentScoreFormSet.has_rows_for(obj) else MeterComponent.objects.count()

    verbose_name = "reality-meter component"
    verbose_name_plural = "Reality meter: components (weights sum to 100)"


EVIDENCE_INLINES = [AssessmentInline, ComponentScoreInline, CitationInline]


def after_article_saved(article, formsets=()):
    """Re-score a story once its citations and components are saved, with the editor's
    reason for the change, if they gave one, in its score history."""
    reasons = [
        form.cleaned_data.get("change_reason", "")
        for formset in formsets
        if formset.model is Assessment
        for form in formset.forms
        if hasattr(form, "cleaned_data")
    ]
    reason = next((reason for reason in reasons if reason), "")
    services.rescore_article(article=article, reason=reason or "Evidence reviewed by an editor")
