"""The query parameters the API's lists accept, checked like any form."""

from django import forms

from articles.models import Topic
from trust import rubric

BAND_CHOICES = [(band.slug, band.label) for band in rubric.REALITY_BANDS]


class ListParameters(forms.Form):
    """``?page=``; anything the list does not know, or a parameter given twice, is an
    error, not silently ignored (a form field would quietly take the last value)."""

    page = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": "page must be a whole number.",
            "min_value": "page must be 1 or more.",
        },
    )

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.unknown = sorted(set(data) - set(self.fields))
        self.repeated = sorted(
            name for name in set(data) & set(self.fields) if len(data.getlist(name)) > 1
        )

    def clean(self):
        problems = []
        if self.unknown:
            known = ", ".join(self.fields)
            problems.append(
                f"Unknown parameter {', '.join(self.unknown)}: this list takes {known}."
            )
        if self.repeated:
            problems.append(
                f"Repeated parameter {', '.join(self.repeated)}: give each parameter once."
            )
        if problems:
            raise forms.ValidationError(problems)
        return super().clean()

    def sentence(self):
        """The errors as one plain sentence for the JSON 400."""
        return " ".join(message for errors in self.errors.values() for message in errors)


class StoryListParameters(ListParameters):
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "No topic has that slug; /topics/ lists them."},
    )
    band = forms.ChoiceField(
        choices=BAND_CHOICES,
        required=False,
        error_messages={
            "invalid_choice": "band must be one of "
            + ", ".join(slug for slug, _ in BAND_CHOICES)
            + "."
        },
    )

    def band_range(self):
        slug = self.cleaned_data.get("band")
        return next((band for band in rubric.REALITY_BANDS if band.slug == slug), None)
