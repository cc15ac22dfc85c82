"""A cited work described as a study, in short labels a reader understands, each with a
plain explanation: what the story's sources, the API and the methodology page say. No
database here; ``labels(citation)`` reads a trust.Citation's study fields (or anything
with the same attributes)."""

from dataclasses import dataclass

# Each design's short label and what it means, in Citation.Design's codes.
DESIGNS = {
    "review": (
        "Systematic review",
        "Gathers every study on a question that a stated search finds, and often pools "
        "their results: the strongest evidence when the studies in it are sound.",
    ),
    "rct": (
        "Randomised trial",
        "People were assigned by chance to the treatment or to a comparison group, so the "
        "groups differ only by the treatment: the fairest single test of whether it works.",
    ),
    "cohort": (
        "Cohort study",
        "Follows a group of people over time and compares those exposed to something with "
        "those who were not: it shows a link, not proof of cause.",
    ),
    "case_control": (
        "Case–control study",
        "Compares people who have a condition with similar people who do not, looking back "
        "for what differed: quick, but open to biased memories and choices.",
    ),
    "case_series": (
        "Case series",
        "Describes a number of treated people with no comparison group: it shows what can "
        "happen, not how often or why.",
    ),
    "animal": (
        "Animal study",
        "Done in animals: a needed step, but most results in animals do not carry over to people.",
    ),
    "in_vitro": (
        "Lab study of cells or samples",
        "Done on cells, tissue or samples in a laboratory, not in living people or animals.",
    ),
    "modelling": (
        "Modelling",
        "A computer model or simulation: it shows what follows from its assumptions, not "
        "what happens in the world.",
    ),
    "preprint": (
        "Preprint",
        "Posted publicly before peer review: other experts have not yet checked it.",
    ),
    "report": (
        "Report",
        "A document from a regulator, an agency, a company or a newsroom: it reports on "
        "research rather than being a research paper.",
    ),
    "other": (
        "Other kind of study",
        "Research of another kind, such as a physics experiment or a measurement; the note "
        "beside the source says what.",
    ),
}
PEOPLE_DESIGNS = {"review", "rct", "cohort", "case_control", "case_series"}
SIZE_MEANING = (
    "How many people, animals or samples the study included: the more there are, the less "
    "likely a result is chance."
)
PREREGISTERED = (
    "Preregistered",
    "The study's plan and main outcome were published in a registry before it began, so "
    "the outcome could not be chosen after seeing the results. The link opens the record.",
)
PEER_REVIEW = {
    "reviewed": (
        "Peer reviewed",
        "Independent experts checked it before the journal published it. Review catches "
        "many errors, not all.",
    ),
    "not_reviewed": (
        "Not peer reviewed",
        "No independent experts checked it before it was published, as with a preprint, a "
        "press release, a regulator's page or a news report.",
    ),
    "unknown": ("Peer review not known", "We could not confirm whether experts checked it."),
}
FUNDED_BY = (
    "Funded by",
    "Who paid for the work. Money from a company with a stake in the result is not proof "
    "of bias, but readers should know it.",
)
CONFLICTS = (
    "Conflicts",
    "Interests the authors declared that could bear on the work, such as a job with, or "
    "payments from, a company whose product was studied.",
)
NO_CONFLICTS = ("No conflicts declared", "The authors declared no competing interests.")


@dataclass(frozen=True)
class Label:
    """One label: ``text`` (with ``link_text`` linked to ``url`` after it, when there is
    one), the ``term`` a glossary lists it under and what that ``meaning`` is."""

    kind: str
    text: str
    term: str
    meaning: str
    link_text: str = ""
    url: str = ""

    @property
    def full_text(self):
        return f"{self.text} {self.link_text}" if self.link_text else self.text


def registry_url(registration):
    """The registry record of a ClinicalTrials.gov number or an OSF id."""
    if registration.startswith("osf.io/"):
        return f"https://{registration}"
    return f"https://clinicaltrials.gov/study/{registration}"


def size_text(design, participants):
    if design in PEOPLE_DESIGNS:
        noun = "person" if participants == 1 else "people"
    elif design == "animal":
        noun = "animal" if participants == 1 else "animals"
    else:
        noun = "sample" if participants == 1 else "samples"
    return f"{participants:,} {noun}"


def _declared_none(conflicts):
    return conflicts.strip().rstrip(".").lower() in {"none", "none declared"}


def labels(citation):
    """The work's labels, in reading order: design, size, registration, peer review,
    funding, conflicts. Empty for a work nobody has described as a study."""
    found = []
    design = citation.study_design
    if design in DESIGNS:
        text, meaning = DESIGNS[design]
        found.append(Label("design", text, text, meaning))
    if citation.participants:
        text = size_text(design, citation.participants)
        found.append(Label("participants", text, "People, animals or samples", SIZE_MEANING))
    if citation.preregistration:
        text, meaning = PREREGISTERED
        found.append(
            Label(
                "preregistration",
                text,
                text,
                meaning,
                link_text=citation.preregistration,
                url=registry_url(citation.preregistration),
            )
        )
    funding, conflicts = citation.funding.strip(), citation.conflicts.strip()
    if found or funding or conflicts or citation.peer_review in ("reviewed", "not_reviewed"):
        text, meaning = PEER_REVIEW.get(citation.peer_review, PEER_REVIEW["unknown"])
        found.append(Label("peer_review", text, text, meaning))
    if funding:
        term, meaning = FUNDED_BY
        found.append(Label("funding", f"{term} {funding}", term, meaning))
    if conflicts:
        if _declared_none(conflicts):
            text, meaning = NO_CONFLICTS
            found.append(Label("conflicts", text, text, meaning))
        else:
            term, meaning = CONFLICTS
            found.append(Label("conflicts", f"{term}: {conflicts}", term, meaning))
    return found


def glossary(label_lists):
    """Each term used in ``label_lists`` once, in first-use order: (term, meaning)."""
    terms = {}
    for found in label_lists:
        for label in found:
            terms.setdefault(label.term, label.meaning)
    return list(terms.items())


def values_by_size(rows):
    """A design's values (trust/study_rubric.py's rows) in words, largest works first:
    ["85 with 1,000 or more", "65 with 100–999", "50 with fewer, or …"]."""
    if len(rows) == 1:
        return [str(rows[0][1])]
    words = []
    for index, (fewest, value) in enumerate(rows):
        if index == 0:
            words.append(f"{value} with {fewest:,} or more")
        elif fewest:
            words.append(f"{value} with {fewest:,}–{rows[index - 1][0] - 1:,}")
        else:
            words.append(f"{value} with fewer, or when the number is not given")
    return words


def every_term():
    """Every term a label can carry, as the methodology page lists them: (term, meaning)."""
    return [
        *DESIGNS.values(),
        ("People, animals or samples", SIZE_MEANING),
        PREREGISTERED,
        *PEER_REVIEW.values(),
        FUNDED_BY,
        CONFLICTS,
        NO_CONFLICTS,
    ]
