"""The two WebAuthn ceremonies, through the ``webauthn`` library: options for the browser,
and the verification of what the authenticator signed.

Every challenge is random, kept server-side in Redis with what it was made for (not in
a session: a reader who only opens the sign-in page gets no session cookie, which would
take every page they read out of the shared cache), used once (taken out in the step
that reads it, before anything is checked, so a second try, or a replay of a signed
answer, finds none) and good for CHALLENGE_SECONDS. User verification is
required (a PIN, a fingerprint, a face), so a passkey is a whole sign-in on its own.
Passkeys are discoverable (resident keys): signing in asks for no handle.

The origin a browser reports must be one of settings.WEBAUTHN_ORIGINS ("…:*" takes any
port: the development server's); the library then checks it, the challenge, the
relying party's id, the flags and the signature. Whatever the browser sends is hostile:
a malformed answer is a PasskeyError with a sentence for the reader, never a 500.
"""

import binascii
import json
from urllib.parse import urlsplit

from django.conf import settings
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url, parse_client_data_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from core import shared_redis
from core.shared_redis import REDIS_ERRORS

CHALLENGE_SECONDS = 300
TIMEOUT_MILLISECONDS = 120_000
UNREADABLE = "Your browser's answer could not be read. Please try again."
# What a malformed answer may raise inside the library: its own errors, and the
# decoding errors (base64, CBOR, JSON, struct sizes) it lets through.
MALFORMED = (
    WebAuthnException, ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError,
)  # fmt: skip
KNOWN_TRANSPORTS = {transport.value for transport in AuthenticatorTransport}


class PasskeyError(Exception):
    """A ceremony that failed; ``str()`` is the sentence the reader sees."""


# Challenges -------------------------------------------------------------------------


class PasskeysUnavailable(Exception):
    """Redis, where challenges are kept, does not answer."""


def _challenge_key(purpose, challenge):
    return f"accounts:challenge:{purpose}:{bytes_to_base64url(challenge)}"


def remember_challenge(purpose, challenge, **context):
    """Keep ``challenge`` for ``purpose`` ("create", "sign-in", "add") with ``context``
    (JSON-ready) for CHALLENGE_SECONDS."""
    try:
        shared_redis.client().set(
            _challenge_key(purpose, challenge), json.dumps(context), ex=CHALLENGE_SECONDS
        )
    except REDIS_ERRORS as error:
        raise PasskeysUnavailable from error


def take_challenge(purpose, credential):
    """The challenge the browser's answer signed and the context it was made with, if
    this site issued it for ``purpose`` and it is unused and unexpired; it is removed in
    the same step, so it serves once. Else PasskeyError."""
    try:
        signed = parse_client_data_json(
            base64url_to_bytes(credential["response"]["clientDataJSON"])
        ).challenge
    except MALFORMED as error:
        raise PasskeyError(UNREADABLE) from error
    try:
        with shared_redis.client().pipeline(transaction=True) as pipeline:
            key = _challenge_key(purpose, signed)
            kept, _deleted = pipeline.get(key).delete(key).execute()
    except REDIS_ERRORS as error:
        raise PasskeysUnavailable from error
    if kept is None:
        raise PasskeyError("This request has expired or was already used. Please try again.")
    return signed, json.loads(kept)


# Origins ----------------------------------------------------------------------------


def _origin_allowed(origin, allowed):
    """Whether the reported ``origin`` is the configured ``allowed`` one ("…:*": any port)."""
    if not allowed.endswith(":*"):
        return origin == allowed
    try:
        sent, pattern = urlsplit(origin), urlsplit(allowed.removesuffix(":*"))
        sent.port  # noqa: B018 - raises ValueError on a port that is not one
    except ValueError:
        return False
    return (
        (sent.scheme, sent.hostname) == (pattern.scheme, pattern.hostname)
        and not sent.path
        and not sent.query
    )


