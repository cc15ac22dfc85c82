"""An account's email address: verified by a signed link, then usable to sign in on a
new device with a one-time link.

Both links carry a token made with django.core.signing (SECRET_KEY, a salt of their
own, a time limit), so nothing about them is stored. A verification token names the
account and the address, and is good for VERIFY_SECONDS; the address becomes the
account's when the reader opens it. A sign-in token names the account, its verified
address and the moment the account last signed in, and is good for SIGN_IN_SECONDS:
signing in moves that moment (login() updates ``last_login``), so the link works once,
and a link sent before any later sign-in, or to an address since changed, not at all.

A link only shows a page with a button (a POST): mail scanners that fetch every link
do not use it up. Asking for a sign-in link says the same whether or not an account
has the address, so the form does not tell who has an account.
"""

import logging
import smtplib

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Account

logger = logging.getLogger(__name__)

VERIFY_SALT = "accounts.email-verify"
SIGN_IN_SALT = "accounts.email-sign-in"
VERIFY_SECONDS = 2 * 24 * 60 * 60
SIGN_IN_SECONDS = 15 * 60
EXPIRED = "This link has expired or was already used. Ask for a new one."
NOT_SENT = "We could not send the email just now. Please try again in a few minutes."


def can_send():
    """Whether this site is set up to send mail (EMAIL_URL, or a test's backend)."""
    return settings.EMAIL_BACKEND != "django.core.mail.backends.dummy.EmailBackend"


def _send(template, address, context):
    """Send one mail; ValidationError with a sentence when the mail server will not take it
    (it is down, or refuses): the reader may try again later."""
    context = {"site_name": settings.SITE_NAME, **context}
    subject, _, body = render_to_string(template, context).partition("\n\n")
    try:
        send_mail(subject.strip(), body, None, [address])
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Mail to an account's address was not sent: %s", error)
        raise ValidationError(NOT_SENT) from error


# Verifying an address ---------------------------------------------------------------


def send_verification(*, account, email, link_for):
    """Mail ``email`` a link that makes it the account's; ``link_for(token)`` is the
    link's absolute URL."""
    email = email.strip()
    if Account.objects.filter(email__iexact=email).exclude(pk=account.pk).exists():
        raise ValidationError("That address belongs to another account.")
    token = signing.dumps({"account": account.pk, "email": email}, salt=VERIFY_SALT)
    _send(
        "accounts/email/verify.txt",
        email,
        {"account": account, "link": link_for(token), "hours": VERIFY_SECONDS // 3600},
    )


def verification_of(token):
    """The (account, address) a verification token names; ValidationError if it is
    forged, expired, or its account is gone."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_SECONDS)
        account = Account.objects.get(pk=data["account"])
    except (signing.BadSignature, KeyError, TypeError, Account.DoesNotExist) as error:
        raise ValidationError(EXPIRED) from error
    return account, data["email"]


def confirm(*, account, email):
    """Make ``email`` the account's verified address."""
    try:
        with transaction.atomic():
            Account.objects.filter(pk=account.pk).update(
                email=email, email_verified_at=timezone.now()
            )
    except IntegrityError as error:
        raise ValidationError("That address belongs to another account.") from error


def remove(*, account):
    Account.objects.filter(pk=account.pk).update(email="", email_verified_at=None)


# Signing in by link ------------------------------------------------------------------


def _last_login(account):
    return account.user.last_login.isoformat() if account.user.last_login else ""


def send_sign_in_link(*, email, link_for):
    """Mail a one-time sign-in link to ``email`` if it is an account's verified address;
    nothing otherwise (the reader is told the same either way)."""
    account = Account.objects.with_verified_email(email.strip()).select_related("user").first()
    if account is None:
        return
    token = signing.dumps(
        {"account": account.pk, "email": account.email, "login": _last_login(account)},
        salt=SIGN_IN_SALT,
    )
    _send(
        "accounts/email/sign_in.txt",
        account.email,
        {"account": account, "link": link_for(token), "minutes": SIGN_IN_SECONDS // 60},
    )


def account_for_sign_in(token, *, lock=False):
    """The account a sign-in token is for, while the token is still good (unexpired,
    unused, to the account's current verified address); else ValidationError. With
    ``lock``, the account's user row is locked for the rest of the transaction, so two
    uses of one link at once take turns and the second finds it used."""
    try:
        data = signing.loads(token, salt=SIGN_IN_SALT, max_age=SIGN_IN_SECONDS)
        accounts = Account.objects.select_related("user")
        if lock:
            accounts = accounts.select_for_update(of=("self", "user"))
        account = accounts.get(pk=data["account"])
        still_good = (
            account.email_verified_at is not None
            and account.email.casefold() == str(data["email"]).casefold()
            and _last_login(account) == data["login"]
        )
    except (signing.BadSignature, KeyError, TypeError, Account.DoesNotExist) as error:
        raise ValidationError(EXPIRED) from error
    if not still_good:
        raise ValidationError(EXPIRED)
    return account
