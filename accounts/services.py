"""Writes about accounts: creating one, its passkeys and recovery codes, signing in (with
the browser's anonymous activity joining the account), the email address, deletion.

Each validates, runs in a transaction and raises ValidationError with a sentence for
the reader. The apps that keep a reader's activity hear of joins and deletions through
accounts/signals.py, inside the same transaction, so a failure in any of them leaves
nothing half done.
"""

import uuid

from django.contrib.auth import get_user_model, login
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from webauthn.helpers import bytes_to_base64url

from accounts import handles, recovery, signals
from accounts.backends import BACKEND
from accounts.models import READER_ID_LENGTH, Account, Passkey, RecoveryCode
from core.editors import EDITORS_GROUP

MAX_PASSKEYS = 20
TAKEN = "That handle is taken, or looks too much like one that is. Please choose another."


# Handles ----------------------------------------------------------------------------


def editor_names():
    """The usernames and full names of everyone who may enter the admin."""
    staff = get_user_model().objects.filter(
        Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name=EDITORS_GROUP)
    )
    names = set()
    for username, first, last in staff.values_list("username", "first_name", "last_name"):
        names.update(name for name in (username, f"{first} {last}".strip()) if name)
    return sorted(names)


def check_handle(handle):
    """``handle`` as it would be stored, or ValidationError with the reason."""
    handle = handles.normalized(handle)
    problem = handles.format_problem(handle) or handles.reserved_problem(
        handle, editor_names=editor_names()
    )
    if problem:
        raise ValidationError(problem)
    if Account.objects.filter(
        Q(handle__iexact=handle) | Q(handle_skeleton=handles.skeleton(handle))
    ).exists():
        raise ValidationError(TAKEN)
    return handle


# Creating an account ----------------------------------------------------------------


def _reader_id_for_new_account(browser_reader_id):
    """The browser's reader id, so its history is the account's from the start, unless
    it has none or it is already an account's (which is never shared): then a new one."""
    if (
        browser_reader_id
        and len(browser_reader_id) <= READER_ID_LENGTH
        and not Account.objects.filter(reader_id=browser_reader_id).exists()
    ):
        return browser_reader_id
    return uuid.uuid4().hex


def _passkey(account, registration, transports, name):
    return Passkey(
        account=account,
        credential_id=bytes_to_base64url(registration.credential_id),
        public_key=registration.credential_public_key,
        sign_count=registration.sign_count,
        transports=transports,
        name=name,
    )


def create_account(*, handle, webauthn_user_id, browser_reader_id, registration, transports, name):
    """A new account with its first passkey and ten recovery codes: (account, codes).
    ``registration`` is the verified passkey (accounts/passkeys.py)."""
    try:
        with transaction.atomic():
            handle = check_handle(handle)
            user = get_user_model()(username=f"reader-{uuid.uuid4().hex}")
            user.set_unusable_password()
            user.save()
            account = Account.objects.create(
                user=user,
                handle=handle,
                handle_skeleton=handles.skeleton(handle),
                reader_id=_reader_id_for_new_account(browser_reader_id),
                webauthn_user_id=webauthn_user_id,
            )
            _passkey(account, registration, transports, name).save()
            codes = replace_recovery_codes(account)
    except IntegrityError as error:  # the same handle, or passkey, at the same moment
        raise ValidationError(TAKEN) from error
    return account, codes


# Passkeys ---------------------------------------------------------------------------


def add_passkey(*, account, registration, transports, name):
    with transaction.atomic():
        Account.objects.select_for_update().get(pk=account.pk)
        if account.passkeys.count() >= MAX_PASSKEYS:
            raise ValidationError(
                f"An account can have {MAX_PASSKEYS} passkeys. Remove one you no longer use first."
            )
        passkey = _passkey(account, registration, transports, name)
        try:
            with transaction.atomic():
                passkey.save()
        except IntegrityError as error:
            raise ValidationError("That passkey is already registered here.") from error
    return passkey


