import re

from django import forms

from predictions.models import ReadChoice

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
        if not 1 <= value <= 99:
            raise forms.ValidationError(
                "Forecasts run from 1 % to 99 %: nothing is certain, so 0 and 100 are not allowed."
            )
        return value
