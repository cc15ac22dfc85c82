import re
from datetime import datetime, time

from django import forms
from django.template.defaultfilters import pluralize
from django.utils import timezone

from predictions.models import Forecast, Question, ReadChoice


def forecaster_count(question):
    """Readers who have forecast ``question``, from the forecasts themselves (the stored
    ``forecasters`` follows them about a second later)."""
    return Forecast.objects.filter(question=question).values("reader_id").distinct().count()


PERCENT_PATTERN = re.compile(r"^\s*([0-9]{1,3})\s*%?\s*$")


class ReadForm(forms.Form):
    """Cast or change a read, or withdraw it (the withdraw button)."""

    choice = forms.ChoiceField(choices=ReadChoice.choices, required=False)
    withdraw = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("withdraw") and not cleaned.get("choice") and not self.errors:
            raise forms.ValidationError("Choose one of the reads.")
        return cleaned


class ForecastForm(forms.Form):
    """A probability in per cent: a whole number from 1 to 99, with or without "%".

    One documented reading, so "0.35" is not silently taken as 35 %: it is
    refused with a message asking for a whole per cent.
    """

    # Declared first, so that the probability's check sees it cleaned ("false" is False).
    withdraw = forms.BooleanField(required=False)
    probability = forms.CharField(
        label="Your forecast (%)",
        max_length=8,
        required=False,
        help_text="A whole number from 1 to 99: how likely you think “yes” is, in per cent.",
    )

    def clean_probability(self):
        raw = self.cleaned_data["probability"]
        if self.cleaned_data.get("withdraw"):
            return None
        match = PERCENT_PATTERN.match(raw or "")
        if not match:
            raise forms.ValidationError(
                "Enter a whole number of per cent from 1 to 99, such as 35 for 35 %."
            )
        value = int(match.group(1))
        if value > 100:
            raise forms.ValidationError(
                f"{value} is more than 100 %: forecasts run from 1 % to 99 %, how likely "
                "you think “yes” is."
            )
        if not 1 <= value <= 99:
            raise forms.ValidationError(
                "Forecasts run from 1 % to 99 %: nothing is certain, so 0 and 100 are not allowed."
            )
        return value


class QuestionAdminForm(forms.ModelForm):
    """Once readers have forecast a question, changing what they forecast (its text or
    its dates) needs a reason, which the question's history records with the editor."""

    FORECAST_TERMS = ["text", "opens_at", "closes_at", "resolve_by"]

    change_reason = forms.CharField(
        label="Reason for the change",
        max_length=100,
        required=False,
        help_text="Needed to change the text or dates of a question readers have forecast.",
    )

    class Meta:
        model = Question
        fields = ["article", "text", "slug", "criteria", "opens_at", "closes_at", "resolve_by"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.forecasters = forecaster_count(self.instance) if self.instance.pk else 0
        if self.forecasters:
            self.fields["change_reason"].help_text = (
                f"Warning: {self.forecasters} reader{pluralize(self.forecasters)} "
                "forecast this question. Changing its text or dates changes what they "
                "forecast: say why here. The reason is kept in the question's history."
            )

    def clean(self):
        cleaned = super().clean()
        changed = [name for name in self.FORECAST_TERMS if name in self.changed_data]
        if self.forecasters and changed:
            reason = cleaned.get("change_reason", "").strip()
            if not reason:
                self.add_error(
                    "change_reason",
                    f"{self.forecasters} reader{pluralize(self.forecasters)} forecast this "
                    f"question: to change its {', '.join(self.label_of(n) for n in changed)}, "
                    "give a reason for the change.",
                )
            else:
                self.instance._change_reason = f"Changed after forecasts: {reason}"
        return cleaned

    def label_of(self, name):
        return str(self.fields[name].label or name).lower()


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        choices=[choice for choice in Question.Resolution.choices if choice[0]],
        widget=forms.RadioSelect,
    )
    resolved_on = forms.DateField(
        label="Resolved on",
        help_text="The day the answer became known (the date of the source below).",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What decided it, with a source readers can check.",
    )

    def clean_resolved_on(self):
        day = self.cleaned_data["resolved_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("A question cannot be resolved on a day still to come.")
        return day

    def resolved_at(self):
        """The moment recorded: now, for today; otherwise noon of the day given."""
        day = self.cleaned_data["resolved_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.combine(day, time(12)))
