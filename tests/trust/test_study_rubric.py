"""The study rule proposes the evidence stage from the cited works (trust/study_rubric.py):
the strongest standing work, by its design and size, less a discount for a work whose
peer review is not known; a story of reports alone gets no proposal."""

import pytest

from trust import study_labels
from trust.models import Citation
from trust.study_rubric import (
    DESIGN_VALUES,
    STUDY_TOLERANCE,
    UNREVIEWED_DISCOUNT,
    Proposal,
    Work,
    design_value,
    propose,
)


def work(design, participants=None, peer_review="reviewed", status="standing"):
    return Work(design=design, participants=participants, peer_review=peer_review, status=status)


def test_every_ranked_design_is_a_design_editors_can_choose_and_every_design_has_a_label():
    assert set(DESIGN_VALUES) <= set(Citation.Design.values)
    assert set(study_labels.DESIGNS) == set(Citation.Design.values)


def test_the_ladder_of_designs_runs_from_reviews_and_large_trials_down_to_preprints():
    ladder = [
        design_value("review", 5000),
        design_value("rct", 1800),
        design_value("rct", 300),
        design_value("cohort", 20000),
        design_value("cohort", 200),
        design_value("case_control", 400),
        design_value("case_series", 12),
        design_value("animal", 40),
        design_value("in_vitro", 6),
        design_value("modelling", None),
        design_value("preprint", None),
    ]
    assert ladder == sorted(ladder, reverse=True)
    assert ladder == [90, 85, 65, 60, 50, 45, 40, 35, 25, 20, 10]


@pytest.mark.parametrize(
    ("participants", "value"),
    [(17604, 85), (1000, 85), (999, 65), (157, 65), (100, 65), (99, 50), (12, 50), (None, 50)],
)
def test_a_trial_proposes_by_its_size_and_counts_as_small_when_its_size_is_not_given(
    participants, value
):
    assert propose([work("rct", participants)]).value == value


def test_the_strongest_work_proposes_and_is_named_by_its_place():
    works = [work("report"), work("case_series", 2), work("rct", 17604), work("animal", 30)]
    assert propose(works) == Proposal(value=85, index=2, discounted=False)


def test_a_tie_goes_to_the_first_work():
    assert propose([work("rct", 2000), work("rct", 5000)]).index == 0


def test_a_retracted_work_proposes_nothing_however_strong():
    works = [work("rct", 5000, status="retracted"), work("animal", 20)]
    assert propose(works) == Proposal(value=35, index=1, discounted=False)
    assert propose([work("review", 9000, status="retracted")]) is None


@pytest.mark.parametrize(
    ("peer_review", "status"),
    [("not_reviewed", "standing"), ("unknown", "standing"), ("reviewed", "concern")],
)
def test_a_work_not_known_to_be_reviewed_or_under_concern_is_discounted(peer_review, status):
    proposal = propose([work("rct", 2000, peer_review=peer_review, status=status)])
    assert proposal.value == 85 - UNREVIEWED_DISCOUNT
    assert proposal.discounted


def test_a_corrected_reviewed_work_is_not_discounted():
    assert propose([work("rct", 2000, status="corrected")]).value == 85


def test_a_preprint_is_not_discounted_twice():
    assert propose([work("preprint", peer_review="not_reviewed")]) == Proposal(10, 0, False)


def test_a_reviewed_registry_record_loses_to_the_reviewed_paper_of_the_same_trial():
    works = [work("rct", peer_review="not_reviewed"), work("rct", 17604)]
    assert propose(works).index == 1


@pytest.mark.parametrize("designs", [[], ["report"], ["report", "other", ""], ["news"]])
def test_reports_news_other_kinds_and_undescribed_works_propose_nothing(designs):
    assert propose([work(design) for design in designs]) is None


def test_the_value_may_stand_within_the_tolerance_of_the_proposal():
    proposal = Proposal(value=40, index=0, discounted=False)
    assert (proposal.low, proposal.high) == (40 - STUDY_TOLERANCE, 40 + STUDY_TOLERANCE)
    assert proposal.allows(30) and proposal.allows(50) and proposal.allows(45)
    assert not proposal.allows(29) and not proposal.allows(51) and not proposal.allows(95)


def test_the_allowed_range_stays_between_0_and_100():
    assert (Proposal(95, 0, False).low, Proposal(95, 0, False).high) == (85, 100)
    assert (Proposal(5, 0, False).low, Proposal(5, 0, False).high) == (0, 15)
