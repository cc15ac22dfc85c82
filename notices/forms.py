from django import forms

from notices.models import CROWD_THRESHOLD_RANGE, Preferences


class PreferencesForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label="Email me",
        choices=Preferences.Frequency.choices,
        widget=forms.RadioSelect,
    )
    crowd_threshold = forms.IntegerField(
        label="Tell me when a question's crowd moves by more than (points)",
        min_value=CROWD_THRESHOLD_RANGE[0],
        max_value=CROWD_THRESHOLD_RANGE[1],
        help_text=f"A whole number from {CROWD_THRESHOLD_RANGE[0]} to "
        f"{CROWD_THRESHOLD_RANGE[1]}: 10 means a move from 40% to 51% is news, to 50% is not.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class IdForm(forms.Form):
    """A POST naming one row of the reader's own (a follow, a notification)."""

    id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
