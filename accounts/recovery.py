"""Recovery codes: ten one-time codes, each 80 random bits written as 16 letters and
digits in four groups ("k4vq-7mzt-ra2e-x9bn" style, base32), shown once.

Only a code's SHA-256 is stored: 80 random bits cannot be guessed from it, so no slow
password hash is needed (a slow hash exists to protect what people choose, which is
guessable). What a reader types is folded first: case, spaces and hyphens, and the
digits 0, 1 and 8, which base32 never uses, read as the letters o, l and b.
"""

import base64
import hashlib
import secrets

COUNT = 10
CODE_BYTES = 10  # 80 bits: 16 base32 characters
GROUP = 4
FOLD = str.maketrans({"0": "o", "1": "l", "8": "b"})


def new_codes():
    """Ten fresh codes, as the reader sees them."""
    return [_grouped(_random_code()) for _ in range(COUNT)]


def _random_code():
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode().lower()


def _grouped(code):
    return "-".join(code[start : start + GROUP] for start in range(0, len(code), GROUP))


def folded(typed):
    """What the reader typed, as it was generated, or "" when it cannot be a code."""
    text = "".join(c for c in typed.casefold() if c.isalnum()).translate(FOLD)
    return text if len(text) == 16 and text.isascii() else ""


def code_hash(typed):
    """The stored form of a typed code (its folded text's SHA-256), or "" when it cannot
    be a code."""
    code = folded(typed)
    return hashlib.sha256(code.encode()).hexdigest() if code else ""
