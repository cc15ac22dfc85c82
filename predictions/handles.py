"""Pseudonymous handles for readers: stable, readable, and not their cookie id."""

import hashlib

ADJECTIVES = [
    "amber",
    "bold",
    "brisk",
    "calm",
    "clever",
    "cobalt",
    "curious",
    "deft",
    "eager",
    "fair",
    "gentle",
    "keen",
    "lucid",
    "merry",
    "nimble",
    "patient",
    "quiet",
    "rapid",
    "steady",
    "wry",
]
ANIMALS = [
    "badger",
    "crane",
    "dolphin",
    "falcon",
    "gecko",
    "heron",
    "ibis",
    "jackal",
    "koala",
    "lynx",
    "marten",
    "newt",
    "otter",
    "puffin",
    "quokka",
    "raven",
    "seal",
    "tern",
    "vole",
    "wren",
]


def handle_for(reader_id):
    """e.g. "curious-otter-4821". A digest of the random id, which it does not reveal."""
    digest = hashlib.sha256(f"newsroom-handle:{reader_id}".encode()).digest()
    adjective = ADJECTIVES[digest[0] % len(ADJECTIVES)]
    animal = ANIMALS[digest[1] % len(ANIMALS)]
    number = int.from_bytes(digest[2:4], "big") % 10000
    return f"{adjective}-{animal}-{number:04d}"
