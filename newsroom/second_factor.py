"""Editors' second factor: a TOTP authenticator app, through django-otp.

An editor enrols one device (the admin's "Second factor" page shows its secret as a
QR code and as text, once); from then on the admin's login asks for the app's code
as well as the password. django-otp refuses a code that was already used (each TOTP
device remembers the last time step it accepted) and slows down guessing on the
device itself; the admin site counts a wrong code as a failed login too. A superuser
in production must enrol before any other admin page (``enrolment_required``); in
development the page is offered, not required. A lost device is removed with
``python manage.py reset_second_factor USERNAME``.
"""

from base64 import b32encode

import qrcode
from django.conf import settings
from django.db import transaction
from django.utils.html import format_html
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


class CodeRefused(Exception):
    """The code did not verify; the message is the sentence to show the editor."""


def has_second_factor(user):
    return user_has_device(user, confirmed=True)


def enrolment_required(user):
    """A superuser in production may reach no admin page without a confirmed device."""
    return (
        settings.ENVIRONMENT == "production" and user.is_superuser and not has_second_factor(user)
    )


def verify_code(*, user, code):
    """The confirmed device that accepts ``code``; raises CodeRefused otherwise."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        raise CodeRefused("Enter the six-digit code from your authenticator app.")
    with transaction.atomic():
        for device in TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                raise CodeRefused(
                    "Too many wrong codes in a row. Wait a few seconds, then enter the code your "
                    "app shows now."
                )
            if device.verify_token(code):
                return device
    raise CodeRefused(
        "That code is wrong or has already been used. Enter the code your app shows now."
    )


def start_enrolment(*, user):
    """A new unconfirmed device with a fresh secret, replacing any earlier unconfirmed one,
    so that a secret is shown once and never again after it is confirmed."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def pending_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def confirm_enrolment(*, user, code):
    """Confirm the pending device with a first code from the app; raises CodeRefused."""
    code = (code or "").strip().replace(" ", "")
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None:
            raise CodeRefused("This set-up has expired. Start again with the new code below.")
        if not code:
            raise CodeRefused("Enter the six-digit code your app shows now.")
        if not device.verify_token(code):
            raise CodeRefused(
                "That code is not the one your app shows now. Check that the app added the "
                "account, then enter its current code."
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


def remove_devices(*, user):
    """Forget every device of ``user`` (a lost phone); returns how many there were."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted


def secret_text(device):
    """The secret as authenticator apps accept it typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def qr_code_svg(text, *, label):
    """``text`` as a QR code in inline SVG (black on white, with its quiet zone)."""
    code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    path = "".join(
        f"M{x} {y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )
    return format_html(
        '<svg class="second-factor__qr" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 {size} {size}" width="{pixels}" height="{pixels}" role="img" '
        'aria-label="{label}" shape-rendering="crispEdges">'
        '<rect width="{size}" height="{size}" fill="#fff"/><path d="{path}" fill="#000"/></svg>',
        size=len(matrix),
        pixels=len(matrix) * 5,
        label=label,
        path=path,
    )
