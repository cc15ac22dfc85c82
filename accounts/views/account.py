"""The account page and what it leads to: passkeys removed, recovery codes made anew, the
email address, the data export, deleting the account; and the privacy page."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import emails, selectors, services
from accounts.forms import DeleteForm, EmailForm, PasskeyNameForm
from accounts.ratelimits import limited, mail_refused
from accounts.views.common import (
    FRESH_CODES,
    account_of,
    account_page,
    link,
    signed_in,
    signed_out,
)
from core import httpcache


@account_page
@signed_in
def account(request):
    return render(
        request,
        "accounts/account.html",
        selectors.account_page(request.account)
        | {
            "name_form": PasskeyNameForm(),
            "email_form": EmailForm(),
            "can_email": emails.can_send(),
        },
    )


@account_page
@signed_in
@require_POST
def passkey_remove(request, pk):
    try:
        passkey = services.remove_passkey(account=request.account, passkey_id=pk)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Passkey “{passkey.name}” removed.")
    return redirect("accounts:account")


@account_page
@signed_in
def recovery_codes(request):
    if request.method == "POST":
        request.session[FRESH_CODES] = services.replace_recovery_codes(request.account)
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(FRESH_CODES, None)
    if not codes:
        return redirect("accounts:account")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@account_page
@signed_in
@require_POST
def email_add(request):
    form = EmailForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["email"]))
        return redirect("accounts:account")
    refused = mail_refused(request, email=form.cleaned_data["email"], account=request.account)
    if refused:
        return refused
    try:
        emails.send_verification(
            account=request.account,
            email=form.cleaned_data["email"],
            link_for=lambda token: link(request, "accounts:email_verify", token),
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.info(
            request,
            f"We sent a link to {form.cleaned_data['email']}. Open it within "
            f"{emails.VERIFY_SECONDS // 3600} hours to confirm the address.",
        )
    return redirect("accounts:account")


@account_page
@limited("account-sign-in", methods={"POST"})
def email_verify(request, token):
    try:
        account, email = emails.verification_of(token)
        if request.method == "POST":
            emails.confirm(account=account, email=email)
            messages.success(request, f"{email} is confirmed. You can now sign in with it.")
            return redirect("accounts:account" if account_of(request) else "accounts:sign_in")
    except ValidationError as error:
        return render(
            request, "accounts/link_expired.html", {"message": error.messages[0]}, status=400
        )
    return render(request, "accounts/email_verify.html", {"email": email})


@account_page
@signed_in
@require_POST
def email_remove(request):
    emails.remove(account=request.account)
    messages.info(request, "Your email address is removed.")
    return redirect("accounts:account")


@account_page
@signed_in
def export(request):
    data = selectors.export(request.account, now=timezone.now())
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="newsroom-account.json"'
    return response


@account_page
@signed_in
def delete(request):
    form = DeleteForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        services.delete_account(account=request.account)
        return signed_out(
            request, "Account deleted", "Your account is deleted. This browser starts afresh."
        )
    return render(request, "accounts/delete.html", {"form": form})


@httpcache.shared_page(keys=lambda request: ["privacy"])
def privacy(request):
    return render(
        request,
        "accounts/privacy.html",
        {
            "session_days": settings.SESSION_COOKIE_AGE // 86400,
            "sign_in_minutes": emails.SIGN_IN_SECONDS // 60,
            "verify_hours": emails.VERIFY_SECONDS // 3600,
        },
    )
