from django import forms
from django.forms.formsets import DEFAULT_MAX_NUM

from trust import rubric, selectors, study_rubric
from trust.models import (
    Assessment,
    Citation,
    ComponentScore,
    Criterion,
    CriterionResult,
    FalsifiableStatement,
    MeterComponent,
    Source,
)
from trust.services import check_weights_sum_to_100


class WeightsSumTo100Mixin:
    """For a formset: refuse rows whose weights do not add up to exactly 100."""

    weight_field = "weight"
    what = "component"

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        weights = [
            form.cleaned_data[self.weight_field]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        check_weights_sum_to_100(weights, self.what)


class RubricRowsMixin:
    """For an inline formset: an object with no rows yet starts with one row per item of
    the rubric, already chosen (``rubric_initial``). Those rows count as filled in once
    the editor fills in any row (``started``), so that none is silently dropped."""

    rows_of = ""  # the related name of the rows on the parent object

    def __init__(self, *args, **kwargs):
        if not self.has_rows_for(kwargs.get("instance")):
            kwargs.setdefault("initial", self.rubric_initial())
        super().__init__(*args, **kwargs)

    @classmethod
    def has_rows_for(cls, instance):
        return (
            instance is not None
            and instance.pk is not None
            and (getattr(instance, cls.rows_of).exists())
        )

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        is_extra = i >= self.initial_form_count()
        form.from_rubric = is_extra and i - self.initial_form_count() < len(
            self.initial_extra or ()
        )
        form.rows_started = self.started
        return form

    def started(self):
        return any(forms.ModelForm.has_changed(form) for form in self.forms)


class RubricRowForm(forms.ModelForm):
    """A row the rubric proposed counts as changed once its formset is started."""

    from_rubric = False

    def has_changed(self):
        return super().has_changed() or (self.from_rubric and self.rows_started())


CITATIONS_PREFIX = "citations"


def works_in(data, prefix=CITATIONS_PREFIX):
    """The study rule's view of the citation rows posted under ``prefix`` (rows marked
    for deletion left out), read as their formset will read them."""
    total = data.get(f"{prefix}-TOTAL_FORMS", "")
    rows = min(int(total), DEFAULT_MAX_NUM) if total.isdecimal() else 0
    for index in range(rows):
        row = f"{prefix}-{index}-"
        if data.get(row + "DELETE") or not data.get(row + "title", "").strip():
            continue
        participants = data.get(row + "participants", "").strip()
        yield study_rubric.Work(
            design=data.get(row + "study_design", ""),
            participants=int(participants) if participants.isdecimal() else None,
            peer_review=data.get(row + "peer_review", ""),
            status=data.get(row + "status", rubric.STANDING),
        )


class ComponentScoreFormSet(RubricRowsMixin, WeightsSumTo100Mixin, forms.BaseInlineFormSet):
    what = "reality-meter component"
    rows_of = "component_scores"

    def clean(self):
        super().clean()
        self.check_stage_rule()
        self.check_study_rule()

    def evidence_stage_rows(self):
        """(form, value) of the evidence-stage row being saved, if the form has one."""
        for form in self.forms:
            data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
            component, value = data.get("component"), data.get("value")
            if data.get("DELETE") or component is None or value is None:
                continue
            if component.slug == rubric.EVIDENCE_STAGE_SLUG:
                yield form, value

    def check_stage_rule(self):
        stage = self.stage_on_the_form()
        if stage not in rubric.STAGE_VALUES:
            return
        low, high = rubric.stage_value_range(stage)
        for form, value in self.evidence_stage_rows():
            departs = not (low <= value <= high)
            if departs and not form.cleaned_data.get("stage_rule_departure", "").strip():
                form.add_error(
                    "stage_rule_departure",
                    f"For “{Assessment.Stage(stage).label}” the stage rule gives {low}–{high}. "
                    "Give a value in that range, or say why this story departs from it.",
                )

    def check_study_rule(self):
        """The evidence stage stands within the study rule's tolerance of what the cited
        works propose (trust/study_rubric.py), or the editor says why it does not."""
        proposal = study_rubric.propose(self.works_on_the_form())
        if proposal is None:
            return
        for form, value in self.evidence_stage_rows():
            departs = not proposal.allows(value)
            if departs and not form.cleaned_data.get("study_rule_departure", "").strip():
                form.add_error(
                    "study_rule_departure",
                    f"The cited studies propose {proposal.value}, so the study rule gives "
                    f"{proposal.low}–{proposal.high}. Give a value in that range, or say why "
                    "this story departs from it.",
                )

    def works_on_the_form(self):
        """The cited works as this save leaves them: the citations' rows on the same
        form (their own formset validates them; a value it would refuse counts as not
        given here), or the saved citations when the form carries none."""
        if self.is_bound and CITATIONS_PREFIX + "-TOTAL_FORMS" in self.data:
            return list(works_in(self.data))
        if self.instance.pk is None:
            return []
        return selectors.study_works(Citation.objects.filter(article=self.instance))

    def stage_on_the_form(self):
        """The evidence stage chosen in the assessment, on the same form (or saved)."""
        chosen = self.data.get("assessment-0-stage", "") if self.is_bound else ""
        if chosen.isdecimal():
            return int(chosen)
        if self.instance.pk is None:
            return None
        assessment = Assessment.objects.filter(article=self.instance).first()
        return assessment.stage if assessment else None

    @staticmethod
    def rubric_initial():
        return [
            {"component": component.pk, "weight": component.default_weight}
            for component in MeterComponent.objects.all()
        ]


class CriterionResultFormSet(RubricRowsMixin, forms.BaseInlineFormSet):
    rows_of = "results"

    @staticmethod
    def rubric_initial():
        return [{"criterion": pk} for pk in Criterion.objects.values_list("pk", flat=True)]

    def started(self):
        """A new source is judged on every criterion: its rows are never optional."""
        return True


class CriterionResultForm(RubricRowForm):
    class Meta:
        model = CriterionResult
        fields = ["criterion", "met", "note"]
        labels = {"note": "Evidence (required)"}
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class CriteriaListFormSet(WeightsSumTo100Mixin, forms.BaseModelFormSet):
    what = "criteria"


class CriterionForm(forms.ModelForm):
    """One criterion on its own: its weight must keep the total at 100."""

    class Meta:
        model = Criterion
        fields = ["name", "slug", "description", "weight", "position"]

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        others = Criterion.objects.exclude(pk=self.instance.pk).values_list("weight", flat=True)
        total = sum(others) + weight
        if total != 100:
            raise forms.ValidationError(
                f"With this weight the criteria add up to {total}, not 100. To move points "
                "between criteria, change their weights together on the criteria list."
            )
        return weight


class ComponentSelect(forms.Select):
    """Each component's option carries its default weight, which the form fills in."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        component = getattr(value, "instance", None)
        if component is not None:
            option["attrs"]["data-default-weight"] = component.default_weight
        return option


class ComponentScoreForm(RubricRowForm):
    concerns = forms.MultipleChoiceField(
        choices=ComponentScore.Concern.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="GRADE's reasons for lower certainty that apply.",
    )

    class Meta:
        model = ComponentScore
        fields = [
            "component",
            "value",
            "weight",
            "rationale",
            "stage_rule_departure",
            "study_rule_departure",
            "concerns",
        ]
        widgets = {"component": ComponentSelect, "rationale": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"value": "0–100; empty for source trust (computed).", "weight": ""}

    def clean(self):
        cleaned = super().clean()
        component = cleaned.get("component")
        if component and component.from_sources:
            cleaned["value"] = None
        elif component and cleaned.get("value") is None:
            self.add_error("value", "Give a value from 0 to 100.")
        return cleaned


class SourceForm(forms.ModelForm):
    home_url = forms.URLField(label="Home page", max_length=200, assume_scheme="https")
    change_reason = forms.CharField(
        label="Reason for the change",
        max_length=300,
        required=False,
        help_text="Why you are changing this source's verdicts, in a sentence readers will "
        "see in its public score history. Required when you change a source.",
    )

    class Meta:
        model = Source
        fields = ["name", "slug", "kind", "home_url", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_reason"].required = self.instance.pk is not None


class SourceFilterForm(forms.Form):
    """The source directory's sort and filter, validated like any reader input."""

    ORDERINGS = {"trust": ["-trust_score", "name"], "name": ["name"]}

    kind = forms.ChoiceField(choices=[("", "All kinds"), *Source.Kind.choices], required=False)
    sort = forms.ChoiceField(
        choices=[("trust", "Trust, highest first"), ("name", "Name, A–Z")], required=False
    )

    def ordering(self):
        return self.ORDERINGS[self.cleaned_data.get("sort") or "trust"]


class FalsifiableStatementForm(forms.ModelForm):
    class Meta:
        model = FalsifiableStatement
        fields = ["text", "position"]
        labels = {"text": "Statement"}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class FalsifiableStatementFormSet(forms.BaseInlineFormSet):
    """At most FalsifiableStatement.LIMIT statements a story; a new row is numbered after
    the saved ones."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        saved = self.initial_form_count()
        if index is not None and index >= saved:
            last = max((obj.position for obj in self.get_queryset()), default=0)
            kwargs["initial"] = {"position": last + index - saved + 1}
        return kwargs

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk is not None
            if not (self.can_delete and self._should_delete_form(form))
        ]
        if len(kept) > FalsifiableStatement.LIMIT:
            raise forms.ValidationError(
                f"A story has at most {FalsifiableStatement.LIMIT} statements of what would "
                "change its score. Remove one before adding another."
            )
