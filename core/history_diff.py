"""What changed between two saved versions, as editors read it: field labels, choice
labels, times at the precision the form shows, and long text compared the way it is
written, block by block (each heading, each paragraph of the Markdown), with only the
changed blocks shown, word by word, and a little unchanged text around them.

A value that reads the same before and after is no change, whatever its bytes: a publish
time a form saved without its microseconds, a text whose line ends a browser sent as
\\r\\n. No database here: it takes the model's fields and the raw values.
"""

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# Text longer than this many words is compared block by block, not shown before and after.
LONG_TEXT_WORDS = 12
# Unchanged blocks shown on each side of a change, and the words shown of each.
CONTEXT_BLOCKS = 1
CONTEXT_WORDS = 25
# Two blocks at least this alike (0–1, by their words) are one block edited, shown word
# by word; less alike, one block removed and another added.
SAME_BLOCK_RATIO = 0.5
# The form's date and time boxes hold whole seconds: so does the comparison.
TIME_FORMAT = "j M Y, H:i:s"

HEADING = re.compile(r"#{1,6}(\s|$)")
FENCE = re.compile(r"(```|~~~)")
WORD = re.compile(r"\S+\s*")


@dataclass(frozen=True)
class Block:
    """One block of Markdown: a heading, or a paragraph (a list, a quote, code) whole."""

    text: str
    is_heading: bool = False

    @property
    def words(self):
        return (self.is_heading, " ".join(self.text.split()))


@dataclass(frozen=True)
class Passage:
    """One block as the comparison shows it. ``kind`` is "changed" (edited, with its
    words marked), "added", "removed", "context" (unchanged, maybe shortened) or "gap"
    (``skipped`` unchanged blocks left out)."""

    kind: str
    html: str = ""
    is_heading: bool = False
    skipped: int = 0


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str
    passages: tuple = ()  # for long text: the changed blocks and their context
    added_words: int = 0
    removed_words: int = 0

    @property
    def is_long(self):
        return bool(self.passages)

    @property
    def summary(self):
        """One line for the history list: the values, or for long text the word counts."""
        if self.passages:
            return f"+{self.added_words} / −{self.removed_words} words"
        return f"{self.old or '(empty)'} → {self.new or '(empty)'}"


def display(field, value):
    """``value`` of model field ``field`` as an editor reads it, and as it is compared."""
    if value is None or value == "":
        return ""
    choices = dict(field.flatchoices) if field.choices else {}
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), TIME_FORMAT)
    if isinstance(value, str):
        # Browsers send a text box's lines with \r\n; forms strip the ends.
        return str(choices.get(value, value)).replace("\r\n", "\n").strip()
    return str(choices.get(value, value))


def blocks(text):
    """``text`` (Markdown) as its blocks: each heading on its own, and each run of lines
    between blank lines; a fenced code block is one block, blank lines and all."""
    found, lines, fenced = [], [], False

    def close():
        if lines:
            found.append(Block("\n".join(lines)))
            lines.clear()

    for line in text.split("\n"):
        stripped = line.strip()
        if FENCE.match(stripped):
            if not fenced:
                close()
            lines.append(line.rstrip())
            fenced = not fenced
            if not fenced:
                close()
        elif fenced:
            lines.append(line.rstrip())
        elif not stripped:
            close()
        elif HEADING.match(stripped):
            close()
            found.append(Block(stripped, is_heading=True))
        else:
            lines.append(line.rstrip())
    close()
    return found


def _marked(tag, label, text):
    """``text`` in <ins> or <del>, named for assistive technology, which reads neither."""
    words = text.rstrip()
    return format_html(
        '<{tag}><span class="visually-hidden">{label}: </span>{words}</{tag}>{space}',
        tag=tag,
        label=label,
        words=words,
        space=text[len(words) :],
    )


def word_diff(old, new):
    """The words of ``new`` with deletions from ``old`` marked <del> and insertions <ins>
    (line breaks kept), and the counts of words added and removed."""
    before, after = WORD.findall(old), WORD.findall(new)
    parts, added, removed = [], 0, 0
    matcher = difflib.SequenceMatcher(
        a=[word.strip() for word in before], b=[word.strip() for word in after], autojunk=False
    )
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(format_html("{}", "".join(after[b1:b2])))
            continue
        if a2 > a1:
            deleted = "".join(before[a1:a2])
            parts.append(_marked("del", "removed", deleted))
            removed += a2 - a1
            if b2 > b1 and deleted == deleted.rstrip():
                parts.append(" ")  # the last words, replaced: kept apart from the new ones
        if b2 > b1:
            parts.append(_marked("ins", "added", "".join(after[b1:b2])))
            added += b2 - b1
    return mark_safe("".join(parts)), added, removed


