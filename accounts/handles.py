"""A handle's rules and its skeleton: what two handles that look alike have in common.

A handle is public (the leaderboard shows it), so one must not pass for the newsroom's
staff or for another reader. The skeleton folds what a reader's eye folds: Unicode
compatibility forms (NFKC: fullwidth, mathematical and ligature letters become plain
ones), accents, case, the separators, digits that stand for letters (0 for o, 1 for l,
3 for e, 5 for s…) and the letter pairs that read as one (rn as m, vv as w). Two
handles with one skeleton cannot both exist (Account.handle_skeleton is unique), and a
handle whose skeleton is, or holds, a reserved word's or an editor's is refused.
This module has no database; accounts/forms.py asks it with the editors' names.
"""

import re
import unicodedata

MIN_LENGTH = 3
MAX_LENGTH = 30
SEPARATORS = "-_."
# After folding to plain Latin letters: letters, digits and the separators only, so no
# other script's look-alike letter (a Cyrillic а for a Latin a) can get through.
ALLOWED = re.compile(r"[a-z0-9][a-z0-9._-]*", re.IGNORECASE)
# The shape of the names the site gives readers without an account ("curious-otter-4821",
# predictions/handles.py): a handle must not pass for one of them.
PSEUDONYM = re.compile(r"[a-z]+-[a-z]+-[0-9]{4}")
LOOK_ALIKE_CHARACTERS = str.maketrans(
    {"0": "o", "1": "l", "2": "z", "3": "e", "4": "a", "5": "s", "6": "b", "7": "t", "8": "b",
     "9": "g", "i": "l", "|": "l"}
)  # fmt: skip
LOOK_ALIKE_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"))
# Refused when the skeleton is one of these; the first set also inside a longer handle
# ("the-real-admin"), the second only alone (a reader may be "rootvegetable").
RESERVED_ANYWHERE = ("admin", "newsroom", "moderator", "editor", "official", "staff")
RESERVED_ALONE = (
    "administrator", "support", "root", "system", "help", "security", "privacy", "account",
    "accounts", "anonymous", "mod", "team", "sysop", "webmaster", "postmaster", "null",
)  # fmt: skip
# An editor's username or full name shorter than this is compared whole, not inside
# longer handles (an editor called "Al" must not take "alice" from everyone).
NAME_INSIDE_MIN_LENGTH = 5


def normalized(handle):
    """The handle as stored: its NFKC form, without surrounding spaces."""
    return unicodedata.normalize("NFKC", handle).strip()


def _without_accents(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def skeleton(text):
    """What ``text`` looks like, folded (see the module's docstring)."""
    folded = _without_accents(normalized(text)).casefold()
    folded = "".join(c for c in folded if c.isalnum() or c == "|")
    for pair, letter in LOOK_ALIKE_PAIRS:
        folded = folded.replace(pair, letter)
    folded = folded.translate(LOOK_ALIKE_CHARACTERS)
    for pair, letter in LOOK_ALIKE_PAIRS:  # pairs the digits made ("c1" is now "cl")
        folded = folded.replace(pair, letter)
    return folded


def format_problem(handle):
    """Why ``handle`` (normalized) breaks the format rules, in a sentence, or None."""
    if len(handle) < MIN_LENGTH:
        return f"A handle needs at least {MIN_LENGTH} characters."
    if len(handle) > MAX_LENGTH:
        return f"A handle can have at most {MAX_LENGTH} characters."
    if not ALLOWED.fullmatch(_without_accents(handle)):
        return (
            "Use letters (a to z, accents allowed), digits, hyphens, underscores and dots, "
            "starting with a letter or a digit."
        )
    if PSEUDONYM.fullmatch(handle.casefold()):
        return (
            "That looks like the names the site gives readers without an account. "
            "Choose a handle of your own."
        )
    return None


def reserved_problem(handle, *, editor_names=()):
    """Why ``handle`` is reserved, in a sentence, or None. ``editor_names``: the editors'
    usernames and full names."""
    shape = skeleton(handle)
    for word in RESERVED_ANYWHERE:
        if skeleton(word) in shape:
            return f"Handles that look like “{word}” are kept for the newsroom."
    if shape in {skeleton(word) for word in RESERVED_ALONE}:
        return "That handle is kept for the site itself."
    for name in editor_names:
        name_shape = skeleton(name)
        if not name_shape:
            continue
        inside = len(name_shape) >= NAME_INSIDE_MIN_LENGTH and name_shape in shape
        if shape == name_shape or inside:
            return "That handle looks like the name of one of our editors."
    return None
