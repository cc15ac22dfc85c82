"""A reader's account: a public handle and passkeys over the reader id that already holds
their reads and forecasts.

An account IS a reader id with a handle: every app keys a reader's activity by
``reader_id`` (core.readers), so signing in only sets the reader cookie to the account's
id and every reader feature works unchanged. The account's Django user exists only so
that sessions, CSRF and ``login()`` are Django's: it has no usable password and is never
staff, so it can never enter the admin (newsroom/admin_site.py lets in the Editors group).
"""

import secrets
from base64 import urlsafe_b64encode

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

# A reader id is uuid4().hex (core.readers); the length every app stores it in.
READER_ID_LENGTH = 32
HANDLE_MAX_LENGTH = 30


def new_webauthn_user_id():
    """32 random bytes, base64url: what a passkey stores as its user's handle."""
    return urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


class AccountQuerySet(models.QuerySet):
    def with_handle(self, handle):
        return self.filter(handle__iexact=handle)

    def with_verified_email(self, email):
        return self.filter(email__iexact=email, email_verified_at__isnull=False)


class Account(models.Model):
    """A reader who keeps their record: a handle, passkeys, and optionally an email."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    handle = models.CharField(
        max_length=HANDLE_MAX_LENGTH,
        help_text="The reader's public name: unique whatever its case.",
    )
    handle_skeleton = models.CharField(
        max_length=HANDLE_MAX_LENGTH * 3,
        unique=True,
        help_text="The handle folded for look-alikes (accounts/handles.py): no two accounts "
        "share one, so a handle cannot pass for another reader's.",
    )
    reader_id = models.CharField(
        max_length=READER_ID_LENGTH,
        unique=True,
        help_text="The reader id this account's reads and forecasts are stored under.",
    )
    webauthn_user_id = models.CharField(
        max_length=64,
        unique=True,
        default=new_webauthn_user_id,
        editable=False,
        help_text="The random user handle the account's passkeys carry (never the reader id, "
        "which must stay in its cookie).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    email = models.EmailField(
        blank=True, help_text="A verified address (for sign-in links), or blank."
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("handle"), name="account_handle_unique_any_case"),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="account_email_unique_any_case",
            ),
        ]

    def __str__(self):
        return self.handle

    def get_absolute_url(self):
        return reverse("accounts:account")


class Passkey(models.Model):
    """A WebAuthn credential that signs the account in (accounts/passkeys.py)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="passkeys")
    credential_id = models.CharField(
        max_length=1400, unique=True, help_text="The credential's id, base64url."
    )
    public_key = models.BinaryField(help_text="The credential's COSE public key.")
    sign_count = models.PositiveBigIntegerField(default=0)
    name = models.CharField(max_length=60, help_text="The reader's name for this passkey.")
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name


class RecoveryCode(models.Model):
    """A one-time code that signs the account in once; only its SHA-256 is stored (the
    code carries 80 random bits, so the hash needs no slow hasher)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Recovery code of {self.account}"
