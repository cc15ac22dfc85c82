"""The arithmetic of the evidence layer: bands and rounding. No database here.

The methodology page prints the bands from these tables, so the page and the
scores cannot drift (docs/evidence.md explains the evidence layer).
"""

import math
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    label: str
    slug: str


TRUST_BANDS = (
    Band(80, 100, "High", "high"),
    Band(60, 79, "Generally reliable", "reliable"),
    Band(40, 59, "Use with caution", "caution"),
    Band(0, 39, "Low", "low"),
)

REALITY_BANDS = (
    Band(80, 100, "Established", "established"),
    Band(60, 79, "Likely", "likely"),
    Band(40, 59, "Plausible", "plausible"),
    Band(20, 39, "Early signal", "early-signal"),
    Band(0, 19, "Speculative", "speculative"),
)


def band_for(score, bands):
    for band in bands:
        if band.low <= score <= band.high:
            return band
    raise ValueError(f"{score} is outside 0-100")


def round_half_up(value):
    """School rounding of a non-negative Fraction (2.5 -> 3), not Python's banker's rounding."""
    return math.floor(value + Fraction(1, 2))


def mean(values):
    """Exact mean of whole numbers as a Fraction; None when there are none."""
    values = list(values)
    return Fraction(sum(values), len(values)) if values else None


def weighted_contributions(rows):
    """Whole-number contributions of (value, weight) rows that add up to the rounded score.

    Each exact contribution is value x weight / 100. The score is their sum,
    rounded half up. Rounding each contribution on its own can miss that sum
    by a point, so whole points are handed out by the largest-remainder
    (Hamilton) method: every row gets its floor, and the rows with the largest
    remainders get one more point until the parts add up to the score.
    """
    exact = [Fraction(value) * weight / 100 for value, weight in rows]
    score = round_half_up(sum(exact, Fraction(0)))
    shares = [int(part) for part in exact]
    leftover = score - sum(shares)
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - shares[i], reverse=True)
    for index in by_remainder[:leftover]:
        shares[index] += 1
    return score, shares


def source_trust(verdicts):
    """A source's trust: the weights of the criteria it meets, from (weight, met) pairs."""
    return sum(weight for weight, met in verdicts if met)


# A cited work's standing with its publisher (trust.Citation.status).
STANDING, CORRECTED, CONCERN, RETRACTED = "standing", "corrected", "concern", "retracted"


def cited_trust(trust, status):
    """What one citation lends a story, by the rule the methodology page states: a
    retracted work lends nothing (None: it is not evidence), a work under an expression
    of concern half its source's trust, a corrected or standing work its source's trust."""
    if status == RETRACTED:
        return None
    return Fraction(trust, 2) if status == CONCERN else Fraction(trust)


def lent_trusts(citations):
    """What each distinct source lends a story, from its (source id, trust, status)
    citations: through its best-standing citation (``cited_trust``). A story whose every
    citation is retracted gets one 0, since nothing is left standing behind it; one that
    cites nothing gets none."""
    lent = {}
    citations = list(citations)
    for source, trust, status in citations:
        value = cited_trust(trust, status)
        if value is not None:
            lent[source] = max(value, lent.get(source, value))
    return list(lent.values()) if lent or not citations else [Fraction(0)]


def sources_component(trusts):
    """The source-trust component of a story: the mean trust of the distinct sources it
    cites (``lent_trusts``), rounded half up; None when it cites none, rather than
    pretending to a zero."""
    trust = mean(trusts)
    return None if trust is None else round_half_up(trust)


def story_score(rows):
    """A story's reality score from its (value, weight) components; None while any is empty."""
    rows = list(rows)
    if not rows or any(value is None for value, _ in rows):
        return None
    return weighted_contributions(rows)[0]


# The evidence-stage component's value follows the story's rung on the readiness ladder
# (Assessment.Stage): each rung's central value, give or take STAGE_TOLERANCE. The
# methodology page prints this table; an editor who departs from it says why, and
# readers see the reason beside the value.
EVIDENCE_STAGE_SLUG = "evidence-stage"
STAGE_VALUES = {2: 10, 3: 30, 5: 40, 6: 50, 7: 65, 8: 85, 9: 95}
STAGE_TOLERANCE = 5


def stage_value_range(stage):
    """The (lowest, highest) evidence-stage value the rule allows for ``stage``."""
    centre = STAGE_VALUES[stage]
    return max(0, centre - STAGE_TOLERANCE), min(100, centre + STAGE_TOLERANCE)


def follows_stage_rule(stage, value):
    low, high = stage_value_range(stage)
    return low <= value <= high
