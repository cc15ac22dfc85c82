"""The study rule: the evidence-stage value that a story's cited works propose, from how
each was done (its design), how many it studied and whether it was peer reviewed. No
database here: the admin, the story page and the tests call it with plain values.

The table follows the usual ladder of clinical evidence (systematic reviews and large
randomised trials at the top; observational studies, then case series, animal and
laboratory work below), which is also the order GRADE starts from, and keeps its values
on the same 0-100 scale as the stage rule in trust/rubric.py. The methodology page prints
this table; docs/evidence.md explains it.
"""

from dataclasses import dataclass

from trust import rubric

REVIEW, RCT, COHORT, CASE_CONTROL = "review", "rct", "cohort", "case_control"
CASE_SERIES, ANIMAL, IN_VITRO, MODELLING, PREPRINT = (
    "case_series",
    "animal",
    "in_vitro",
    "modelling",
    "preprint",
)
PEER_REVIEWED = "reviewed"

# Each ranked design's value by size: (fewest participants or samples, value), largest
# first; a work whose size is not given takes its design's last (smallest) row.
DESIGN_VALUES = {
    REVIEW: ((1000, 90), (0, 75)),
    RCT: ((1000, 85), (100, 65), (0, 50)),
    COHORT: ((1000, 60), (0, 50)),
    CASE_CONTROL: ((0, 45),),
    CASE_SERIES: ((0, 40),),
    ANIMAL: ((0, 35),),
    IN_VITRO: ((0, 25),),
    MODELLING: ((0, 20),),
    PREPRINT: ((0, 10),),
}
# Points taken from a work that is not known to be peer reviewed, or is under an
# expression of concern. A preprint's value already counts its missing review.
UNREVIEWED_DISCOUNT = 15
# How far the evidence-stage value may stand from the proposal without a reason.
STUDY_TOLERANCE = 10


@dataclass(frozen=True)
class Work:
    """A cited work as the rule reads it (trust.Citation's fields of the same names)."""

    design: str
    participants: int | None
    peer_review: str
    status: str = rubric.STANDING


@dataclass(frozen=True)
class Proposal:
    """What the strongest cited work proposes, and which work that is (its index in the
    works given)."""

    value: int
    index: int
    discounted: bool

    @property
    def low(self):
        return max(0, self.value - STUDY_TOLERANCE)

    @property
    def high(self):
        return min(100, self.value + STUDY_TOLERANCE)

    def allows(self, value):
        return self.low <= value <= self.high


def design_value(design, participants):
    """A ranked design's value for a work of ``participants`` (None when not given);
    None for a design the rule does not rank (a report, news, another kind of work)."""
    rows = DESIGN_VALUES.get(design)
    if rows is None:
        return None
    size = participants or 0
    return next(value for fewest, value in rows if size >= fewest)


def best_value(design):
    """The most a design can propose (its largest works' value); None when not ranked."""
    rows = DESIGN_VALUES.get(design)
    return rows[0][1] if rows else None


def work_value(work):
    """What one work proposes: None when it is retracted (no longer evidence) or its
    design is not ranked; its design's value, less the discount when its peer review is
    not known to have happened or it carries an expression of concern."""
    if work.status == rubric.RETRACTED:
        return None, False
    value = design_value(work.design, work.participants)
    if value is None:
        return None, False
    discounted = work.design != PREPRINT and (
        work.peer_review != PEER_REVIEWED or work.status == rubric.CONCERN
    )
    return (max(0, value - UNREVIEWED_DISCOUNT) if discounted else value), discounted


def propose(works):
    """The proposal of the strongest work among ``works`` (the first, on a tie), or None
    when none of them has a ranked design and stands."""
    best = None
    for index, work in enumerate(works):
        value, discounted = work_value(work)
        if value is not None and (best is None or value > best.value):
            best = Proposal(value=value, index=index, discounted=discounted)
    return best
