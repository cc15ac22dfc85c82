"""The passkey ceremonies: creating an account, signing in, adding a passkey. Each is a
page (or the account page) whose script (static/js/accounts.js) asks one endpoint for
the options and posts what the authenticator signed to another (accounts/passkeys.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import emails, passkeys, services
from accounts.forms import HandleForm, PasskeyNameForm
from accounts.models import Passkey, new_webauthn_user_id
from accounts.ratelimits import limited
from accounts.views.common import (
    FRESH_CODES,
    account_of,
    account_page,
    ceremony,
    options_answer,
    signed_in,
    signed_in_answer,
    text,
)


@account_page
def create(request):
    if account_of(request):
        return redirect("accounts:account")
    return render(
        request,
        "accounts/create.html",
        {"form": HandleForm(), "name_form": PasskeyNameForm(), "can_email": emails.can_send()},
    )


@account_page
@ceremony
def create_options(request, data):
    if account_of(request):
        raise ValidationError("You are signed in already. Sign out to create another account.")
    form = HandleForm({"handle": text(data, "handle")})
    if not form.is_valid():
        raise ValidationError(form.errors["handle"])
    user_id = new_webauthn_user_id()
    options, challenge = passkeys.registration_options(
        user_id=user_id, handle=form.cleaned_data["handle"]
    )
    passkeys.remember_challenge(
        "create", challenge, handle=form.cleaned_data["handle"], user_id=user_id
    )
    return options_answer(options)


@account_page
@limited("account-sign-in", methods={"POST"})
@limited(
    "account-create", methods={"POST"}, what="Several accounts were made from your address today."
)
@ceremony
def create_verify(request, data):
    credential = data.get("credential")
    challenge, context = passkeys.take_challenge("create", credential)
    registration, transports = passkeys.verify_registration(credential, challenge=challenge)
    name_form = PasskeyNameForm({"name": text(data, "name")})
    account, codes = services.create_account(
        handle=context["handle"],
        webauthn_user_id=context["user_id"],
        browser_reader_id=request.reader_id,
        registration=registration,
        transports=transports,
        name=name_form.cleaned_data["name"] if name_form.is_valid() else "Passkey",
    )
    sentence = services.sign_in(request, account)
    request.session[FRESH_CODES] = codes
    return signed_in_answer(request, account, sentence, to=reverse("accounts:recovery_codes"))


@account_page
@ceremony
def sign_in_options(request, data):
    options, challenge = passkeys.authentication_options()
    passkeys.remember_challenge("sign-in", challenge)
    return options_answer(options)


@account_page
@limited("account-sign-in", methods={"POST"})
@ceremony
def sign_in_verify(request, data):
    credential = data.get("credential")
    challenge, _ = passkeys.take_challenge("sign-in", credential)
    passkey = (
        Passkey.objects.select_related("account__user")
        .filter(credential_id=passkeys.credential_id_of(credential))
        .first()
    )
    if passkey is None or not passkey.account.user.is_active:
        raise passkeys.PasskeyError(
            "This passkey is not registered here: it may have been removed from its account."
        )
    user_handle = passkeys.user_handle_of(credential)
    if user_handle is not None and user_handle != passkey.account.webauthn_user_id:
        raise passkeys.PasskeyError("This passkey does not belong to the account it names.")
    new_sign_count = passkeys.verify_authentication(
        credential,
        challenge=challenge,
        public_key=passkey.public_key,
        sign_count=passkey.sign_count,
    )
    services.record_passkey_use(passkey=passkey, new_sign_count=new_sign_count)
    sentence = services.sign_in(request, passkey.account)
    return signed_in_answer(request, passkey.account, sentence, to=reverse("accounts:account"))


@account_page
@signed_in
@ceremony
def passkey_add_options(request, data):
    form = PasskeyNameForm({"name": text(data, "name")})
    if not form.is_valid():
        raise ValidationError(form.errors["name"])
    account = request.account
    options, challenge = passkeys.registration_options(
        user_id=account.webauthn_user_id,
        handle=account.handle,
        existing_credential_ids=account.passkeys.values_list("credential_id", flat=True),
    )
    passkeys.remember_challenge(
        "add", challenge, account=account.pk, name=form.cleaned_data["name"]
    )
    return options_answer(options)


@account_page
@signed_in
@ceremony
def passkey_add_verify(request, data):
    credential = data.get("credential")
    challenge, context = passkeys.take_challenge("add", credential)
    if context.get("account") != request.account.pk:
        raise passkeys.PasskeyError("This request was made for another account. Please try again.")
    registration, transports = passkeys.verify_registration(credential, challenge=challenge)
    passkey = services.add_passkey(
        account=request.account,
        registration=registration,
        transports=transports,
        name=context["name"],
    )
    messages.success(request, f"Passkey “{passkey.name}” added.")
    return JsonResponse({"redirect": reverse("accounts:account")})
