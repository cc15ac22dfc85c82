"""What changed between two saved versions, as editors read it: field labels, choice
labels, and a word-level diff of long text. No database here: it takes the model's
fields and the raw values."""

import difflib
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

# Text longer than this many words is shown as a diff of its words, not before and after.
LONG_TEXT_WORDS = 12


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str
    word_diff: str = ""  # HTML: the new text with <del> and <ins> marks, for long text
    added_words: int = 0
    removed_words: int = 0

    @property
    def summary(self):
        """One line for the history list: the values, or for long text the word counts."""
        if self.word_diff:
            return f"+{self.added_words} / −{self.removed_words} words"
        return f"{self.old or '(empty)'} → {self.new or '(empty)'}"


def display(field, value):
    if value is None or value == "":
        return ""
    choices = dict(field.flatchoices) if field.choices else {}
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(choices.get(value, value))


def word_diff(old, new):
    """The words of ``new`` with deletions from ``old`` marked <del> and insertions <ins>,
    and the counts of words added and removed."""
    before, after = old.split(), new.split()
    parts, added, removed = [], 0, 0
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(format_html("{}", " ".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(format_html("<del>{}</del>", " ".join(before[a1:a2])))
            removed += a2 - a1
        if b2 > b1:
            parts.append(format_html("<ins>{}</ins>", " ".join(after[b1:b2])))
            added += b2 - b1
    return format_html_join(" ", "{}", ((part,) for part in parts)), added, removed


def field_changes(model, changes):
    """simple-history's changes (``field``, ``old``, ``new``) in the model's words."""
    result = []
    for change in changes:
        field = model._meta.get_field(change.field)
        old, new = display(field, change.old), display(field, change.new)
        label = str(field.verbose_name).capitalize()
        is_long = max(len(old.split()), len(new.split())) > LONG_TEXT_WORDS
        if is_long:
            marked, added, removed = word_diff(old, new)
            result.append(FieldChange(label, old, new, marked, added, removed))
        else:
            result.append(FieldChange(label, old, new))
    return result
