"""Signing in without a passkey at hand (a recovery code, an email link) and signing out;
the sign-in page that offers every way."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import emails, services
from accounts.forms import EmailForm, RecoverySignInForm
from accounts.ratelimits import limited, mail_refused
from accounts.views.common import (
    NEW_DEVICE,
    account_of,
    account_page,
    link,
    signed_in_answer,
    signed_out,
)


def _sign_in_page(request, email_form):
    return render(
        request,
        "accounts/sign_in.html",
        {
            "email_form": email_form,
            "can_email": emails.can_send(),
            "sign_in_minutes": emails.SIGN_IN_SECONDS // 60,
            "signed_in_as": account_of(request),
        },
    )


@account_page
def sign_in(request):
    return _sign_in_page(request, EmailForm())


@account_page
@limited("account-sign-in", methods={"POST"})
def sign_in_recovery(request):
    form = RecoverySignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = services.use_recovery_code(**form.cleaned_data)
        if account is not None:
            sentence = services.sign_in(request, account)
            left = account.recovery_codes.filter(used_at__isnull=True).count()
            messages.info(
                request,
                f"You signed in with a recovery code; it is used up, and you have {left} left. "
                + NEW_DEVICE,
            )
            return signed_in_answer(request, account, sentence, to=reverse("accounts:account"))
        form.add_error(None, "That handle and code do not match an unused recovery code.")
    return render(request, "accounts/sign_in_recovery.html", {"form": form})


@account_page
@require_POST
def sign_in_email(request):
    form = EmailForm(request.POST)
    if not emails.can_send():
        form.add_error(None, "This site is not set up to send email.")
    if not form.is_valid():
        return _sign_in_page(request, form)
    refused = mail_refused(request, email=form.cleaned_data["email"])
    if refused:
        return refused
    try:
        emails.send_sign_in_link(
            email=form.cleaned_data["email"],
            link_for=lambda token: link(request, "accounts:sign_in_link", token),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _sign_in_page(request, form)
    return render(
        request,
        "accounts/check_mail.html",
        {"email": form.cleaned_data["email"], "minutes": emails.SIGN_IN_SECONDS // 60},
    )


@account_page
@limited("account-sign-in", methods={"POST"})
def sign_in_link(request, token):
    try:
        with transaction.atomic():
            account = emails.account_for_sign_in(token, lock=request.method == "POST")
            if request.method == "POST":
                sentence = services.sign_in(request, account)
                messages.info(request, "You signed in with the link from your email. " + NEW_DEVICE)
                return signed_in_answer(request, account, sentence, to=reverse("accounts:account"))
    except ValidationError as error:
        return render(
            request, "accounts/link_expired.html", {"message": error.messages[0]}, status=400
        )
    return render(request, "accounts/sign_in_link.html", {"account": account})


@account_page
@require_POST
def sign_out(request):
    return signed_out(
        request, "Signed out", "You are signed out. This browser no longer acts as your account."
    )