def _alike(old, new):
    if old.is_heading != new.is_heading:
        return False
    matcher = difflib.SequenceMatcher(a=old.text.split(), b=new.text.split(), autojunk=False)
    return matcher.ratio() >= SAME_BLOCK_RATIO


def _pairs(old_blocks, new_blocks):
    """Blocks replaced by others, paired where one is the other edited: (old, new), with
    None for a block only removed or only added; in the new text's order."""
    pairs, start = [], 0
    for old in old_blocks:
        match = next(
            (at for at in range(start, len(new_blocks)) if _alike(old, new_blocks[at])), None
        )
        if match is None:
            pairs.append((old, None))
            continue
        pairs += [(None, new) for new in new_blocks[start:match]]
        pairs.append((old, new_blocks[match]))
        start = match + 1
    return pairs + [(None, new) for new in new_blocks[start:]]


def _shortened(block, *, keep_end):
    """An unchanged block shown as context: a heading whole, a paragraph's first words
    (or, before a change, its last)."""
    words = block.text.split()
    if block.is_heading or len(words) <= CONTEXT_WORDS:
        return format_html("{}", block.text)
    if keep_end:
        return format_html("… {}", " ".join(words[-CONTEXT_WORDS:]))
    return format_html("{} …", " ".join(words[:CONTEXT_WORDS]))


def block_diff(old, new):
    """The passages of a long text that changed from ``old`` to ``new``, each with up to
    CONTEXT_BLOCKS unchanged blocks around it, and the counts of words added and removed.
    Blocks are compared by their words: a paragraph wrapped anew is the same paragraph."""
    before, after = blocks(old), blocks(new)
    matcher = difflib.SequenceMatcher(
        a=[block.words for block in before], b=[block.words for block in after], autojunk=False
    )
    shown, added, removed = [], 0, 0  # each a Passage, or an unchanged Block
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            shown += after[b1:b2]
            continue
        for was, now in _pairs(before[a1:a2], after[b1:b2]):
            if was and now:
                html, plus, minus = word_diff(was.text, now.text)
                shown.append(Passage("changed", html, now.is_heading))
            elif now:
                plus, minus = len(now.text.split()), 0
                shown.append(Passage("added", _marked("ins", "added", now.text), now.is_heading))
            else:
                plus, minus = 0, len(was.text.split())
                html = _marked("del", "removed", was.text)
                shown.append(Passage("removed", html, was.is_heading))
            added, removed = added + plus, removed + minus
    return tuple(_with_context(shown)), added, removed


def _with_context(shown):
    """The changed passages, the unchanged blocks near them, and a gap for each run of
    unchanged blocks further away."""
    changed = [at for at, item in enumerate(shown) if isinstance(item, Passage)]
    passages, skipped = [], 0
    for at, item in enumerate(shown):
        after_change = any(0 < at - where <= CONTEXT_BLOCKS for where in changed)
        before_change = any(0 < where - at <= CONTEXT_BLOCKS for where in changed)
        if not isinstance(item, Passage) and not (after_change or before_change):
            skipped += 1
            continue
        if skipped:
            passages.append(Passage("gap", skipped=skipped))
            skipped = 0
        if isinstance(item, Passage):
            passages.append(item)
        else:
            html = _shortened(item, keep_end=before_change and not after_change)
            passages.append(Passage("context", html, item.is_heading))
    if skipped:
        passages.append(Passage("gap", skipped=skipped))
    return passages


def field_changes(model, changes):
    """simple-history's changes (``field``, ``old``, ``new``) in the model's words, in
    the order of the model's fields; a change that reads the same before and after is
    left out."""
    order = {field.name: at for at, field in enumerate(model._meta.get_fields())}
    result = []
    for change in sorted(changes, key=lambda change: order.get(change.field, len(order))):
        field = model._meta.get_field(change.field)
        old, new = display(field, change.old), display(field, change.new)
        if old == new:
            continue
        label = str(field.verbose_name).capitalize()
        if max(len(old.split()), len(new.split())) > LONG_TEXT_WORDS:
            passages, added, removed = block_diff(old, new)
            if any(passage.kind not in {"context", "gap"} for passage in passages):
                result.append(FieldChange(label, old, new, passages, added, removed))
        else:
            result.append(FieldChange(label, old, new))
    return result
