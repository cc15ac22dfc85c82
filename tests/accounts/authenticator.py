"""A software authenticator: what a phone's or a security key's passkey does, in Python.

It makes real credentials (an EC P-256 key pair per passkey), and answers the site's
options with real attestation objects ("none" attestation) and assertions signed with
the private key, so the server verifies real signatures with the ``webauthn`` library,
exactly as it would a device's. Nothing of the site is imitated here: this plays the
browser and the device, the two parts the test client cannot be.
"""

import hashlib
import json
import secrets
import struct
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

ORIGIN = "http://localhost:8000"
RP_ID = "localhost"
USER_PRESENT, USER_VERIFIED, ATTESTED_DATA = 0x01, 0x04, 0x40


def b64url(data):
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text):
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    credential_id: bytes
    private_key: ec.EllipticCurvePrivateKey
    user_handle: bytes
    sign_count: int = 0


def _cose_key(public_key):
    numbers = public_key.public_numbers()
    return cbor2.dumps(
        {
            1: 2,  # kty: EC2
            3: -7,  # alg: ES256
            -1: 1,  # crv: P-256
            -2: numbers.x.to_bytes(32, "big"),
            -3: numbers.y.to_bytes(32, "big"),
        }
    )


def client_data(kind, challenge, origin):
    return json.dumps(
        {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
    ).encode()


class SoftAuthenticator:
    """Holds passkeys for one relying party, like a phone's keychain."""

    def __init__(self, *, rp_id=RP_ID, origin=ORIGIN, user_verified=True, counts=True):
        self.rp_id = rp_id
        self.origin = origin
        self.user_verified = user_verified
        self.counts = counts  # a synced passkey reports 0 every time
        self.credentials = []

    def _flags(self, extra=0):
        return USER_PRESENT | (USER_VERIFIED if self.user_verified else 0) | extra

    def create(self, options, *, origin=None):
        """navigator.credentials.create(): a new passkey, as the browser's JSON."""
        public_key_options = options["options"] if "options" in options else options
        key = ec.generate_private_key(ec.SECP256R1())
        credential = Credential(
            credential_id=secrets.token_bytes(32),
            private_key=key,
            user_handle=from_b64url(public_key_options["user"]["id"]),
        )
        self.credentials.append(credential)
        rp_id_hash = hashlib.sha256(public_key_options["rp"]["id"].encode()).digest()
        attested = (
            bytes(16)  # AAGUID
            + struct.pack(">H", len(credential.credential_id))
            + credential.credential_id
            + _cose_key(key.public_key())
        )
        auth_data = rp_id_hash + bytes([self._flags(ATTESTED_DATA)]) + struct.pack(">I", 0)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data + attested})
        data = client_data(
            "webauthn.create", public_key_options["challenge"], origin or self.origin
        )
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(data),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
        }

    def get(self, options, *, origin=None, credential=None):
        """navigator.credentials.get(): an assertion by ``credential`` (the newest passkey
        by default), as the browser's JSON."""
        public_key_options = options["options"] if "options" in options else options
        credential = credential or self.credentials[-1]
        if self.counts:
            credential.sign_count += 1
        rp_id_hash = hashlib.sha256(public_key_options["rpId"].encode()).digest()
        auth_data = rp_id_hash + bytes([self._flags()]) + struct.pack(">I", credential.sign_count)
        data = client_data("webauthn.get", public_key_options["challenge"], origin or self.origin)
        signature = credential.private_key.sign(
            auth_data + hashlib.sha256(data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(credential.user_handle),
            },
        }
