"""What every account page and endpoint shares.

Every answer of accounts/views/ is about one reader: ``Cache-Control: private, no-store``,
Django's token CSRF on every POST, and rate limits per client address
(accounts/ratelimits.py). A bad request gets a sentence (a form error, a message, or
{"error": …} as JSON), never a 500. The shared pages know nothing of accounts: the site
header's link is the same for everyone, and what is personal lives here.
"""

import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import cookies, passkeys
from accounts.ratelimits import limited
from core import httpcache
from core.errors import wants_json
from core.ratelimit import body_limited

# An attestation with a certificate chain is a few kilobytes; nothing honest is larger.
CEREMONY_MAX_BYTES = 64 * 1024
FRESH_CODES = "accounts.fresh_recovery_codes"
UNAVAILABLE = "Passkeys are unavailable for a moment. Please try again shortly."
NEW_DEVICE = "Add a passkey on this device to sign in here without email next time."


def account_of(request):
    """The signed-in reader's account, or None (nobody, or an editor's admin session)."""
    return getattr(request.user, "account", None) if request.user.is_authenticated else None


def account_page(view):
    """A page or endpoint of the account: private, never stored, rate-limited."""
    return httpcache.private_page(limited("account")(view))


def signed_in(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.account = account_of(request)
        if request.account is None:
            if wants_json(request):
                return JsonResponse({"error": "Please sign in first."}, status=403)
            return redirect("accounts:sign_in")
        return view(request, *args, **kwargs)

    return wrapper


def ceremony(view):
    """A passkey ceremony's JSON endpoint: a POSTed JSON object in, JSON out."""

    @require_POST
    @body_limited(CEREMONY_MAX_BYTES)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, passkeys.read_body(request.body), *args, **kwargs)
        except passkeys.PasskeyError as error:
            return JsonResponse({"error": str(error)}, status=400)
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        except passkeys.PasskeysUnavailable:
            return JsonResponse({"error": UNAVAILABLE}, status=503)

    return wrapper


def text(data, key):
    """A string the browser sent, or "" for anything else (forged JSON may send lists)."""
    value = data.get(key)
    return value if isinstance(value, str) else ""


def options_answer(options_json):
    return JsonResponse({"options": json.loads(options_json)})


def signed_in_answer(request, account, sentence, *, to):
    if sentence:
        messages.success(request, sentence)
    if wants_json(request):
        response = JsonResponse({"redirect": to})
    else:
        response = redirect(to)
    return cookies.set_reader(response, request, account.reader_id)


def link(request, name, token):
    base = settings.SITE_URL or f"{request.scheme}://{request.get_host()}"
    return base + reverse(name, args=[token])


def signed_out(request, heading, sentence):
    """The page after signing out or deleting: rendered in the POST's answer, not after a
    redirect, since a signed-out browser's pages reach the app without their cookies (the
    HTTP cache drops them), a message kept in one included."""
    logout(request)
    return cookies.clear_reader(
        render(request, "accounts/signed_out.html", {"heading": heading, "sentence": sentence})
    )