def _expected_origin(credential):
    """The origin the browser reported, if it is one of ours; else PasskeyError."""
    try:
        client_data = parse_client_data_json(
            base64url_to_bytes(credential["response"]["clientDataJSON"])
        )
    except MALFORMED as error:
        raise PasskeyError(UNREADABLE) from error
    if not isinstance(client_data.origin, str) or client_data.cross_origin:
        raise PasskeyError("Passkeys can only be used on this site's own pages.")
    allowed = settings.WEBAUTHN_ORIGINS
    if not any(_origin_allowed(client_data.origin, origin) for origin in allowed):
        raise PasskeyError("Passkeys can only be used on this site's own pages.")
    return client_data.origin


# Registration -----------------------------------------------------------------------


def registration_options(*, user_id, handle, existing_credential_ids=()):
    """The options for navigator.credentials.create() (a JSON string) and the challenge."""
    options = generate_registration_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        rp_name=settings.WEBAUTHN_RP_NAME,
        user_id=base64url_to_bytes(user_id),
        user_name=handle,
        user_display_name=handle,
        timeout=TIMEOUT_MILLISECONDS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id))
            for credential_id in existing_credential_ids
        ],
    )
    return options_to_json(options), options.challenge


def verify_registration(credential, *, challenge):
    """The verified new credential (the library's VerifiedRegistration) and its
    transports; PasskeyError when it does not verify."""
    if not isinstance(credential, dict):
        raise PasskeyError(UNREADABLE)
    origin = _expected_origin(credential)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=origin,
            require_user_verification=True,
        )
    except MALFORMED as error:
        raise PasskeyError(
            "Your passkey could not be verified. Please try again, with your device's "
            "screen lock (a PIN, a fingerprint or your face)."
        ) from error
    sent = credential["response"].get("transports")
    transports = sorted(
        {name for name in sent if name in KNOWN_TRANSPORTS} if isinstance(sent, list) else set()
    )
    return verified, transports


# Authentication ---------------------------------------------------------------------


def authentication_options():
    """The options for navigator.credentials.get() (a JSON string) and the challenge."""
    options = generate_authentication_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        timeout=TIMEOUT_MILLISECONDS,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options), options.challenge


def credential_id_of(credential):
    """The credential id an assertion names, in the form stored (base64url), or
    PasskeyError."""
    raw = credential.get("rawId") if isinstance(credential, dict) else None
    if not isinstance(raw, str) or credential.get("id") != raw or len(raw) > 1400:
        raise PasskeyError(UNREADABLE)
    try:
        return bytes_to_base64url(base64url_to_bytes(raw))
    except (binascii.Error, ValueError) as error:
        raise PasskeyError(UNREADABLE) from error


def user_handle_of(credential):
    """The user handle an assertion carries (base64url), or None."""
    response = credential.get("response") if isinstance(credential, dict) else None
    handle = response.get("userHandle") if isinstance(response, dict) else None
    if not isinstance(handle, str) or not handle:
        return None
    try:
        return bytes_to_base64url(base64url_to_bytes(handle))
    except (binascii.Error, ValueError):
        return ""


def verify_authentication(credential, *, challenge, public_key, sign_count):
    """The new signature count of a verified assertion; PasskeyError when it does not
    verify (a wrong signature, a wrong challenge, a counter that went back)."""
    if not isinstance(credential, dict) or not isinstance(credential.get("response"), dict):
        raise PasskeyError(UNREADABLE)
    origin = _expected_origin(credential)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=origin,
            credential_public_key=bytes(public_key),
            credential_current_sign_count=sign_count,
            require_user_verification=True,
        )
    except MALFORMED as error:
        raise PasskeyError("Your passkey could not be verified. Please try again.") from error
    return verified.new_sign_count


def read_body(body):
    """The JSON object a ceremony's request carries, or PasskeyError."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise PasskeyError(UNREADABLE) from error
    if not isinstance(data, dict):
        raise PasskeyError(UNREADABLE)
    return data
