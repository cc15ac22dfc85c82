from django import forms

from trust.models import ComponentScore, Criterion, Source
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


class ComponentScoreFormSet(WeightsSumTo100Mixin, forms.BaseInlineFormSet):
    what = "reality-meter component"


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


class ComponentScoreForm(forms.ModelForm):
    concerns = forms.MultipleChoiceField(
        choices=ComponentScore.Concern.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="GRADE's reasons for lower certainty that apply.",
    )

    class Meta:
        model = ComponentScore
        fields = ["component", "value", "weight", "rationale", "concerns"]
        widgets = {"rationale": forms.Textarea(attrs={"rows": 2})}
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
        max_length=300,
        required=False,
        help_text="Why the criteria changed, for the source's public score history.",
    )

    class Meta:
        model = Source
        fields = ["name", "slug", "kind", "home_url", "description"]


class SourceFilterForm(forms.Form):
    """The source directory's sort and filter, validated like any reader input."""

    ORDERINGS = {"trust": ["-trust_score", "name"], "name": ["name"]}

    kind = forms.ChoiceField(choices=[("", "All kinds"), *Source.Kind.choices], required=False)
    sort = forms.ChoiceField(
        choices=[("trust", "Trust, highest first"), ("name", "Name, A–Z")], required=False
    )

    def ordering(self):
        return self.ORDERINGS[self.cleaned_data.get("sort") or "trust"]
