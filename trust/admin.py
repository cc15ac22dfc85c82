from django import forms
from django.contrib import admin
from django.db import models

from core.admin_concurrency import OptimisticConcurrencyMixin
from core.admin_desk import CappedRowsMixin, DeskAdminMixin, NoDeleteFromPickersMixin
from trust import services
from trust.admin_watch import WatchFindingAdmin  # noqa: F401 (the citation watch's queue)
from trust.citation_admin import CitationForm
from trust.forms import (
    ComponentScoreForm,
    ComponentScoreFormSet,
    CriteriaListFormSet,
    CriterionForm,
    CriterionResultForm,
    CriterionResultFormSet,
    FalsifiableStatementForm,
    FalsifiableStatementFormSet,
    SourceForm,
)
from trust.models import (
    Assessment,
    Citation,
    ComponentScore,
    Criterion,
    CriterionResult,
    FalsifiableStatement,
    MeterComponent,
    Source,
    TrustScoreChange,
)
from trust.rubric import EVIDENCE_STAGE_SLUG
from trust.selectors import study_works
from trust.study_labels import labels as study_labels
from trust.study_rubric import propose as propose_from_studies


class CriterionResultInline(CappedRowsMixin, NoDeleteFromPickersMixin, admin.TabularInline):
    model = CriterionResult
    form = CriterionResultForm
    formset = CriterionResultFormSet
    fields = ["criterion", "met", "note"]

    def get_extra(self, request, obj=None, **kwargs):
        """A source without verdicts starts with a row for every criterion."""
        return 0 if CriterionResultFormSet.has_rows_for(obj) else Criterion.objects.count()


class TrustScoreChangeInline(CappedRowsMixin, admin.TabularInline):
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


class CitationInline(CappedRowsMixin, NoDeleteFromPickersMixin, admin.StackedInline):
    model = Citation
    # A DOI or an arXiv id fills the rest (trust/citation_admin.py).
    form = CitationForm
    # Links typed without a scheme are https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 1
    fields = [
        "doi",
        "title",
        "authors",
        ("source", "kind", "position"),
        ("url", "published_on", "licence"),
        "note",
        ("status", "status_date"),
        ("status_note", "status_url"),
    ]
    autocomplete_fields = ["source"]
    classes = ["desk-rows"]
    study_fieldset = (
        "The study",
        {
            "fields": [
                ("study_design", "participants"),
                ("preregistration", "peer_review"),
                ("funding", "conflicts"),
            ],
            "description": "As the work publishes it; leave out what it does not say. "
            "Readers see these as labels beside the source, and the evidence stage's "
            "proposal is drawn from them.",
        },
    )

    def get_fieldsets(self, request, obj=None):
        """The citation's own fields, then the study it reports ("The study")."""
        return [*super().get_fieldsets(request, obj), self.study_fieldset]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """A citation saved without its peer-review status (by a form that does not show
        it) is "Not known", the field's default."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "peer_review":
            formfield.required = False
        return formfield


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


class AssessmentInline(CappedRowsMixin, admin.StackedInline):
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


class ComponentScoreInline(CappedRowsMixin, NoDeleteFromPickersMixin, admin.StackedInline):
    model = ComponentScore
    form = ComponentScoreForm
    formset = ComponentScoreFormSet
    extra = 0
    fields = [
        ("component", "value", "weight"),
        "study_proposal",
        "rationale",
        "stage_rule_departure",
        "study_rule_departure",
        "concerns",
    ]
    readonly_fields = ["study_proposal"]
    classes = ["desk-rows"]

    @admin.display(description="What the cited studies propose")
    def study_proposal(self, obj):
        """Beside the evidence stage's value: the study rule's proposal from the saved
        citations (trust/study_rubric.py)."""
        if obj is None or obj.pk is None:
            return "Shown for the evidence stage once the story is saved."
        if obj.component.slug != EVIDENCE_STAGE_SLUG:
            return "Only for the evidence stage."
        citations = list(obj.article.citations.all())
        proposal = propose_from_studies(study_works(citations))
        if proposal is None:
            return (
                "No proposal: no cited work has a design the study rule ranks "
                "(see the methodology page)."
            )
        work = citations[proposal.index]
        return (
            f"{proposal.value} (a value from {proposal.low} to {proposal.high} needs no "
            f"reason), from “{work.title}”: "
            f"{'; '.join(label.full_text for label in study_labels(work))}."
        )

    class Media:
        js = ["js/admin_meter_rows.js"]

    def get_extra(self, request, obj=None, **kwargs):
        """A story without a meter starts with the rubric's components at default weights."""
        return 0 if ComponentScoreFormSet.has_rows_for(obj) else MeterComponent.objects.count()

    verbose_name = "reality-meter component"
    verbose_name_plural = "Reality meter: components (weights sum to 100)"


class FalsifiableStatementInline(CappedRowsMixin, admin.StackedInline):
    model = FalsifiableStatement
    form = FalsifiableStatementForm
    formset = FalsifiableStatementFormSet
    extra = FalsifiableStatement.LIMIT
    max_num = FalsifiableStatement.LIMIT
    fields = ["text", "position"]
    verbose_name = "statement of what would change our score"
    verbose_name_plural = (
        f"What would change our score (up to {FalsifiableStatement.LIMIT} statements, "
        "shown under “Why this score?”)"
    )


EVIDENCE_INLINES = [
    AssessmentInline,
    ComponentScoreInline,
    CitationInline,
    FalsifiableStatementInline,
]


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
