from django import forms

from accounts import handles, services
from accounts.models import Passkey


class HandleForm(forms.Form):
    """The public handle a new account asks for (accounts/handles.py has the rules)."""

    handle = forms.CharField(
        max_length=handles.MAX_LENGTH * 2,
        help_text=f"Shown beside your forecasts. {handles.MIN_LENGTH} to {handles.MAX_LENGTH} "
        "letters, digits, hyphens, underscores or dots.",
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_handle(self):
        return services.check_handle(self.cleaned_data["handle"])


class PasskeyNameForm(forms.Form):
    name = forms.CharField(
        label="Name this passkey",
        required=False,
        max_length=Passkey._meta.get_field("name").max_length,
        help_text="So you can tell your passkeys apart, e.g. “Work laptop”.",
    )

    def clean_name(self):
        return self.cleaned_data["name"].strip() or "Passkey"


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class RecoverySignInForm(forms.Form):
    handle = forms.CharField(
        max_length=handles.MAX_LENGTH * 2,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    code = forms.CharField(
        label="Recovery code",
        max_length=40,
        help_text="One of the ten codes you saved, like abcd-efgh-ijkl-mnop.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class DeleteForm(forms.Form):
    """Deleting an account asks for its handle, typed: no slip of a click deletes it."""

    handle = forms.CharField(
        label="Type your handle to confirm",
        max_length=handles.MAX_LENGTH * 2,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_handle(self):
        typed = handles.normalized(self.cleaned_data["handle"])
        if typed.casefold() != self.account.handle.casefold():
            raise forms.ValidationError("That is not your handle.")
        return typed
