"""Writing aids for the story form: reading level, length against the house targets,
and words that want a glossary entry or a definition. No database here: the admin
passes the glossary in.

Reading ease and grade are Flesch's (1948) and Flesch–Kincaid's (1975) formulas as
textstat computes them: ease 60–70 is plain English, grade is a US school year.
"""

import re
from dataclasses import dataclass, field

import textstat


@dataclass(frozen=True)
class Target:
    """What the house asks of a section; None where it asks nothing."""

    reader: str
    min_reading_ease: float | None
    max_grade: float | None
    min_words: int
    max_words: int


HOUSE_TARGETS = {
    "explanation": Target("a general reader", 50, 10, 300, 1200),
    "technical": Target("a specialist: no reading-level target", None, None, 200, 2500),
}

ABBREVIATION = re.compile(r"\b[A-Z][A-Z0-9]*[A-Z](?:-[A-Z0-9]+)?s?\b")
ROMAN_NUMERAL = re.compile(r"^[IVXL]+$")
# Abbreviations the house style lets stand undefined: readers know them as words.
EVERYDAY_ABBREVIATIONS = {"US", "UK", "EU", "UN", "DNA", "TV"}
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MARKDOWN_MARKS = re.compile(r"[#*_`>|]+")


@dataclass(frozen=True)
class Aids:
    section: str
    target: Target
    words: int
    reading_ease: float | None
    grade: float | None
    notes: list = field(default_factory=list)
    unlisted_terms: list = field(default_factory=list)
    undefined_abbreviations: list = field(default_factory=list)


def plain_text(markdown_source):
    """The words a reader reads: link text kept, URLs and Markdown marks dropped."""
    return MARKDOWN_MARKS.sub(" ", MARKDOWN_LINK.sub(r"\1", markdown_source))


def uses(text, form):
    return re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text, re.IGNORECASE) is not None


def unlisted_terms(text, glossary, listed):
    """Glossary terms (name → forms) used in ``text`` but not listed on the story."""
    return [name for name, forms in glossary.items() if name not in listed and any(
        uses(text, form) for form in forms
    )]  # fmt: skip


def undefined_abbreviations(text, known_forms):
    """Capitalised abbreviations neither spelled out in brackets, as in "Food and Drug
    Administration (FDA)", nor a form of a glossary term."""
    known = {form.casefold() for form in known_forms}
    found = []
    for abbreviation in ABBREVIATION.findall(text):
        singular = abbreviation.removesuffix("s")
        everyday = singular in EVERYDAY_ABBREVIATIONS
        if everyday or ROMAN_NUMERAL.match(singular) or abbreviation in found:
            continue
        defined = re.search(rf"\(\s*{re.escape(singular)}s?\s*\)", text)
        if not defined and {abbreviation.casefold(), singular.casefold()}.isdisjoint(known):
            found.append(abbreviation)
    return found


def assess(source, *, section, glossary, listed):
    """The aids for one section: ``glossary`` maps each term to its forms, ``listed`` is
    the set of terms chosen on the story."""
    target = HOUSE_TARGETS.get(section, HOUSE_TARGETS["technical"])
    text = plain_text(source)
    words = textstat.lexicon_count(text)
    ease = textstat.flesch_reading_ease(text) if words else None
    grade = textstat.flesch_kincaid_grade(text) if words else None
    notes = []
    if words and words < target.min_words:
        notes.append(f"Short: the house aims for at least {target.min_words} words.")
    if words > target.max_words:
        notes.append(f"Long: the house aims for at most {target.max_words} words.")
    if ease is not None and target.min_reading_ease is not None and ease < target.min_reading_ease:
        notes.append(
            f"Hard for {target.reader}: aim for a reading ease of {target.min_reading_ease} "
            "or more (shorter sentences, shorter words)."
        )
    if grade is not None and target.max_grade is not None and grade > target.max_grade:
        notes.append(f"Above grade {target.max_grade}, the house's ceiling for this section.")
    known = [form for forms in glossary.values() for form in forms]
    return Aids(
        section=section,
        target=target,
        words=words,
        reading_ease=ease,
        grade=grade,
        notes=notes,
        unlisted_terms=unlisted_terms(text, glossary, listed),
        undefined_abbreviations=undefined_abbreviations(text, known),
    )