def has_recovery_path(account):
    """Whether the reader could still get in without a passkey: a verified email address
    or an unused recovery code."""
    return (
        bool(account.email_verified_at)
        or account.recovery_codes.filter(used_at__isnull=True).exists()
    )


def remove_passkey(*, account, passkey_id):
    """Remove one of the account's passkeys; never the last one without a way back in."""
    with transaction.atomic():
        Account.objects.select_for_update().get(pk=account.pk)
        passkey = account.passkeys.filter(pk=passkey_id).first()
        if passkey is None:
            raise ValidationError("That passkey is not one of yours, or it was already removed.")
        if account.passkeys.count() == 1 and not has_recovery_path(account):
            raise ValidationError(
                "This is your only passkey, and you have no other way to sign in (no "
                "recovery codes left and no verified email). Add another passkey, make "
                "new recovery codes or verify an email address first."
            )
        passkey.delete()
        return passkey


def record_passkey_use(*, passkey, new_sign_count):
    """Store a verified assertion's counter, unless another use of the passkey was stored
    since it was read (a replay racing the original): then ValidationError."""
    stored = Passkey.objects.filter(pk=passkey.pk, sign_count=passkey.sign_count).update(
        sign_count=new_sign_count, last_used_at=timezone.now()
    )
    if not stored:
        raise ValidationError("That passkey was just used. Please try again.")


# Signing in -------------------------------------------------------------------------


def joined_sentence(counts):
    """The sentence saying what joined the account ("We added 3 reads and 2 forecasts from
    this browser to your account."), or None when nothing did."""
    parts = [
        f"{count} {kind.removesuffix('s') if count == 1 else kind}"
        for kind, count in counts.items()
        if count
    ]
    if not parts:
        return None
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"We added {listed} from this browser to your account."


def join_reader(*, account, browser_reader_id):
    """Move an anonymous reader's activity to the account: what moved, by kind. A reader
    id that is any account's own is never merged into another."""
    if not browser_reader_id or browser_reader_id == account.reader_id:
        return {}
    with transaction.atomic():
        if Account.objects.filter(reader_id=browser_reader_id).exists():
            return {}
        results = signals.reader_joined.send(
            sender=Account,
            anonymous_reader_id=browser_reader_id,
            account_reader_id=account.reader_id,
        )
    return signals.joined_counts(results)


def sign_in(request, account):
    """Sign the browser in to ``account`` (Django's login(): a new session key) and join
    the browser's anonymous activity to it; the sentence saying what joined, or None.
    The caller sets the reader cookie to the account's (accounts/cookies.py)."""
    browser_reader_id = request.reader_id
    login(request, account.user, backend=BACKEND)
    return joined_sentence(join_reader(account=account, browser_reader_id=browser_reader_id))


# Recovery codes ---------------------------------------------------------------------


def replace_recovery_codes(account):
    """Ten new codes for the account (the old ones stop working), as the reader sees them."""
    codes = recovery.new_codes()
    with transaction.atomic():
        account.recovery_codes.all().delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(account=account, code_hash=recovery.code_hash(code)) for code in codes
        )
    return codes


def use_recovery_code(*, handle, code):
    """The account whose unused code this is (the code is now used), or None."""
    digest = recovery.code_hash(code)
    if not digest:
        return None
    with transaction.atomic():
        found = (
            RecoveryCode.objects.select_for_update(of=("self",))
            .select_related("account__user")
            .filter(
                account__handle__iexact=handles.normalized(handle),
                code_hash=digest,
                used_at__isnull=True,
            )
            .first()
        )
        if found is None:
            return None
        found.used_at = timezone.now()
        found.save(update_fields=["used_at"])
    return found.account


# Deleting ---------------------------------------------------------------------------


def delete_account(*, account):
    """Delete the account, its user, passkeys and codes. What the apps keep of the reader
    moves to a fresh random reader id linked to no one (accounts/signals.py)."""
    with transaction.atomic():
        signals.account_deleted.send(
            sender=Account, reader_id=account.reader_id, anonymous_reader_id=uuid.uuid4().hex
        )
        account.user.delete()
